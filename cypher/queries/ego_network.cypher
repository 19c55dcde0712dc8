// Question: What is an author's ego network: their papers, co-authors and what the papers propose?
// Parameters:
//   $name  an author's name or alias, in any case (example: "Jade Copet")
// Returns: one row per edge: src, src_label, type, dst, dst_label (node ids and labels), for
//   AUTHORED edges of the author and co-authors on the author's papers, and the PROPOSES edges
//   of those papers. `kg viz author` and `kg export --subgraph author:NAME` draw it.
WITH toLower($name) AS key
MATCH (a:Author)
WHERE toLower(a.name) = key OR any(alias IN a.aliases WHERE toLower(alias) = key)
MATCH (a)-[:AUTHORED]->(p:Paper)<-[:AUTHORED]-(co:Author)
RETURN co.id AS src, 'Author' AS src_label, 'AUTHORED' AS type, p.id AS dst, 'Paper' AS dst_label
UNION
WITH toLower($name) AS key
MATCH (a:Author)
WHERE toLower(a.name) = key OR any(alias IN a.aliases WHERE toLower(alias) = key)
MATCH (a)-[:AUTHORED]->(p:Paper)-[:PROPOSES]->(c:Concept)
RETURN p.id AS src, 'Paper' AS src_label, 'PROPOSES' AS type, c.id AS dst, 'Concept' AS dst_label
