// Benchmark reference only: remove the papers the naive loader wrote to a Neo4j server.
// Parameters: $ids (list of paper ids).
MATCH (p:Paper)
WHERE p.id IN $ids
DETACH DELETE p
