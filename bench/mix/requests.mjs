// The mixed workload's request set: viewers of every role with real tokens, and at least 10,000
// distinct requests (viewer + operation + variables) over the operations in ./operations.mjs,
// with ids read from the seeded demo world. Deterministic for a given world (seeded generator),
// so two runs send the same mix.
import { writeFileSync } from 'node:fs';
import { MIX_OPS } from './operations.mjs';

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const groupBy = (rows, key) => {
  const m = new Map();
  for (const r of rows) (m.get(r[key]) ?? m.set(r[key], []).get(r[key])).push(r);
  return m;
};

/** The ids the mix draws from, read from the bench database. */
export async function readWorld(pg) {
  const q = async (sql) => (await pg.query(sql)).rows;
  const communities = await q(`SELECT id, subdistrict FROM sessions.community ORDER BY id`);
  const issues = await q(`SELECT id, community_id AS "communityId" FROM issues.issue ORDER BY id`);
  const sessions = await q(`SELECT id, community_id AS "communityId" FROM sessions.session ORDER BY id`);
  const teams = await q(`SELECT id, community_id AS "communityId" FROM volunteering.volunteer_team ORDER BY id`);
  // Residents who follow or support requests, so `me.following` and `viewerSupports` have answers.
  const residents = await q(`SELECT follower_id AS id FROM issues.follow GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 200`);
  const [{ year }] = await q(`SELECT EXTRACT(YEAR FROM max(raised_at))::int AS year FROM issues.issue`);
  if (!communities.length || !issues.length || !sessions.length || !teams.length) throw new Error('the demo world is empty: did seeding work?');
  return {
    year,
    communities,
    subdistricts: [...new Set(communities.map((c) => c.subdistrict))].sort(),
    issues,
    sessions,
    teams,
    residents: residents.map((r) => r.id),
    issuesByCommunity: groupBy(issues, 'communityId'),
    sessionsByCommunity: groupBy(sessions, 'communityId'),
    teamsByCommunity: groupBy(teams, 'communityId'),
  };
}

/** Share of requests per role: consoles send most, then analysts, phones signed in, anonymous phones. */
const ROLE_SHARE = { STAFF: 0.4, ANALYST: 0.22, RESIDENT: 0.23, ANON: 0.15 };

/**
 * Viewers: `perRole` of STAFF (each on one or two communities, spread over all of them), ANALYST
 * and RESIDENT, each with a signed bearer token; anonymous requests carry none.
 */
export async function buildViewers(world, { perRole, signToken, jwtSecret, rng }) {
  const viewers = [];
  const add = async (role, id, communityIds = []) => {
    const token = await signToken({ sub: id, name: id, roles: [role], communities: communityIds }, jwtSecret);
    viewers.push({ role, token, viewer: { id, name: id, roles: [role], communityIds } });
  };
  const cs = world.communities.map((c) => c.id);
  for (let i = 0; i < perRole; i++) {
    const own = [cs[i % cs.length]];
    // Every fourth staff member also covers a neighbouring community.
    if (i % 4 === 3) own.push(cs[(i + 1 + Math.floor(rng() * (cs.length - 1))) % cs.length]);
    await add('STAFF', `bench-staff-${i + 1}`, [...new Set(own)]);
  }
  for (let i = 0; i < perRole; i++) await add('ANALYST', `bench-analyst-${i + 1}`);
  for (let i = 0; i < perRole; i++) await add('RESIDENT', world.residents[i] ?? `bench-resident-${i + 1}`);
  return viewers;
}

/**
 * `count` distinct requests: role by ROLE_SHARE, a viewer of that role, an operation that role
 * sends (weighted), its variables. Returns { viewers, requests: [{ op, v, body }] } where v is
 * the viewer's index (-1: anonymous).
 */
export async function buildMix(pg, { count = 12_000, perRole = 60, seed = 12, signToken, jwtSecret }) {
  const rng = seededRandom(seed);
  const world = await readWorld(pg);
  const viewers = await buildViewers(world, { perRole, signToken, jwtSecret, rng });
  const byRole = groupBy(
    viewers.map((v, i) => ({ ...v, i })),
    'role',
  );
  const opsFor = (role) => MIX_OPS.filter((op) => op.roles[role]).flatMap((op) => Array(op.roles[role]).fill(op));
  const roleOps = Object.fromEntries(Object.keys(ROLE_SHARE).map((r) => [r, opsFor(r)]));
  const roles = Object.entries(ROLE_SHARE);
  const seen = new Set();
  const requests = [];
  for (let tries = 0; requests.length < count; tries++) {
    if (tries > count * 20) throw new Error(`only ${requests.length} distinct requests after ${tries} draws`);
    let x = rng();
    const role = roles.find(([, share]) => (x -= share) < 0)?.[0] ?? 'STAFF';
    const viewer = role === 'ANON' ? { i: -1, viewer: {} } : byRole.get(role)[Math.floor(rng() * byRole.get(role).length)];
    const ops = roleOps[role];
    const op = ops[Math.floor(rng() * ops.length)];
    const body = JSON.stringify({ query: op.query, variables: op.vars(rng, world, viewer.viewer) });
    const key = `${viewer.i} ${body}`;
    if (seen.has(key)) continue;
    seen.add(key);
    requests.push({ op: op.name, v: viewer.i, body });
  }
  return { viewers, requests, world };
}

/** Writes the mix where the load worker (bench/load.mjs) reads it; returns a summary for the report. */
export function writeMix(file, mix) {
  writeFileSync(file, JSON.stringify({ viewers: mix.viewers, requests: mix.requests }));
  const perOp = {};
  const perRole = {};
  for (const r of mix.requests) {
    perOp[r.op] = (perOp[r.op] ?? 0) + 1;
    const role = r.v < 0 ? 'anonymous' : mix.viewers[r.v].role;
    perRole[role] = (perRole[role] ?? 0) + 1;
  }
  const viewersPerRole = {};
  for (const v of mix.viewers) viewersPerRole[v.role] = (viewersPerRole[v.role] ?? 0) + 1;
  return { perOp, perRole, viewersPerRole, distinct: mix.requests.length };
}
