// Analytics (write): new figures on existing Community nodes ($rows: an Arrow table with id, size, papers,
// modularity, algorithm).
LOAD FROM $rows
MATCH (c:Community {id: id})
SET c.size = size, c.papers = papers, c.modularity = modularity, c.algorithm = algorithm
