import { shanghaiDay } from '@plaza/shared';
import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { RAISE, startIssues, type IssuesHarness } from './harness';

/*
 * A small, hand-counted fixture made through the mutations. Timestamps the mutations take from
 * the database clock are then moved (raised_at / resolved_at only) so periods can include or
 * exclude rows on purpose.
 */
let h: IssuesHarness;
let a: string; // 方井社区, 三里河街道
let b: string; // 李哥庄社区, 三里河街道
let c: string; // 宋城美域, 阜安街道
let staff: ReturnType<typeof viewer>;
const reporter = viewer(['RESIDENT'], [], 'reporter-1');
const DAY = 86_400_000;
const today = shanghaiDay(new Date());
const dayBefore = (n: number) => shanghaiDay(new Date(Date.now() - n * DAY));
const ids: Record<string, string> = {};

const raise = async (key: string, communityId: string, category: string) => {
  const input = { communityId, title: `${key} 诉求`, description: '测试数据', category, reporterContact: '13900000000' };
  ids[key] = ok(await h.request(RAISE, { input }, reporter)).raiseIssue.id;
  return ids[key]!;
};
const m = async (query: string, variables: Record<string, unknown>, as = staff) => ok(await h.request(query, variables, as));
const onSite = (id: string, outcomes: unknown[] = []) => m(`mutation($id: ID!, $o: [OutcomeInput!]) { resolveOnSite(id: $id, note: "现场解决", outcomes: $o) { id } }`, { id, o: outcomes });
const claim = (id: string) => m(`mutation($id: ID!) { claimIssue(id: $id, department: "社区居委会") { id } }`, { id });
const ledger = async (id: string) => {
  const r = await m(
    `mutation($id: ID!, $d: Date!) { addLedgerEntry(issueId: $id, input: { measure: "整改", responsiblePerson: "张三", responsibleUnit: "物业", deadline: $d }) { ledger { id status } } }`,
    { id, d: shanghaiDay(new Date(Date.now() + DAY)) },
  );
  return r.addLedgerEntry.ledger.at(-1).id as string;
};
const done = (entryId: string) => m(`mutation($id: ID!) { completeLedgerEntry(id: $id) { id } }`, { id: entryId });
const feedback = (id: string) => m(`mutation($id: ID!) { giveFeedback(issueId: $id, text: "已整改") { id } }`, { id });
const evaluate = (id: string, satisfied: boolean) => m(`mutation($id: ID!, $s: Boolean!) { evaluateIssue(issueId: $id, input: { satisfied: $s, rating: 3 }) { status } }`, { id, s: satisfied });
const setTimes = (id: string, raisedAt: string | null, resolvedAt?: string | null) =>
  h.dataSource.query(`UPDATE issues.issue SET raised_at = coalesce($2::timestamptz, raised_at), resolved_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE resolved_at END WHERE id = $1`, [
    id,
    raisedAt,
    resolvedAt !== undefined,
    resolvedAt ?? null,
  ]);
const shiftRaised = (id: string, days: number) => h.dataSource.query(`UPDATE issues.issue SET raised_at = resolved_at - make_interval(days => $2) WHERE id = $1`, [id, days]);

beforeAll(async () => {
  h = await startIssues();
  a = await h.createCommunity('方井社区', '三里河街道');
  b = await h.createCommunity('李哥庄社区', '三里河街道');
  c = await h.createCommunity('宋城美域', '阜安街道');
  staff = viewer(['STAFF'], [a, b, c], 'staff-abc');

  // In the last week:
  await onSite(await raise('family', a, 'FAMILY_CONFLICT'), [{ kind: 'MEDIATION', quantity: 1 }]);
  await onSite(await raise('facility', a, 'PUBLIC_FACILITIES'), [
    { kind: 'SERVICE_FACILITY', quantity: 3 },
    { kind: 'NEIGHBOURHOOD_CENTRE', quantity: 1 },
  ]);
  const dispute = await raise('dispute', b, 'NEIGHBOUR_DISPUTE');
  await claim(dispute);
  await done(await ledger(dispute));
  await feedback(dispute);
  await evaluate(dispute, false);
  await done(await ledger(dispute));
  await feedback(dispute);
  await evaluate(dispute, true);
  const safety = await raise('safety', b, 'SAFETY');
  await claim(safety);
  await ledger(safety); // due tomorrow, never completed: overdue once the clock moves on
  await raise('open', c, 'OTHER');
  // Days from raised to resolved: 1, 2 and 4.
  await shiftRaised(ids.family!, 1);
  await shiftRaised(ids.facility!, 2);
  await shiftRaised(dispute, 4);

  // Long ago (outside the last week): March and May 2025.
  await onSite(await raise('oldFamily', a, 'FAMILY_CONFLICT'));
  await setTimes(ids.oldFamily!, '2025-03-10T12:00:00+08:00', '2025-03-20T12:00:00+08:00');
  await onSite(await raise('oldFacility', c, 'PUBLIC_FACILITIES'), [{ kind: 'SERVICE_FACILITY', quantity: 2 }]);
  await setTimes(ids.oldFacility!, '2025-05-05T23:30:00+08:00', '2025-05-06T00:30:00+08:00');

  // Three days on, the safety entry (due tomorrow) is past its deadline day.
  h.setNow(new Date(Date.now() + 3 * DAY));
});
afterAll(() => h?.stop());

const FIGURES = `issuesRaised issuesResolved issuesResolvedOnSite issuesOverdue resolutionRate medianDaysToResolve satisfactionRate
  familyConflictsResolved neighbourDisputesResolved facilitiesAdded neighbourhoodCentresAdded resolvedByCategory { category count }`;
const overviews = async (reps: { scope: string; from: string; to: string }[]) => {
  const res = await h.request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview { scope from to ${FIGURES} } } }`, {
    r: reps.map((r) => ({ __typename: 'Overview', ...r })),
  });
  return ok(res)._entities as any[];
};

describe('Overview (issues fields)', () => {
  it('counts by hand for the city, a community and a subdistrict in the last week', async () => {
    const week = { from: dayBefore(7), to: today };
    const [city, community, subdistrict, other] = await overviews([
      { scope: 'city', ...week },
      { scope: a, ...week },
      { scope: '三里河街道', ...week },
      { scope: '阜安街道', ...week },
    ]);
    expect(city).toEqual({
      scope: 'city',
      ...week,
      issuesRaised: 5,
      issuesResolved: 3,
      issuesResolvedOnSite: 2,
      issuesOverdue: 1,
      resolutionRate: 0.6,
      medianDaysToResolve: 2,
      satisfactionRate: 0.5,
      familyConflictsResolved: 1,
      neighbourDisputesResolved: 1,
      facilitiesAdded: 3,
      neighbourhoodCentresAdded: 1,
      resolvedByCategory: [
        { category: 'FAMILY_CONFLICT', count: 1 },
        { category: 'NEIGHBOUR_DISPUTE', count: 1 },
        { category: 'PUBLIC_FACILITIES', count: 1 },
      ],
    });
    expect(community).toEqual({
      scope: a,
      ...week,
      issuesRaised: 2,
      issuesResolved: 2,
      issuesResolvedOnSite: 2,
      issuesOverdue: 0,
      resolutionRate: 1,
      medianDaysToResolve: 1.5,
      satisfactionRate: null,
      familyConflictsResolved: 1,
      neighbourDisputesResolved: 0,
      facilitiesAdded: 3,
      neighbourhoodCentresAdded: 1,
      resolvedByCategory: [
        { category: 'FAMILY_CONFLICT', count: 1 },
        { category: 'PUBLIC_FACILITIES', count: 1 },
      ],
    });
    expect(subdistrict).toMatchObject({ issuesRaised: 4, issuesResolved: 3, issuesOverdue: 1, resolutionRate: 0.75, medianDaysToResolve: 2, satisfactionRate: 0.5, facilitiesAdded: 3 });
    expect(other).toMatchObject({ issuesRaised: 1, issuesResolved: 0, resolutionRate: 0, medianDaysToResolve: null, satisfactionRate: null, facilitiesAdded: 0, resolvedByCategory: [] });
  });

  it('a period includes what was resolved in it, whenever raised', async () => {
    const [march, spring, longer] = await overviews([
      { scope: 'city', from: '2025-03-15', to: '2025-03-31' },
      { scope: 'city', from: '2025-03-01', to: '2025-05-05' },
      { scope: 'city', from: '2025-01-01', to: today },
    ]);
    // Raised 10 March, resolved 20 March: resolved in this period, raised before it.
    expect(march).toMatchObject({ issuesRaised: 0, issuesResolved: 1, resolutionRate: 0, medianDaysToResolve: 10, familyConflictsResolved: 1 });
    // 5 May 23:30 is still 5 May in Shanghai; its resolution (6 May 00:30) falls after the period.
    expect(spring).toMatchObject({ issuesRaised: 2, issuesResolved: 1, facilitiesAdded: 0 });
    expect(longer).toMatchObject({ issuesRaised: 7, issuesResolved: 5, issuesResolvedOnSite: 4, facilitiesAdded: 5, familyConflictsResolved: 2 });
  });

  it('several Overviews in one request cost one SQL statement', async () => {
    h.counter.reset();
    await overviews([{ scope: 'city', from: '2025-01-01', to: today }]);
    const one = h.counter.count;
    h.counter.reset();
    await overviews(Array.from({ length: 8 }, (_, k) => ({ scope: k % 2 ? a : '三里河街道', from: dayBefore(k + 1), to: today })));
    expect(one).toBe(1);
    expect(h.counter.count).toBe(1);
  });

  it('a malformed key fails alone', async () => {
    const res = await h.request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview { issuesRaised } } }`, {
      r: [
        { __typename: 'Overview', scope: 'city', from: '2025-12-31', to: '2025-01-01' },
        { __typename: 'Overview', scope: 'city', from: '2025-01-01', to: '2025-12-31' },
      ],
    });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(res.data?._entities[1]).toEqual({ issuesRaised: 2 });
  });
});

const TREND = `query($b: Bucket!, $f: Date!, $t: Date!, $c: ID, $cat: IssueCategory) { issueTrend(bucket: $b, from: $f, to: $t, communityId: $c, category: $cat) { bucketStart raised resolved overdue } }`;
const trend = async (v: Record<string, unknown>) => ok(await h.request(TREND, v)).issueTrend as any[];

describe('issueTrend', () => {
  it('monthly buckets, every month present, zeros included', async () => {
    expect(await trend({ b: 'MONTH', f: '2025-02-15', t: '2025-06-10' })).toEqual([
      { bucketStart: '2025-02-01', raised: 0, resolved: 0, overdue: 0 },
      { bucketStart: '2025-03-01', raised: 1, resolved: 1, overdue: 0 },
      { bucketStart: '2025-04-01', raised: 0, resolved: 0, overdue: 0 },
      { bucketStart: '2025-05-01', raised: 1, resolved: 1, overdue: 0 },
      { bucketStart: '2025-06-01', raised: 0, resolved: 0, overdue: 0 },
    ]);
  });

  it('ISO weeks start on Monday (Asia/Shanghai days); filters by community and category', async () => {
    // 2025-03-01 is a Saturday: its week starts on Monday 24 February.
    const weeks = await trend({ b: 'WEEK', f: '2025-03-01', t: '2025-03-23' });
    expect(weeks.map((w) => w.bucketStart)).toEqual(['2025-02-24', '2025-03-03', '2025-03-10', '2025-03-17']);
    expect(weeks.map((w) => [w.raised, w.resolved])).toEqual([
      [0, 0],
      [0, 0],
      [1, 0],
      [0, 1],
    ]);
    // Raised 5 May 23:30 Shanghai (15:30 UTC): Monday 5 May's week, not the one before.
    const may = await trend({ b: 'WEEK', f: '2025-05-01', t: '2025-05-11', c });
    expect(may).toEqual([
      { bucketStart: '2025-04-28', raised: 0, resolved: 0, overdue: 0 },
      { bucketStart: '2025-05-05', raised: 1, resolved: 1, overdue: 0 },
    ]);
    expect((await trend({ b: 'MONTH', f: '2025-05-01', t: '2025-05-31', c: a }))[0]).toMatchObject({ raised: 0, resolved: 0 });
    expect((await trend({ b: 'MONTH', f: '2025-03-01', t: '2025-05-31', cat: 'FAMILY_CONFLICT' })).map((p) => p.raised)).toEqual([1, 0, 0]);
  });

  it('overdue: entries due in the bucket and not completed by the end of their deadline day', async () => {
    const due = shanghaiDay(new Date(Date.now() + DAY));
    const points = await trend({ b: 'MONTH', f: dayBefore(40), t: due });
    expect(points.reduce((n, p) => n + p.overdue, 0)).toBe(1);
    expect(points.reduce((n, p) => n + p.raised, 0)).toBe(5);
    expect(points.reduce((n, p) => n + p.resolved, 0)).toBe(3);
    // A late completion still counts: done after the deadline day ended.
    const [entry] = await h.dataSource.query(`SELECT l.id FROM issues.ledger_entry l WHERE l.issue_id = $1`, [ids.safety]);
    await h.dataSource.query(`UPDATE issues.ledger_entry SET status = 'DONE', completed_at = now() + interval '3 days' WHERE id = $1`, [entry.id]);
    expect((await trend({ b: 'MONTH', f: dayBefore(40), t: due })).reduce((n, p) => n + p.overdue, 0)).toBe(1);
    await h.dataSource.query(`UPDATE issues.ledger_entry SET completed_at = now() WHERE id = $1`, [entry.id]);
    expect((await trend({ b: 'MONTH', f: dayBefore(40), t: due })).reduce((n, p) => n + p.overdue, 0)).toBe(0);
    await h.dataSource.query(`UPDATE issues.ledger_entry SET status = 'OPEN', completed_at = NULL WHERE id = $1`, [entry.id]);
  });

  it('one statement', async () => {
    h.counter.reset();
    await trend({ b: 'WEEK', f: '2021-01-01', t: '2025-12-31' });
    expect(h.counter.count).toBe(1);
  });

  it('bad input', async () => {
    expect(errorOf(await h.request(TREND, { b: 'WEEK', f: '2025-03-02', t: '2025-03-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(errorOf(await h.request(TREND, { b: 'WEEK', f: '2020-01-01', t: '2025-01-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(errorOf(await h.request(TREND, { b: 'WEEK', f: '2025-01-01', t: '2025-02-01', c: 'not-a-uuid' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'communityId' });
  });
});

const COMMON = `query($f: Date!, $t: Date!, $m: Int) { commonIssues(from: $f, to: $t, minCommunities: $m) { category communities issues openIssues sample { id supportCount } } }`;

describe('commonIssues', () => {
  it('categories raised in at least N communities, with open counts and the most supported samples', async () => {
    // Sanitation raised in all three communities (one rejected), parking in two.
    const s1 = await raise('san1', a, 'ENVIRONMENT_SANITATION');
    const s2 = await raise('san2', b, 'ENVIRONMENT_SANITATION');
    const s3 = await raise('san3', c, 'ENVIRONMENT_SANITATION');
    const s4 = await raise('san4', c, 'ENVIRONMENT_SANITATION');
    await m(`mutation($id: ID!) { rejectIssue(id: $id, reason: "重复") { id } }`, { id: s4 });
    const p1 = await raise('park1', a, 'TRAFFIC_PARKING');
    const p2 = await raise('park2', b, 'TRAFFIC_PARKING');
    for (const [id, n] of [
      [s2, 3],
      [s3, 2],
      [s1, 1],
    ] as const) {
      for (let k = 0; k < n; k++) await m(`mutation($id: ID!) { supportIssue(issueId: $id) { id } }`, { id }, viewer(['RESIDENT'], [], `fan-${k}`));
    }
    const moved = [s1, s2, s3, s4, p1, p2];
    await h.dataSource.query(`UPDATE issues.issue SET raised_at = '2024-06-10T10:00:00+08:00'::timestamptz + (array_position($1::uuid[], id) * interval '1 hour') WHERE id = ANY($1::uuid[])`, [moved]);

    const common = ok(await h.request(COMMON, { f: '2024-06-01', t: '2024-06-30', m: 2 })).commonIssues;
    expect(common).toEqual([
      {
        category: 'ENVIRONMENT_SANITATION',
        communities: 3,
        issues: 4,
        openIssues: 3,
        sample: [
          { id: s2, supportCount: 3 },
          { id: s3, supportCount: 2 },
          { id: s1, supportCount: 1 },
        ],
      },
      {
        category: 'TRAFFIC_PARKING',
        communities: 2,
        issues: 2,
        openIssues: 2,
        sample: [
          { id: p2, supportCount: 0 },
          { id: p1, supportCount: 0 },
        ],
      },
    ]);
    // The default is 3 communities.
    expect(ok(await h.request(COMMON, { f: '2024-06-01', t: '2024-06-30' })).commonIssues.map((x: any) => x.category)).toEqual(['ENVIRONMENT_SANITATION']);
    expect(ok(await h.request(COMMON, { f: '2024-07-01', t: '2024-07-30', m: 1 })).commonIssues).toEqual([]);
  });

  it('two statements however many categories (the samples through the issue loader)', async () => {
    h.counter.reset();
    await h.request(COMMON, { f: '2024-01-01', t: today, m: 1 });
    expect(h.counter.count).toBe(2);
  });

  it('bad input', async () => {
    for (const mc of [0, 1001]) expect(errorOf(await h.request(COMMON, { f: '2024-06-01', t: '2024-06-30', m: mc }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minCommunities' });
    expect(errorOf(await h.request(COMMON, { f: '2024-06-30', t: '2024-06-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(errorOf(await h.request(COMMON, { f: '2019-06-01', t: '2024-06-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });
});
