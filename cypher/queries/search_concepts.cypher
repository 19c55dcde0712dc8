// Question: Which concepts have a name containing some text?
// Parameters:
//   $text  part of a name, acronym or alias, in any case (example: "policy")
// Returns: concept, kind, acronym, papers (papers mentioning it); most mentioned first, top 25.
WITH toLower($text) AS key
MATCH (c:Concept)
WHERE toLower(c.name) CONTAINS key OR toLower(c.acronym) CONTAINS key
   OR any(alias IN c.aliases WHERE toLower(alias) CONTAINS key)
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(c)
RETURN c.name AS concept, c.kind AS kind, c.acronym AS acronym, count(DISTINCT p) AS papers
ORDER BY papers DESC, concept
LIMIT 25
