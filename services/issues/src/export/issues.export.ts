import { BadUserInputError, isCalendarDate, IssueCategory, shanghaiDateTime, shanghaiDay, type CsvExport } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { Issue } from '../issue/issue.entity';
import { IssueLevel, IssueStatus } from '../issue/issue.enums';
import { parseIssueFilter, type IssueFilter } from '../issue/issue.input';
import { applyIssueFilter, OVERDUE_SQL } from '../issue/issue.query';
import type { Clock } from '../issue/issue.service';

/** Rows read per statement: memory holds one batch, whatever the export's size. */
export const EXPORT_BATCH = 1000;

/**
 * Public fields only: no reporter id or contact, and no description (free text a resident may
 * have put a phone number or address into). raisedBy is the public display name.
 */
export const ISSUES_CSV_HEADER = ['id', '标题', '类别', '状态', '层级', '社区ID', '街道', '网格ID', '夜话场次ID', '提出时间', '提出人', '现场解决', '支持数', '逾期', '解决时间'] as const;

const LISTS = { categories: Object.values(IssueCategory), statuses: Object.values(IssueStatus), levels: Object.values(IssueLevel) } as const;
const TEXTS = ['communityId', 'subdistrict', 'sessionId', 'text'] as const;
const DAYS = ['raisedFrom', 'raisedTo'] as const;
const KNOWN = new Set<string>([...Object.keys(LISTS), ...TEXTS, ...DAYS, 'overdue']);

/**
 * The IssueFilter from a query string: the same names, lists comma-separated, and the same checks
 * as the GraphQL filter (the enum values and Date format GraphQL would check, then parseIssueFilter).
 * An unknown parameter is refused rather than silently exporting more than was asked for.
 */
export function parseExportFilter(params: URLSearchParams): IssueFilter {
  for (const name of params.keys()) {
    if (!KNOWN.has(name)) throw new BadUserInputError(name, `未知的筛选参数 ${name} (unknown filter; expected one of ${[...KNOWN].join(', ')})`);
  }
  const f: Record<string, unknown> = {};
  for (const name of TEXTS) if (params.has(name)) f[name] = params.get(name);
  for (const [name, allowed] of Object.entries(LISTS)) {
    const raw = params.get(name);
    if (raw == null) continue;
    const values = raw
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
    if (bad !== undefined) throw new BadUserInputError(name, `${name} 含有无效值 ${bad} (expected a comma-separated list of ${allowed.join(', ')})`);
    f[name] = values;
  }
  for (const name of DAYS) {
    const raw = params.get(name);
    if (raw == null) continue;
    if (!isCalendarDate(raw)) throw new BadUserInputError(name, `${name} 必须是 YYYY-MM-DD 日期 (expected a calendar day, got ${JSON.stringify(raw)})`);
    f[name] = raw;
  }
  const overdue = params.get('overdue');
  if (overdue != null) {
    if (overdue !== 'true' && overdue !== 'false') throw new BadUserInputError('overdue', `overdue 只能是 true 或 false (expected true or false, got ${JSON.stringify(overdue)})`);
    f.overdue = overdue === 'true';
  }
  return parseIssueFilter(f as IssueFilter, '');
}

interface ExportRow {
  id: string;
  title: string;
  category: string;
  status: string;
  level: string;
  community_id: string;
  subdistrict: string;
  grid_id: string | null;
  session_id: string | null;
  raised_at: Date;
  raised_by: string | null;
  resolved_on_site: boolean;
  support_count: number;
  overdue: boolean;
  resolved_at: Date | null;
  cursor_at: string;
}

/** Newest first, in keyset batches: (raised_at, id) < the last row's, one statement per batch. */
export async function* issueBatches(ds: DataSource, filter: IssueFilter, today: string, batch = EXPORT_BATCH): AsyncGenerator<unknown[][]> {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const qb = applyIssueFilter(ds.getRepository(Issue).createQueryBuilder('i'), filter, today)
      .select('i.id', 'id')
      .addSelect(['i.title AS title', 'i.category AS category', 'i.status AS status', 'i.level AS level', 'i.community_id AS community_id', 'i.subdistrict AS subdistrict'])
      .addSelect(['i.grid_id AS grid_id', 'i.session_id AS session_id', 'i.raised_at AS raised_at', 'i.raised_by AS raised_by', 'i.resolved_on_site AS resolved_on_site'])
      .addSelect(['i.support_count AS support_count', 'i.resolved_at AS resolved_at'])
      .addSelect(OVERDUE_SQL, 'overdue')
      // The cursor keeps Postgres' full microsecond precision, which a JS Date would cut.
      .addSelect('i.raised_at::text', 'cursor_at')
      .orderBy('i.raised_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .limit(batch);
    if (after) qb.andWhere('(i.raised_at, i.id) < (CAST(:afterAt AS timestamptz), CAST(:afterId AS uuid))', { afterAt: after.at, afterId: after.id });
    const rows: ExportRow[] = await qb.getRawMany();
    if (rows.length === 0) return;
    yield rows.map((r) => [
      r.id,
      r.title,
      r.category,
      r.status,
      r.level,
      r.community_id,
      r.subdistrict,
      r.grid_id,
      r.session_id,
      shanghaiDateTime(r.raised_at),
      r.raised_by,
      r.resolved_on_site,
      r.support_count,
      r.overdue,
      shanghaiDateTime(r.resolved_at),
    ]);
    if (rows.length < batch) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.cursor_at, id: last.id };
  }
}

/** GET /export/issues.csv (ANALYST or ADMIN), on the shared export route: identity, roles and bad filters answered there. */
export function issuesExport(dataSource: DataSource, clock: Clock): CsvExport {
  return {
    filename: 'issues.csv',
    header: ISSUES_CSV_HEADER,
    open: (params) => issueBatches(dataSource, parseExportFilter(params), shanghaiDay(clock())),
  };
}
