// Loader (an update of a store the last complete build left): the concepts the results of papers
// about to be removed refer to.
UNWIND $ids AS id
MATCH (:Paper {id: id})-[:REPORTS]->(:Result)-[:`ON`|MEASURED_BY|FOR_METHOD]->(n:Concept)
RETURN DISTINCT n.id AS id
