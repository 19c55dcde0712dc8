// Loader (an update of a store the last complete build left): the authors of papers about to be
// removed, the only authors the removal can leave without a paper.
UNWIND $ids AS id
MATCH (n:Author)-[:AUTHORED]->(:Paper {id: id})
RETURN DISTINCT n.id AS id
