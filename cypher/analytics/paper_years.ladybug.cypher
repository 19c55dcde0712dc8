// Analytics (read): every paper's node offset (as concept_papers_pairs gives it) and year (null: undated).
MATCH (p:Paper)
RETURN offset(id(p)) AS paper, p.year AS year
