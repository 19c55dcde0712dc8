// Question: Who are an author's co-authors?
// Parameters:
//   $name  an author's name or alias, in any case (example: "Ada Park")
// Returns: coauthor, papers (papers written together), community (the co-author's
//   community id, when analytics ran); most shared papers first.
WITH toLower($name) AS key
MATCH (a:Author)
WHERE toLower(a.name) = key OR any(alias IN a.aliases WHERE toLower(alias) = key)
MATCH (a)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(co:Author)
WHERE co <> a
RETURN co.name AS coauthor, count(DISTINCT p) AS papers, co.community AS community
ORDER BY papers DESC, coauthor
