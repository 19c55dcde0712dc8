// Benchmark reference only: the naive loader, one round trip and one MERGE per author row.
// Parameters: $id (author id), $name.
MERGE (a:Author {id: $id})
SET a.name = $name
