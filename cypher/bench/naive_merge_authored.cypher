// Benchmark reference only: the naive loader, one round trip and one MERGE per authorship row.
// Parameters: $author (author id), $paper (paper id), $position.
MATCH (a:Author {id: $author})
MATCH (p:Paper {id: $paper})
MERGE (a)-[r:AUTHORED]->(p)
SET r.position = $position
