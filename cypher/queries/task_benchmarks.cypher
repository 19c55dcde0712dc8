// Question: Which benchmarks are used for a task, and what is the best result reported on each?
// Parameters:
//   $task  a task's name, acronym or alias, in any case (example: "image classification")
// Returns: benchmark, metric, papers (papers on the task reporting on it), best (the best
//   value reported on the benchmark with that metric; the lowest for error-like metrics such
//   as MAE, loss or perplexity), method (the method it was reported for), paper, year.
//   Results without a metric are compared among themselves (metric "").
WITH toLower($task) AS key
MATCH (t:Concept {kind: 'TASK'})
WHERE toLower(t.name) = key OR toLower(t.acronym) = key OR any(alias IN t.aliases WHERE toLower(alias) = key)
MATCH (p:Paper)-[:MENTIONS]->(t)
MATCH (p)-[:REPORTS]->(r:Result)-[:`ON`]->(b:Concept)
OPTIONAL MATCH (r)-[:MEASURED_BY]->(m:Concept)
WITH b, p, r, coalesce(m.name, '') AS metric
WITH b, p, metric,
     CASE WHEN toLower(metric) IN ['mae', 'mse', 'rmse', 'error', 'error rate', 'loss', 'perplexity', 'wer', 'cer', 'fid']
          THEN -r.number ELSE r.number END AS score
WITH b, metric, count(DISTINCT p) AS papers, max(score) AS best_score
MATCH (p2:Paper)-[:REPORTS]->(r2:Result)-[:`ON`]->(b)
OPTIONAL MATCH (r2)-[:MEASURED_BY]->(m2:Concept)
WITH b, metric, papers, best_score, p2, r2, coalesce(m2.name, '') AS metric2
WHERE metric2 = metric
  AND CASE WHEN toLower(metric) IN ['mae', 'mse', 'rmse', 'error', 'error rate', 'loss', 'perplexity', 'wer', 'cer', 'fid']
           THEN -r2.number ELSE r2.number END = best_score
OPTIONAL MATCH (r2)-[:FOR_METHOD]->(x:Concept)
RETURN b.name AS benchmark, metric, papers, r2.value AS best, x.name AS method, p2.title AS paper, p2.year AS year
ORDER BY papers DESC, benchmark, metric
