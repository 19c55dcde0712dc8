// Question: Which organisations work on a concept?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "reinforcement learning")
// Returns: affiliation, known (false when its slug is not in the curated table), papers
//   (their papers mentioning the concept), since (the earliest year); most papers first.
WITH toLower($name) AS key
MATCH (c:Concept)
WHERE toLower(c.name) = key OR toLower(c.acronym) = key OR any(alias IN c.aliases WHERE toLower(alias) = key)
MATCH (o:Affiliation)<-[:AFFILIATED_WITH]-(p:Paper)-[:MENTIONS]->(c)
RETURN o.name AS affiliation, o.known AS known, count(DISTINCT p) AS papers, min(p.year) AS since
ORDER BY papers DESC, affiliation
