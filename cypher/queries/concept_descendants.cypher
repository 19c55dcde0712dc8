// Question: Which methods derive from this one, directly or through others?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "PPO")
// Returns: descendant, kind, year (its first appearance), depth (1 = derives directly);
//   nearest and oldest first. Follows the LINEAGE edges written by the analytics stage.
WITH toLower($name) AS key
MATCH (root:Concept)
WHERE toLower(root.name) = key OR toLower(root.acronym) = key OR any(alias IN root.aliases WHERE toLower(alias) = key)
MATCH path = (d:Concept)-[:LINEAGE*1..10]->(root)
RETURN d.name AS descendant, d.kind AS kind, d.first_year AS year, min(length(path)) AS depth
ORDER BY depth, year, descendant
