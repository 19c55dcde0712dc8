// Analytics (read): every authorship, for the co-authorship graph.
MATCH (a:Author)-[:AUTHORED]->(p:Paper)
RETURN a.id AS author, p.id AS paper
