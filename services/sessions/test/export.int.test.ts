import { keysetBatches } from '@plaza/shared';
import type { Viewer } from '@plaza/shared';
import { viewer, getRoute, parseCsv, routeError } from '@plaza/shared/testing';
import { CommunityService } from '../src/community/community.service';
import { sessionKeyset } from '../src/session/session.loaders';
import { SessionService } from '../src/session/session.service';
import { startSessions, type SessionsHarness } from './harness';
import { seedCommunity } from './fixtures';

let h: SessionsHarness;
let a: { id: string; name: string };
let b: { id: string; name: string };
let tricky: string;
beforeAll(async () => {
  h = await startSessions();
  a = await seedCommunity(h, '三里河街道');
  b = await seedCommunity(h, '中云街道');
  // 2,500 sessions in a; two share each instant, and the 1,000th and 1,001st rows of the export are
  // such a pair, so the id tie-break decides at a batch boundary.
  await h.dataSource.query(
    `INSERT INTO sessions.session (community_id, title, venue, host, scheduled_at, status, residents, party_members, cadres, deputies, cppcc_members)
     SELECT $1, '夜话' || g, '广场', '主持人', timestamptz '2026-01-01 19:30+08' + ((g + 1) / 2) * interval '1 hour',
            (ARRAY['PLANNED','LIVE','CLOSED','CANCELLED'])[g % 4 + 1], g % 50, 3, 2, 1, 0
     FROM generate_series(1, 2500) g`,
    [a.id],
  );
  const [topic] = await h.dataSource.query(`INSERT INTO sessions.topic_proposal (community_id, title, category, source) VALUES ($1, '停车,难', 'TRAFFIC_PARKING', 'COMMITTEE') RETURNING id`, [b.id]);
  const [row] = await h.dataSource.query(
    `INSERT INTO sessions.session (community_id, title, theme_id, venue, host, scheduled_at, started_at, ended_at, status, residents, party_members, cadres, deputies, cppcc_members)
     VALUES ($1, $2, $3, '文化广场', '=张主任', '2026-03-05 19:30+08', '2026-03-05 19:31+08', '2026-03-05 21:00+08', 'CLOSED', 80, 12, 6, 2, 1) RETURNING id`,
    [b.id, '夜话, "特别"场\n第二行', topic.id],
  );
  tricky = row.id;
  await h.dataSource.query(
    `INSERT INTO sessions.session (community_id, title, venue, host, scheduled_at, status)
     VALUES ($1, '三月第二场', '广场', '李', '2026-03-06 23:59+08', 'PLANNED'), ($1, '三月第三场', '广场', '李', '2026-03-07 00:00+08', 'PLANNED')`,
    [b.id],
  );
}, 60_000);
afterAll(() => h?.stop());

const analyst = viewer(['ANALYST']);

const get = (path: string, as?: Viewer, secret?: string) => getRoute(h.url, path, as, secret);

describe('GET /export/sessions.csv', () => {
  it('streams every row in list order, with BOM, header, Shanghai times and quoting', async () => {
    h.counter.reset();
    const res = await get('/export/sessions.csv', analyst);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('sessions.csv');
    expect([...res.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const [header, ...rows] = parseCsv(res.text.slice(1));
    expect(header).toEqual(['id', '标题', '社区ID', '社区', '街道', '主题', '场地', '主持人', '计划时间', '开始时间', '结束时间', '状态', '居民', '党员', '干部', '代表', '政协委员', '合计']);
    const expected = (await h.dataSource.query(`SELECT id FROM sessions.session ORDER BY scheduled_at DESC, id DESC`)).map((r: { id: string }) => r.id);
    expect(expected).toHaveLength(2503);
    expect(rows.map((r) => r[0])).toEqual(expected);
    expect(rows[999]![8]).toBe(rows[1000]![8]);
    // Three batches of 1,000, a few statements each: the cost follows batches, not rows.
    expect(h.counter.count).toBeLessThanOrEqual(12);

    expect(rows.find((r) => r[0] === tricky)).toEqual([
      tricky,
      '夜话, "特别"场\n第二行',
      b.id,
      b.name,
      '中云街道',
      '停车,难',
      '文化广场',
      "'=张主任",
      '2026-03-05 19:30:00',
      '2026-03-05 19:31:00',
      '2026-03-05 21:00:00',
      'CLOSED',
      '80',
      '12',
      '6',
      '2',
      '1',
      '101',
    ]);
    expect(res.text).toContain('"夜话, ""特别""场\n第二行"');
    const first = rows.find((r) => r[1] === '夜话1')!;
    expect(first.slice(2, 6)).toEqual([a.id, a.name, '三里河街道', '']);
    expect(first.slice(8, 12)).toEqual(['2026-01-01 20:30:00', '', '', 'LIVE']);
  }, 30_000);

  it('applies the filters of Query.sessions: community, status, Shanghai days on scheduledAt', async () => {
    const byCommunity = parseCsv((await get(`/export/sessions.csv?communityId=${b.id}&from=2026-03-06&to=2026-03-06`, analyst)).text.slice(1));
    expect(byCommunity.slice(1).map((r) => r[1])).toEqual(['三月第二场']);

    const byStatus = parseCsv((await get(`/export/sessions.csv?communityId=${b.id}&status=PLANNED`, viewer(['ADMIN']))).text.slice(1));
    expect(byStatus.slice(1).map((r) => r[1])).toEqual(['三月第三场', '三月第二场']);

    const fromOnly = parseCsv((await get(`/export/sessions.csv?communityId=${a.id}&from=2026-02-10&status=CANCELLED`, analyst)).text.slice(1));
    const [{ n }] = await h.dataSource.query(`SELECT count(*)::int AS n FROM sessions.session WHERE community_id = $1 AND status = 'CANCELLED' AND scheduled_at >= '2026-02-10 00:00+08'`, [a.id]);
    expect(n).toBeGreaterThan(0);
    expect(fromOnly).toHaveLength(n + 1);
    expect(fromOnly.slice(1).every((r) => r[11] === 'CANCELLED' && r[8]! >= '2026-02-10')).toBe(true);

    const none = await get(`/export/sessions.csv?communityId=${b.id}&from=2027-01-01`, analyst);
    expect(none.status).toBe(200);
    expect(parseCsv(none.text.slice(1))).toHaveLength(1);
  });

  it('refuses unsigned, forged and anonymous calls with 401', async () => {
    for (const res of [await get('/export/sessions.csv'), await get('/export/sessions.csv', analyst, 'forged-secret'), await get('/export/sessions.csv', viewer())]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(routeError(res.text).extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses STAFF and RESIDENT with 403', async () => {
    for (const as of [viewer(['STAFF'], [a.id]), viewer(['RESIDENT', 'SCREEN'])]) {
      const res = await get('/export/sessions.csv', as);
      expect(res.status).toBe(403);
      expect(routeError(res.text).extensions.code).toBe('FORBIDDEN');
    }
  });

  it('answers 400 BAD_USER_INPUT naming the bad filter', async () => {
    const cases: [string, string][] = [
      ['from=2026-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['from=2026-03-02&to=2026-03-01', 'to'],
      ['communityId=not-a-uuid', 'communityId'],
      ['status=OPEN', 'status'],
      ['comunityId=x', 'comunityId'],
      ['from=2026-01-01&from=2026-02-01', 'from'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/export/sessions.csv?${query}`, analyst);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(routeError(res.text).extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field }));
    }
  });

  it('loses no row when a batch ends inside a millisecond (microsecond timestamps)', async () => {
    const c = await seedCommunity(h);
    await h.dataSource.query(
      `INSERT INTO sessions.session (community_id, title, venue, host, scheduled_at)
       SELECT $1, '微秒' || g, '广场', '主持人', timestamptz '2026-05-01 19:30:00.123+08' + (g / 2) * interval '1 microsecond' FROM generate_series(1, 9) g`,
      [c.id],
    );
    const service = new SessionService(h.dataSource, new CommunityService(h.dataSource));
    const ids: string[] = [];
    for await (const batch of keysetBatches(service.filtered({ communityId: c.id }), sessionKeyset, 2)) ids.push(...batch.map((s) => s.id));
    const expected = await h.dataSource.query(`SELECT id FROM sessions.session WHERE community_id = $1 ORDER BY scheduled_at DESC, id DESC`, [c.id]);
    expect(ids).toEqual(expected.map((r: { id: string }) => r.id));
  });
});
