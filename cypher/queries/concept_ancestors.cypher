// Question: What does this method build on, directly or through others?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "A-GRAE")
// Returns: ancestor, kind, year (its first appearance), depth (1 = direct parent);
//   nearest first. Follows the LINEAGE edges written by the analytics stage.
WITH toLower($name) AS key
MATCH (leaf:Concept)
WHERE toLower(leaf.name) = key OR toLower(leaf.acronym) = key OR any(alias IN leaf.aliases WHERE toLower(alias) = key)
MATCH path = (leaf)-[:LINEAGE*1..10]->(a:Concept)
RETURN a.name AS ancestor, a.kind AS kind, a.first_year AS year, min(length(path)) AS depth
ORDER BY depth, year, ancestor
