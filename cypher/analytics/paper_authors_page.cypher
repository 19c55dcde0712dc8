// Analytics (read): the next page of papers in id order ($after, $limit), each with its authors' ids.
MATCH (p:Paper)
WHERE p.id > $after
WITH p ORDER BY p.id LIMIT $limit
OPTIONAL MATCH (a:Author)-[:AUTHORED]->(p)
RETURN p.id AS id, collect(a.id) AS authors
ORDER BY id
