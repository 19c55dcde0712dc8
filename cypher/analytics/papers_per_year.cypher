// Analytics (read): papers per year (null: undated), the denominators of the trend statistics.
MATCH (p:Paper)
RETURN p.year AS year, count(*) AS papers
