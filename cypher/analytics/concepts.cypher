// Analytics (read): every concept with the names lineage morphology compares.
MATCH (c:Concept)
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.aliases AS aliases, c.acronym AS acronym
