// Question: What does an organisation work on?
// Parameters:
//   $name  an affiliation's readable name or its listing slug, in any case (example: "meta-ai")
// Returns: concept, kind, papers (the organisation's papers mentioning it); most papers
//   first, top 25.
WITH toLower($name) AS key
MATCH (o:Affiliation)
WHERE toLower(o.name) = key OR toLower(o.slug) = key
MATCH (o)<-[:AFFILIATED_WITH]-(p:Paper)-[:MENTIONS]->(c:Concept)
RETURN c.name AS concept, c.kind AS kind, count(DISTINCT p) AS papers
ORDER BY papers DESC, concept
LIMIT 25
