// Question: Who are an author's co-authors?
// Parameters:
//   $name  an author's name or alias, in any case (example: "Max Welling")
// Returns: coauthor, papers (papers written together), community (the co-author's
//   community number, when analytics ran); most shared papers first.
WITH toLower($name) AS key
MATCH (a:Author)
WHERE toLower(a.name) = key OR any(alias IN a.aliases WHERE toLower(alias) = key)
MATCH (a)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(co:Author)
WHERE co <> a
WITH co, count(DISTINCT p) AS papers
OPTIONAL MATCH (co)-[:IN_COMMUNITY]->(k:Community)
RETURN co.name AS coauthor, papers, k.rank AS community
ORDER BY papers DESC, coauthor
