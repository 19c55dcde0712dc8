// Analytics (read): every concept with its stored trend figures and resolution record.
MATCH (c:Concept)
RETURN c.id AS id, c.name AS name, c.kind AS kind, c.aliases AS aliases, c.acronym AS acronym,
       c.merge_rules AS merge_rules, c.first_year AS first_year, c.mentions AS mentions, c.burst AS burst
