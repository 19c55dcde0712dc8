// Question: How many papers does the graph hold per year?
// Parameters: none
// Returns: one row per year: year, papers; oldest first. Papers without a year are left out.
MATCH (p:Paper)
WHERE p.year IS NOT NULL
RETURN p.year AS year, count(p) AS papers
ORDER BY year
