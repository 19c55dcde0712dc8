// Question: What results have been reported on a benchmark, best first?
// Parameters:
//   $benchmark  a benchmark or data set name, acronym or alias, in any case (example: "AIME 2024")
// Returns: one row per reported result: metric, value, method, paper, year; grouped by metric,
//   best first (lowest first for error-like metrics such as MAE, loss or perplexity).
WITH toLower($benchmark) AS key
MATCH (b:Concept)
WHERE toLower(b.name) = key OR toLower(b.acronym) = key OR any(alias IN b.aliases WHERE toLower(alias) = key)
MATCH (p:Paper)-[:REPORTS]->(r:Result)-[:`ON`]->(b)
OPTIONAL MATCH (r)-[:MEASURED_BY]->(m:Concept)
OPTIONAL MATCH (r)-[:FOR_METHOD]->(x:Concept)
WITH p, r, x, coalesce(m.name, '') AS metric
RETURN metric, r.value AS value, x.name AS method, p.title AS paper, p.year AS year
ORDER BY metric,
         CASE WHEN toLower(metric) IN ['mae', 'mse', 'rmse', 'error', 'error rate', 'loss', 'perplexity', 'wer', 'cer', 'fid']
              THEN r.number ELSE -r.number END,
         year, paper
