// Loader: the stored fingerprint of every paper, to skip unchanged papers and replace changed ones.
MATCH (p:Paper)
RETURN p.id AS id, p.load_hash AS load_hash, p.content_hash AS content_hash
