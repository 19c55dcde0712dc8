// Loader (an update of a store the last complete build left): both ends of the DERIVED_FROM edges
// whose evidence comes from papers about to be removed.
MATCH (a:Concept)-[d:DERIVED_FROM]->(b:Concept)
WHERE d.paper_id IN $ids
UNWIND [a.id, b.id] AS id
RETURN DISTINCT id
