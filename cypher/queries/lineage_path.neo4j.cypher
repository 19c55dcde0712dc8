// Question: How are two concepts connected in the lineage graph?
// Parameters:
//   $from  a concept name, acronym or alias (example: "GRAE")
//   $to    another concept name, acronym or alias (example: "GRPO")
// Returns: one row per shortest connecting path (up to 10 hops, either direction):
//   hops, concepts (names along the path), years (their first appearance),
//   evidence (the kind of each lineage edge: stated, morphology, ...).
WITH toLower($from) AS from_key, toLower($to) AS to_key
MATCH (a:Concept)
WHERE toLower(a.name) = from_key OR toLower(a.acronym) = from_key OR any(alias IN a.aliases WHERE toLower(alias) = from_key)
MATCH (b:Concept)
WHERE toLower(b.name) = to_key OR toLower(b.acronym) = to_key OR any(alias IN b.aliases WHERE toLower(alias) = to_key)
MATCH path = shortestPath((a)-[:LINEAGE*1..10]-(b))
RETURN length(path) AS hops,
       [n IN nodes(path) | n.name] AS concepts,
       [n IN nodes(path) | n.first_year] AS years,
       [r IN relationships(path) | r.evidence] AS evidence
ORDER BY hops
