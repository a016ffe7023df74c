// The operations the bench sends: what a community console and an analyst really ask for.

const OPEN = '[SUBMITTED, CLAIMED, IN_PROGRESS, FEEDBACK_GIVEN, RECTIFYING]';

/** Section 1: federated query throughput. `direct` names the subgraph that can answer it alone. */
export const throughputOps = (f) => [
  {
    name: 'community open requests (3 subgraphs)',
    short: 'openRequests',
    query: `query OpenRequests($id: ID!) { community(id: $id) { id name subdistrict
      issues(filter: { statuses: ${OPEN} }, first: 20) { totalCount edges { node { id title status category supportCount raisedAt
        session { id title theme { id title } } assistingTeams { id name kind } } } } } }`,
    variables: { id: f.communityId },
  },
  {
    name: 'one request with its timeline (issues)',
    short: 'issueTimeline',
    direct: 'issues',
    query: `query IssueTimeline($id: ID!) { issue(id: $id) { id title description status level category raisedAt raisedBy supportCount overdue
      timeline(first: 50) { edges { cursor node { cursor kind at actor note fromStatus toStatus } } pageInfo { hasNextPage endCursor } } } }`,
    variables: { id: f.issueId },
  },
  {
    name: 'overview(scope:"city") 2025 (3 subgraphs)',
    short: 'overview',
    query: OVERVIEW,
    variables: {},
  },
];

export const OVERVIEW = `query Overview { overview(scope: "city", from: "2025-01-01", to: "2025-12-31") { scope from to
  sessionsHeld totalAttendance householdsVisited topicsProposed
  issuesRaised issuesResolved issuesResolvedOnSite issuesOverdue resolutionRate medianDaysToResolve satisfactionRate
  familyConflictsResolved neighbourDisputesResolved facilitiesAdded neighbourhoodCentresAdded resolvedByCategory { category count }
  volunteerTeams volunteers activities beneficiaries volunteerHours cadresCheckedIn } }`;

export const TREND_MONTH_WEEKS = `query Trend { issueTrend(bucket: WEEK, from: "2025-03-01", to: "2025-03-31") { bucketStart raised resolved overdue } }`;
export const TREND_YEAR_MONTHS = `query Trend { issueTrend(bucket: MONTH, from: "2025-01-01", to: "2025-12-31") { bucketStart raised resolved overdue } }`;

/** Section 2: list operations, each with nested per-row fields from every subgraph. `$n` rows. */
export const listOps = (f) => [
  {
    name: 'issues (+community, session.theme, assistingTeams, timeline)',
    query: `query($n: Int) { issues(first: $n) { totalCount edges { node { id title supportCount community { name }
      session { title theme { title } } assistingTeams { name } timeline(first: 3) { edges { node { kind } } } } } } }`,
    rows: (d) => d.issues.edges.length,
  },
  {
    name: 'community.issues (+session.theme, assistingTeams)',
    query: `query($n: Int) { community(id: "${f.communityId}") { issues(first: $n) { totalCount edges { node { id title
      session { title theme { title } } assistingTeams { name } } } } } }`,
    rows: (d) => d.community.issues.edges.length,
  },
  {
    name: 'sessions (+community, theme, issues, activities)',
    query: `query($n: Int) { sessions(first: $n) { totalCount edges { node { id title status community { name } theme { title }
      attendance { total } issues(first: 3) { totalCount edges { node { title } } } activities { title } } } } }`,
    rows: (d) => d.sessions.edges.length,
  },
  {
    name: 'volunteerTeams (+community, members, activities)',
    query: `query($n: Int) { volunteerTeams(first: $n) { totalCount edges { node { id name community { name }
      members(first: 3) { totalCount edges { node { name } } } activities(first: 3) { totalCount edges { node { title } } } } } } }`,
    rows: (d) => d.volunteerTeams.edges.length,
  },
  {
    name: 'activities (+team, community, session, issue)',
    query: `query($n: Int) { activities(first: $n) { totalCount edges { node { id title team { name } community { name }
      session { title } issue { title status } } } } }`,
    rows: (d) => d.activities.edges.length,
  },
];
