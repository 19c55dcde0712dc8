// Loader: remove the DERIVED_FROM edges whose evidence comes from these papers.
MATCH ()-[d:DERIVED_FROM]->()
WHERE d.paper_id IN $ids
DELETE d
