import { decodeCursor, keysetPage, pageSize, toPage, type Keyset } from '@plaza/shared';
import { In, type DataSource } from 'typeorm';
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
   * `Issue.timeline` for many requests at once: the first `first + 1` events after the cursor
   * of each request by ROW_NUMBER(), then those rows — two statements per batch.
   */
  async timelines(issueIds: string[], args: PageArgs) {
    const first = pageSize(args.first, 50);
    const after = decodeCursor(args.after, ['bigint']);
    const seqs: { seq: string }[] =
      first === 0
        ? []
        : await this.ds.query(
            `SELECT seq FROM (
         SELECT seq, ROW_NUMBER() OVER (PARTITION BY issue_id ORDER BY seq) AS rn
         FROM issues.issue_event WHERE issue_id = ANY($1::uuid[]) AND seq > $2
       ) ranked WHERE rn <= $3`,
            [issueIds, after ? after[0] : 0, first + 1],
          );
    const rows = seqs.length ? await this.ds.getRepository(IssueEvent).find({ where: { seq: In(seqs.map((s) => s.seq)) }, order: { seq: 'ASC' } }) : [];
    const byIssue = new Map<string, IssueEvent[]>();
    for (const r of rows) byIssue.set(r.issueId, [...(byIssue.get(r.issueId) ?? []), r]);
    return new Map(issueIds.map((id) => [id, toPage(byIssue.get(id) ?? [], first, (e) => eventCursor(e.seq), -1)]));
  }
}
