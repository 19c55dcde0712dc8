// Loader: concepts no paper, result or derivation refers to any more are removed (analytics edges do not count).
MATCH (n:Concept)
WHERE NOT EXISTS { MATCH (n)-[:MENTIONS|PROPOSES|DERIVED_FROM|`ON`|MEASURED_BY|FOR_METHOD]-() }
WITH n
DETACH DELETE n
RETURN count(n) AS removed
