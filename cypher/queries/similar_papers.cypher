// Question: Which papers are most similar to a paper, by the concepts they share?
// Parameters:
//   $paper  a paper id or exact title, in any case (example: "Natural Graph Networks")
// Returns: paper, year, shared (number of shared concepts), jaccard (shared / union of the two
//   papers' concepts), concepts (the shared ones, by name); most similar first, top 10.
WITH toLower($paper) AS key
MATCH (p:Paper)
WHERE p.id = $paper OR toLower(p.title) = key
MATCH (p)-[:MENTIONS]->(pc:Concept)
WITH p, count(DISTINCT pc) AS p_size
MATCH (p)-[:MENTIONS]->(c:Concept)<-[:MENTIONS]-(q:Paper)
WHERE q <> p
WITH DISTINCT p_size, q, c
ORDER BY c.name SKIP 0
WITH p_size, q, count(c) AS shared, collect(c.name) AS concepts
MATCH (q)-[:MENTIONS]->(qc:Concept)
WITH q, shared, concepts, p_size, count(DISTINCT qc) AS q_size
RETURN q.title AS paper, q.year AS year, shared, 1.0 * shared / (p_size + q_size - shared) AS jaccard, concepts
ORDER BY jaccard DESC, shared DESC, paper
LIMIT 10
