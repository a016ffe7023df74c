import { shanghaiDay, signIdentity } from '@plaza/shared';
import { ok, TEST_GATEWAY_SECRET, viewer } from '@plaza/shared/testing';
import { RAISE, startIssues, type IssuesHarness } from './harness';

/**
 * Issue 15, part 5: with a read data source (DATABASE_READ_URL, a streaming replica) the
 * analytics reads — overview figures, trends, common issues, the CSV export — go to it, and
 * nothing else does: mutations and the reads that follow them stay on the primary. (The real
 * replica is exercised in gateway/test/failover.int.test.ts; here both pools reach one database
 * so each statement can be counted on the pool it went to.)
 */

let h: IssuesHarness;
let communityId: string;
const analyst = viewer(['ANALYST'], [], 'analyst-1');
const today = shanghaiDay(new Date());

beforeAll(async () => {
  h = await startIssues({ separateReads: true });
  communityId = await h.createCommunity('方井社区');
});
afterAll(() => h?.stop());

const counts = () => ({ primary: h.counter.count, read: h.readCounter.count });
const delta = async (fn: () => Promise<unknown>) => {
  const before = counts();
  await fn();
  const after = counts();
  return { primary: after.primary - before.primary, read: after.read - before.read };
};

it('writes and their reads stay on the primary', async () => {
  const d = await delta(async () => {
    const input = { communityId, title: '路灯不亮', description: '晚上很黑', category: 'PUBLIC_FACILITIES' };
    const id = ok(await h.request(RAISE, { input }, viewer(['RESIDENT'], [], 'r1'))).raiseIssue.id;
    ok(await h.request('query($id: ID!) { issue(id: $id) { id status } }', { id }, analyst));
  });
  expect(d.primary).toBeGreaterThan(0);
  expect(d.read).toBe(0);
});

it('overview figures, trends and common issues read the replica', async () => {
  const d = await delta(async () => {
    ok(
      await h.request(
        `query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview { issuesRaised } } }`,
        { r: [{ __typename: 'Overview', scope: 'city', from: '2025-01-01', to: today }] },
        analyst,
      ),
    );
    ok(await h.request('query($f: Date!, $t: Date!) { issueTrend(bucket: MONTH, from: $f, to: $t) { raised } }', { f: '2025-01-01', t: today }, analyst));
    ok(await h.request('query($f: Date!, $t: Date!) { commonIssues(from: $f, to: $t) { category } }', { f: '2025-01-01', t: today }, analyst));
  });
  expect(d.read).toBeGreaterThanOrEqual(3);
  expect(d.primary).toBe(0);
});

it('the CSV export reads the replica', async () => {
  const base = h.url.replace(/\/graphql$/, '');
  const d = await delta(async () => {
    const res = await fetch(`${base}/export/issues.csv`, { headers: signIdentity(analyst, TEST_GATEWAY_SECRET) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('路灯不亮');
  });
  expect(d.read).toBeGreaterThan(0);
  expect(d.primary).toBe(0);
});

it('reports where analytics read and how far behind (GET /metrics/replica)', async () => {
  const res = await fetch(h.url.replace(/\/graphql$/, '/metrics/replica'));
  expect(await res.json()).toEqual({ replica: false, lagMs: 0 }); // here: a second pool on the primary
});
