// Analytics (read): explicit derived-from statements (new -> base) with their evidence.
MATCH (n:Concept)-[d:DERIVED_FROM]->(b:Concept)
RETURN n.id AS new_id, b.id AS base_id, d.relation AS relation, d.paper_id AS paper_id, d.sentence AS sentence
