// Analytics (read): every authorship, for the co-authorship graph, as node keys (authors gives the
// author's too).
MATCH (a:Author)-[:AUTHORED]->(p:Paper)
RETURN a.id AS author, p.id AS paper
