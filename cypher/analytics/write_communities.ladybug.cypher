// Analytics (write): one Community node per row ($rows: an Arrow table with id = its stable key, rank, size,
// papers, modularity, algorithm). CREATE, not MERGE: only communities the store does not hold yet come here
// (the others go to update_communities).
LOAD FROM $rows
CREATE (c:Community {id: id, rank: rank, size: size, papers: papers, modularity: modularity, algorithm: algorithm})
