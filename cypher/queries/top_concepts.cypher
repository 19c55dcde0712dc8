// Question: Which concepts of a kind are mentioned most?
// Parameters:
//   $kind  METHOD, DATASET, BENCHMARK, TASK or METRIC, in any case (example: "METHOD")
// Returns: concept, acronym, papers (papers mentioning it), first_year, proposed (papers that
//   propose it); most mentioned first, top 25.
MATCH (c:Concept)
WHERE c.kind = toUpper($kind)
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(c)
WITH c, count(DISTINCT p) AS papers
OPTIONAL MATCH (q:Paper)-[:PROPOSES]->(c)
RETURN c.name AS concept, c.acronym AS acronym, papers, c.first_year AS first_year, count(DISTINCT q) AS proposed
ORDER BY papers DESC, concept
LIMIT 25
