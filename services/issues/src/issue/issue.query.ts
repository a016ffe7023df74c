import { isUuid, shanghaiDayEnd, shanghaiDayStart, type Keyset } from '@plaza/shared';
import type { SelectQueryBuilder } from 'typeorm';
import type { Issue } from './issue.entity';
import type { IssueFilter } from './issue.input';
import { overdueIssueSql } from './issue.rules';

/** Newest first; (raised_at, id) is unique, so a cursor names one position however rows arrive. */
export const ISSUE_KEYSET: Keyset<Issue> = {
  columns: ['i.raised_at', 'i.id'],
  direction: 'DESC',
  valuesOf: (r) => [r.raisedAt.toISOString(), r.id],
  casts: ['timestamptz', 'uuid'],
};

/** SQL for "this request has an unfinished ledger entry past its deadline" (alias `i`). */
export const OVERDUE_SQL = overdueIssueSql('i', 'CAST(:__today AS date)');

/** LIKE pattern matching `text` literally anywhere. */
export const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Adds every IssueFilter field to a query over `issues.issue i`. `today` is the Asia/Shanghai day
 * deciding what is overdue. An id that is not a UUID matches nothing.
 */
export function applyIssueFilter(qb: SelectQueryBuilder<Issue>, f: IssueFilter, today: string): SelectQueryBuilder<Issue> {
  qb.setParameter('__today', today);
  if (f.communityId != null) {
    if (!isUuid(f.communityId)) qb.andWhere('false');
    else qb.andWhere('i.community_id = :fCommunity', { fCommunity: f.communityId });
  }
  if (f.sessionId != null) {
    if (!isUuid(f.sessionId)) qb.andWhere('false');
    else qb.andWhere('i.session_id = :fSession', { fSession: f.sessionId });
  }
  if (f.subdistrict != null) qb.andWhere('i.subdistrict = :fSubdistrict', { fSubdistrict: f.subdistrict });
  if (f.categories != null) qb.andWhere('i.category = ANY(:fCategories)', { fCategories: f.categories });
  if (f.statuses != null) qb.andWhere('i.status = ANY(:fStatuses)', { fStatuses: f.statuses });
  if (f.levels != null) qb.andWhere('i.level = ANY(:fLevels)', { fLevels: f.levels });
  if (f.overdue != null) qb.andWhere(f.overdue ? OVERDUE_SQL : `NOT ${OVERDUE_SQL}`);
  // Same expression as the trigram index, so the index serves the search.
  if (f.text) qb.andWhere(`(i.title || ' ' || i.description) ILIKE :fText`, { fText: containsPattern(f.text) });
  if (f.raisedFrom) qb.andWhere('i.raised_at >= :fFrom', { fFrom: shanghaiDayStart(f.raisedFrom) });
  if (f.raisedTo) qb.andWhere('i.raised_at < :fTo', { fTo: shanghaiDayEnd(f.raisedTo) });
  return qb;
}
