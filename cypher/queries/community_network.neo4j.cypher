// Question: What does a co-authorship community look like: its members and their papers?
// Parameters:
//   $community  a community's number: its rank by size, 0 the largest (example: 0)
// Returns: one row per edge: src, src_label, type, dst, dst_label (node ids and labels): the
//   members' IN_COMMUNITY edges and their AUTHORED edges. `kg viz community` draws it.
MATCH (a:Author)-[:IN_COMMUNITY]->(k:Community)
WHERE k.rank = $community
RETURN a.id AS src, 'Author' AS src_label, 'IN_COMMUNITY' AS type, toString(k.id) AS dst, 'Community' AS dst_label
UNION
MATCH (a:Author)-[:IN_COMMUNITY]->(k:Community)
WHERE k.rank = $community
MATCH (a)-[:AUTHORED]->(p:Paper)
RETURN a.id AS src, 'Author' AS src_label, 'AUTHORED' AS type, p.id AS dst, 'Paper' AS dst_label
