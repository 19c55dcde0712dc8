// Question: How often is a concept mentioned over time?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "reinforcement learning")
// Returns: one row per year: year, papers (papers of that year mentioning the concept);
//   oldest first. Papers without a year are left out.
WITH toLower($name) AS key
MATCH (c:Concept)
WHERE toLower(c.name) = key OR toLower(c.acronym) = key OR any(alias IN c.aliases WHERE toLower(alias) = key)
MATCH (p:Paper)-[:MENTIONS]->(c)
WHERE p.year IS NOT NULL
RETURN p.year AS year, count(DISTINCT p) AS papers
ORDER BY year
