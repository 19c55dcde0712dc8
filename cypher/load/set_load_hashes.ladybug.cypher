// Loader: mark papers complete once all their rows are written (bulk path; a paper without it is rewritten).
// $rows is an Arrow table (id, load_hash) scanned in the engine: no per-row parameter conversion.
LOAD FROM $rows
MATCH (p:Paper {id: id})
SET p.load_hash = load_hash
