// Reads JSON from stdin: {"statements": [{"name": ..., "cypher": ..., "parameters": [...]}], "schema": {...}}
// Writes JSON to stdout: [{"name": ..., "diagnostics": [{"severity", "message", "offset"}]}]
// The linter is Neo4j's own (@neo4j-cypher/language-support, lintCypherQuery).
import { lintCypherQuery } from '@neo4j-cypher/language-support';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const request = JSON.parse(input);
  const out = [];
  for (const stmt of request.statements) {
    const parameters = {};
    for (const p of stmt.parameters || []) parameters[p] = null;
    const dbSchema = { ...(request.schema || {}), parameters };
    const res = lintCypherQuery(stmt.cypher, dbSchema, true);
    out.push({
      name: stmt.name,
      diagnostics: res.diagnostics.map((d) => ({ severity: d.severity, message: d.message, offset: d.offsets ? d.offsets.start : null })),
    });
  }
  process.stdout.write(JSON.stringify(out));
});
