// Analytics (read): every LINEAGE edge with both ends' names, for lineage reports.
MATCH (c:Concept)-[l:LINEAGE]->(p:Concept)
RETURN c.id AS child_id, c.name AS child, c.kind AS child_kind, c.first_year AS child_first_year,
       p.id AS parent_id, p.name AS parent, p.kind AS parent_kind, p.first_year AS parent_first_year,
       l.evidence AS evidence, l.sentences AS sentences, l.papers AS papers,
       l.child_year AS child_year, l.parent_year AS parent_year
