// Question: Which co-authorship community is an author in, and what does it work on?
// Parameters:
//   $name  an author's name or alias, in any case (example: "Jade Copet")
// Returns: one row per concept the community's papers mention: community (its rank by size, 0 =
//   largest), size, members,
//   concept, kind, papers (the community's papers mentioning it); most papers first, top 25.
//   Communities are written by the analytics stage.
WITH toLower($name) AS key
MATCH (a:Author)
WHERE toLower(a.name) = key OR any(alias IN a.aliases WHERE toLower(alias) = key)
MATCH (a)-[:IN_COMMUNITY]->(c:Community)<-[:IN_COMMUNITY]-(m:Author)
WITH c, m.name AS member
ORDER BY member SKIP 0
WITH c, collect(DISTINCT member) AS members
MATCH (c)<-[:IN_COMMUNITY]-(:Author)-[:AUTHORED]->(p:Paper)-[:MENTIONS]->(k:Concept)
RETURN c.rank AS community, c.size AS size, members, k.name AS concept, k.kind AS kind, count(DISTINCT p) AS papers
ORDER BY papers DESC, concept
LIMIT 25
