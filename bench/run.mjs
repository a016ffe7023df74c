// `npm run bench` (quick, < 3 min) / `npm run bench -- --full`: our gateway against Hive Gateway
// on the same subgraphs, on this machine, in one run. See bench/README.md.
// Builds nothing: run `npm run build` first.
// One module per section (bench/sections/); the systems they measure: bench/stack.mjs (separate
// processes) and bench/counted-stack.mjs (in-process, SQL counted per subgraph).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, require } from './lib/util.mjs';
import { summariseProfile } from './lib/profile.mjs';
import { startStack, fixtures } from './stack.mjs';
import { startCountedStack } from './counted-stack.mjs';
import { throughput } from './sections/throughput.mjs';
import { sqlPerRequest } from './sections/sql-per-request.mjs';
import { votes } from './sections/votes.mjs';
import { fanout } from './sections/fanout.mjs';
import { startup } from './sections/startup.mjs';
import { analytics } from './sections/analytics.mjs';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`npm run bench [-- --full] [-- --only=1,2,3,4,5,6] [-- --profile]
  Builds nothing: run \`npm run build\` first (it runs the built dist/ of every package).
  quick (default): 2 rounds x 5 s per target (identical requests: 3 s); --full: 3 rounds x 10 s; 50 connections.
  --only=…   run only these sections (1 throughput, 2 SQL per request, 3 votes, 4 fan-out, 5 start-up, 6 analytics)
  --ops=mixed,issuesMix,openRequests,issueTimeline,overview   section 1 with these workloads only
    (mixed: the mixed workload; issuesMix: its single-subgraph part, also sent to the subgraph directly;
     the others: one identical request each)
  --profile[=gateway,issues,…]  run those processes (default our gateway) with --cpu-prof and print where their time went
  Results: printed, and written to bench/results/<date>.md`);
  process.exit(0);
}
const FULL = args.includes('--full');
// --profile: our gateway; --profile=gateway,issues: those processes (subgraph names too).
const profileArg = args.find((a) => a === '--profile' || a.startsWith('--profile='));
const PROFILE = profileArg ? new Set(profileArg.includes('=') ? profileArg.split('=')[1].split(',') : ['gateway']) : null;
const onlyArg = args.find((a) => a.startsWith('--only='));
const ONLY = onlyArg ? new Set(onlyArg.slice(7).split(',').map(Number)) : null;
const want = (n) => !ONLY || ONLY.has(n);
const opsArg = args.find((a) => a.startsWith('--ops='));
const OPS = opsArg ? new Set(opsArg.slice(6).split(',')) : null;
// durationSec: each mixed run (and sections 3–6); identicalSec: each identical-request run of section 1.
const CFG = FULL ? { mode: 'full', rounds: 3, durationSec: 10, identicalSec: 10, warmSec: 3 } : { mode: 'quick', rounds: 2, durationSec: 5, identicalSec: 3, warmSec: 1 };
const CONNECTIONS = 50;

const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', GATEWAY_SECRET: 'bench-gateway-secret-0123456789abcdef' };

const say = (m) => console.error(`[bench] ${m}`);
const out = []; // markdown of the report
const section = (title, body) => {
  const text = `\n## ${title}\n\n${body}\n`;
  console.log(text);
  out.push(text);
};

const started = Date.now();
let stack = null;
const cleanup = async () => {
  await stack?.stop();
  stack = null;
};
// Interrupted or killed, the servers it started (and its database) go with it.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
])
  process.once(signal, () => void cleanup().then(() => process.exit(code)));

// ---------------------------------------------------------------- main
const now = new Date();
const stamp = now.toISOString().replace(/:/g, '-').slice(0, 16);
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim()) commit += ' (with uncommitted changes)';
} catch {}
const header = `# Bench ${now.toISOString()} — ${CFG.mode} mode

- machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, commit ${commit}
- load: bench/load.mjs in a separate process on loopback, ${CONNECTIONS} connections, warm-up ${CFG.warmSec} s, ${CFG.rounds} rounds × ${CFG.durationSec} s (identical requests in section 1: ${CFG.identicalSec} s), A/B order alternated per round
${
  process.env.BENCH_GATEWAY_PRELOAD || process.env.BENCH_SUBGRAPH_PRELOAD
    ? `- **EXPERIMENT**: preloaded gateway=${process.env.BENCH_GATEWAY_PRELOAD ?? '-'} subgraphs=${process.env.BENCH_SUBGRAPH_PRELOAD ?? '-'} (${Object.entries(process.env)
        .filter(([k]) => k.startsWith('PLAZA_EXP_'))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')})\n`
    : ''
}- every server is its own process: 3 subgraphs, our gateway, Hive Gateway ${require('@graphql-hive/gateway/package.json').version}; NODE_ENV=production; Postgres ${'127.0.0.1:5432'} (database of its own, demo world)`;
console.log(header);
out.push(header + '\n');

let failed = false;
try {
  if ([1, 2, 3, 6].some(want)) {
    const profDir = join(ROOT, 'bench', 'results', `prof-${stamp}`);
    stack = await startStack({ secrets: SECRETS, profile: PROFILE, profDir, say });
    const { pg, db } = stack;
    const f = await fixtures(pg);
    if (want(1)) {
      await throughput({ stack, fixtures: f, pg, database: db.name, cfg: CFG, connections: CONNECTIONS, ops: OPS, secrets: SECRETS, say, section });
    }
    if (want(2) || want(6)) {
      const counted = await startCountedStack(db.url, SECRETS);
      try {
        if (want(2)) await sqlPerRequest({ counted, fixtures: f, section });
        if (want(6)) await analytics({ counted, stack, section });
      } finally {
        await counted.close();
      }
    }
    if (want(3)) await votes({ stack, fixtures: f, pg, cfg: CFG, secrets: SECRETS, say, section });
    if (PROFILE) {
      // A profile is written when the process exits.
      for (const name of PROFILE) await stack.byName[name]?.stop();
      for (const name of PROFILE) {
        const file = join(profDir, `${name}.cpuprofile`);
        if (existsSync(file)) section(`Where ${name}'s CPU went (--cpu-prof, ${file.slice(ROOT.length + 1)})`, summariseProfile(file));
      }
    }
    await cleanup();
  }
  if (want(4)) await fanout({ say, section });
  if (want(5)) await startup({ say, section });
} catch (e) {
  failed = true;
  say(`failed: ${e?.stack ?? e}`);
  out.push(`\n**The run failed:** ${String(e?.message ?? e)}\n`);
} finally {
  await cleanup();
}
const misses = out.join('').match(/\bMISS\b/g)?.length ?? 0;
// A run that failed measured nothing: it never says its targets passed.
const footer = `\n---\n${failed ? `the run FAILED${misses ? ` (and ${misses} target(s) MISSED before it)` : ''}` : misses ? `${misses} target(s) MISSED` : 'all targets PASS'}; took ${((Date.now() - started) / 1000).toFixed(0)} s.\n`;
console.log(footer);
out.push(footer);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const file = join(ROOT, 'bench', 'results', `${stamp}.md`);
writeFileSync(file, out.join(''));
say(`written to ${file}`);
process.exit(failed ? 1 : 0);
