// Loader (an update of a store the last complete build left): those of the concepts $ids no paper,
// result or derivation refers to any more are removed (remove_orphan_concepts, scoped; analytics
// edges do not count).
UNWIND $ids AS id
MATCH (n:Concept {id: id})
WHERE NOT EXISTS { MATCH (n)-[:MENTIONS|PROPOSES|DERIVED_FROM|`ON`|MEASURED_BY|FOR_METHOD]-() }
WITH n
DETACH DELETE n
RETURN count(n) AS removed
