// What one load run cost each tier, read before and after it from outside the processes:
// - CPU ms: /proc utime+stime of the gateway under test, of each subgraph process, and of the
//   PostgreSQL backends connected to the bench database (a backend that exits between the two
//   reads takes its CPU with it; pools keep theirs open under load);
// - subgraph calls: each subgraph's `plaza_http_requests_total{route="/graphql"}` (HTTP requests
//   it answered, whoever sent them: calls between subgraphs count too, for every target alike);
// - SQL statements: each subgraph's `plaza_db_statements_total` (its data source's
//   StatementCounter: every statement typeorm sends, BEGIN/COMMIT included; background jobs
//   such as the overdue sweep and the relay count too, a few per minute).
import { backendPids, cpuMs } from './proc-cpu.mjs';

const SUBGRAPHS = ['sessions', 'issues', 'volunteering'];

function sumMetric(text, name, filter = () => true) {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    if (!filter(rest)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/**
 * meter.snapshot(gatewayPid) → a reading; meter.diff(before, after, requests) → per-request
 * figures: cpu { gateway, sessions, issues, volunteering, postgres, total } ms, calls { …, total },
 * sql { …, total }.
 */
export function createMeter({ pg, database, subgraphs }) {
  // subgraphs: { name: { pid, metricsUrl } }
  async function snapshot(gatewayPid) {
    const pids = await backendPids(pg, database);
    const texts = await Promise.all(SUBGRAPHS.map((n) => fetch(subgraphs[n].metricsUrl).then((r) => r.text())));
    const reading = { gateway: gatewayPid ? cpuMs(gatewayPid) : null, pg: new Map(pids.map((p) => [p, cpuMs(p)])), sub: {} };
    SUBGRAPHS.forEach((n, i) => {
      reading.sub[n] = {
        cpu: cpuMs(subgraphs[n].pid),
        calls: sumMetric(texts[i], 'plaza_http_requests_total', (labels) => labels.includes('route="/graphql"')),
        sql: sumMetric(texts[i], 'plaza_db_statements_total'),
      };
    });
    return reading;
  }
  function diff(a, b, requests) {
    const per = (x) => (requests > 0 ? x / requests : NaN);
    let pgMs = 0;
    let lost = 0;
    for (const [pid, ms] of b.pg) if (ms !== null) pgMs += ms - (a.pg.get(pid) ?? 0);
    for (const pid of a.pg.keys()) if (!b.pg.has(pid)) lost++;
    const cpu = { gateway: a.gateway === null || b.gateway === null ? 0 : per(b.gateway - a.gateway) };
    const calls = {};
    const sql = {};
    for (const n of SUBGRAPHS) {
      cpu[n] = per(b.sub[n].cpu - a.sub[n].cpu);
      calls[n] = per(b.sub[n].calls - a.sub[n].calls);
      sql[n] = per(b.sub[n].sql - a.sub[n].sql);
    }
    cpu.postgres = per(pgMs);
    cpu.total = Object.values(cpu).reduce((s, x) => s + x, 0);
    calls.total = SUBGRAPHS.reduce((s, n) => s + calls[n], 0);
    sql.total = SUBGRAPHS.reduce((s, n) => s + sql[n], 0);
    return { cpu, calls, sql, lostBackends: lost };
  }
  return { snapshot, diff };
}
