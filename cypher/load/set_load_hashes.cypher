// Loader: mark papers complete once all their rows are written (bulk path; a paper without it is rewritten).
UNWIND $rows AS row
MATCH (p:Paper {id: row.id})
SET p.load_hash = row.load_hash
