// Question: How many papers mention each concept, year by year?
// Parameters:
//   $min_papers  leave out concepts mentioned by fewer papers in all (example: 2)
// Returns: one row per concept and year: concept, kind, year, papers; by concept, oldest first.
MATCH (p:Paper)-[:MENTIONS]->(c:Concept)
WITH c, count(DISTINCT p) AS total
WHERE total >= $min_papers
MATCH (p:Paper)-[:MENTIONS]->(c)
WHERE p.year IS NOT NULL
RETURN c.name AS concept, c.kind AS kind, p.year AS year, count(DISTINCT p) AS papers
ORDER BY concept, year
