// Section 3 of `npm run bench`: concurrent distinct voters on a few hot requests, through our
// gateway and straight to the issues subgraph, alternated; every vote must land exactly once.
import { join } from 'node:path';
import { ROOT, fmt, median, ratio, runJsonChild, table, verdict, postGraphql as post } from '../lib/util.mjs';
import { cpuMs } from '../lib/proc-cpu.mjs';

const VOTERS = 1000;
const HOT_PER_RUN = 3;

/** ctx: { stack (bench/stack.mjs), fixtures, pg, cfg: { rounds }, secrets, say, section } */
export async function votes({ stack, fixtures, pg, cfg, secrets, say, section }) {
  const hot = [...fixtures.hot];
  const take = (n) => hot.splice(0, n);
  const supportOf = async (ids) => {
    const { rows } = await pg.query(`SELECT i.id, i.support_count, (SELECT count(*)::int FROM issues.support s WHERE s.issue_id = i.id) AS rows FROM issues.issue i WHERE i.id = ANY($1)`, [ids]);
    return Object.fromEntries(rows.map((r) => [r.id, { count: r.support_count, rows: r.rows }]));
  };
  const targets = [
    { key: 'gateway', url: stack.ours, mode: 'gateway' },
    { key: 'direct', url: stack.urls.issues, mode: 'direct' },
  ];
  const job = (t, ids, voters, runId) => ({ url: t.url, issueIds: ids, voters, mode: t.mode, jwtSecret: secrets.JWT_SECRET, gatewaySecret: secrets.GATEWAY_SECRET, runId });
  say('votes: warm-up');
  // Warm-up at full concurrency, so both targets start with their connection pools open and their
  // hot code compiled: three bursts each, alternated (with one, the gateway's optimising compiler
  // was still busy in the measured rounds — a quarter of its CPU — while the issues subgraph, which
  // serves both targets, had had twice the warm-up).
  for (let w = 0; w < 3; w++) for (const t of targets) await runJsonChild(join(ROOT, 'bench', 'vote-load.mjs'), job(t, take(1), VOTERS, `warm${w}-${t.key}`));
  const runs = { gateway: [], direct: [] };
  const rows = [];
  let exact = true;
  for (let r = 0; r < cfg.rounds; r++) {
    for (const t of r % 2 ? [...targets].reverse() : targets) {
      const ids = take(HOT_PER_RUN);
      const before = await supportOf(ids);
      // CPU the gateway and the issues subgraph spent on this run (/proc; the load process excluded).
      const cpuOf = () => [stack.byName.gateway?.pid, stack.byName.issues?.pid].map((pid) => (pid ? cpuMs(pid) : null));
      const cpu0 = cpuOf();
      const res = await runJsonChild(join(ROOT, 'bench', 'vote-load.mjs'), job(t, ids, VOTERS, `${r}-${t.key}`), { timeoutMs: 300_000 });
      const cpu1 = cpuOf();
      const perVote = (k) => (cpu0[k] === null || cpu1[k] === null ? '?' : fmt((cpu1[k] - cpu0[k]) / VOTERS, 2));
      const after = await supportOf(ids);
      // Voter i supports ids[i % ids.length]: each request must gain exactly its voters, in the
      // tally and in support rows (the demo seed's tallies have no rows, so deltas are compared).
      const expected = (k) => Math.floor(VOTERS / ids.length) + (k < VOTERS % ids.length ? 1 : 0);
      const okIds = ids.every((id, k) => after[id].count - before[id].count === expected(k) && after[id].rows - before[id].rows === expected(k));
      // Read back through the gateway too: the tally clients see.
      const seen = await post(stack.ours, `query($id: ID!) { issue(id: $id) { supportCount } }`, { id: ids[0] });
      const okSeen = seen.json.data?.issue?.supportCount === after[ids[0]].count;
      const ok = okIds && okSeen && res.errors === 0;
      exact &&= ok;
      runs[t.key].push(res.votesPerSec);
      rows.push([
        r + 1,
        t.key,
        res.votes,
        res.errors,
        fmt(res.seconds, 2),
        fmt(res.votesPerSec),
        `${fmt(res.p50)} / ${fmt(res.p99)}`,
        `${perVote(0)} / ${perVote(1)}`,
        ids.map((id) => `${before[id].count}→${after[id].count}`).join(', '),
        verdict(ok),
      ]);
      if (res.errors) {
        say(`vote errors: ${res.firstErrors.join(' | ')}`);
        // What the subgraph call failed with, as the gateway logged it (LOG_LEVEL=warn).
        if (t.key === 'gateway')
          say(
            `gateway log: ${stack.byName.gateway.tail
              .filter((l) => l.includes('subgraph call failed'))
              .slice(-3)
              .join('\n')}`,
          );
      }
    }
  }
  const g = median(runs.gateway);
  const d = median(runs.direct);
  section(
    `3. Votes: ${VOTERS} concurrent RESIDENT voters (distinct tokens) on ${HOT_PER_RUN} hot requests, one supportIssue each, alternated`,
    [
      table(['round', 'target', 'votes', 'errors', 'seconds', 'votes/s', 'p50 / p99 ms', 'CPU ms/vote gateway / issues', 'supportCount before→after', 'exact'], rows),
      '',
      table(
        ['target', 'measured', 'verdict'],
        [
          ['votes exact (count = distinct voters, = support rows, = what the gateway reads)', exact ? 'exact' : 'NOT exact', verdict(exact)],
          ['gateway ≥ 0.9× direct votes/s', `${fmt(g)} vs ${fmt(d)} = ${fmt(ratio(g, d), 2)}×`, verdict(ratio(g, d) >= 0.9)],
        ],
      ),
    ].join('\n'),
  );
}
