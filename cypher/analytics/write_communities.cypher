// Analytics (write): one Community node per row ($rows: id, size, papers, modularity, algorithm).
UNWIND $rows AS row
MERGE (c:Community {id: row.id})
SET c.size = row.size, c.papers = row.papers, c.modularity = row.modularity, c.algorithm = row.algorithm
