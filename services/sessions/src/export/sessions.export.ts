import { calendarDay, id, parseInput, queryParams, shanghaiDateTime, keysetBatches, type CsvExport } from '@plaza/shared';
import { In, type DataSource } from 'typeorm';
import { z } from 'zod';
import { Community } from '../community/community.entity';
import { Session } from '../session/session.entity';
import { SessionStatus } from '../session/session.enums';
import { sessionKeyset } from '../session/session.loaders';
import type { SessionService } from '../session/session.service';
import { TopicProposal } from '../topic/topic.entity';

/** Only what `Session` shows publicly; times are Asia/Shanghai wall-clock. */
export const SESSIONS_CSV_HEADER = [
  'id',
  '标题',
  '社区ID',
  '社区',
  '街道',
  '主题',
  '场地',
  '主持人',
  '计划时间',
  '开始时间',
  '结束时间',
  '状态',
  '居民',
  '党员',
  '干部',
  '代表',
  '政协委员',
  '合计',
] as const;

const filterSchema = z.object({
  communityId: id().optional(),
  status: z.nativeEnum(SessionStatus).optional(),
  from: calendarDay().optional(),
  to: calendarDay().optional(),
});

/** `GET /export/sessions.csv?communityId=&status=&from=&to=`: the rows of `Query.sessions`, latest scheduled first. */
export function sessionsExport(ds: DataSource, sessions: SessionService): CsvExport {
  return {
    filename: 'sessions.csv',
    header: SESSIONS_CSV_HEADER,
    open(params) {
      const filter = parseInput(filterSchema, queryParams(params, ['communityId', 'status', 'from', 'to']), '');
      return rows(ds, keysetBatches(sessions.filtered(filter), sessionKeyset));
    },
  };
}

async function* rows(ds: DataSource, batches: AsyncIterable<Session[]>) {
  for await (const batch of batches) {
    // Two lookups per batch, whatever its size: the batch's communities and themes.
    const communityIds = [...new Set(batch.map((s) => s.communityId))];
    const themeIds = [...new Set(batch.flatMap((s) => (s.themeId ? [s.themeId] : [])))];
    const [communities, themes] = await Promise.all([
      ds.getRepository(Community).find({ select: { id: true, name: true, subdistrict: true }, where: { id: In(communityIds) } }),
      themeIds.length ? ds.getRepository(TopicProposal).find({ select: { id: true, title: true }, where: { id: In(themeIds) } }) : [],
    ]);
    const community = new Map(communities.map((c) => [c.id, c]));
    const theme = new Map(themes.map((t) => [t.id, t.title]));
    yield batch.map((s) => {
      const c = community.get(s.communityId);
      return [
        s.id,
        s.title,
        s.communityId,
        c?.name,
        c?.subdistrict,
        s.themeId ? theme.get(s.themeId) : null,
        s.venue,
        s.host,
        shanghaiDateTime(s.scheduledAt),
        shanghaiDateTime(s.startedAt),
        shanghaiDateTime(s.endedAt),
        s.status,
        s.residents,
        s.partyMembers,
        s.cadres,
        s.deputies,
        s.cppccMembers,
        s.residents + s.partyMembers + s.cadres + s.deputies + s.cppccMembers,
      ];
    });
  }
}
