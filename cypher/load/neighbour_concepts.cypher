// Loader (an update of a store the last complete build left): the concepts papers about to be
// removed mention or propose, the only ones (with those of neighbour_result_concepts and
// neighbour_derived_concepts) the removal can leave unreferenced.
UNWIND $ids AS id
MATCH (:Paper {id: id})-[:MENTIONS|PROPOSES]->(n:Concept)
RETURN DISTINCT n.id AS id
