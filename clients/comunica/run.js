// Runs SPARQL queries with Comunica in one Node process (Comunica takes seconds to load; the client tests
// pay for that once). Usage: node run.js SOURCE < queries.json, where queries.json is
// [{"name": ..., "query": ...}, ...]. SOURCE is given as a bare URL, so Comunica finds out from the
// service description that it is a SPARQL endpoint. Prints {"name": result, ...}: SELECT results as
// SPARQL JSON bindings ({var: {value, type, lang?}}), CONSTRUCT results as N-Triples-like
// [subject, predicate, object] term strings.
const { QueryEngine } = require('@comunica/query-sparql');

function term(t) {
  return { value: t.value, type: t.termType, lang: t.language || undefined };
}

async function main() {
  const source = process.argv[2];
  const queries = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const engine = new QueryEngine();
  const answers = {};
  for (const { name, query } of queries) {
    const result = await engine.query(query, { sources: [source] });
    if (result.resultType === 'bindings') {
      const rows = await (await result.execute()).toArray();
      answers[name] = rows.map(row => Object.fromEntries([...row].map(([v, t]) => [v.value, term(t)])));
    } else if (result.resultType === 'quads') {
      const quads = await (await result.execute()).toArray();
      answers[name] = quads.map(q => [term(q.subject), term(q.predicate), term(q.object)]);
    } else {
      answers[name] = await result.execute();
    }
  }
  process.stdout.write(JSON.stringify(answers));
}

main().catch(error => { console.error(error); process.exit(1); });
