// Question: What is a concept called, and when and where did it first appear?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "GNNs")
// Returns: concept, kind, acronym, aliases, merge_rules (why surface forms were merged),
//   papers (papers mentioning it), first_year, first_papers (titles of the earliest papers),
//   proposed_by (titles of papers that propose it).
WITH toLower($name) AS key
MATCH (c:Concept)
WHERE toLower(c.name) = key OR toLower(c.acronym) = key OR any(alias IN c.aliases WHERE toLower(alias) = key)
OPTIONAL MATCH (p:Paper)-[:MENTIONS]->(c)
WITH c, min(p.year) AS first_year, count(DISTINCT p) AS papers
OPTIONAL MATCH (f:Paper)-[:MENTIONS]->(c)
WHERE f.year = first_year
WITH c, first_year, papers, f.title AS first_title
ORDER BY first_title SKIP 0
WITH c, first_year, papers, collect(DISTINCT first_title) AS first_papers
OPTIONAL MATCH (q:Paper)-[:PROPOSES]->(c)
WITH c, first_year, papers, first_papers, q.title AS proposer
ORDER BY proposer SKIP 0
RETURN c.name AS concept, c.kind AS kind, c.acronym AS acronym, c.aliases AS aliases,
       c.merge_rules AS merge_rules, papers, first_year, first_papers,
       collect(DISTINCT proposer) AS proposed_by
