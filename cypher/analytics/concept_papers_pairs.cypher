// Analytics (read): every (concept, paper) edge naming a concept (mentions and proposals), as node keys
// that concept_table and paper_years also return; a pair named twice is counted once by the caller.
MATCH (p:Paper)-[:MENTIONS|PROPOSES]->(c:Concept)
RETURN c.id AS concept, p.id AS paper
