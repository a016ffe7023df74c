import { Random, stableId } from './random';
import { ACTIVITY_TITLES, DEPARTMENTS, GIVEN, SUBDISTRICTS, SURNAMES, TEAM_KINDS, TEXT, VENUES, WORK_UNITS } from './names';

/**
 * The Jiaozhou demo world: one deterministic plan that each service seeds its own part of.
 * Ids are derived from the seed, so the sessions, issues and volunteering seeders agree on every
 * reference without reading each other's tables. The year's figures reproduce the report
 * (docs/DOMAIN.md): 190 sessions held, 95 problems resolved (32 family conflicts, 39 neighbour
 * disputes among them), 96 service facilities, 4 neighbourhood centres, 7,600+ cadres checked in,
 * 100+ teams, 2,000+ activities, 100,000+ beneficiaries.
 */
export const DEMO_SEED = 20251;
/** The dataset's year, as Asia/Shanghai calendar days. */
export const DEMO_YEAR = { from: '2025-01-01', to: '2025-12-31' } as const;

export const DEMO_TARGETS = {
  sessionsHeld: 190,
  issuesResolved: 95,
  familyConflictsResolved: 32,
  neighbourDisputesResolved: 39,
  facilitiesAdded: 96,
  neighbourhoodCentresAdded: 4,
  cadresCheckedIn: 7620,
  volunteerTeams: 104,
  activities: 2080,
} as const;

export interface DemoCommunity {
  id: string;
  name: string;
  subdistrict: string;
  grids: { id: string; name: string; gridWorker: string }[];
}
export interface DemoVisit {
  id: string;
  communityId: string;
  gridId: string;
  visitedAt: Date;
  visitor: string;
  householdsVisited: number;
  opinions: string[];
}
export interface DemoTopic {
  id: string;
  communityId: string;
  title: string;
  description: string;
  category: string;
  source: string;
  proposedAt: Date;
  status: 'PROPOSED' | 'SELECTED' | 'DEFERRED' | 'DECLINED';
  decidedAt: Date | null;
  decisionNote: string | null;
}
export interface DemoSession {
  id: string;
  communityId: string;
  title: string;
  themeId: string;
  venue: string;
  host: string;
  scheduledAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  status: 'CLOSED' | 'CANCELLED';
  minutes: string | null;
  cancelReason: string | null;
  attendance: { residents: number; partyMembers: number; cadres: number; deputies: number; cppccMembers: number };
}

/** One step of an issue's life, in order; the issues seeder turns steps into rows and events. */
export type DemoStep =
  | { type: 'claim'; at: Date; department: string; claimedBy: string }
  | { type: 'ledger'; at: Date; id: string; measure: string; responsiblePerson: string; responsibleUnit: string; deadline: string; completedAt: Date | null; overdueAt: Date | null }
  | { type: 'feedback'; at: Date; id: string; text: string; givenBy: string }
  | { type: 'evaluate'; at: Date; id: string; satisfied: boolean; rating: number; comment: string | null }
  | { type: 'escalate'; at: Date; level: 'COMMUNITY' | 'SUBDISTRICT' | 'CITY'; reason: string }
  | { type: 'resolveOnSite'; at: Date; note: string }
  | { type: 'reject'; at: Date; reason: string }
  | { type: 'close'; at: Date };

export interface DemoPlan {
  id: string;
  summary: string;
  proposedBy: string;
  proposedAt: Date;
  status: 'OPEN' | 'ADOPTED' | 'REJECTED';
  votes: { voterId: string; stance: 'FOR' | 'AGAINST' | 'ABSTAIN' }[];
}
export interface DemoIssue {
  id: string;
  communityId: string;
  subdistrict: string;
  gridId: string | null;
  sessionId: string | null;
  title: string;
  description: string;
  category: string;
  raisedAt: Date;
  raisedBy: string;
  reporterId: string;
  reporterContact: string;
  steps: DemoStep[];
  outcomes: { kind: string; quantity: number; note: string | null }[];
  plans: DemoPlan[];
  supporters: string[];
}
export interface DemoTeam {
  id: string;
  name: string;
  kind: string;
  communityId: string;
  subdistrict: string;
  leader: string;
  createdAt: Date;
}
export interface DemoVolunteer {
  id: string;
  teamId: string;
  name: string;
  isPartyMember: boolean;
  joinedAt: Date;
}
export interface DemoActivity {
  id: string;
  teamId: string;
  communityId: string;
  subdistrict: string;
  title: string;
  heldAt: Date;
  beneficiaries: number;
  volunteerHours: number;
  sessionId: string | null;
  issueId: string | null;
}
export interface DemoCheckIn {
  id: string;
  communityId: string;
  subdistrict: string;
  cadreName: string;
  workUnit: string;
  checkedInAt: Date;
  active: boolean;
}

export interface DemoWorld {
  communities: DemoCommunity[];
  visits: DemoVisit[];
  topics: DemoTopic[];
  sessions: DemoSession[];
  issues: DemoIssue[];
  teams: DemoTeam[];
  volunteers: DemoVolunteer[];
  activities: DemoActivity[];
  checkIns: DemoCheckIn[];
  teamIssues: { teamId: string; issueId: string }[];
}

const DAY = 86_400_000;
/** 19:30 in Shanghai on a day of 2025. */
const evening = (month: number, day: number) => new Date(Date.UTC(2025, month, day, 11, 30));
const at = (month: number, day: number, hour = 2) => new Date(Date.UTC(2025, month, day, hour, 0));
const plusDays = (d: Date, days: number, hours = 0) => new Date(d.getTime() + days * DAY + hours * 3_600_000);
const dayOf = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Hours from raising to claiming, per department (all under 48: the ledger follows two days after raising). */
const CLAIM_HOURS: Record<string, number> = {
  社区居委会: 2,
  社区卫生服务中心: 5,
  街道综治中心: 8,
  物业公司: 14,
  街道民政办: 18,
  供电公司: 22,
  街道城管办: 30,
  住建局: 40,
};
/** Every n-th ledger entry of these units gets a two-day deadline it then misses. */
const LATE_EVERY: Record<string, number> = { 住建局: 2, 街道城管办: 3, 物业公司: 4, 供电公司: 5 };

export function buildDemoWorld(seed = DEMO_SEED): DemoWorld {
  const rnd = new Random(seed);
  const id = (key: string) => stableId(seed, key);
  const person = () => rnd.pick(SURNAMES) + rnd.pick(GIVEN) + (rnd.chance(0.6) ? rnd.pick(GIVEN) : '');

  const communities: DemoCommunity[] = [];
  for (const s of SUBDISTRICTS) {
    for (const name of s.communities) {
      const cid = id(`community:${name}`);
      communities.push({
        id: cid,
        name,
        subdistrict: s.name,
        grids: ['第一网格', '第二网格', '第三网格', '第四网格'].map((g) => ({ id: id(`grid:${name}:${g}`), name: g, gridWorker: person() })),
      });
    }
  }

  const categories = Object.keys(TEXT);
  const visits: DemoVisit[] = [];
  const topics: DemoTopic[] = [];
  const sessions: DemoSession[] = [];
  const cancelled = new Set(['3:6', '10:7']); // two talks rained off; 192 planned, 190 held
  communities.forEach((c, ci) => {
    for (let m = 0; m < 12; m++) {
      for (let v = 0; v < 2; v++) {
        const grid = rnd.pick(c.grids);
        visits.push({
          id: id(`visit:${c.id}:${m}:${v}`),
          communityId: c.id,
          gridId: grid.id,
          visitedAt: at(m, 2 + v * 5, 6 + v),
          visitor: person(),
          householdsVisited: rnd.int(8, 30),
          opinions: [rnd.pick(TEXT[rnd.pick(categories)]!.issues).title, rnd.pick(TEXT[rnd.pick(categories)]!.issues).title],
        });
      }
      const themeCategory = categories[(ci + m) % categories.length]!;
      const themeId = id(`topic:${c.id}:${m}:0`);
      topics.push({
        id: themeId,
        communityId: c.id,
        title: rnd.pick(TEXT[themeCategory]!.topics),
        description: `${c.name}两委会议根据一线走访意见确定的本月主题`,
        category: themeCategory,
        source: rnd.pick(['DOOR_TO_DOOR_VISIT', 'RESIDENT_SUGGESTION', 'SESSION_FOLLOW_UP', 'COMMITTEE']),
        proposedAt: at(m, 3),
        status: 'SELECTED',
        decidedAt: at(m, 8),
        decisionNote: '两委会议选定为本月夜话主题',
      });
      const otherCategory = rnd.pick(categories);
      const otherStatus = m === 11 ? 'PROPOSED' : rnd.pick(['DEFERRED', 'DECLINED'] as const);
      topics.push({
        id: id(`topic:${c.id}:${m}:1`),
        communityId: c.id,
        title: rnd.pick(TEXT[otherCategory]!.topics),
        description: '居民建议的议题',
        category: otherCategory,
        source: 'RESIDENT_SUGGESTION',
        proposedAt: at(m, 4),
        status: otherStatus,
        decidedAt: otherStatus === 'PROPOSED' ? null : at(m, 8),
        decisionNote: otherStatus === 'PROPOSED' ? null : otherStatus === 'DEFERRED' ? '留待下月再议' : '已通过其他渠道解决',
      });
      const scheduledAt = evening(m, 15);
      const isCancelled = cancelled.has(`${ci}:${m}`);
      const residents = rnd.int(30, 90);
      sessions.push({
        id: id(`session:${c.id}:${m}`),
        communityId: c.id,
        title: `${c.name}${m + 1}月广场夜话`,
        themeId,
        venue: rnd.pick(VENUES),
        host: person(),
        scheduledAt,
        startedAt: isCancelled ? null : scheduledAt,
        endedAt: isCancelled ? null : plusDays(scheduledAt, 0, 2),
        status: isCancelled ? 'CANCELLED' : 'CLOSED',
        minutes: isCancelled ? null : `围绕"${topics[topics.length - 2]!.title}"，居民踊跃发言，形成共识并明确责任单位。`,
        cancelReason: isCancelled ? '因降雨改期' : null,
        attendance: isCancelled
          ? { residents: 0, partyMembers: 0, cadres: 0, deputies: 0, cppccMembers: 0 }
          : { residents, partyMembers: rnd.int(5, 15), cadres: rnd.int(3, 8), deputies: rnd.int(0, 3), cppccMembers: rnd.int(0, 2) },
      });
    }
  });
  const heldSessions = sessions.filter((s) => s.status === 'CLOSED');

  // Issues: the resolved ones are laid out to hit the report's figures exactly.
  const issues: DemoIssue[] = [];
  let residentSeq = 0;
  // Resolved requests come from talks before November, so their whole loop ends inside the year.
  const earlySessions = heldSessions.filter((s) => s.scheduledAt.getUTCMonth() <= 9);
  const newIssue = (n: number, category: string, sessionBound: boolean, early: boolean): DemoIssue => {
    const pool = early ? earlySessions : heldSessions;
    const s = pool[(n * 7) % pool.length]!;
    const c = communities.find((x) => x.id === s.communityId)!;
    const text = rnd.pick(TEXT[category]!.issues);
    const raisedAt = sessionBound ? plusDays(s.scheduledAt, 0, 0.5) : plusDays(s.scheduledAt, rnd.int(2, 12), 1);
    residentSeq++;
    return {
      id: id(`issue:${n}`),
      communityId: c.id,
      subdistrict: c.subdistrict,
      gridId: rnd.pick(c.grids).id,
      sessionId: sessionBound ? s.id : null,
      title: text.title,
      description: text.description,
      category,
      raisedAt,
      raisedBy: `${rnd.pick(SURNAMES)}${rnd.pick(['大爷', '阿姨', '女士', '先生'])}`,
      reporterId: `demo-resident-${residentSeq}`,
      reporterContact: `1${rnd.int(30, 89)}${String(rnd.int(0, 99999999)).padStart(8, '0')}`,
      steps: [],
      outcomes: [],
      plans: [],
      supporters: [],
    };
  };
  const staff = () => `${person()}（社区工作人员）`;
  // 考核激励 (issue 14): units differ in how fast they claim and how often they finish late. Both
  // are fixed per unit and per request number, drawing nothing from the random stream, so every
  // other figure of the year (the report's included) is what it was before.
  const claim = (i: DemoIssue, t: Date) => {
    const department = rnd.pick(DEPARTMENTS);
    i.steps.push({ type: 'claim', at: plusDays(i.raisedAt, 0, CLAIM_HOURS[department] ?? 24), department, claimedBy: staff() });
    return t;
  };
  let ledgerSeq = 0;
  const fullLoop = (i: DemoIssue, rectify: boolean, endAt: Date | null) => {
    let t = claim(i, plusDays(i.raisedAt, 1));
    const ledger = (k: number) => {
      t = plusDays(t, 1);
      let deadline = plusDays(t, rnd.int(10, 30));
      const done = plusDays(t, rnd.int(3, 9));
      const responsiblePerson = person();
      const responsibleUnit = rnd.pick(DEPARTMENTS);
      // A slow unit misses a short deadline now and then (done after it; the sweep marked it first).
      const late = !rectify && (LATE_EVERY[responsibleUnit] ?? 0) > 0 && ledgerSeq++ % LATE_EVERY[responsibleUnit]! === 0;
      if (late) deadline = plusDays(t, 2);
      i.steps.push({
        type: 'ledger',
        at: t,
        id: id(`ledger:${i.id}:${k}`),
        measure: `${i.title}整改措施（第${k + 1}轮）`,
        responsiblePerson,
        responsibleUnit,
        deadline: dayOf(deadline),
        completedAt: done,
        overdueAt: late ? new Date(Date.parse(`${dayOf(deadline)}T16:00:00Z`)) : null,
      });
      t = plusDays(done, 1);
      i.steps.push({ type: 'feedback', at: t, id: id(`feedback:${i.id}:${k}`), text: '已按台账完成整改，请评价。', givenBy: staff() });
    };
    ledger(0);
    if (rectify) {
      t = plusDays(t, 1);
      i.steps.push({ type: 'evaluate', at: t, id: id(`evaluation:${i.id}:0`), satisfied: false, rating: 2, comment: '问题没有彻底解决' });
      ledger(1);
    }
    t = endAt ?? plusDays(t, 1);
    i.steps.push({ type: 'evaluate', at: t, id: id(`evaluation:${i.id}:${rectify ? 1 : 0}`), satisfied: true, rating: rnd.int(4, 5), comment: rnd.pick(['很满意', '解决得及时', null]) });
  };

  let n = 0;
  const resolvedPlan: { category: string; outcome?: { kind: string; quantity: number } }[] = [
    ...Array.from({ length: 32 }, () => ({ category: 'FAMILY_CONFLICT', outcome: { kind: 'MEDIATION', quantity: 1 } })),
    ...Array.from({ length: 39 }, () => ({ category: 'NEIGHBOUR_DISPUTE', outcome: { kind: 'MEDIATION', quantity: 1 } })),
    ...Array.from({ length: 16 }, (_, k) => ({ category: k % 2 ? 'PUBLIC_FACILITIES' : 'ELDERLY_AND_CHILD_CARE', outcome: { kind: 'SERVICE_FACILITY', quantity: 6 } })),
    ...Array.from({ length: 4 }, () => ({ category: 'PUBLIC_FACILITIES', outcome: { kind: 'NEIGHBOURHOOD_CENTRE', quantity: 1 } })),
    { category: 'TRAFFIC_PARKING', outcome: { kind: 'CHARGING_SHED', quantity: 5 } },
    ...Array.from({ length: 3 }, () => ({ category: 'OLD_COMMUNITY_RENOVATION', outcome: { kind: 'REPAIR', quantity: 1 } })),
  ];
  resolvedPlan.forEach((p, k) => {
    const i = newIssue(n++, p.category, k % 3 !== 2, true);
    const onSite = p.outcome?.kind === 'MEDIATION' && k % 3 === 0;
    if (onSite) i.steps.push({ type: 'resolveOnSite', at: plusDays(i.raisedAt, 0, 1), note: '现场调解，双方达成一致' });
    else fullLoop(i, k % 10 === 4, null);
    // 小事不出网格、大事不出社区: about one in six resolved requests needed the community, one in
    // twelve the subdistrict (never an on-site one: k % 3 is 1 or 2 here), decided on claiming.
    const level = k % 12 === 5 ? 'SUBDISTRICT' : k % 6 === 1 ? 'COMMUNITY' : null;
    if (level && !onSite) {
      const claimed = i.steps.findIndex((s) => s.type === 'claim');
      i.steps.splice(claimed + 1, 0, { type: 'escalate', at: plusDays(i.steps[claimed]!.at, 0, 1), level, reason: level === 'COMMUNITY' ? '需社区协调多方' : '涉及多部门，需街道统筹' });
    }
    if (p.outcome) i.outcomes.push({ ...p.outcome, note: null });
    // Resolved requests from the first months are archived.
    const last = i.steps[i.steps.length - 1]!.at;
    if (k % 4 === 1 && last.getTime() < Date.UTC(2025, 11, 1)) i.steps.push({ type: 'close', at: plusDays(last, 7) });
    issues.push(i);
  });

  const open: [string, number][] = [
    ['SUBMITTED', 15],
    ['CLAIMED', 15],
    ['IN_PROGRESS', 35],
    ['FEEDBACK_GIVEN', 15],
    ['RECTIFYING', 10],
    ['REJECTED', 10],
  ];
  const openCategories = categories.filter((c) => c !== 'FAMILY_CONFLICT' && c !== 'NEIGHBOUR_DISPUTE');
  for (const [status, count] of open) {
    for (let k = 0; k < count; k++) {
      const i = newIssue(n++, rnd.pick(openCategories), k % 2 === 0, false);
      let t = plusDays(i.raisedAt, 1);
      if (status === 'REJECTED') i.steps.push({ type: 'reject', at: t, reason: '不属于社区职责范围，已引导通过司法途径解决' });
      if (['CLAIMED', 'IN_PROGRESS', 'FEEDBACK_GIVEN', 'RECTIFYING'].includes(status)) claim(i, t);
      if (k % 5 === 0 && status !== 'REJECTED' && status !== 'SUBMITTED') {
        t = plusDays(t, 1);
        i.steps.push({ type: 'escalate', at: t, level: 'SUBDISTRICT', reason: '涉及多部门，需街道统筹' });
      }
      if (['IN_PROGRESS', 'FEEDBACK_GIVEN', 'RECTIFYING'].includes(status)) {
        t = plusDays(t, 1);
        // A third of the work in progress is past its deadline: the overdue list.
        const overdue = status === 'IN_PROGRESS' && k % 3 === 0;
        const deadline = plusDays(t, overdue ? 20 : 400);
        i.steps.push({
          type: 'ledger',
          at: t,
          id: id(`ledger:${i.id}:0`),
          measure: `${i.title}整改措施`,
          responsiblePerson: person(),
          responsibleUnit: rnd.pick(DEPARTMENTS),
          deadline: dayOf(deadline),
          completedAt: status === 'IN_PROGRESS' ? null : plusDays(t, 5),
          overdueAt: overdue ? plusDays(deadline, 1) : null,
        });
      }
      if (status === 'FEEDBACK_GIVEN' || status === 'RECTIFYING') {
        t = plusDays(t, 6);
        i.steps.push({ type: 'feedback', at: t, id: id(`feedback:${i.id}:0`), text: '整改已完成，请评价。', givenBy: staff() });
      }
      if (status === 'RECTIFYING') {
        t = plusDays(t, 1);
        i.steps.push({ type: 'evaluate', at: t, id: id(`evaluation:${i.id}:0`), satisfied: false, rating: rnd.int(1, 2), comment: '还没有解决好' });
      }
      issues.push(i);
    }
  }

  // Supports and plans voted at the plaza.
  for (const i of issues) {
    const supporters = rnd.int(0, 40);
    for (let k = 0; k < supporters; k++) i.supporters.push(`demo-resident-${1000 + rnd.int(0, 3000)}`);
    i.supporters = [...new Set(i.supporters)];
    if (i.sessionId && rnd.chance(0.4)) {
      const resolved = i.steps.some((s) => (s.type === 'evaluate' && s.satisfied) || s.type === 'resolveOnSite');
      const plans = rnd.int(1, 2);
      for (let k = 0; k < plans; k++) {
        const votes = Array.from({ length: rnd.int(5, 30) }, (_, v) => ({ voterId: `demo-resident-${2000 + v}`, stance: rnd.pick(['FOR', 'FOR', 'FOR', 'AGAINST', 'ABSTAIN'] as const) }));
        i.plans.push({
          id: id(`plan:${i.id}:${k}`),
          summary: k === 0 ? `由责任单位牵头，${i.title}限期解决` : `先行临时处置，再纳入年度计划`,
          proposedBy: rnd.pick(['居民代表', '社区两委', '党员代表']),
          proposedAt: plusDays(i.raisedAt, 0, 0.2),
          status: resolved ? (k === 0 ? 'ADOPTED' : 'REJECTED') : 'OPEN',
          votes,
        });
      }
    }
  }

  // Volunteering.
  const teams: DemoTeam[] = [];
  const volunteers: DemoVolunteer[] = [];
  const activities: DemoActivity[] = [];
  const teamIssues: { teamId: string; issueId: string }[] = [];
  let teamSeq = 0;
  communities.forEach((c, ci) => {
    const count = ci < 8 ? 7 : 6; // 8 × 7 + 8 × 6 = 104
    for (let k = 0; k < count; k++) {
      const kind = TEAM_KINDS[(ci + k) % TEAM_KINDS.length]!;
      const tid = id(`team:${teamSeq++}`);
      teams.push({ id: tid, name: `${c.name}${kind.names[k % kind.names.length]}`, kind: kind.kind, communityId: c.id, subdistrict: c.subdistrict, leader: person(), createdAt: at(0, 1 + k) });
      const members = rnd.int(8, 24);
      for (let v = 0; v < members; v++)
        volunteers.push({ id: id(`volunteer:${tid}:${v}`), teamId: tid, name: person(), isPartyMember: rnd.chance(0.35), joinedAt: at(rnd.int(0, 11), rnd.int(1, 28)) });
      for (let a = 0; a < 20; a++) {
        const month = Math.floor((a * 12) / 20);
        const alongside = a % 5 === 0 ? sessions.find((s) => s.communityId === c.id && s.status === 'CLOSED' && s.scheduledAt.getUTCMonth() === month) : undefined;
        const related = a % 7 === 3 ? issues.find((i) => i.communityId === c.id && i.raisedAt.getUTCMonth() <= month) : undefined;
        activities.push({
          id: id(`activity:${tid}:${a}`),
          teamId: tid,
          communityId: c.id,
          subdistrict: c.subdistrict,
          title: rnd.pick(ACTIVITY_TITLES[kind.kind]!),
          heldAt: alongside ? alongside.scheduledAt : at(month, 1 + ((a * 3) % 27), 1),
          beneficiaries: rnd.int(40, 62),
          volunteerHours: rnd.int(4, 40) / 2,
          sessionId: alongside?.id ?? null,
          issueId: related?.id ?? null,
        });
        if (related && !teamIssues.some((x) => x.teamId === tid && x.issueId === related.id)) teamIssues.push({ teamId: tid, issueId: related.id });
      }
    }
  });

  const checkIns: DemoCheckIn[] = [];
  for (let k = 0; k < DEMO_TARGETS.cadresCheckedIn; k++) {
    const c = communities[k % communities.length]!;
    checkIns.push({
      id: id(`checkin:${k}`),
      communityId: c.id,
      subdistrict: c.subdistrict,
      cadreName: person(),
      workUnit: rnd.pick(WORK_UNITS),
      checkedInAt: at(Math.floor((k * 12) / DEMO_TARGETS.cadresCheckedIn), 1 + (k % 27), 1 + (k % 10)),
      active: k % 25 !== 0,
    });
  }

  return { communities, visits, topics, sessions, issues, teams, volunteers, activities, checkIns, teamIssues };
}
