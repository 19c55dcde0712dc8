// Analytics (write): LINEAGE edges the new run does not have as stored ($rows: src = child id, dst = parent id).
UNWIND $rows AS row
MATCH (c:Concept {id: row.src})-[l:LINEAGE]->(p:Concept {id: row.dst})
DELETE l
