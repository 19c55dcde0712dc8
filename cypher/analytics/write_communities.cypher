// Analytics (write): one Community node per row ($rows: id = its stable key, rank, size, papers, modularity,
// algorithm). CREATE, not MERGE: only communities the store does not hold yet come here (the others go to
// update_communities).
UNWIND $rows AS row
CREATE (c:Community {id: row.id, rank: row.rank, size: row.size, papers: row.papers, modularity: row.modularity,
                     algorithm: row.algorithm})
