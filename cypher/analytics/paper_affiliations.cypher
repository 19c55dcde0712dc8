// Analytics (read): the organisations each paper lists.
MATCH (p:Paper)-[:AFFILIATED_WITH]->(o:Affiliation)
RETURN p.id AS paper, o.name AS name
