import type { DemoTonight } from '@plaza/shared/demo';
import { inTransaction } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { appendEvents, type EventSubject } from '../issue-event/issue-event.writer';
import { IssueEventKind, IssueStatus } from '../issue/issue.enums';

/**
 * Tonight's requests of the living demo (shared/src/demo/tonight.ts), raised at the LIVE session,
 * with support votes and a plan whose vote staff opened (no closing time: it stays open until
 * closed on stage). Idempotent per day: nothing is written when tonight's plan is already there.
 * Events are appended like a mutation's (RAISED, PLAN_PROPOSED, PLAN_VOTE_OPENED), so timelines
 * read naturally; the relay publishes these few on start.
 */
export async function seedTonight(dataSource: DataSource, t: DemoTonight): Promise<{ inserted: number }> {
  return inTransaction(dataSource, async (q) => {
    const [done] = (await q.query(`SELECT 1 FROM issues.plan WHERE id = $1`, [t.plan.id])) as unknown[];
    if (done) return { inserted: 0 };
    const subject = (id: string, category: string): EventSubject => ({ id, community_id: t.community.id, subdistrict: t.community.subdistrict, session_id: t.live.id, category });
    for (const i of t.issues) {
      await q.query(
        `INSERT INTO issues.issue (id, title, description, category, community_id, subdistrict, session_id, raised_at, raised_by, reporter_id, support_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [i.id, i.title, i.description, i.category, t.community.id, t.community.subdistrict, t.live.id, i.raisedAt, i.raisedBy, `demo-reporter-${i.id.slice(0, 8)}`, i.supporters.length],
      );
      if (i.supporters.length) await q.query(`INSERT INTO issues.support (issue_id, supporter_id, supported_at) SELECT $1, unnest($2::text[]), $3`, [i.id, i.supporters, i.raisedAt]);
      // The reporter and the supporters follow it, as raising and supporting would have made them (issue 14).
      await q.query(`INSERT INTO issues.follow (issue_id, follower_id, followed_at) SELECT $1, unnest(array_prepend($2::text, $3::text[])), $4 ON CONFLICT DO NOTHING`, [
        i.id,
        `demo-reporter-${i.id.slice(0, 8)}`,
        i.supporters,
        i.raisedAt,
      ]);
    }
    const p = t.plan;
    const count = (s: string) => p.votes.filter((v) => v.stance === s).length;
    await q.query(
      `INSERT INTO issues.plan (id, issue_id, summary, proposed_by, status, votes_for, votes_against, votes_abstain, proposed_at, vote_opened_at)
       VALUES ($1, $2, $3, $4, 'OPEN', $5, $6, $7, $8, $8)`,
      [p.id, p.issueId, p.summary, p.proposedBy, count('FOR'), count('AGAINST'), count('ABSTAIN'), p.proposedAt],
    );
    await q.query(`INSERT INTO issues.plan_vote (plan_id, voter_id, stance, voted_at) SELECT $1, unnest($2::text[]), unnest($3::text[]), $4`, [
      p.id,
      p.votes.map((v) => v.voterId),
      p.votes.map((v) => v.stance),
      p.proposedAt,
    ]);
    const first = t.issues[0]!;
    await appendEvents(q, [
      ...t.issues.map((i) => ({ subject: subject(i.id, i.category), event: { kind: IssueEventKind.RAISED, actor: i.raisedBy, to: IssueStatus.SUBMITTED } })),
      { subject: subject(first.id, first.category), event: { kind: IssueEventKind.PLAN_PROPOSED, actor: p.proposedBy, note: p.summary, planId: p.id } },
      { subject: subject(first.id, first.category), event: { kind: IssueEventKind.PLAN_VOTE_OPENED, actor: p.proposedBy, planId: p.id, supportCount: first.supporters.length } },
    ]);
    return { inserted: t.issues.length };
  });
}
