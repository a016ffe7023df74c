// Section 6 of `npm run bench`: the analytics queries on the demo year, timed through our
// gateway (one client) and their SQL counted in-process (bench/counted-stack.mjs).
import { fmt, median, table, postGraphql as post } from '../lib/util.mjs';
import { OVERVIEW, TREND_MONTH_WEEKS, TREND_YEAR_MONTHS } from '../operations.mjs';

/** ctx: { counted (bench/counted-stack.mjs), stack (bench/stack.mjs), section } */
export async function analytics({ counted, stack, section }) {
  const ops = [
    ['overview(scope:"city") 2025', OVERVIEW],
    ['issueTrend WEEK, March 2025', TREND_MONTH_WEEKS],
    ['issueTrend MONTH, 2025', TREND_YEAR_MONTHS],
  ];
  const rows = [];
  for (const [name, query] of ops) {
    await post(stack.ours, query);
    const times = [];
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      const r = await post(stack.ours, query);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.json.errors?.length) throw new Error(`${name}: ${r.text.slice(0, 300)}`);
    }
    counted.reset();
    await post(counted.url, query);
    const c = counted.counts();
    rows.push([
      name,
      fmt(median(times), 1),
      fmt(Math.max(...times), 1),
      Object.entries(c)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    ]);
  }
  section('6. Analytics on the demo dataset (one client, through our gateway, 7 runs after a warm-up)', table(['query', 'median ms', 'max ms', 'SQL statements per subgraph'], rows));
}
