// Analytics (read): the communities of the last run with their members (community: its rank, 0 = largest).
MATCH (a:Author)-[:IN_COMMUNITY]->(c:Community)
RETURN c.rank AS community, c.size AS size, c.papers AS papers, c.modularity AS modularity,
       c.algorithm AS algorithm, a.id AS author, a.name AS name
