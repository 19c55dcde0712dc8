// Analytics (read): every concept, in the store's order (the run sorts them by id as it computes): the
// names lineage morphology compares, the trend figures the last run stored, and its node offset (node), as
// concept_papers_pairs gives it.
MATCH (c:Concept)
RETURN c.id AS id, offset(id(c)) AS node, c.name AS name, c.kind AS kind, c.aliases AS aliases,
       c.acronym AS acronym, c.first_year AS first_year, c.mentions AS mentions, c.burst AS burst
