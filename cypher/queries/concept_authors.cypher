// Question: Who works on a concept?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "GNNs")
// Returns: author, papers (how many of the author's papers mention the concept), titles;
//   most papers first.
WITH toLower($name) AS key
MATCH (c:Concept)
WHERE toLower(c.name) = key OR toLower(c.acronym) = key OR any(alias IN c.aliases WHERE toLower(alias) = key)
MATCH (a:Author)-[:AUTHORED]->(p:Paper)-[:MENTIONS]->(c)
WITH a, p, p.title AS title
ORDER BY title SKIP 0
RETURN a.name AS author, count(DISTINCT p) AS papers, collect(DISTINCT title) AS titles
ORDER BY papers DESC, author
