// Loader: authors left without any paper after a replace are removed, as a clean build would not have them.
MATCH (n:Author)
WHERE NOT EXISTS { MATCH (n)-[:AUTHORED]->() }
WITH n
DETACH DELETE n
RETURN count(n) AS removed
