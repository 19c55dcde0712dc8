// Question: Who is in a co-authorship community, and what does it propose?
// Parameters:
//   $community  a community id (example: 2)
// Returns: one row per member: member, papers (the member's papers), proposes (concepts the
//   member's papers introduce), affiliations (organisations on the member's papers);
//   most papers first.
MATCH (c:Community {id: $community})<-[:IN_COMMUNITY]-(a:Author)-[:AUTHORED]->(p:Paper)
OPTIONAL MATCH (p)-[:PROPOSES]->(k:Concept)
OPTIONAL MATCH (p)-[:AFFILIATED_WITH]->(o:Affiliation)
RETURN a.name AS member, count(DISTINCT p) AS papers, collect(DISTINCT k.name) AS proposes,
       collect(DISTINCT o.name) AS affiliations
ORDER BY papers DESC, member
