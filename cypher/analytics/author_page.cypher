// Analytics (read): the next page of authors in id order ($after: the last id of the previous page, $limit),
// with the community the last run gave each (property and edges), so a run rewrites only what changed.
MATCH (a:Author)
WHERE a.id > $after
WITH a ORDER BY a.id LIMIT $limit
OPTIONAL MATCH (a)-[:IN_COMMUNITY]->(c:Community)
RETURN a.id AS id, a.community AS community, collect(c.id) AS linked
ORDER BY id
