// Analytics (read): every authorship as author and paper ids, for the community reports.
MATCH (a:Author)-[:AUTHORED]->(p:Paper)
RETURN a.id AS author, p.id AS paper
