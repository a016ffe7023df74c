import {
  BadUserInputError,
  checkArg,
  ConflictError,
  id as uuidArg,
  inTransaction,
  isUuid,
  keysetPage,
  NotFoundError,
  requireSignedIn,
  requireStaffOf,
  shanghaiDayEnd,
  shanghaiDayStart,
  type Page,
  type Viewer,
} from '@plaza/shared';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { CommunityService } from '../community/community.service';
import type { SessionEventKind } from '@plaza/shared';
import { appendSessionEvent } from '../session-event/session-event.writer';
import { TopicProposal } from '../topic/topic.entity';
import { Session } from './session.entity';
import { ATTENDANCE_OPEN, canMove, SessionStatus } from './session.enums';
import { parseAttendance, parseMinutes, parseReason, parseScheduleSession, type AttendanceInput, type ScheduleSessionInput } from './session.input';
import { sessionKeyset } from './session.loaders';

export interface SessionFilter {
  communityId?: string | null;
  status?: SessionStatus | null;
  /** Asia/Shanghai calendar days, inclusive, on scheduledAt. */
  from?: string | null;
  to?: string | null;
}

export interface SessionListArgs extends SessionFilter {
  first?: number | null;
  after?: string | null;
}

function move(s: Session, to: SessionStatus): void {
  if (!canMove(s.status, to)) throw new ConflictError(s.status, to);
}

export class SessionService {
  constructor(
    private readonly ds: DataSource,
    private readonly communities: CommunityService,
  ) {}

  list(args: SessionListArgs): Promise<Page<Session> & { totalCount: number }> {
    return keysetPage(this.filtered(args), sessionKeyset, args);
  }

  /**
   * The filtered, unordered query behind `sessions` (alias `s`), shared by the list and the CSV
   * export so both answer the same rows for the same filters; page it with `sessionKeyset`.
   */
  filtered(args: SessionFilter): SelectQueryBuilder<Session> {
    if (args.communityId != null) checkArg('communityId', uuidArg(), args.communityId);
    if (args.from && args.to && args.from > args.to) throw new BadUserInputError('to', `to 不能早于 from (to ${args.to} is before from ${args.from})`);
    const qb = this.ds.getRepository(Session).createQueryBuilder('s');
    if (args.communityId) qb.andWhere('s.community_id = :communityId', { communityId: args.communityId });
    if (args.status) qb.andWhere('s.status = :status', { status: args.status });
    if (args.from) qb.andWhere('s.scheduled_at >= :fromAt', { fromAt: shanghaiDayStart(args.from) });
    if (args.to) qb.andWhere('s.scheduled_at < :toAt', { toAt: shanghaiDayEnd(args.to) });
    return qb;
  }

  /** Not paginated in the contract: few sessions are live at once. */
  live(): Promise<Session[]> {
    return this.ds.getRepository(Session).find({ where: { status: SessionStatus.LIVE }, order: { startedAt: 'ASC', id: 'ASC' } });
  }

  /** STAFF of the community; the theme must be a topic of the same community. */
  async schedule(viewer: Viewer, input: ScheduleSessionInput): Promise<Session> {
    requireSignedIn(viewer);
    const data = parseScheduleSession(input);
    requireStaffOf(viewer, data.communityId);
    await this.communities.require(data.communityId, 'input.communityId');
    if (data.themeId) {
      const theme = await this.ds.getRepository(TopicProposal).findOneBy({ id: data.themeId });
      if (!theme) throw new NotFoundError('TopicProposal', data.themeId, 'input.themeId');
      if (theme.communityId !== data.communityId) throw new BadUserInputError('input.themeId', `议题不属于该社区 (topic ${theme.id} belongs to another community)`);
    }
    return inTransaction(this.ds, async (runner) => {
      const repo = runner.manager.getRepository(Session);
      const session = await repo.save(repo.create({ ...data, status: SessionStatus.PLANNED }));
      await appendSessionEvent(runner, { kind: 'SCHEDULED', communityId: session.communityId, sessionId: session.id, topicId: session.themeId, actor: viewer.id });
      // Re-read so defaults (attendance zeros) are on the returned row.
      return await repo.findOneByOrFail({ id: session.id });
    });
  }

  start(viewer: Viewer, id: string): Promise<Session> {
    return this.change(viewer, id, 'id', 'STARTED', (s) => {
      move(s, SessionStatus.LIVE);
      return { status: SessionStatus.LIVE, startedAt: new Date() };
    });
  }

  recordAttendance(viewer: Viewer, sessionId: string, input: AttendanceInput): Promise<Session> {
    requireSignedIn(viewer);
    const counts = parseAttendance(input);
    return this.change(viewer, sessionId, 'sessionId', 'ATTENDANCE_UPDATED', (s) => {
      if (!ATTENDANCE_OPEN.has(s.status))
        throw new ConflictError(s.status, SessionStatus.LIVE, `只能为进行中或已结束的夜话记录出席 (attendance needs a LIVE or CLOSED session, this one is ${s.status})`);
      return counts;
    });
  }

  close(viewer: Viewer, id: string, minutes: string): Promise<Session> {
    requireSignedIn(viewer);
    const text = parseMinutes(minutes);
    return this.change(viewer, id, 'id', 'CLOSED', (s) => {
      move(s, SessionStatus.CLOSED);
      return { status: SessionStatus.CLOSED, endedAt: new Date(), minutes: text };
    });
  }

  cancel(viewer: Viewer, id: string, reason: string): Promise<Session> {
    requireSignedIn(viewer);
    const text = parseReason(reason);
    return this.change(viewer, id, 'id', 'CANCELLED', (s) => {
      move(s, SessionStatus.CANCELLED);
      return { status: SessionStatus.CANCELLED, cancelReason: text };
    });
  }

  /**
   * One change of one session by STAFF of its community: the row is locked (SELECT ... FOR
   * UPDATE) so two concurrent moves are serialised and the second sees the first's status;
   * `apply` throws to refuse, and then nothing is written.
   */
  private async change(viewer: Viewer, id: string, field: string, kind: SessionEventKind, apply: (s: Session) => Partial<Session>): Promise<Session> {
    requireSignedIn(viewer);
    if (!isUuid(id)) throw new NotFoundError('Session', id, field);
    return inTransaction(this.ds, async (runner) => {
      const repo = runner.manager.getRepository(Session);
      const session = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!session) throw new NotFoundError('Session', id, field);
      requireStaffOf(viewer, session.communityId);
      const patch = apply(session);
      await repo.update({ id }, patch);
      await appendSessionEvent(runner, { kind, communityId: session.communityId, sessionId: session.id, topicId: session.themeId, actor: viewer.id });
      return Object.assign(session, patch);
    });
  }
}
