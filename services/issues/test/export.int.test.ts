import { signIdentity, type Viewer } from '@plaza/shared';
import { ok, TEST_GATEWAY_SECRET, viewer } from '@plaza/shared/testing';
import { startIssues, type IssuesHarness } from './harness';

/*
 * GET /export/issues.csv on the subgraph. The 2,500 rows are inserted in bulk with SQL (the loop
 * mutations are tested elsewhere); raised_at comes in threes, so the keyset
 * batches (1,000) must break ties by id. (Milliseconds, as the column default keeps them: the
 * GraphQL list's cursors, compared with below, carry milliseconds.)
 */
let h: IssuesHarness;
let base: string;
const analyst = viewer(['ANALYST'], [], 'analyst-1');
const COMMUNITY_A = '11111111-1111-4111-8111-111111111111';
const COMMUNITY_B = '22222222-2222-4222-8222-222222222222';

beforeAll(async () => {
  h = await startIssues();
  base = h.url.replace(/\/graphql$/, '');
  await h.dataSource.query(
    `INSERT INTO issues.issue (title, description, category, status, level, community_id, subdistrict, raised_at, raised_by, reporter_id, reporter_contact, support_count)
     SELECT CASE WHEN n = 7 THEN '他说"好",然后' || chr(10) || '换行' WHEN n = 8 THEN '=SUM(A1)' ELSE '诉求 ' || n END,
            '描述 ' || n,
            (ARRAY['FAMILY_CONFLICT','SAFETY','OTHER','PUBLIC_FACILITIES'])[n % 4 + 1],
            (ARRAY['SUBMITTED','IN_PROGRESS','RESOLVED'])[n % 3 + 1],
            'GRID',
            CASE WHEN n % 5 = 0 THEN '${COMMUNITY_B}'::uuid ELSE '${COMMUNITY_A}'::uuid END,
            CASE WHEN n % 5 = 0 THEN '阜安街道' ELSE '三里河街道' END,
            '2025-06-01T12:00:00+08:00'::timestamptz - (n / 3) * interval '1.123 second',
            '王大爷', 'reporter-' || n, '13912345678', n % 11
     FROM generate_series(1, 2500) n`,
  );
  // Ten IN_PROGRESS requests with an entry past its deadline.
  await h.dataSource.query(
    `INSERT INTO issues.ledger_entry (issue_id, measure, responsible_person, responsible_unit, deadline)
     SELECT id, '整改', '张三', '物业', DATE '2025-01-01' FROM issues.issue WHERE status = 'IN_PROGRESS' ORDER BY raised_at DESC, id DESC LIMIT 10`,
  );
});
afterAll(() => h?.stop());

const get = (query: string, as: Viewer | null) => fetch(`${base}/export/issues.csv${query ? `?${query}` : ''}`, { headers: as ? signIdentity(as, TEST_GATEWAY_SECRET) : {} });

/** RFC 4180 rows (quoted cells may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let k = 0; k < text.length; k++) {
    const ch = text[k]!;
    if (quoted) {
      if (ch === '"' && text[k + 1] === '"') ((cell += '"'), k++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(cell), (cell = ''));
    else if (ch === '\r' && text[k + 1] === '\n') {
      (row.push(cell), rows.push(row), (row = []), (cell = ''), k++);
    } else cell += ch;
  }
  return rows;
}

const exported = async (query: string) => {
  const res = await get(query, analyst);
  expect(res.status).toBe(200);
  const [, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
  return rows;
};
const graphqlIds = async (filter: Record<string, unknown>) => {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = ok(
      await h.request(`query($f: IssueFilter, $a: String) { issues(filter: $f, first: 100, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { f: filter, a: after }),
    ).issues;
    ids.push(...page.edges.map((e: any) => e.node.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
};

describe('GET /export/issues.csv', () => {
  it('streams all 2,500 rows newest first, with BOM, header and escaping, and no personal data', async () => {
    const res = await get('', analyst);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('issues.csv');
    const body = Buffer.from(await res.arrayBuffer());
    expect([...body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = body.toString('utf8');
    const [header, ...rows] = parseCsv(text.slice(1));
    expect(header).toEqual(['id', '标题', '类别', '状态', '层级', '社区ID', '街道', '网格ID', '夜话场次ID', '提出时间', '提出人', '现场解决', '支持数', '逾期', '解决时间']);
    expect(rows).toHaveLength(2500);
    const expected: { id: string }[] = await h.dataSource.query(`SELECT id FROM issues.issue ORDER BY raised_at DESC, id DESC`);
    expect(rows.map((r) => r[0])).toEqual(expected.map((r) => r.id));
    expect(text).toContain('"他说""好"",然后\n换行"');
    expect(rows.find((r) => r[1]!.includes('SUM'))![1]).toBe("'=SUM(A1)");
    expect(text).not.toContain('13912345678');
    expect(text).not.toContain('reporter-');
    expect(text).not.toContain('描述');
    const first = rows[0]!;
    expect(first[9]).toBe('2025-06-01 12:00:00'); // Asia/Shanghai wall-clock, as every export writes times
    expect(first[10]).toBe('王大爷');
  });

  it('reads in keyset batches of 1,000: one statement per batch', async () => {
    h.counter.reset();
    await exported('');
    expect(h.counter.count).toBe(3);
  });

  it('filters exactly as the GraphQL IssueFilter does', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['categories=FAMILY_CONFLICT,SAFETY', { categories: ['FAMILY_CONFLICT', 'SAFETY'] }],
      ['statuses=RESOLVED&levels=GRID', { statuses: ['RESOLVED'], levels: ['GRID'] }],
      [`communityId=${COMMUNITY_B}`, { communityId: COMMUNITY_B }],
      ['subdistrict=%E9%98%9C%E5%AE%89%E8%A1%97%E9%81%93', { subdistrict: '阜安街道' }],
      ['overdue=true', { overdue: true }],
      ['overdue=false&categories=OTHER', { overdue: false, categories: ['OTHER'] }],
      [`text=${encodeURIComponent('诉求 12')}`, { text: '诉求 12' }],
      ['raisedFrom=2025-06-01&raisedTo=2025-06-01', { raisedFrom: '2025-06-01', raisedTo: '2025-06-01' }],
      ['communityId=not-a-uuid', { communityId: 'not-a-uuid' }],
    ];
    for (const [query, filter] of cases) {
      const rows = await exported(query);
      expect({ query, ids: rows.map((r) => r[0]) }).toEqual({ query, ids: await graphqlIds(filter) });
    }
    const overdue = await exported('overdue=true');
    expect(overdue).toHaveLength(10);
    expect(overdue.every((r) => r[13] === 'true')).toBe(true);
  });

  it('401 unsigned, 403 for other roles, 400 on bad filters', async () => {
    const unsigned = await get('', null);
    expect(unsigned.status).toBe(401);
    expect(((await unsigned.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const forged = await fetch(`${base}/export/issues.csv`, { headers: signIdentity(analyst, 'not-the-gateway-secret-0123456789') });
    expect(forged.status).toBe(401);
    for (const who of [viewer(['RESIDENT']), viewer(['STAFF'], [COMMUNITY_A]), viewer(['SCREEN'])]) {
      const res = await get('', who);
      expect(res.status).toBe(403);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect((await get('', viewer(['ADMIN']))).status).toBe(200);
    const bad: [string, string][] = [
      ['categories=FAMILY_CONFLICT,NOPE', 'categories'],
      ['statuses=OPEN', 'statuses'],
      ['levels=TOWN', 'levels'],
      ['overdue=yes', 'overdue'],
      ['raisedFrom=2025-13-01', 'raisedFrom'],
      ['raisedFrom=2025-06-02&raisedTo=2025-06-01', 'raisedTo'],
      [`text=${'长'.repeat(101)}`, 'text'],
      ['reporterContact=139', 'reporterContact'],
    ];
    for (const [query, field] of bad) {
      const res = await get(query, analyst);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(((await res.json()) as any).errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });
});
