// Analytics (write): LINEAGE edges the new run does not have as stored ($rows: an Arrow table with src = child id,
// dst = parent id).
LOAD FROM $rows
MATCH (c:Concept {id: src})-[l:LINEAGE]->(p:Concept {id: dst})
DELETE l
