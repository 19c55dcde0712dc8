// Question: What has an author written?
// Parameters:
//   $name  an author's name or alias, in any case (example: "Taco Cohen")
// Returns: one row per paper: author (the name as the graph holds it), title, date (at the
//   precision the listing gave), year, position (1 = first author), proposes (names of the
//   concepts the paper introduces); newest first.
WITH toLower($name) AS key
MATCH (a:Author)
WHERE toLower(a.name) = key OR any(alias IN a.aliases WHERE toLower(alias) = key)
MATCH (a)-[w:AUTHORED]->(p:Paper)
OPTIONAL MATCH (p)-[:PROPOSES]->(c:Concept)
WITH a, p, w, c.name AS proposed
ORDER BY proposed SKIP 0
RETURN a.name AS author, p.title AS title, p.date AS date, p.year AS year, w.position + 1 AS position, collect(DISTINCT proposed) AS proposes
ORDER BY date DESC, title
