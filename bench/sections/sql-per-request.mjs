// Section 2 of `npm run bench`: SQL statements per list request at 5 and at 100 rows, per
// subgraph, counted in-process (bench/counted-stack.mjs): N+1 shows as one statement repeated per row.
import { table, verdict, postGraphql as post } from '../lib/util.mjs';
import { listOps } from '../operations.mjs';

/** ctx: { counted (bench/counted-stack.mjs), fixtures, section } */
export async function sqlPerRequest({ counted, fixtures, section }) {
  const rows = [];
  let allEqual = true;
  const viewer = { 'content-type': 'application/json' };
  for (const op of listOps(fixtures)) {
    await post(counted.url, op.query, { n: 5 }, viewer); // warm (schema caches, plans)
    const per = {};
    for (const n of [5, 100]) {
      counted.reset();
      const r = await post(counted.url, op.query, { n });
      if (r.json.errors?.length) throw new Error(`${op.name}: ${r.text.slice(0, 500)}`);
      per[n] = { counts: counted.counts(), rows: op.rows(r.json.data), sql: counted.recent() };
    }
    // N+1 shows as one statement text repeated per row. A stage whose keys are all empty (no
    // team assigned to any of the first 5 requests) issues no SQL at all, so 5 rows may need
    // fewer statements than 100 without any per-row query: count repeats to tell the two apart.
    const repeats = (sql) => {
      const seen = new Map();
      for (const q of sql) if (!/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(q)) seen.set(q, (seen.get(q) ?? 0) + 1);
      return [...seen.values()].reduce((a, c) => a + (c > 1 ? c - 1 : 0), 0);
    };
    const rep = repeats(per[100].sql);
    const equal = Object.keys(per[5].counts).every((k) => per[5].counts[k] === per[100].counts[k]);
    const ok = equal || rep === 0;
    allEqual &&= ok;
    const show = (p) =>
      Object.entries(p.counts)
        .map(([k, v]) => `${k[0]}:${v}`)
        .join(' ');
    rows.push([op.name, `${per[5].rows} → ${per[100].rows}`, show(per[5]), show(per[100]), rep, verdict(ok) + (equal ? '' : ' (extra stage, no repeats)')]);
  }
  section(
    '2. SQL statements per request, per subgraph (s = sessions, i = issues, v = volunteering), counted with StatementCounter in-process',
    `${table(['list operation (through our gateway)', 'rows (first: 5 → 100)', 'SQL at 5', 'SQL at 100', 'repeated statements at 100', 'independent of size'], rows)}\n\nTarget: SQL independent of list size — ${verdict(allEqual)}`,
  );
}
