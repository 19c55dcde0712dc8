// Loader (an update of a store the last complete build left): the affiliations papers about to be
// removed list, the only ones the removal can leave unlisted.
UNWIND $ids AS id
MATCH (:Paper {id: id})-[:AFFILIATED_WITH]->(n:Affiliation)
RETURN DISTINCT n.id AS id
