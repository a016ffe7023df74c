// The operations of the mixed workload: what a community console (STAFF), a resident's or a
// passer-by's phone (RESIDENT, anonymous) and an analyst's dashboard (ANALYST) send. Each keeps
// one document (clients send a fixed document) and varies its variables; `vars(rng, world, viewer)`
// draws them from the seeded demo world. `direct` names the subgraph that can answer the
// operation alone (the single-subgraph mix also goes straight to it); `roles` says who sends it.

const OPEN = ['SUBMITTED', 'CLAIMED', 'IN_PROGRESS', 'FEEDBACK_GIVEN', 'RECTIFYING'];
const CATEGORIES = [
  'OLD_COMMUNITY_RENOVATION',
  'ENVIRONMENT_SANITATION',
  'PROPERTY_MANAGEMENT',
  'PUBLIC_FACILITIES',
  'TRAFFIC_PARKING',
  'SAFETY',
  'ELDERLY_AND_CHILD_CARE',
  'FAMILY_CONFLICT',
  'NEIGHBOUR_DISPUTE',
  'OTHER',
];

const pick = (rng, xs) => xs[Math.floor(rng() * xs.length)];
const chance = (rng, p) => rng() < p;
const pad = (n) => String(n).padStart(2, '0');
const lastDay = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** A period of the demo year an analyst or a console would pick: a month, a quarter, a half, the year, or a few weeks. */
export function period(rng, year) {
  const kind = pick(rng, ['month', 'month', 'quarter', 'half', 'year', 'weeks']);
  if (kind === 'month') {
    const m = 1 + Math.floor(rng() * 12);
    return { from: `${year}-${pad(m)}-01`, to: `${year}-${pad(m)}-${lastDay(year, m)}` };
  }
  if (kind === 'quarter') {
    const q = Math.floor(rng() * 4);
    return { from: `${year}-${pad(q * 3 + 1)}-01`, to: `${year}-${pad(q * 3 + 3)}-${lastDay(year, q * 3 + 3)}` };
  }
  if (kind === 'half') return rng() < 0.5 ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year}-07-01`, to: `${year}-12-31` };
  if (kind === 'year') return { from: `${year}-01-01`, to: `${year}-12-31` };
  const start = Date.UTC(year, 0, 1) + Math.floor(rng() * 300) * 86_400_000;
  const end = start + (7 * (1 + Math.floor(rng() * 6)) - 1) * 86_400_000;
  return { from: new Date(start).toISOString().slice(0, 10), to: new Date(end).toISOString().slice(0, 10) };
}

/** STAFF works on one of their own communities; everyone else on any. */
const communityOf = (rng, world, viewer) => (viewer.communityIds?.length ? pick(rng, viewer.communityIds) : pick(rng, world.communities).id);
const issueFor = (rng, world, viewer) => {
  // A console mostly opens its own community's requests; a phone or an analyst any.
  if (viewer.communityIds?.length && chance(rng, 0.8)) {
    const own = world.issuesByCommunity.get(pick(rng, viewer.communityIds));
    if (own?.length) return pick(rng, own);
  }
  return pick(rng, world.issues);
};

export const MIX_OPS = [
  {
    name: 'consoleQueue',
    what: "console: a community's requests by status/category, with session theme and assisting teams (3 subgraphs)",
    roles: { STAFF: 5 },
    query: `query ConsoleQueue($id: ID!, $filter: IssueFilter, $first: Int) { community(id: $id) { id name subdistrict
      issues(filter: $filter, first: $first) { totalCount pageInfo { hasNextPage endCursor }
        edges { node { id title status category level supportCount raisedAt overdue dueAt claim { department claimedAt }
          session { id title theme { id title } } assistingTeams { id name kind } } } } } }`,
    vars(rng, world, viewer) {
      const filter = {};
      const s = rng();
      if (s < 0.5) filter.statuses = OPEN;
      else if (s < 0.8) filter.statuses = [pick(rng, OPEN), pick(rng, ['RESOLVED', 'CLOSED', 'REJECTED', ...OPEN])];
      if (chance(rng, 0.35)) filter.categories = [pick(rng, CATEGORIES)];
      if (chance(rng, 0.2)) filter.overdue = true;
      if (chance(rng, 0.25)) Object.assign(filter, (({ from, to }) => ({ raisedFrom: from, raisedTo: to }))(period(rng, world.year)));
      return { id: communityOf(rng, world, viewer), filter, first: pick(rng, [10, 20, 20, 30, 50]) };
    },
  },
  {
    name: 'issueDetail',
    what: 'console/phone: one request in full — claim, ledger, feedback, plans, timeline (issues only)',
    direct: 'issues',
    roles: { STAFF: 3, RESIDENT: 2, ANALYST: 1, ANON: 1 },
    query: `query IssueDetail($id: ID!, $first: Int) { issue(id: $id) { id title description category status level raisedAt raisedBy
      resolvedOnSite supportCount viewerSupports dueAt overdue claim { department claimedBy claimedAt }
      ledger { id measure responsiblePerson responsibleUnit deadline completedAt status }
      feedback { id text givenBy givenAt } evaluations { id satisfied rating comment evaluatedAt } outcomes { kind quantity note }
      plans { id summary proposedBy status votesFor votesAgainst votesAbstain voters viewerStance voteClosesAt }
      timeline(first: $first) { edges { cursor node { cursor kind at actor note fromStatus toStatus } } pageInfo { hasNextPage endCursor } } } }`,
    vars: (rng, world, viewer) => ({ id: issueFor(rng, world, viewer).id, first: pick(rng, [10, 20, 50]) }),
  },
  {
    name: 'issueCard',
    what: 'phone: a request with its community, session and helping teams (3 subgraphs)',
    roles: { RESIDENT: 3, ANON: 3, STAFF: 1 },
    query: `query IssueCard($id: ID!, $first: Int) { issue(id: $id) { id title status category raisedAt supportCount viewerSupports
      community { id name subdistrict } session { id title venue scheduledAt } assistingTeams { id name kind leader }
      timeline(first: $first) { edges { node { kind at toStatus } } } } }`,
    vars: (rng, world, viewer) => ({ id: issueFor(rng, world, viewer).id, first: pick(rng, [3, 5, 10]) }),
  },
  {
    name: 'sessionDetail',
    what: 'phone/console: one night-talk session with attendance, theme, its requests and activities (3 subgraphs)',
    roles: { STAFF: 2, RESIDENT: 2, ANON: 2, ANALYST: 1 },
    query: `query SessionDetail($id: ID!, $first: Int) { session(id: $id) { id title venue host scheduledAt startedAt endedAt status minutes
      attendance { residents partyMembers cadres deputies cppccMembers total } community { id name }
      theme { id title category source } issues(first: $first) { totalCount edges { node { id title status supportCount } } }
      activities { id title heldAt beneficiaries team { id name } } } }`,
    vars(rng, world, viewer) {
      const own = viewer.communityIds?.length ? world.sessionsByCommunity.get(pick(rng, viewer.communityIds)) : null;
      return { id: pick(rng, own?.length && chance(rng, 0.8) ? own : world.sessions).id, first: pick(rng, [5, 10, 20]) };
    },
  },
  {
    name: 'teamDetail',
    what: 'console/phone: a volunteer team with members and recent activities (volunteering, sessions, issues)',
    roles: { STAFF: 2, ANON: 1, RESIDENT: 1 },
    query: `query TeamDetail($id: ID!, $members: Int, $activities: Int) { volunteerTeam(id: $id) { id name kind leader memberCount
      community { id name } members(first: $members) { totalCount edges { node { id name isPartyMember joinedAt } } }
      activities(first: $activities) { totalCount edges { node { id title heldAt beneficiaries volunteerHours issue { id title status } } } } } }`,
    vars(rng, world, viewer) {
      const own = viewer.communityIds?.length ? world.teamsByCommunity.get(pick(rng, viewer.communityIds)) : null;
      return { id: pick(rng, own?.length && chance(rng, 0.8) ? own : world.teams).id, members: pick(rng, [5, 10, 20]), activities: pick(rng, [5, 10]) };
    },
  },
  {
    name: 'sessionList',
    what: "phone: a community's sessions by status and period (sessions only)",
    direct: 'sessions',
    roles: { RESIDENT: 2, ANON: 2, STAFF: 1 },
    query: `query SessionList($communityId: ID, $status: SessionStatus, $from: Date, $to: Date, $first: Int) {
      sessions(communityId: $communityId, status: $status, from: $from, to: $to, first: $first) { totalCount
        edges { node { id title venue scheduledAt status attendance { total } theme { id title } } } pageInfo { hasNextPage endCursor } } }`,
    vars(rng, world, viewer) {
      const p = chance(rng, 0.6) ? period(rng, world.year) : {};
      return { communityId: communityOf(rng, world, viewer), status: chance(rng, 0.4) ? pick(rng, ['PLANNED', 'CLOSED', 'LIVE']) : null, ...p, first: pick(rng, [5, 10, 20]) };
    },
  },
  {
    name: 'activityFeed',
    what: "console: a community's volunteer activities in a period, with team and session (volunteering, sessions)",
    roles: { STAFF: 2, ANALYST: 1 },
    query: `query ActivityFeed($communityId: ID, $from: Date, $to: Date, $first: Int) { activities(communityId: $communityId, from: $from, to: $to, first: $first) {
      totalCount edges { node { id title heldAt beneficiaries volunteerHours team { id name kind } session { id title } } } } }`,
    vars: (rng, world, viewer) => ({ communityId: communityOf(rng, world, viewer), ...period(rng, world.year), first: pick(rng, [10, 20, 30]) }),
  },
  {
    name: 'overview',
    what: 'analyst/console: overview of the city, a subdistrict or a community for a period (3 subgraphs)',
    roles: { ANALYST: 4, STAFF: 1 },
    query: `query Overview($scope: ID, $from: Date, $to: Date) { overview(scope: $scope, from: $from, to: $to) { scope from to
      sessionsHeld totalAttendance householdsVisited topicsProposed issuesRaised issuesResolved issuesResolvedOnSite issuesOverdue
      resolutionRate medianDaysToResolve satisfactionRate familyConflictsResolved neighbourDisputesResolved facilitiesAdded
      neighbourhoodCentresAdded resolvedByCategory { category count } volunteerTeams volunteers activities beneficiaries volunteerHours cadresCheckedIn } }`,
    vars(rng, world, viewer) {
      const s = rng();
      const scope = viewer.communityIds?.length ? communityOf(rng, world, viewer) : s < 0.3 ? 'city' : s < 0.6 ? pick(rng, world.subdistricts) : pick(rng, world.communities).id;
      return { scope, ...period(rng, world.year) };
    },
  },
  {
    name: 'issueTrend',
    what: 'analyst: raised/resolved/overdue by week or month, optionally per community or category (issues only)',
    direct: 'issues',
    roles: { ANALYST: 3, STAFF: 1 },
    query: `query IssueTrend($bucket: Bucket!, $from: Date!, $to: Date!, $communityId: ID, $category: IssueCategory) {
      issueTrend(bucket: $bucket, from: $from, to: $to, communityId: $communityId, category: $category) { bucketStart raised resolved overdue } }`,
    vars(rng, world, viewer) {
      const p = period(rng, world.year);
      const long = p.to.slice(5, 7) !== p.from.slice(5, 7);
      return {
        bucket: long && chance(rng, 0.6) ? 'MONTH' : 'WEEK',
        ...p,
        communityId: viewer.communityIds?.length || chance(rng, 0.4) ? communityOf(rng, world, viewer) : null,
        category: chance(rng, 0.3) ? pick(rng, CATEGORIES) : null,
      };
    },
  },
  {
    name: 'issueSearch',
    what: 'analyst: requests across the city by subdistrict, category, level, period (issues, sessions)',
    roles: { ANALYST: 3, STAFF: 1 },
    query: `query IssueSearch($filter: IssueFilter, $first: Int) { issues(filter: $filter, first: $first) { totalCount pageInfo { hasNextPage endCursor }
      edges { node { id title category status level raisedAt supportCount overdue community { id name subdistrict } } } } }`,
    vars(rng, world, viewer) {
      const filter = {};
      if (viewer.communityIds?.length) filter.communityId = communityOf(rng, world, viewer);
      else if (chance(rng, 0.6)) filter.subdistrict = pick(rng, world.subdistricts);
      if (chance(rng, 0.5)) filter.categories = [pick(rng, CATEGORIES), ...(chance(rng, 0.3) ? [pick(rng, CATEGORIES)] : [])];
      if (chance(rng, 0.3)) filter.levels = [pick(rng, ['GRID', 'COMMUNITY', 'SUBDISTRICT', 'CITY'])];
      if (chance(rng, 0.5)) Object.assign(filter, (({ from, to }) => ({ raisedFrom: from, raisedTo: to }))(period(rng, world.year)));
      if (chance(rng, 0.15)) filter.overdue = true;
      return { filter, first: pick(rng, [20, 50]) };
    },
  },
  {
    name: 'myFollowing',
    what: 'phone: the requests a resident follows (issues, sessions)',
    roles: { RESIDENT: 2 },
    query: `query MyFollowing($first: Int) { me { id following(first: $first) { totalCount edges { node { id title status supportCount viewerSupports community { id name } } } } } }`,
    vars: (rng) => ({ first: pick(rng, [10, 20]) }),
  },
];
