// Question: Which communities introduced a concept, and which adopted it later?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "GNNs")
// Returns: one row per community whose papers mention the concept: community (its rank by
//   size), since (its
//   first year mentioning it), papers, role ("introduced" when that year is the concept's
//   first year, else "adopted"); earliest first.
WITH toLower($name) AS key
MATCH (c:Concept)
WHERE toLower(c.name) = key OR toLower(c.acronym) = key OR any(alias IN c.aliases WHERE toLower(alias) = key)
MATCH (k:Community)<-[:IN_COMMUNITY]-(:Author)-[:AUTHORED]->(p:Paper)-[:MENTIONS]->(c)
WHERE p.year IS NOT NULL
WITH c, k, min(p.year) AS since, count(DISTINCT p) AS papers
RETURN k.rank AS community, since, papers,
       CASE WHEN since <= c.first_year THEN 'introduced' ELSE 'adopted' END AS role
ORDER BY since, community
