// Question: What results have been reported for a method?
// Parameters:
//   $name  a method's name, acronym or alias, in any case (example: "LASER-D")
// Returns: one row per result: benchmark, metric, value, paper, year; by benchmark, newest first.
WITH toLower($name) AS key
MATCH (m:Concept)
WHERE toLower(m.name) = key OR toLower(m.acronym) = key OR any(alias IN m.aliases WHERE toLower(alias) = key)
MATCH (p:Paper)-[:REPORTS]->(r:Result)-[:FOR_METHOD]->(m)
MATCH (r)-[:`ON`]->(b:Concept)
OPTIONAL MATCH (r)-[:MEASURED_BY]->(x:Concept)
RETURN b.name AS benchmark, coalesce(x.name, '') AS metric, r.value AS value, p.title AS paper, p.year AS year
ORDER BY benchmark, year DESC, paper
