// Analytics (read): every paper's key (as concept_papers_pairs gives it) and publication year (null: undated).
MATCH (p:Paper)
RETURN p.id AS paper, p.year AS year
