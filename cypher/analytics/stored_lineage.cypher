// Analytics (read): the LINEAGE edges the last run left (child id, parent id and properties).
MATCH (c:Concept)-[l:LINEAGE]->(p:Concept)
RETURN c.id AS src, p.id AS dst, l.evidence AS evidence, l.sentences AS sentences, l.papers AS papers,
       l.child_year AS child_year, l.parent_year AS parent_year
