import { decodeCursor, firstRowsByKeys, keysetPage, pageSize, toPage, type Keyset } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { PageArgs } from '../issue/issue.service';
import { eventCursor, IssueEvent } from './issue-event.entity';

/** Oldest first by seq: the order of commit. The edge cursor equals IssueEvent.cursor. */
const EVENT_KEYSET: Keyset<IssueEvent> = {
  columns: ['e.seq'],
  direction: 'ASC',
  valuesOf: (e) => [Number(e.seq)],
  casts: ['bigint'],
};

export class IssueEventService {
  constructor(private readonly ds: DataSource) {}

  /** Every event after a cursor, for replay (the gateway resumes subscriptions from it). */
  log(args: PageArgs) {
    return keysetPage(this.ds.getRepository(IssueEvent).createQueryBuilder('e'), EVENT_KEYSET, args, { defaultFirst: 100, withTotal: false });
  }

  /**
   * `Issue.timeline` for many requests at once: each request's first `first + 1` events after the
   * cursor, in one named statement that reads each request's events through (issue_id, seq) and
   * stops there — a much-supported request has thousands of SUPPORT_CHANGED events.
   */
  async timelines(issueIds: string[], args: PageArgs) {
    const first = pageSize(args.first, 50);
    const after = decodeCursor(args.after, ['bigint']);
    // `first: 0` reads nothing (no next page either), as every other page does.
    const rows = await firstRowsByKeys(this.ds, IssueEvent, { key: 'issueId', seek: 'seq' })(issueIds, after ? after[0]! : 0, first === 0 ? 0 : first + 1);
    const byIssue = new Map<string, IssueEvent[]>();
    for (const r of rows) {
      const list = byIssue.get(r.issueId);
      if (list) list.push(r);
      else byIssue.set(r.issueId, [r]);
    }
    return new Map(issueIds.map((id) => [id, toPage(byIssue.get(id) ?? [], first, (e) => eventCursor(e.seq), -1)]));
  }
}
