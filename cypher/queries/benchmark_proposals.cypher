// Question: Which papers propose methods that are evaluated on a benchmark?
// Parameters:
//   $benchmark  a benchmark or data set name, acronym or alias, in any case (example: "AIME 2024")
// Returns: paper, year, method (the method the paper proposes), results (values reported for
//   that method on the benchmark, by any paper); newest first.
WITH toLower($benchmark) AS key
MATCH (b:Concept)
WHERE toLower(b.name) = key OR toLower(b.acronym) = key OR any(alias IN b.aliases WHERE toLower(alias) = key)
MATCH (r:Result)-[:`ON`]->(b)
MATCH (r)-[:FOR_METHOD]->(m:Concept)<-[:PROPOSES]-(p:Paper)
WITH p, m, r.value AS value
ORDER BY value SKIP 0
RETURN p.title AS paper, p.year AS year, m.name AS method, collect(DISTINCT value) AS results
ORDER BY year DESC, paper
