// Question: What lineage edges does the graph hold?
// Parameters: none
// Returns: one row per LINEAGE edge: child, parent, evidence (stated, morphology, ...),
//   child_year, parent_year, papers (ids of the papers stating it); by parent, then child.
MATCH (c:Concept)-[l:LINEAGE]->(b:Concept)
RETURN c.name AS child, b.name AS parent, l.evidence AS evidence,
       l.child_year AS child_year, l.parent_year AS parent_year, l.papers AS papers
ORDER BY parent, child
