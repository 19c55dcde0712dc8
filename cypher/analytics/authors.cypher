// Analytics (read): every author in id order, with its key as authorship_nodes gives it (node) and the
// keys of the communities the last run linked it to, so a run rewrites only what changed. One query:
// the co-authorship graph needs every author.
MATCH (a:Author)
OPTIONAL MATCH (a)-[:IN_COMMUNITY]->(c:Community)
RETURN a.id AS id, a.id AS node, collect(c.id) AS linked
ORDER BY id
