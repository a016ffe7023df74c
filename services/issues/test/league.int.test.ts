import { errorOf, getRoute, ok, parseCsv, routeError, viewer } from '@plaza/shared/testing';
import { RAISE, startIssues, type IssuesHarness } from './harness';

/*
 * 考核激励 and the Overview's settled shares on a hand-built world: every request goes through
 * the real mutations, then its timestamps are set by SQL so every figure below is known by hand.
 * Period: March 2026 (Asia/Shanghai); "today" is 2026-04-10.
 *
 * Community A (三里河街道):
 *   i1 raised 03-02 08:00, claimed by 街道城建办 10:00 (2 h); ledger e1 物业 due 03-10, done 03-09
 *      (on time); feedback 03-06 14:00 (100 h); satisfied 03-10 -> RESOLVED; escalated to COMMUNITY
 *   i2 raised 03-03 08:00, claimed by 街道城建办 12:00 (4 h); ledger e2 物业 due 03-12, done 03-14
 *      (late); feedback 03-04 12:00 (24 h); unsatisfied 03-15 -> RECTIFYING; ledger e3 街道城建办
 *      due 03-20, never done (open past deadline)
 *   i3 raised 03-05 08:00, claimed by 社区居委会 14:00 (6 h)
 *   i4 raised 02-20, claimed by 社区居委会 02-21; ledger e4 社区居委会 due 03-05, done 03-05 10:00;
 *      feedback 02-25; satisfied 03-06 -> RESOLVED; escalated to SUBDISTRICT
 *   i6 resolved on the spot 03-08, never escalated (GRID)
 * Community C (阜安街道):
 *   i5 raised 03-01 08:00, claimed by 街道城建办 09:00 (1 h)
 */
let h: IssuesHarness;
let a: string;
let c: string;
let staffA: ReturnType<typeof viewer>;
const resident = viewer(['RESIDENT'], [], 'resident-league');
const analyst = viewer(['ANALYST'], [], 'analyst-league');
const at = (s: string) => `2026-${s}:00+08:00`;
const ids: Record<string, string> = {};
const entries: Record<string, string> = {};

const m = async (query: string, variables: Record<string, unknown>, as = staffA) => ok(await h.request(query, variables, as));
const sql = (text: string, params: unknown[]) => h.dataSource.query(text, params);
const raise = async (key: string, communityId: string) => {
  const input = { communityId, title: `${key} 诉求`, description: '测试数据', category: 'OTHER' };
  ids[key] = ok(await h.request(RAISE, { input }, resident)).raiseIssue.id;
  return ids[key]!;
};
const claim = (id: string, department: string, as = staffA) => m(`mutation($id: ID!, $d: String!) { claimIssue(id: $id, department: $d) { id } }`, { id, d: department }, as);
const ledger = async (key: string, id: string, unit: string, deadline: string) => {
  const r = await m(
    `mutation($id: ID!, $u: String!, $d: Date!) { addLedgerEntry(issueId: $id, input: { measure: "整改", responsiblePerson: "张三", responsibleUnit: $u, deadline: $d }) { ledger { id } } }`,
    { id, u: unit, d: deadline },
  );
  entries[key] = r.addLedgerEntry.ledger.at(-1).id;
};
const done = (key: string, when: string) =>
  m(`mutation($id: ID!) { completeLedgerEntry(id: $id) { id } }`, { id: entries[key] }).then(() => sql(`UPDATE issues.ledger_entry SET completed_at = $2 WHERE id = $1`, [entries[key], at(when)]));
const feedback = (id: string, when: string) =>
  m(`mutation($id: ID!) { giveFeedback(issueId: $id, text: "已处理") { id } }`, { id }).then(() => sql(`UPDATE issues.feedback SET given_at = $2 WHERE issue_id = $1`, [id, at(when)]));
const evaluate = (id: string, satisfied: boolean, when: string) =>
  m(`mutation($id: ID!, $s: Boolean!) { evaluateIssue(issueId: $id, input: { satisfied: $s, rating: 4 }) { id } }`, { id, s: satisfied }).then(() =>
    sql(`UPDATE issues.evaluation SET evaluated_at = $2 WHERE issue_id = $1 AND satisfied = $3`, [id, at(when), satisfied]),
  );
const escalate = (id: string, level: string) => m(`mutation($id: ID!, $l: IssueLevel!) { escalateIssue(id: $id, level: $l, reason: "需要上级协调") { id } }`, { id, l: level });
const times = (id: string, raised: string, claimed: string | null, resolved: string | null = null) =>
  sql(`UPDATE issues.issue SET raised_at = $2, claimed_at = coalesce($3, claimed_at), resolved_at = coalesce($4, resolved_at) WHERE id = $1`, [
    id,
    at(raised),
    claimed && at(claimed),
    resolved && at(resolved),
  ]);

beforeAll(async () => {
  h = await startIssues();
  a = await h.createCommunity('方井社区', '三里河街道');
  c = await h.createCommunity('宋城美域', '阜安街道');
  staffA = viewer(['STAFF'], [a], 'staff-a');
  const staffC = viewer(['STAFF'], [c], 'staff-c');
  h.setNow(new Date(at('02-01T12:00'))); // deadlines in March may be set

  const i1 = await raise('i1', a);
  await claim(i1, '街道城建办');
  await ledger('e1', i1, '物业', '2026-03-10');
  await done('e1', '03-09T12:00');
  await feedback(i1, '03-06T14:00');
  await escalate(i1, 'COMMUNITY');
  await evaluate(i1, true, '03-10T10:00');
  await times(i1, '03-02T08:00', '03-02T10:00', '03-10T10:00');

  const i2 = await raise('i2', a);
  await claim(i2, '街道城建办');
  await ledger('e2', i2, '物业', '2026-03-12');
  await feedback(i2, '03-04T12:00');
  await evaluate(i2, false, '03-15T10:00');
  await ledger('e3', i2, '街道城建办', '2026-03-20');
  await done('e2', '03-14T09:00');
  await times(i2, '03-03T08:00', '03-03T12:00');

  const i3 = await raise('i3', a);
  await claim(i3, '社区居委会');
  await times(i3, '03-05T08:00', '03-05T14:00');

  const i4 = await raise('i4', a);
  await claim(i4, '社区居委会');
  await ledger('e4', i4, '社区居委会', '2026-03-05');
  await done('e4', '03-05T10:00');
  await feedback(i4, '02-25T10:00');
  await escalate(i4, 'SUBDISTRICT');
  await evaluate(i4, true, '03-06T10:00');
  await times(i4, '02-20T08:00', '02-21T08:00', '03-06T10:00');

  const i6 = await raise('i6', a);
  await m(`mutation($id: ID!) { resolveOnSite(id: $id, note: "现场解决") { id } }`, { id: i6 });
  await times(i6, '03-08T19:30', null, '03-08T20:00');

  const i5 = await raise('i5', c);
  await claim(i5, '街道城建办', staffC);
  await times(i5, '03-01T08:00', '03-01T09:00');

  h.setNow(new Date(at('04-10T12:00')));
});
afterAll(() => h?.stop());

const FIELDS = `unit kind claimed resolved medianHoursToClaim medianHoursToFirstFeedback ledgerOnTime ledgerOverdue ledgerOpenPastDeadline onTimeRate satisfactionRate reworkRate`;
const LEAGUE = `query($scope: ID!, $from: Date, $to: Date, $kind: LeagueUnitKind, $orderBy: LeagueOrder, $first: Int, $after: String) {
  departmentLeague(scope: $scope, from: $from, to: $to, kind: $kind, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${FIELDS} } } } }`;
const MARCH = { from: '2026-03-01', to: '2026-03-31' };
const league = async (vars: Record<string, unknown>, as = analyst) => ok(await h.request(LEAGUE, { ...MARCH, ...vars }, as)).departmentLeague;
const units = (l: any) => l.edges.map((e: any) => `${e.node.kind[0]} ${e.node.unit}`);

const D_CJB = {
  unit: '街道城建办',
  kind: 'DEPARTMENT',
  claimed: 2,
  resolved: 1,
  medianHoursToClaim: 3,
  medianHoursToFirstFeedback: 62,
  ledgerOnTime: 1,
  ledgerOverdue: 1,
  ledgerOpenPastDeadline: 1,
  onTimeRate: 1 / 3,
  satisfactionRate: 0.5,
  reworkRate: 0.5,
};
const D_JWH = {
  unit: '社区居委会',
  kind: 'DEPARTMENT',
  claimed: 1,
  resolved: 1,
  medianHoursToClaim: 6,
  medianHoursToFirstFeedback: null,
  ledgerOnTime: 1,
  ledgerOverdue: 0,
  ledgerOpenPastDeadline: 0,
  onTimeRate: 1,
  satisfactionRate: 1,
  reworkRate: 0,
};
const R_WY = {
  unit: '物业',
  kind: 'RESPONSIBLE_UNIT',
  claimed: 2,
  resolved: 1,
  medianHoursToClaim: 3,
  medianHoursToFirstFeedback: 62,
  ledgerOnTime: 1,
  ledgerOverdue: 1,
  ledgerOpenPastDeadline: 0,
  onTimeRate: 0.5,
  satisfactionRate: 0.5,
  reworkRate: 0.5,
};
const R_CJB = {
  unit: '街道城建办',
  kind: 'RESPONSIBLE_UNIT',
  claimed: 1,
  resolved: 0,
  medianHoursToClaim: 4,
  medianHoursToFirstFeedback: 24,
  ledgerOnTime: 0,
  ledgerOverdue: 0,
  ledgerOpenPastDeadline: 1,
  onTimeRate: 0,
  satisfactionRate: 0,
  reworkRate: 1,
};
const R_JWH = {
  unit: '社区居委会',
  kind: 'RESPONSIBLE_UNIT',
  claimed: 0,
  resolved: 1,
  medianHoursToClaim: null,
  medianHoursToFirstFeedback: null,
  ledgerOnTime: 1,
  ledgerOverdue: 0,
  ledgerOpenPastDeadline: 0,
  onTimeRate: 1,
  satisfactionRate: 1,
  reworkRate: 0,
};

describe('departmentLeague', () => {
  it('gives every figure of every unit in a community, counted by hand', async () => {
    const l = await league({ scope: a });
    expect(l.totalCount).toBe(5);
    const nodes = l.edges.map((e: any) => e.node);
    for (const n of nodes) for (const k of ['medianHoursToClaim', 'medianHoursToFirstFeedback', 'onTimeRate']) if (n[k] != null) n[k] = Math.round(n[k] * 1e9) / 1e9;
    expect(nodes).toEqual([D_CJB, R_WY, D_JWH, R_JWH, R_CJB].map((e) => ({ ...e, onTimeRate: e.onTimeRate == null ? null : Math.round(e.onTimeRate * 1e9) / 1e9 })));
  });

  it('sorts by each order, best first, units without the figure last', async () => {
    const order = async (orderBy: string) => units(await league({ scope: a, orderBy }));
    expect(await order('HOURS_TO_CLAIM')).toEqual(['D 街道城建办', 'R 物业', 'R 街道城建办', 'D 社区居委会', 'R 社区居委会']);
    expect(await order('HOURS_TO_FEEDBACK')).toEqual(['R 街道城建办', 'D 街道城建办', 'R 物业', 'D 社区居委会', 'R 社区居委会']);
    expect(await order('ON_TIME_RATE')).toEqual(['D 社区居委会', 'R 社区居委会', 'R 物业', 'D 街道城建办', 'R 街道城建办']);
    expect(await order('SATISFACTION')).toEqual(['D 社区居委会', 'R 社区居委会', 'D 街道城建办', 'R 物业', 'R 街道城建办']);
    expect(await order('REWORK_RATE')).toEqual(['D 社区居委会', 'R 社区居委会', 'D 街道城建办', 'R 物业', 'R 街道城建办']);
  });

  it('filters by kind, widens with the scope and narrows with the period', async () => {
    expect(units(await league({ scope: a, kind: 'DEPARTMENT' }))).toEqual(['D 街道城建办', 'D 社区居委会']);
    expect(units(await league({ scope: a, kind: 'RESPONSIBLE_UNIT' }))).toEqual(['R 物业', 'R 社区居委会', 'R 街道城建办']);
    // The city adds i5 (claimed in 1 h) to 街道城建办: 3 claimed, median of 1, 2 and 4 hours.
    const city = (await league({ scope: 'city', kind: 'DEPARTMENT' })).edges[0].node;
    expect(city).toMatchObject({ unit: '街道城建办', claimed: 3, resolved: 1, medianHoursToClaim: 2 });
    expect((await league({ scope: '阜安街道' })).edges.map((e: any) => e.node)).toEqual([
      expect.objectContaining({ unit: '街道城建办', kind: 'DEPARTMENT', claimed: 1, resolved: 0, medianHoursToClaim: 1, ledgerOnTime: 0, onTimeRate: null, satisfactionRate: null }),
    ]);
    // February: only i4's claim (社区居委会, in 24 h, first feedback 98 h later), counted for the
    // department and for the unit of its ledger entry; the entry and the evaluation fall in March.
    const feb = await league({ scope: a, from: '2026-02-01', to: '2026-02-28' });
    const i4 = {
      unit: '社区居委会',
      claimed: 1,
      resolved: 0,
      medianHoursToClaim: 24,
      medianHoursToFirstFeedback: 98,
      ledgerOnTime: 0,
      ledgerOverdue: 0,
      ledgerOpenPastDeadline: 0,
      onTimeRate: null,
      satisfactionRate: null,
      reworkRate: null,
    };
    expect(feb.edges.map((e: any) => e.node)).toEqual([
      { ...i4, kind: 'DEPARTMENT' },
      { ...i4, kind: 'RESPONSIBLE_UNIT' },
    ]);
    // No `from`: since the first record, to today.
    expect((await league({ scope: a, from: null, to: null, kind: 'DEPARTMENT' })).edges.map((e: any) => e.node.claimed)).toEqual([2, 2]);
  });

  it('pages with opaque cursors, without gap or repeat', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const l: any = await league({ scope: a, first: 2, after });
      seen.push(...units(l));
      if (!l.pageInfo.hasNextPage) break;
      after = l.pageInfo.endCursor;
    }
    expect(seen).toEqual(['D 街道城建办', 'R 物业', 'D 社区居委会', 'R 社区居委会', 'R 街道城建办']);
    expect(errorOf(await h.request(LEAGUE, { scope: a, after: 'nope' }, analyst)).code).toBe('BAD_USER_INPUT');
    const negative = Buffer.from(JSON.stringify([-5])).toString('base64url');
    expect(errorOf(await h.request(LEAGUE, { scope: a, after: negative }, analyst))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('is for ANALYST, ADMIN, and STAFF within their own communities', async () => {
    expect((await league({ scope: a }, staffA)).totalCount).toBe(5);
    expect((await league({ scope: a.toUpperCase() }, staffA)).totalCount).toBe(5);
    // The city: i5's 街道城建办 joins community A's, so still five units.
    expect((await league({ scope: 'city' }, viewer(['ADMIN']))).totalCount).toBe(5);
    for (const scope of ['city', '三里河街道', c]) expect(errorOf(await h.request(LEAGUE, { scope }, staffA)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(LEAGUE, { scope: a }, resident)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(LEAGUE, { scope: a }, viewer(['SCREEN']))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(LEAGUE, { scope: a })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(LEAGUE, { scope: a, from: '2026-04-01', to: '2026-03-01' }, analyst))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('exports the same figures as GET /export/departments.csv', async () => {
    const queries: Record<string, string>[] = [{ scope: a }, { scope: 'city', orderBy: 'SATISFACTION' }, { scope: a, kind: 'RESPONSIBLE_UNIT', orderBy: 'HOURS_TO_CLAIM' }];
    for (const q of queries) {
      const l = await league({ ...q, first: 100 });
      const search = new URLSearchParams({ ...MARCH, ...q }).toString();
      const res = await getRoute(h.url, `/export/departments.csv?${search}`, analyst);
      expect(res.status).toBe(200);
      const [header, ...rows] = parseCsv(res.text.replace(/^\uFEFF/, ''));
      expect(header).toEqual(['单位', '类型', '认领数', '解决数', '认领中位小时', '首次反馈中位小时', '台账按期完成', '台账逾期完成', '台账超期未完成', '按期率', '满意率', '返工率']);
      const asCells = (n: any) =>
        [
          n.unit,
          n.kind,
          n.claimed,
          n.resolved,
          n.medianHoursToClaim,
          n.medianHoursToFirstFeedback,
          n.ledgerOnTime,
          n.ledgerOverdue,
          n.ledgerOpenPastDeadline,
          n.onTimeRate,
          n.satisfactionRate,
          n.reworkRate,
        ].map((v) => (v == null ? '' : String(v)));
      expect(rows).toEqual(l.edges.map((e: any) => asCells(e.node)));
    }
    const bad = await getRoute(h.url, `/export/departments.csv?scope=${a}&orderBy=FASTEST`, analyst);
    expect(bad.status).toBe(400);
    expect(routeError(bad.text).extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'orderBy' });
    expect(routeError((await getRoute(h.url, `/export/departments.csv?scope=${a}&colour=red`, analyst)).text).extensions.field).toBe('colour');
    expect((await getRoute(h.url, `/export/departments.csv`, staffA)).status).toBe(403);
  });
});

describe('Overview settled shares (小事不出网格、大事不出社区)', () => {
  const SHARES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview { scope issuesResolved settledAtGridShare settledInCommunityShare } } }`;
  it('counts the requests resolved in the period by the highest level they reached', async () => {
    const reps = [a, c, 'city'].map((scope) => ({ __typename: 'Overview', scope, ...MARCH }));
    const [inA, inC, city] = ok(await h.request(SHARES, { r: reps }))._entities;
    // Resolved in March: i1 (COMMUNITY), i4 (SUBDISTRICT), i6 (GRID).
    expect(inA).toEqual({ scope: a, issuesResolved: 3, settledAtGridShare: 1 / 3, settledInCommunityShare: 2 / 3 });
    expect(inC).toEqual({ scope: c, issuesResolved: 0, settledAtGridShare: null, settledInCommunityShare: null });
    expect(city).toMatchObject({ issuesResolved: 3, settledAtGridShare: 1 / 3 });
  });
});
