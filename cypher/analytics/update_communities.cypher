// Analytics (write): new figures on existing Community nodes ($rows: id = stable key, rank, size, papers,
// modularity, algorithm): a community keeps its node when its rank changes.
UNWIND $rows AS row
MATCH (c:Community {id: row.id})
SET c.rank = row.rank, c.size = row.size, c.papers = row.papers, c.modularity = row.modularity,
    c.algorithm = row.algorithm
