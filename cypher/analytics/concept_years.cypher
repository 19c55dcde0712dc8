// Analytics (read): for the concepts with ids from $first to $last, the distinct papers naming each
// (mentions and proposals) per publication year (null: undated).
MATCH (p:Paper)-[:MENTIONS|PROPOSES]->(c:Concept)
WHERE c.id >= $first AND c.id <= $last
WITH DISTINCT c.id AS concept, p.id AS paper, p.year AS year
RETURN concept, year, count(paper) AS papers
