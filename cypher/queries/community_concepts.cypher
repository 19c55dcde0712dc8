// Question: Which concepts does each co-authorship community work on most?
// Parameters:
//   $per_community  how many concepts to keep per community (example: 3)
// Returns: one row per community and concept: community (its rank by size), size, concept, kind, papers (the
//   community's papers mentioning it), rank (1 = most papers); by community, then rank.
MATCH (k:Community)<-[:IN_COMMUNITY]-(:Author)-[:AUTHORED]->(p:Paper)-[:MENTIONS]->(c:Concept)
WITH k, c, count(DISTINCT p) AS papers
WITH k, c, papers
MATCH (k)<-[:IN_COMMUNITY]-(:Author)-[:AUTHORED]->(q:Paper)-[:MENTIONS]->(other:Concept)
WITH k, c, papers, other, count(DISTINCT q) AS other_papers
WITH k, c, papers,
     count(CASE WHEN other_papers > papers OR (other_papers = papers AND other.name < c.name) THEN 1 END) AS ahead
WHERE ahead < $per_community
RETURN k.rank AS community, k.size AS size, c.name AS concept, c.kind AS kind, papers, ahead + 1 AS rank
ORDER BY community, rank
