// Analytics (read): the Community nodes the last run left, with their figures.
MATCH (c:Community)
RETURN c.id AS id, c.rank AS rank, c.size AS size, c.papers AS papers, c.modularity AS modularity,
       c.algorithm AS algorithm
