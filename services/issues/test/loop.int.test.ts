import { shanghaiDay } from '@plaza/shared';
import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { createIssuesDataSource } from '../src/data-source';
import { startOverdueJob, sweepOverdue } from '../src/overdue/overdue.job';
import { RAISE, startIssues, type IssuesHarness } from './harness';

let h: IssuesHarness;
let c: string;
let d: string;
let staff: ReturnType<typeof viewer>;
const reporter = viewer(['RESIDENT'], [], 'reporter-1');
const tomorrow = () => shanghaiDay(new Date(Date.now() + 24 * 3600 * 1000));

beforeAll(async () => {
  h = await startIssues();
  c = await h.createCommunity('方井社区', '三里河街道');
  d = await h.createCommunity('宋城美域', '阜安街道');
  staff = viewer(['STAFF'], [c], 'staff-c');
});
afterAll(() => h?.stop());

const raise = async (over: Record<string, unknown> = {}, as = reporter) =>
  ok(
    await h.request(
      RAISE,
      { input: { communityId: c, title: '一中老宿舍下水道老化', description: '排水不畅，雨天倒灌', category: 'OLD_COMMUNITY_RENOVATION', reporterContact: '13900000000', ...over } },
      as,
    ),
  ).raiseIssue;

const FIELDS = `id status level claim { department claimedBy } ledger { id status deadline completedAt } feedback { text givenBy } evaluations { satisfied rating comment } outcomes { kind quantity note } resolvedOnSite overdue dueAt`;
type Op = [string, (id: string) => Record<string, unknown>];
const OPS = {
  claim: [`mutation($id: ID!) { claimIssue(id: $id, department: "社区物业办") { ${FIELDS} } }`, (id) => ({ id })] as Op,
  ledger: [
    `mutation($id: ID!, $d: Date!) { addLedgerEntry(issueId: $id, input: { measure: "更换排水管", responsiblePerson: "张师傅", responsibleUnit: "市政公司", deadline: $d }) { ${FIELDS} } }`,
    (id) => ({ id, d: tomorrow() }),
  ] as Op,
  feedback: [`mutation($id: ID!) { giveFeedback(issueId: $id, text: "已更换排水管，请查看") { ${FIELDS} } }`, (id) => ({ id })] as Op,
  satisfied: [`mutation($id: ID!) { evaluateIssue(issueId: $id, input: { satisfied: true, rating: 5, comment: "满意" }) { ${FIELDS} } }`, (id) => ({ id })] as Op,
  unsatisfied: [`mutation($id: ID!) { evaluateIssue(issueId: $id, input: { satisfied: false, rating: 2, comment: "还是倒灌" }) { ${FIELDS} } }`, (id) => ({ id })] as Op,
  onSite: [`mutation($id: ID!) { resolveOnSite(id: $id, note: "当场协调物业", outcomes: [{ kind: CHARGING_SHED, quantity: 5, note: "充电棚" }]) { ${FIELDS} } }`, (id) => ({ id })] as Op,
  reject: [`mutation($id: ID!) { rejectIssue(id: $id, reason: "不属于社区职责") { ${FIELDS} } }`, (id) => ({ id })] as Op,
  close: [`mutation($id: ID!) { closeIssue(id: $id) { ${FIELDS} } }`, (id) => ({ id })] as Op,
};
type OpName = keyof typeof OPS;
const run = (op: OpName, id: string, as = staff) => h.request(OPS[op][0], OPS[op][1](id), as);
const step = async (op: OpName, id: string, as = staff) => Object.values(ok(await run(op, id, as)))[0] as any;

const timeline = async (id: string) =>
  ok(await h.request(`query($id: ID!) { issue(id: $id) { timeline(first: 100) { edges { cursor node { kind fromStatus toStatus actor note } } } } }`, { id })).issue.timeline.edges.map(
    (e: any) => e.node,
  );

describe('the closed loop', () => {
  it('raise -> claim -> escalate -> ledger -> done -> feedback -> unsatisfied -> rectification -> feedback -> satisfied -> close', async () => {
    const issue = await raise();
    expect((await step('claim', issue.id)).claim).toEqual({ department: '社区物业办', claimedBy: 'staff-c' });
    const esc = ok(await h.request(`mutation($id: ID!) { escalateIssue(id: $id, level: COMMUNITY, reason: "涉及多栋楼") { level status } }`, { id: issue.id }, staff));
    expect(esc.escalateIssue).toEqual({ level: 'COMMUNITY', status: 'CLAIMED' });
    const down = errorOf(await h.request(`mutation($id: ID!) { escalateIssue(id: $id, level: GRID, reason: "降级") { level } }`, { id: issue.id }, staff));
    expect(down).toMatchObject({ code: 'CONFLICT', from: 'COMMUNITY', to: 'GRID' });

    let s = await step('ledger', issue.id);
    expect(s).toMatchObject({ status: 'IN_PROGRESS', overdue: false, ledger: [{ status: 'OPEN', deadline: tomorrow(), completedAt: null }] });
    expect(new Date(s.dueAt).toISOString()).toBe(new Date(`${tomorrow()}T16:00:00Z`).toISOString());
    s = Object.values(ok(await h.request(`mutation($id: ID!) { completeLedgerEntry(id: $id) { ${FIELDS} } }`, { id: s.ledger[0].id }, staff)))[0];
    expect(s.ledger[0].status).toBe('DONE');
    expect(s.dueAt).toBeNull();
    expect((await step('feedback', issue.id)).status).toBe('FEEDBACK_GIVEN');
    // The reporter is not satisfied: rectification (整改).
    expect((await step('unsatisfied', issue.id, reporter)).status).toBe('RECTIFYING');
    s = await step('ledger', issue.id);
    expect(s.status).toBe('IN_PROGRESS');
    expect(s.ledger.map((e: any) => e.status)).toEqual(['DONE', 'OPEN']);
    ok(await h.request(`mutation($id: ID!) { completeLedgerEntry(id: $id) { id } }`, { id: s.ledger[1].id }, staff));
    await step('feedback', issue.id);
    // Staff evaluate on the reporter's behalf.
    s = await step('satisfied', issue.id);
    expect(s).toMatchObject({
      status: 'RESOLVED',
      evaluations: [
        { satisfied: false, rating: 2, comment: '还是倒灌' },
        { satisfied: true, rating: 5, comment: '满意' },
      ],
    });
    expect(s.feedback).toHaveLength(2);
    expect((await step('close', issue.id)).status).toBe('CLOSED');

    const events = await timeline(issue.id);
    expect(events.map((e: any) => e.kind)).toEqual([
      'RAISED',
      'CLAIMED',
      'ESCALATED',
      'LEDGER_ADDED',
      'LEDGER_DONE',
      'FEEDBACK_GIVEN',
      'EVALUATED',
      'RECTIFICATION_STARTED',
      'LEDGER_ADDED',
      'LEDGER_DONE',
      'FEEDBACK_GIVEN',
      'EVALUATED',
      'CLOSED',
    ]);
    expect(events[6]).toMatchObject({ fromStatus: 'FEEDBACK_GIVEN', toStatus: 'RECTIFYING', actor: 'reporter-1' });
    expect(events[7]).toMatchObject({ fromStatus: 'RECTIFYING', toStatus: 'IN_PROGRESS' });
    expect(events[2].note).toContain('GRID -> COMMUNITY');

    // Timeline pages by cursor; the global log replays every event after a cursor in seq order.
    const { issue: p1 } = ok(
      await h.request(`query($id: ID!) { issue(id: $id) { timeline(first: 5) { pageInfo { hasNextPage endCursor } edges { cursor node { kind cursor } } } } }`, { id: issue.id }),
    );
    expect(p1.timeline.edges).toHaveLength(5);
    expect(p1.timeline.edges[4].cursor).toBe(p1.timeline.edges[4].node.cursor);
    const { issue: p2 } = ok(
      await h.request(`query($id: ID!, $a: String) { issue(id: $id) { timeline(first: 50, after: $a) { pageInfo { hasNextPage } edges { node { kind } } } } }`, {
        id: issue.id,
        a: p1.timeline.pageInfo.endCursor,
      }),
    );
    expect(p2.timeline.edges.map((e: any) => e.node.kind)).toEqual(events.slice(5).map((e: any) => e.kind));
    const log = ok(
      await h.request(`query($a: String) { issueEventLog(after: $a, first: 100) { pageInfo { hasNextPage } edges { cursor node { kind issueId communityId subdistrict category issue { id } } } } }`, {
        a: p1.timeline.edges[0].cursor,
      }),
    ).issueEventLog;
    const mine = log.edges.filter((e: any) => e.node.issueId === issue.id);
    expect(mine.map((e: any) => e.node.kind)).toEqual(events.slice(1).map((e: any) => e.kind));
    expect(mine[0].node).toMatchObject({ communityId: c, subdistrict: '三里河街道', category: 'OLD_COMMUNITY_RENOVATION', issue: { id: issue.id } });
    const seqs = log.edges.map((e: any) => JSON.parse(Buffer.from(e.cursor, 'base64url').toString())[0]);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('resolves on the spot with outcomes, rejects with a reason', async () => {
    const a = await raise({ title: '电动车充电难', category: 'TRAFFIC_PARKING' });
    const s = await step('onSite', a.id);
    expect(s).toMatchObject({ status: 'RESOLVED', resolvedOnSite: true, outcomes: [{ kind: 'CHARGING_SHED', quantity: 5, note: '充电棚' }] });
    const b = await raise();
    expect((await step('reject', b.id)).status).toBe('REJECTED');
    expect((await timeline(b.id)).at(-1)).toMatchObject({ kind: 'REJECTED', note: '不属于社区职责', fromStatus: 'SUBMITTED', toStatus: 'REJECTED' });
  });
});

describe('illegal transitions', () => {
  const PATHS: Record<string, OpName[]> = {
    SUBMITTED: [],
    CLAIMED: ['claim'],
    IN_PROGRESS: ['claim', 'ledger'],
    FEEDBACK_GIVEN: ['claim', 'ledger', 'feedback'],
    RECTIFYING: ['claim', 'ledger', 'feedback', 'unsatisfied'],
    RESOLVED: ['onSite'],
    REJECTED: ['reject'],
    CLOSED: ['onSite', 'close'],
  };
  const TARGET: Record<OpName, string> = {
    claim: 'CLAIMED',
    ledger: 'IN_PROGRESS',
    feedback: 'FEEDBACK_GIVEN',
    satisfied: 'RESOLVED',
    unsatisfied: 'RECTIFYING',
    onSite: 'RESOLVED',
    reject: 'REJECTED',
    close: 'CLOSED',
  };
  const LEGAL: Record<OpName, string[]> = {
    claim: ['SUBMITTED'],
    ledger: ['CLAIMED', 'IN_PROGRESS', 'RECTIFYING'],
    feedback: ['IN_PROGRESS'],
    satisfied: ['FEEDBACK_GIVEN'],
    unsatisfied: ['FEEDBACK_GIVEN'],
    onSite: ['SUBMITTED'],
    reject: ['SUBMITTED', 'CLAIMED'],
    close: ['RESOLVED'],
  };
  const snapshot = async (id: string) =>
    (
      await h.dataSource.query(
        `SELECT to_jsonb(i) AS row, (SELECT count(*) FROM issues.issue_event WHERE issue_id = i.id)::int AS events, (SELECT count(*) FROM issues.ledger_entry WHERE issue_id = i.id)::int AS ledger,
              (SELECT count(*) FROM issues.feedback WHERE issue_id = i.id)::int AS feedback, (SELECT count(*) FROM issues.evaluation WHERE issue_id = i.id)::int AS evaluations,
              (SELECT count(*) FROM issues.outcome WHERE issue_id = i.id)::int AS outcomes
       FROM issues.issue i WHERE id = $1`,
        [id],
      )
    )[0];

  it('answers CONFLICT with from and to for every move the machine does not draw, and changes nothing', async () => {
    let checked = 0;
    for (const [status, path] of Object.entries(PATHS)) {
      const issue = await raise();
      for (const op of path) await step(op, issue.id);
      const before = await snapshot(issue.id);
      expect(before.row.status).toBe(status);
      for (const op of Object.keys(OPS) as OpName[]) {
        if (LEGAL[op].includes(status)) continue;
        const err = errorOf(await run(op, issue.id));
        expect({ status, op, ...err }).toMatchObject({ status, op, code: 'CONFLICT', from: status, to: TARGET[op] });
        expect(await snapshot(issue.id)).toEqual(before);
        checked++;
      }
    }
    expect(checked).toBe(8 * 8 - 11); // 11 legal (status, move) pairs in the machine
  });

  it('exactly one of several concurrent claims wins', async () => {
    const issue = await raise();
    const others = Array.from({ length: 5 }, (_, i) => viewer(['STAFF'], [c], `staff-${i}`));
    const results = await Promise.all(others.map((as) => run('claim', issue.id, as)));
    const winners = results.filter((r) => !r.errors);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((r) => r.errors)) expect(errorOf(r)).toMatchObject({ code: 'CONFLICT', from: 'CLAIMED', to: 'CLAIMED' });
    expect((await timeline(issue.id)).filter((e: any) => e.kind === 'CLAIMED')).toHaveLength(1);
  });
});

describe('roles and bad input', () => {
  it('staff actions need STAFF of the request community; evaluation the reporter or such STAFF', async () => {
    const issue = await raise();
    const otherStaff = viewer(['STAFF'], [d]);
    for (const as of [otherStaff, reporter, viewer(['ANALYST'])]) expect(errorOf(await run('claim', issue.id, as)).code).toBe('FORBIDDEN');
    expect(errorOf(await run('claim', issue.id, viewer([]))).code).toBe('UNAUTHENTICATED');
    expect((await step('claim', issue.id, viewer(['ADMIN']))).status).toBe('CLAIMED');
    await step('ledger', issue.id);
    await step('feedback', issue.id);
    expect(errorOf(await run('satisfied', issue.id, viewer(['RESIDENT'])))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await run('satisfied', issue.id, otherStaff))).toMatchObject({ code: 'FORBIDDEN' });
    expect((await step('satisfied', issue.id, reporter)).status).toBe('RESOLVED');
  });

  it('refuses bad input with its field and writes nothing', async () => {
    const issue = await raise();
    await step('claim', issue.id);
    const [{ n: before }] = await h.dataSource.query(`SELECT count(*)::int AS n FROM issues.issue_event`);
    const ledger = (input: Record<string, unknown>) =>
      h.request(
        `mutation($id: ID!, $i: LedgerEntryInput!) { addLedgerEntry(issueId: $id, input: $i) { id } }`,
        { id: issue.id, i: { measure: '修', responsiblePerson: '张三', responsibleUnit: '物业', deadline: tomorrow(), ...input } },
        staff,
      );
    expect(errorOf(await ledger({ deadline: '2020-01-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.deadline' });
    expect(errorOf(await ledger({ measure: ' ' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.measure' });
    expect(errorOf(await ledger({ deadline: '2026-13-01' })).code).toBe('BAD_USER_INPUT');
    expect(errorOf(await h.request(`mutation { claimIssue(id: "00000000-0000-0000-0000-000000000000", department: "x") { id } }`, {}, staff))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(errorOf(await h.request(`mutation { completeLedgerEntry(id: "nope") { id } }`, {}, staff))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(errorOf(await h.request(`mutation($id: ID!) { rejectIssue(id: $id, reason: "  ") { id } }`, { id: issue.id }, staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(errorOf(await h.request(`mutation($id: ID!) { claimIssue(id: $id, department: "${'长'.repeat(101)}") { id } }`, { id: issue.id }, staff))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'department',
    });
    const other = await raise();
    expect(errorOf(await h.request(`mutation($id: ID!) { resolveOnSite(id: $id, note: "好", outcomes: [{ kind: REPAIR, quantity: -1 }]) { id } }`, { id: other.id }, staff))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'outcomes.0.quantity',
    });
    await step('ledger', issue.id);
    await step('feedback', issue.id);
    for (const rating of [0, 6]) {
      const res = await h.request(`mutation($id: ID!, $r: Int!) { evaluateIssue(issueId: $id, input: { satisfied: true, rating: $r }) { id } }`, { id: issue.id, r: rating }, reporter);
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.rating' });
    }
    expect(errorOf(await h.request(`mutation { votePlan(planId: "00000000-0000-0000-0000-000000000000", stance: FOR) { id } }`, {}, reporter))).toMatchObject({ code: 'NOT_FOUND', field: 'planId' });
    const [{ n: after }] = await h.dataSource.query(`SELECT count(*)::int AS n FROM issues.issue_event`);
    expect(after).toBe(before + 3); // only the ledger and feedback steps above (LEDGER_ADDED, FEEDBACK_GIVEN) and the one raise
    const { issue: read } = ok(await h.request(`query($id: ID!) { issue(id: $id) { status evaluations { id } } }`, { id: issue.id }));
    expect(read).toEqual({ status: 'FEEDBACK_GIVEN', evaluations: [] });
  });

  it('reporterContact: the reporter and STAFF of the community read it; ANALYST, other STAFF, other residents and anonymous get null', async () => {
    const issue = await raise();
    const read = async (as?: ReturnType<typeof viewer>) => ok(await h.request(`query($id: ID!) { issue(id: $id) { reporterContact } }`, { id: issue.id }, as)).issue.reporterContact;
    expect(await read(reporter)).toBe('13900000000');
    expect(await read(staff)).toBe('13900000000');
    expect(await read(viewer(['ANALYST']))).toBeNull();
    expect(await read(viewer(['STAFF'], [d]))).toBeNull();
    expect(await read(viewer(['RESIDENT']))).toBeNull();
    expect(await read(viewer(['SCREEN']))).toBeNull();
    expect(await read()).toBeNull();
  });
});

describe('votes', () => {
  const residents = Array.from({ length: 100 }, (_, i) => viewer(['RESIDENT'], [], `voter-${i}`));

  it('200 concurrent supports from 100 viewers count 100; 50 withdrawals leave exactly 50', async () => {
    const issue = await raise();
    const SUPPORT = `mutation($id: ID!) { supportIssue(issueId: $id) { supportCount viewerSupports } }`;
    const res = await Promise.all([...residents, ...residents].map((as) => h.request(SUPPORT, { id: issue.id }, as)));
    res.forEach((r) => expect(ok(r).supportIssue.viewerSupports).toBe(true));
    const count = async (as = reporter) => ok(await h.request(`query($id: ID!) { issue(id: $id) { supportCount viewerSupports } }`, { id: issue.id }, as)).issue;
    expect(await count()).toEqual({ supportCount: 100, viewerSupports: false });
    const WITHDRAW = `mutation($id: ID!) { withdrawSupport(issueId: $id) { supportCount viewerSupports } }`;
    await Promise.all([...residents.slice(0, 50), ...residents.slice(0, 25)].map((as) => h.request(WITHDRAW, { id: issue.id }, as)).map(async (p) => ok(await p)));
    expect(await count(residents[0])).toEqual({ supportCount: 50, viewerSupports: false });
    expect(await count(residents[99])).toEqual({ supportCount: 50, viewerSupports: true });
    const [{ n, last }] = await h.dataSource.query(
      `SELECT count(*)::int AS n, (array_agg(support_count ORDER BY seq DESC))[1] AS last FROM issues.issue_event WHERE issue_id = $1 AND kind = 'SUPPORT_CHANGED'`,
      [issue.id],
    );
    expect({ n, last }).toEqual({ n: 150, last: 50 });
    expect(errorOf(await h.request(SUPPORT, { id: issue.id }, viewer(['ANALYST']))).code).toBe('FORBIDDEN');
  });

  it('plan votes: one stance per viewer, re-voting changes it, tallies exact under concurrency; adopting one rejects the others', async () => {
    const issue = await raise();
    const plan = ok(await h.request(`mutation($id: ID!) { proposePlan(issueId: $id, summary: "建 5 个充电棚") { id status proposedBy issue { id } } }`, { id: issue.id }, reporter)).proposePlan;
    expect(plan).toMatchObject({ status: 'OPEN', proposedBy: 'reporter-1', issue: { id: issue.id } });
    const other = ok(await h.request(`mutation($id: ID!) { proposePlan(issueId: $id, summary: "统一充电桩") { id } }`, { id: issue.id }, staff)).proposePlan;
    const VOTE = `mutation($p: ID!, $s: Stance!) { votePlan(planId: $p, stance: $s) { votesFor votesAgainst votesAbstain viewerStance } }`;
    await Promise.all([...residents, ...residents].map(async (as) => ok(await h.request(VOTE, { p: plan.id, s: 'FOR' }, as))));
    const tally = async (as = reporter) =>
      ok(await h.request(`query($id: ID!) { issue(id: $id) { plans { id votesFor votesAgainst votesAbstain viewerStance status } } }`, { id: issue.id }, as)).issue.plans[0];
    expect(await tally()).toMatchObject({ votesFor: 100, votesAgainst: 0, votesAbstain: 0, viewerStance: null });
    const changes = residents.slice(0, 50).map((as, i) => [as, i < 30 ? 'AGAINST' : 'ABSTAIN'] as const);
    await Promise.all([...changes, ...changes].map(async ([as, s]) => ok(await h.request(VOTE, { p: plan.id, s }, as))));
    expect(await tally(residents[0])).toMatchObject({ votesFor: 50, votesAgainst: 30, votesAbstain: 20, viewerStance: 'AGAINST' });
    expect(await tally(residents[99])).toMatchObject({ viewerStance: 'FOR' });

    expect(errorOf(await h.request(`mutation($p: ID!) { decidePlan(planId: $p, adopt: true) { id } }`, { p: plan.id }, reporter)).code).toBe('FORBIDDEN');
    const decided = ok(await h.request(`mutation($p: ID!) { decidePlan(planId: $p, adopt: true) { status issue { plans { id status } } } }`, { p: plan.id }, staff)).decidePlan;
    expect(decided.status).toBe('ADOPTED');
    expect(decided.issue.plans).toEqual([
      { id: plan.id, status: 'ADOPTED' },
      { id: other.id, status: 'REJECTED' },
    ]);
    expect(errorOf(await h.request(`mutation($p: ID!) { decidePlan(planId: $p, adopt: false) { id } }`, { p: plan.id }, staff))).toMatchObject({ code: 'CONFLICT', from: 'ADOPTED', to: 'REJECTED' });
    expect(errorOf(await h.request(VOTE, { p: other.id, s: 'FOR' }, reporter)).code).toBe('CONFLICT');
    const kinds = await h.dataSource.query(`SELECT kind, count(*)::int AS n FROM issues.issue_event WHERE issue_id = $1 GROUP BY kind ORDER BY kind`, [issue.id]);
    // 100 first votes + 50 changed stances; the repeated identical votes changed nothing and logged nothing.
    expect(kinds).toEqual([
      { kind: 'PLAN_DECIDED', n: 2 },
      { kind: 'PLAN_PROPOSED', n: 2 },
      { kind: 'PLAN_VOTED', n: 150 },
      { kind: 'RAISED', n: 1 },
    ]);
  });
});

describe('the overdue job', () => {
  it('marks each entry past its deadline day once, with one OVERDUE event, even with two replicas sweeping at once', async () => {
    h.setNow(new Date('2026-03-31T10:00:00+08:00'));
    const a = await raise({ title: '台账 A' });
    const b = await raise({ title: '台账 B' });
    for (const [issue, deadline] of [
      [a, '2026-04-01'],
      [b, '2026-04-02'],
    ] as const) {
      await step('claim', issue.id);
      ok(
        await h.request(
          `mutation($id: ID!, $d: Date!) { addLedgerEntry(issueId: $id, input: { measure: "整改", responsiblePerson: "李四", responsibleUnit: "街道", deadline: $d }) { id } }`,
          { id: issue.id, d: deadline },
          staff,
        ),
      );
    }
    // A second entry on B, done in time: never marked.
    const extra = ok(
      await h.request(
        `mutation($id: ID!) { addLedgerEntry(issueId: $id, input: { measure: "回访", responsiblePerson: "李四", responsibleUnit: "街道", deadline: "2026-04-01" }) { ledger { id } } }`,
        { id: b.id },
        staff,
      ),
    );
    ok(await h.request(`mutation($id: ID!) { completeLedgerEntry(id: $id) { id } }`, { id: extra.addLedgerEntry.ledger[1].id }, staff));

    let jobNow = new Date('2026-04-01T23:59:59+08:00');
    const job = startOverdueJob({ dataSource: h.dataSource, clock: () => jobNow, intervalMs: 3_600_000 });
    expect(await job.runOnce()).toBe(0); // the deadline day of A has not ended
    jobNow = new Date('2026-04-02T00:00:01+08:00');
    const replica = createIssuesDataSource(h.dbUrl);
    await replica.initialize();
    try {
      const marked = await Promise.all([job.runOnce(), sweepOverdue(replica, jobNow), sweepOverdue(h.dataSource, jobNow)]);
      expect(marked.reduce((x, y) => x + y, 0)).toBe(1);
      jobNow = new Date('2026-04-03T08:00:00+08:00');
      const again = await Promise.all([sweepOverdue(replica, jobNow), sweepOverdue(h.dataSource, jobNow), sweepOverdue(replica, jobNow)]);
      expect(again.reduce((x, y) => x + y, 0)).toBe(1);
      expect(await sweepOverdue(replica, new Date('2026-05-01T00:00:00+08:00'))).toBe(0);
    } finally {
      await job.stop();
      await replica.destroy();
    }
    const overdueEvents = await h.dataSource.query(`SELECT issue_id, count(*)::int AS n FROM issues.issue_event WHERE kind = 'OVERDUE' GROUP BY issue_id ORDER BY 1`);
    expect(overdueEvents.sort((x: any, y: any) => x.issue_id.localeCompare(y.issue_id))).toEqual(
      [
        { issue_id: a.id, n: 1 },
        { issue_id: b.id, n: 1 },
      ].sort((x, y) => x.issue_id.localeCompare(y.issue_id)),
    );

    h.setNow(new Date('2026-04-03T09:00:00+08:00'));
    const read = async (id: string) => ok(await h.request(`query($id: ID!) { issue(id: $id) { overdue ledger { id status } } }`, { id })).issue;
    const ra = await read(a.id);
    expect(ra).toMatchObject({ overdue: true, ledger: [{ status: 'OVERDUE' }] });
    expect((await read(b.id)).ledger.map((e: any) => e.status)).toEqual(['OVERDUE', 'DONE']);
    const list = ok(await h.request(`query($c: ID!) { issues(filter: { communityId: $c, overdue: true }, first: 100) { edges { node { id } } } }`, { c })).issues.edges.map((e: any) => e.node.id);
    expect(list.sort()).toEqual([a.id, b.id].sort());
    // Completing a late entry ends the overdue state.
    ok(await h.request(`mutation($id: ID!) { completeLedgerEntry(id: $id) { id } }`, { id: ra.ledger[0].id }, staff));
    expect(await read(a.id)).toMatchObject({ overdue: false, ledger: [{ status: 'DONE' }] });
    h.setNow(null);
  });
});
