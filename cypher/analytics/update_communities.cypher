// Analytics (write): new figures on existing Community nodes ($rows: id, size, papers, modularity, algorithm).
UNWIND $rows AS row
MATCH (c:Community {id: row.id})
SET c.size = row.size, c.papers = row.papers, c.modularity = row.modularity, c.algorithm = row.algorithm
