// Benchmark reference only: the naive loader, one round trip and one MERGE per paper row.
// Parameters: $id (paper id), $title.
MERGE (p:Paper {id: $id})
SET p.title = $title
