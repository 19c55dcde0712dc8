// Analytics (write): new figures on existing Community nodes ($rows: an Arrow table with id = stable key,
// rank, size, papers, modularity, algorithm): a community keeps its node when its rank changes.
LOAD FROM $rows
MATCH (c:Community {id: id})
SET c.rank = rank, c.size = size, c.papers = papers, c.modularity = modularity, c.algorithm = algorithm
