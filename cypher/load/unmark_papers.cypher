// Loader: papers about to be replaced by difference lose their fingerprint first, in the transaction
// removing their rows that went: until the last one sets it again, the paper reads as incomplete.
UNWIND $ids AS id
MATCH (p:Paper {id: id})
SET p.load_hash = NULL
