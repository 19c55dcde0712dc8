// Loader: affiliations no paper lists any more are removed.
MATCH (n:Affiliation)
WHERE NOT EXISTS { MATCH ()-[:AFFILIATED_WITH]->(n) }
WITH n
DETACH DELETE n
RETURN count(n) AS removed
