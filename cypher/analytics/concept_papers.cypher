// Analytics (read): which papers name which concept (mentions and proposals), with the paper's date parts.
MATCH (p:Paper)-[:MENTIONS|PROPOSES]->(c:Concept)
RETURN DISTINCT c.id AS concept, p.id AS paper, p.year AS year, p.month AS month
