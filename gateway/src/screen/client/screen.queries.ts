/// <reference lib="dom" />
/**
 * What the plaza screen asks the graph, and the shapes it gets back. Public fields only: no
 * raisedBy, no contacts — this is shown to a whole plaza.
 */

export interface PlanView {
  id: string;
  summary: string;
  status: string;
  votesFor: number;
  votesAgainst: number;
  votesAbstain: number;
  votesCast: number;
  voteOpen: boolean;
  voteClosesAt: string | null;
  voteClosedAt: string | null;
}
export interface IssueView {
  id: string;
  title: string;
  category: string;
  status: string;
  supportCount: number;
  raisedAt: string;
  plans: PlanView[];
}
export interface Attendance {
  residents: number;
  partyMembers: number;
  cadres: number;
  deputies: number;
  cppccMembers: number;
  total: number;
}
export interface SessionView {
  id: string;
  title: string;
  status: string;
  venue: string;
  host: string;
  scheduledAt: string;
  startedAt: string | null;
  endedAt: string | null;
  minutes: string | null;
  community: { id: string; name: string; subdistrict: string };
  theme: { title: string } | null;
  attendance: Attendance;
}
export interface SessionRef {
  id: string;
  scheduledAt: string;
  endedAt: string | null;
}
export interface CommunityPick {
  id: string;
  name: string;
  subdistrict: string;
  live: { edges: { node: SessionRef }[] };
  planned: { edges: { node: SessionRef }[] };
  closed: { edges: { node: SessionRef }[] };
}
export interface ResolvedView {
  id: string;
  title: string;
  category: string;
  status: string;
  resolvedOnSite: boolean;
  outcomes: { kind: string; quantity: number; note: string | null }[];
  evaluations: { satisfied: boolean; rating: number }[];
}
export interface LedgerView {
  id: string;
  measure: string;
  responsibleUnit: string;
  deadline: string;
  status: string;
}
export interface LoopResults {
  resolved: { totalCount: number; edges: { node: ResolvedView }[] };
  working: { edges: { node: { id: string; title: string; ledger: LedgerView[] } }[] };
}

export const PLAN = 'id summary status votesFor votesAgainst votesAbstain votesCast voteOpen voteClosesAt voteClosedAt';
export const ISSUE_FIELDS = 'id title category status supportCount raisedAt';
export const ISSUE = `${ISSUE_FIELDS} plans { ${PLAN} }`;
export const SESSION = `id title status venue host scheduledAt startedAt endedAt minutes community { id name subdistrict } theme { title }
  attendance { residents partyMembers cadres deputies cppccMembers total }`;

const REF = 'edges { node { id scheduledAt endedAt } }';

/** Which session a community screen shows: its LIVE one, the last CLOSED one, the PLANNED ones. */
export const PICK = `query ScreenCommunity($id: ID!) { community(id: $id) { id name subdistrict
  live: sessions(status: LIVE, first: 1) { ${REF} }
  planned: sessions(status: PLANNED, first: 50) { ${REF} }
  closed: sessions(status: CLOSED, first: 1) { ${REF} }
} }`;

export const SESSION_ONE = `query ScreenSessionOne($id: ID!) { session(id: $id) { ${SESSION} } }`;

// The requests and their plans, in two queries so each stays well inside the gateway's cost
// budget; a session's plaza rarely sees more than a hundred requests.
export const SESSION_ISSUES = `query ScreenSession($id: ID!) { session(id: $id) { ${SESSION} issues(first: 100) { totalCount edges { node { ${ISSUE_FIELDS} resolvedOnSite } } } } }`;
export const SESSION_PLANS = `query ScreenPlans($id: ID!) { session(id: $id) { issues(first: 100) { edges { node { id plans { ${PLAN} } } } } } }`;

/** The loop's results while the plaza waits: what came of recent requests, what is being worked on. */
export const LOOP = `query ScreenLoop($id: ID!, $month: Date!) {
  community(id: $id) {
    resolved: issues(first: 5, filter: { statuses: [RESOLVED, CLOSED] }) { totalCount edges { node {
      id title category status resolvedOnSite outcomes { kind quantity note } evaluations { satisfied rating } } } }
    working: issues(first: 30, filter: { statuses: [CLAIMED, IN_PROGRESS, FEEDBACK_GIVEN, RECTIFYING] }) { edges { node {
      id title ledger { id measure responsibleUnit deadline status } } } }
  }
  month: overview(scope: $id, from: $month) { issuesResolved satisfactionRate }
}`;
