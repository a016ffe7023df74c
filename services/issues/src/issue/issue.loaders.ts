import { batchByArgs, byIdLoader, emptyPage, groupLoader, isUuid, rowsByKeys, type Viewer } from '@plaza/shared';
import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { IssueEventService } from '../issue-event/issue-event.service';
import { Plan } from '../votes/plan.entity';
import { Evaluation, Feedback, Outcome } from './feedback.entity';
import type { IssueFilter } from './issue.input';
import type { Stance } from './issue.enums';
import type { IssueService, PageArgs } from './issue.service';
import { LedgerEntry } from './ledger-entry.entity';

/** One set per request: everything a list of requests needs is fetched in one statement per field. */
export function issueLoaders(ds: DataSource, services: { issue: IssueService; events: IssueEventService }, viewer: Viewer) {
  const byIssue = <T extends { issueId: string }>(entity: new () => T, order: [keyof T & string, 'ASC'][]) => groupLoader(rowsByKeys(ds, entity, { key: 'issueId', order }), (r: T) => r.issueId);
  return {
    issue: byIdLoader((ids) => services.issue.byIds(ids)),
    plan: byIdLoader(rowsByKeys(ds, Plan)),
    ledgerByIssue: byIssue(LedgerEntry, [
      ['createdAt', 'ASC'],
      ['id', 'ASC'],
    ]),
    feedbackByIssue: byIssue(Feedback, [
      ['givenAt', 'ASC'],
      ['id', 'ASC'],
    ]),
    evaluationsByIssue: byIssue(Evaluation, [
      ['evaluatedAt', 'ASC'],
      ['id', 'ASC'],
    ]),
    outcomesByIssue: byIssue(Outcome, [['position', 'ASC']]),
    plansByIssue: byIssue(Plan, [
      ['proposedAt', 'ASC'],
      ['id', 'ASC'],
    ]),
    /** Whether this request's viewer supports each issue; anonymous viewers support nothing. */
    viewerSupports: new DataLoader<string, boolean>(async (ids) => {
      const valid = ids.filter(isUuid);
      if (!viewer.id || !valid.length) return ids.map(() => false);
      const rows: { issue_id: string }[] = await ds.query(`SELECT issue_id FROM issues.support WHERE supporter_id = $1 AND issue_id = ANY($2::uuid[])`, [viewer.id, valid]);
      const set = new Set(rows.map((r) => r.issue_id));
      return ids.map((id) => set.has(id));
    }),
    viewerStance: new DataLoader<string, Stance | null>(async (ids) => {
      const valid = ids.filter(isUuid);
      if (!viewer.id || !valid.length) return ids.map(() => null);
      const rows: { plan_id: string; stance: Stance }[] = await ds.query(`SELECT plan_id, stance FROM issues.plan_vote WHERE voter_id = $1 AND plan_id = ANY($2::uuid[])`, [viewer.id, valid]);
      const by = new Map(rows.map((r) => [r.plan_id, r.stance]));
      return ids.map((id) => by.get(id) ?? null);
    }),
    communityIssues: batchByArgs((ids, args: PageArgs & { filter?: IssueFilter | null }) => services.issue.pagesByCommunity(ids, args), emptyPage),
    sessionIssues: batchByArgs((ids, args: PageArgs) => services.issue.pagesBySession(ids, args), emptyPage),
    timeline: batchByArgs((ids, args: PageArgs) => services.events.timelines(ids, args), emptyPage),
    relatedIssues: new DataLoader<{ communityId: string; category: string }, Awaited<ReturnType<IssueService['openByCommunityAndCategory']>>, string>(
      async (keys) => {
        const rows = await services.issue.openByCommunityAndCategory([...keys]);
        return keys.map((k) => rows.filter((r) => r.communityId === k.communityId && r.category === k.category));
      },
      { cacheKeyFn: (k) => `${k.communityId}|${k.category}` },
    ),
  };
}
