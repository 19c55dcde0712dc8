// Analytics (write): one Community node per row ($rows: an Arrow table with id, size, papers, modularity, algorithm).
// CREATE, not MERGE: only communities the store does not hold yet come here (the others go to update_communities).
LOAD FROM $rows
CREATE (c:Community {id: id, size: size, papers: papers, modularity: modularity, algorithm: algorithm})
