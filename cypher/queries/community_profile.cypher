// Question: Who is in a co-authorship community, and what does it propose?
// Parameters:
//   $community  a community's number: its rank by size, 0 the largest (example: 2)
// Returns: one row per member: member, papers (the member's papers), proposes (concepts the
//   member's papers introduce), affiliations (organisations on the member's papers);
//   most papers first.
MATCH (c:Community)<-[:IN_COMMUNITY]-(a:Author)-[:AUTHORED]->(p:Paper)
WHERE c.rank = $community
OPTIONAL MATCH (p)-[:PROPOSES]->(k:Concept)
WITH a, k.name AS proposed
ORDER BY proposed SKIP 0
WITH a, collect(DISTINCT proposed) AS proposes
MATCH (a)-[:AUTHORED]->(p:Paper)
OPTIONAL MATCH (p)-[:AFFILIATED_WITH]->(o:Affiliation)
WITH a, proposes, p, o.name AS org
ORDER BY org SKIP 0
RETURN a.name AS member, count(DISTINCT p) AS papers, proposes, collect(DISTINCT org) AS affiliations
ORDER BY papers DESC, member
