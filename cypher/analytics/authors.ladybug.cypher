// Analytics (read): every author in id order, with its node offset (as authorship_nodes gives it) and the
// keys of the communities the last run linked it to, so a run rewrites only what changed.
MATCH (a:Author)
OPTIONAL MATCH (a)-[:IN_COMMUNITY]->(c:Community)
RETURN a.id AS id, offset(id(a)) AS node, collect(c.id) AS linked
ORDER BY id
