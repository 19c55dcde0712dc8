// Loader (an update of a store the last complete build left): those of the authors $ids left
// without any paper are removed (remove_orphan_authors, scoped to what the update's removals touched).
UNWIND $ids AS id
MATCH (n:Author {id: id})
WHERE NOT EXISTS { MATCH (n)-[:AUTHORED]->() }
WITH n
DETACH DELETE n
RETURN count(n) AS removed
