// Analytics (write): one Community node per row ($rows: id, size, papers, modularity, algorithm).
// CREATE, not MERGE: clear_communities removed every Community node first and ids are distinct.
UNWIND $rows AS row
CREATE (c:Community {id: row.id, size: row.size, papers: row.papers, modularity: row.modularity, algorithm: row.algorithm})
