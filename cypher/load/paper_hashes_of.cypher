// Loader: the stored fingerprint of the given papers (a paper absent from the answer is new).
UNWIND $ids AS id
MATCH (p:Paper {id: id})
RETURN p.id AS id, p.load_hash AS load_hash
