// Question: In which sentences do papers mention a concept?
// Parameters:
//   $name  a concept's name, acronym or alias, in any case (example: "GRPO")
// Returns: one row per paper mentioning it: paper, year, concept, surface (the words the paper
//   used), sentence (the sentence of its first mention); newest first.
//
// MENTIONS keeps the sentence as offsets into the paper's title + newline + abstract (sentence_start,
// sentence_end, 0-based like start and end), as text in sentence only where it was not found there.
WITH toLower($name) AS key
MATCH (c:Concept)
WHERE toLower(c.name) = key OR toLower(c.acronym) = key OR any(alias IN c.aliases WHERE toLower(alias) = key)
MATCH (p:Paper)-[m:MENTIONS]->(c)
// substring counts from 1 here, from 0 in Neo4j
WITH p, c, m, CASE WHEN p.abstract IS NULL THEN p.title ELSE p.title + '\n' + p.abstract END AS text
RETURN p.title AS paper, p.year AS year, c.name AS concept, m.surface AS surface,
       coalesce(m.sentence, substring(text, m.sentence_start + 1, m.sentence_end - m.sentence_start)) AS sentence
ORDER BY year DESC, paper
