// Analytics (read): every authorship, for the co-authorship graph, as node offsets (authors gives the
// author's too): integers are a third of the read and of the look-ups of string ids.
MATCH (a:Author)-[:AUTHORED]->(p:Paper)
RETURN offset(id(a)) AS author, offset(id(p)) AS paper
