// Analytics (read): which paper proposes which concept.
MATCH (p:Paper)-[:PROPOSES]->(c:Concept)
RETURN DISTINCT c.id AS concept, p.id AS paper
