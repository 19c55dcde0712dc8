// Analytics (read): the next page of concepts in id order ($after, $limit): the names lineage morphology
// compares and the trend figures the last run stored.
MATCH (c:Concept)
WHERE c.id > $after
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.aliases AS aliases, c.acronym AS acronym,
       c.first_year AS first_year, c.mentions AS mentions, c.burst AS burst
ORDER BY id LIMIT $limit
