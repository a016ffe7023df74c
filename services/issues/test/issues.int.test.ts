import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { RAISE, startIssues, type IssuesHarness } from './harness';

let h: IssuesHarness;
let fangjing: string; // 方井社区, 三里河街道
let songcheng: string; // 宋城美域, 阜安街道
let grid: string;
let otherGrid: string;
let session: string;
let otherSession: string;
const resident = viewer(['RESIDENT'], [], 'resident-1');

beforeAll(async () => {
  h = await startIssues();
  fangjing = await h.createCommunity('方井社区', '三里河街道');
  songcheng = await h.createCommunity('宋城美域', '阜安街道');
  grid = await h.addGrid(fangjing, '第一网格');
  otherGrid = await h.addGrid(songcheng, '第一网格');
  session = await h.scheduleSession(fangjing);
  otherSession = await h.scheduleSession(songcheng);
});
afterAll(() => h?.stop());

const input = (over: Record<string, unknown> = {}) => ({
  communityId: fangjing,
  title: '电动车充电难',
  description: '小区里没有充电棚，居民只能飞线充电，存在安全隐患。',
  category: 'TRAFFIC_PARKING',
  ...over,
});
const raise = async (over: Record<string, unknown> = {}, as = resident) => ok(await h.request(RAISE, { input: input(over) }, as)).raiseIssue;
const rowCounts = async () => {
  const [r] = await h.dataSource.query(`SELECT (SELECT count(*) FROM issues.issue)::int AS issues, (SELECT count(*) FROM issues.issue_event)::int AS events`);
  return r;
};

describe('raiseIssue', () => {
  it('a RESIDENT raises a request in a grid and a session; it starts SUBMITTED at GRID level, with a RAISED event', async () => {
    const issue = await raise({ gridId: grid, sessionId: session, raisedBy: ' 王大爷 ', reporterContact: '13800000000' });
    expect(issue).toMatchObject({
      title: '电动车充电难',
      category: 'TRAFFIC_PARKING',
      status: 'SUBMITTED',
      level: 'GRID',
      raisedBy: '王大爷',
      reporterContact: '13800000000',
      resolvedOnSite: false,
      supportCount: 0,
      community: { id: fangjing },
      grid: { id: grid },
      session: { id: session },
    });
    const [row] = await h.dataSource.query(`SELECT subdistrict, reporter_id FROM issues.issue WHERE id = $1`, [issue.id]);
    expect(row).toEqual({ subdistrict: '三里河街道', reporter_id: 'resident-1' });
    const { issue: read } = ok(await h.request(`query($id: ID!) { issue(id: $id) { id timeline { edges { cursor node { kind toStatus actor issue { id } } } } } }`, { id: issue.id }));
    expect(read.timeline.edges).toHaveLength(1);
    expect(read.timeline.edges[0].node).toEqual({ kind: 'RAISED', toStatus: 'SUBMITTED', actor: 'resident-1', issue: { id: issue.id } });
    // Pages of the timeline: `first: 0` is empty with no next page, like every other list; after
    // the last cursor, nothing.
    const page = (first: number, after?: string) =>
      h.request(`query($id: ID!, $first: Int, $after: String) { issue(id: $id) { timeline(first: $first, after: $after) { edges { cursor } pageInfo { hasNextPage endCursor } } } }`, {
        id: issue.id,
        first,
        after,
      });
    expect(ok(await page(0)).issue.timeline).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    const last = read.timeline.edges[0].cursor as string;
    expect(ok(await page(1)).issue.timeline).toEqual({ edges: [{ cursor: last }], pageInfo: { hasNextPage: false, endCursor: last } });
    expect(ok(await page(5, last)).issue.timeline).toEqual({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('STAFF of the community may raise; STAFF elsewhere, ANALYST and anonymous may not', async () => {
    expect((await raise({}, viewer(['STAFF'], [fangjing]))).status).toBe('SUBMITTED');
    expect(errorOf(await h.request(RAISE, { input: input() }, viewer(['STAFF'], [songcheng]))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(RAISE, { input: input() }, viewer(['ANALYST']))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(RAISE, { input: input() })).code).toBe('UNAUTHENTICATED');
  });

  it('refuses bad input with its field, writing nothing', async () => {
    const before = await rowCounts();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ title: '   ' }, 'BAD_USER_INPUT', 'input.title'],
      [{ title: '长'.repeat(101) }, 'BAD_USER_INPUT', 'input.title'],
      [{ description: '' }, 'BAD_USER_INPUT', 'input.description'],
      [{ description: '长'.repeat(5001) }, 'BAD_USER_INPUT', 'input.description'],
      [{ reporterContact: '1'.repeat(101) }, 'BAD_USER_INPUT', 'input.reporterContact'],
      [{ communityId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND', 'input.communityId'],
      [{ communityId: 'nope' }, 'NOT_FOUND', 'input.communityId'],
      [{ gridId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND', 'input.gridId'],
      [{ gridId: otherGrid }, 'BAD_USER_INPUT', 'input.gridId'],
      [{ sessionId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND', 'input.sessionId'],
      [{ sessionId: otherSession }, 'BAD_USER_INPUT', 'input.sessionId'],
    ];
    for (const [over, code, field] of cases) {
      expect({ over: Object.keys(over), ...errorOf(await h.request(RAISE, { input: input(over) }, viewer(['ADMIN']))) }).toMatchObject({ code, field });
    }
    expect(errorOf(await h.request(RAISE, { input: input({ category: 'NOPE' }) }, resident)).code).toBe('BAD_USER_INPUT');
    expect(await rowCounts()).toEqual(before);
  });

  it('issue(id) of an unknown or malformed id is null', async () => {
    expect(ok(await h.request(`{ issue(id: "00000000-0000-0000-0000-000000000000") { id } }`)).issue).toBeNull();
    expect(ok(await h.request(`{ issue(id: "x") { id } }`)).issue).toBeNull();
  });
});

describe('issues(filter)', () => {
  const ids: Record<string, string> = {};
  const staff = viewer(['STAFF'], [fangjing, songcheng].filter(Boolean));
  const ISSUES = `query($f: IssueFilter, $first: Int, $after: String) { issues(filter: $f, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title } } } }`;
  const titles = async (f: Record<string, unknown>) =>
    ok(await h.request(ISSUES, { f: { communityId: undefined, ...f }, first: 100 }))
      .issues.edges.map((e: any) => e.node.title)
      .sort();

  beforeAll(async () => {
    const s = viewer(['STAFF'], [fangjing, songcheng]);
    ids.drain = (await raise({ title: '老宿舍下水道老化', description: '一中老宿舍排水不畅', category: 'OLD_COMMUNITY_RENOVATION', gridId: grid })).id;
    ids.shed = (await raise({ communityId: songcheng, title: '建充电棚', description: '宋城美域居民电动车无法充电', sessionId: otherSession })).id;
    ids.space = (await raise({ communityId: songcheng, title: '活动空间太少', description: '老人没有地方下棋 50%_的人反映', category: 'PUBLIC_FACILITIES' })).id;
    ids.noise = (await raise({ title: '楼上噪音', description: '邻里纠纷需调解', category: 'NEIGHBOUR_DISPUTE', sessionId: session })).id;
    await h.dataSource.query(`UPDATE issues.issue SET raised_at = '2026-03-10T10:00:00+08:00' WHERE id = $1`, [ids.drain]);
    await h.dataSource.query(`UPDATE issues.issue SET raised_at = '2026-03-11T23:30:00+08:00' WHERE id = $1`, [ids.shed]);
    await h.dataSource.query(`UPDATE issues.issue SET raised_at = '2026-03-12T00:10:00+08:00' WHERE id = $1`, [ids.space]);
    ok(await h.request(`mutation($id: ID!) { claimIssue(id: $id, department: "社区物业办") { id } }`, { id: ids.space }, s));
    ok(await h.request(`mutation($id: ID!) { escalateIssue(id: $id, level: SUBDISTRICT, reason: "需街道协调") { id } }`, { id: ids.drain }, s));
    ok(await h.request(`mutation($id: ID!) { claimIssue(id: $id, department: "城建科") { id } }`, { id: ids.noise }, s));
    h.setNow(new Date('2026-03-20T12:00:00+08:00'));
    ok(
      await h.request(
        `mutation($id: ID!) { addLedgerEntry(issueId: $id, input: { measure: "上门调解", responsiblePerson: "张三", responsibleUnit: "调委会", deadline: "2026-03-21" }) { id } }`,
        { id: ids.noise },
        s,
      ),
    );
    h.setNow(new Date('2026-03-22T00:30:00+08:00'));
  });
  afterAll(() => h.setNow(null));

  it('filters by every IssueFilter field', async () => {
    expect(await titles({ communityId: songcheng })).toEqual(['建充电棚', '活动空间太少']);
    expect(await titles({ subdistrict: '阜安街道' })).toEqual(['建充电棚', '活动空间太少']);
    expect(await titles({ sessionId: otherSession })).toEqual(['建充电棚']);
    expect(await titles({ sessionId: 'not-a-uuid' })).toEqual([]);
    expect(await titles({ categories: ['PUBLIC_FACILITIES', 'NEIGHBOUR_DISPUTE'] })).toEqual(['楼上噪音', '活动空间太少']);
    expect(await titles({ statuses: ['CLAIMED'] })).toEqual(['活动空间太少']);
    expect(await titles({ statuses: ['IN_PROGRESS'] })).toEqual(['楼上噪音']);
    expect(await titles({ levels: ['SUBDISTRICT', 'CITY'] })).toEqual(['老宿舍下水道老化']);
    expect(await titles({ overdue: true })).toEqual(['楼上噪音']);
    expect(await titles({ overdue: false, communityId: songcheng })).toEqual(['建充电棚', '活动空间太少']);
    expect(await titles({ text: '充电' })).toEqual(expect.arrayContaining(['建充电棚', '电动车充电难']));
    expect(await titles({ text: '充电', communityId: songcheng })).toEqual(['建充电棚']);
    expect(await titles({ text: '宿舍漏水' })).toEqual([]);
    expect(await titles({ text: '排水不畅' })).toEqual(['老宿舍下水道老化']);
    expect(await titles({ text: '50%_' })).toEqual(['活动空间太少']);
    expect(await titles({ text: '%' })).toEqual(['活动空间太少']);
    // Asia/Shanghai days: 23:30 on the 11th is the 11th, 00:10 on the 12th is the 12th.
    expect(await titles({ raisedFrom: '2026-03-11', raisedTo: '2026-03-11' })).toEqual(['建充电棚']);
    expect(await titles({ raisedFrom: '2026-03-10', raisedTo: '2026-03-12' })).toEqual(['建充电棚', '活动空间太少', '老宿舍下水道老化']);
    expect(await titles({ raisedTo: '2026-03-10' })).toEqual(['老宿舍下水道老化']);
    expect(await titles({ subdistrict: '阜安街道', categories: ['TRAFFIC_PARKING'], raisedFrom: '2026-03-11' })).toEqual(['建充电棚']);
    const bad = errorOf(await h.request(ISSUES, { f: { raisedFrom: '2026-03-12', raisedTo: '2026-03-10' } }));
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.raisedTo' });
    expect(errorOf(await h.request(ISSUES, { f: { raisedFrom: '2026-02-30' } })).code).toBe('BAD_USER_INPUT');
  });

  it('the same filter works on Community.issues through _entities', async () => {
    const q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Community { id issues(filter: { categories: [TRAFFIC_PARKING] }, first: 10) { totalCount edges { node { title } } } } } }`;
    const { _entities } = ok(
      await h.request(q, {
        r: [
          { __typename: 'Community', id: songcheng },
          { __typename: 'Community', id: fangjing },
        ],
      }),
    );
    expect(_entities[0]).toEqual({ id: songcheng, issues: { totalCount: 1, edges: [{ node: { title: '建充电棚' } }] } });
    expect(_entities[1].issues.totalCount).toBe(2);
    expect(_entities[1].issues.edges.every((e: any) => e.node.title !== '建充电棚')).toBe(true);
    void staff;
  });
});

describe('pagination', () => {
  it('pages newest first with opaque cursors, totalCount, stable while rows are inserted', async () => {
    const c = await h.createCommunity('分页社区', '九龙街道');
    for (let i = 0; i < 25; i++) await raise({ communityId: c, title: `诉求 ${String(i).padStart(2, '0')}` });
    const Q = `query($c: ID!, $after: String) { issues(filter: { communityId: $c }, first: 10, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { title } } } }`;
    const p1 = ok(await h.request(Q, { c })).issues;
    expect(p1.totalCount).toBe(25);
    expect(p1.edges.map((e: any) => e.node.title)).toEqual(Array.from({ length: 10 }, (_, i) => `诉求 ${24 - i}`));
    expect(p1.pageInfo).toEqual({ hasNextPage: true, endCursor: p1.edges[9].cursor });
    await raise({ communityId: c, title: '新插入' }); // arrives between pages: not on later pages, no duplicates
    const p2 = ok(await h.request(Q, { c, after: p1.pageInfo.endCursor })).issues;
    const p3 = ok(await h.request(Q, { c, after: p2.pageInfo.endCursor })).issues;
    expect(p2.totalCount).toBe(26);
    expect([...p2.edges, ...p3.edges].map((e: any) => e.node.title)).toEqual(Array.from({ length: 15 }, (_, i) => `诉求 ${String(14 - i).padStart(2, '0')}`));
    expect(p3.pageInfo.hasNextPage).toBe(false);
    expect(errorOf(await h.request(Q, { c, after: 'garbage' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(errorOf(await h.request(`{ issues(first: 101) { totalCount } }`))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('federation', () => {
  it('resolves Issue references in one batch, Session.issues, and TopicProposal.relatedIssues (same community and category, still open)', async () => {
    const c = await h.createCommunity('引用社区', '三里河街道');
    const s = await h.scheduleSession(c);
    const a = await raise({ communityId: c, sessionId: s, title: '路灯不亮', category: 'SAFETY' });
    const b = await raise({ communityId: c, title: '井盖松动', category: 'SAFETY' });
    const done = await raise({ communityId: c, title: '已解决的隐患', category: 'SAFETY' });
    await raise({ communityId: c, title: '别的类别', category: 'OTHER' });
    ok(await h.request(`mutation($id: ID!) { resolveOnSite(id: $id, note: "当场修好") { id } }`, { id: done.id }, viewer(['STAFF'], [c])));
    const q = `query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Issue { id title }
      ... on Session { id issues(first: 5) { totalCount edges { node { title } } } }
      ... on TopicProposal { id relatedIssues { title } }
    } }`;
    const reps = [
      { __typename: 'Issue', id: a.id },
      { __typename: 'Issue', id: '00000000-0000-0000-0000-000000000000' },
      { __typename: 'Session', id: s },
      { __typename: 'TopicProposal', id: '11111111-1111-1111-1111-111111111111', category: 'SAFETY', community: { id: c } },
    ];
    const { _entities } = ok(await h.request(q, { r: reps }));
    expect(_entities[0]).toEqual({ id: a.id, title: '路灯不亮' });
    expect(_entities[1]).toBeNull();
    expect(_entities[2]).toEqual({ id: s, issues: { totalCount: 1, edges: [{ node: { title: '路灯不亮' } }] } });
    expect(_entities[3].relatedIssues.map((i: any) => i.title)).toEqual(['井盖松动', '路灯不亮']);
    void b;
  });
});

describe('statement count', () => {
  const Q = `query($first: Int) { issues(first: $first) { totalCount edges { node {
    id community { id } grid { id } session { id } claim { department } ledger { id status } plans { id votesFor viewerStance issue { id } }
    supportCount viewerSupports overdue dueAt feedback { id } evaluations { id } outcomes { kind } reporterContact timeline(first: 3) { edges { node { kind } } }
  } } } }`;

  it('issues(first: 5) and issues(first: 50) with nested fields cost the same number of SQL statements', async () => {
    const c = await h.createCommunity('计数社区', '三里河街道');
    const staff = viewer(['STAFF'], [c]);
    for (let i = 0; i < 50; i++) {
      const issue = await raise({ communityId: c, title: `计数 ${i}` });
      if (i % 5 === 0) {
        ok(await h.request(`mutation($id: ID!) { claimIssue(id: $id, department: "物业") { id } }`, { id: issue.id }, staff));
        ok(await h.request(`mutation($id: ID!) { proposePlan(issueId: $id, summary: "方案") { id } }`, { id: issue.id }, staff));
      }
    }
    const counts: number[] = [];
    for (const first of [5, 50]) {
      h.counter.reset();
      const res = ok(await h.request(Q, { first }, staff));
      expect(res.issues.edges).toHaveLength(first);
      counts.push(h.counter.count);
    }
    expect(counts[0]).toBe(counts[1]);
    expect(counts[0]).toBeLessThanOrEqual(14);

    const CQ = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Community { issues(first: 3) { totalCount edges { node { id ledger { id } } } } } } }`;
    const few = [c, fangjing].map((id) => ({ __typename: 'Community', id }));
    const many = [c, fangjing, songcheng, ...Array.from({ length: 7 }, (_, i) => `00000000-0000-0000-0000-00000000000${i}`)].map((id) => ({ __typename: 'Community', id }));
    h.counter.reset();
    ok(await h.request(CQ, { r: few }));
    const fewCount = h.counter.count;
    h.counter.reset();
    ok(await h.request(CQ, { r: many }));
    expect(h.counter.count).toBe(fewCount);
  });
});
