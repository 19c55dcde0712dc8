// Loader (an update of a store the last complete build left): those of the affiliations $ids no
// paper lists any more are removed (remove_orphan_affiliations, scoped).
UNWIND $ids AS id
MATCH (n:Affiliation {id: id})
WHERE NOT EXISTS { MATCH ()-[:AFFILIATED_WITH]->(n) }
WITH n
DETACH DELETE n
RETURN count(n) AS removed
