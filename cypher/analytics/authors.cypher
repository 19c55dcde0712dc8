// Analytics (read): every author in id order, with the community the last run gave it (property and
// edges), so a run rewrites only what changed. One query: the co-authorship graph needs every author.
MATCH (a:Author)
OPTIONAL MATCH (a)-[:IN_COMMUNITY]->(c:Community)
RETURN a.id AS id, a.community AS community, collect(c.id) AS linked
ORDER BY id
