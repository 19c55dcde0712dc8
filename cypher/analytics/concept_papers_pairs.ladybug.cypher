// Analytics (read): every (concept, paper) edge naming a concept (mentions and proposals), as node
// offsets: integers, no string per edge (a fifth of the CPU of grouping the ids in the query). A pair
// named twice is counted once by the caller.
MATCH (p:Paper)-[:MENTIONS|PROPOSES]->(c:Concept)
RETURN offset(id(c)) AS concept, offset(id(p)) AS paper
