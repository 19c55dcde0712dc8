// Analytics (read): every paper's date parts (the denominators of the trend statistics).
MATCH (p:Paper)
RETURN p.id AS id, p.year AS year, p.month AS month, p.date AS date
