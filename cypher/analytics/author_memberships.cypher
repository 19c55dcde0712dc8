// Analytics (read): each IN_COMMUNITY edge the last run stored, as the author's key (as authors gives it)
// and the community's key, so a run rewrites only what changed.
MATCH (a:Author)-[:IN_COMMUNITY]->(c:Community)
RETURN a.id AS node, c.id AS community
