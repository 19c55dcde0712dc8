// Question: Which concepts are trending in a period?
// Parameters:
//   $from  first year of the period (example: 2025)
//   $to    last year of the period (example: 2025)
// Returns: concept, kind, recent (papers in the period mentioning it), before (papers before
//   it), growth (recent / (before + 1)), first_year, burst (the analytics' burst score);
//   fastest growing first, top 25. Papers without a year are left out.
MATCH (p:Paper)-[:MENTIONS]->(c:Concept)
WHERE p.year IS NOT NULL AND p.year <= $to
WITH c,
     count(DISTINCT CASE WHEN p.year >= $from THEN p.id END) AS recent,
     count(DISTINCT CASE WHEN p.year < $from THEN p.id END) AS before
WHERE recent > 0
RETURN c.name AS concept, c.kind AS kind, recent, before, 1.0 * recent / (before + 1) AS growth,
       c.first_year AS first_year, c.burst AS burst
ORDER BY growth DESC, recent DESC, concept
LIMIT 25
