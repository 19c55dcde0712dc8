// Question: What is a concept's lineage: every LINEAGE edge on its ancestors' and descendants' paths?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "GRPO")
// Returns: one row per LINEAGE edge: src, src_label, type, dst, dst_label (node ids and
//   labels; src is the child, dst the parent). `kg viz lineage` draws it.
WITH toLower($name) AS key
MATCH (c:Concept)
WHERE toLower(c.name) = key OR toLower(c.acronym) = key OR any(alias IN c.aliases WHERE toLower(alias) = key)
MATCH (c)-[:LINEAGE*0..10]->(u:Concept)-[:LINEAGE]->(v:Concept)
RETURN u.id AS src, 'Concept' AS src_label, 'LINEAGE' AS type, v.id AS dst, 'Concept' AS dst_label
UNION
WITH toLower($name) AS key
MATCH (c:Concept)
WHERE toLower(c.name) = key OR toLower(c.acronym) = key OR any(alias IN c.aliases WHERE toLower(alias) = key)
MATCH (u:Concept)-[:LINEAGE]->(v:Concept)-[:LINEAGE*0..10]->(c)
RETURN u.id AS src, 'Concept' AS src_label, 'LINEAGE' AS type, v.id AS dst, 'Concept' AS dst_label
