import { keysetBatches } from '@plaza/shared';
import type { Viewer } from '@plaza/shared';
import { viewer, getRoute, parseCsv, routeError } from '@plaza/shared/testing';
import { activityKeyset, ActivityService } from '../src/activity/activity.service';
import { startVolunteering, type VolunteeringHarness } from './harness';

let h: VolunteeringHarness;
const communityA = '7d3c0b8e-0000-4000-8000-00000000000a';
const communityB = '7d3c0b8e-0000-4000-8000-00000000000b';
const sessionId = '7d3c0b8e-0000-4000-8000-0000000000c1';
const issueId = '7d3c0b8e-0000-4000-8000-0000000000d1';
let teamA: string;
let teamB: string;
let tricky: string;
beforeAll(async () => {
  h = await startVolunteering();
  // Straight in SQL: the export reads this subgraph's own rows; community ids need no lookup.
  [{ id: teamA }, { id: teamB }] = await h.dataSource.query(
    `INSERT INTO volunteering.volunteer_team (community_id, subdistrict, name, kind, leader)
     VALUES ($1, '三里河街道', '青年突击队', 'YOUTH_VANGUARD', '王队长'), ($2, '中云街道', '银龄,"互助"队', 'ELDERLY_CARE', '赵队长') RETURNING id`,
    [communityA, communityB],
  );
  // 2,500 activities of team A; two share each instant, and the 1,000th and 1,001st rows of the
  // export are such a pair, so the id tie-break decides at a batch boundary.
  await h.dataSource.query(
    `INSERT INTO volunteering.activity (team_id, community_id, subdistrict, title, held_at, beneficiaries, volunteer_hours)
     SELECT $1, $2, '三里河街道', '活动' || g, timestamptz '2026-01-01 09:00+08' + ((g + 1) / 2) * interval '1 hour', g % 40, (g % 8) * 0.5
     FROM generate_series(1, 2500) g`,
    [teamA, communityA],
  );
  [{ id: tricky }] = await h.dataSource.query(
    `INSERT INTO volunteering.activity (team_id, community_id, subdistrict, title, held_at, beneficiaries, volunteer_hours, session_id, issue_id)
     VALUES ($1, $2, '中云街道', $3, '2026-03-05 19:30+08', 120, 7.5, $4, $5) RETURNING id`,
    [teamB, communityB, '义诊, "测血压"\n第二行', sessionId, issueId],
  );
  await h.dataSource.query(
    `INSERT INTO volunteering.activity (team_id, community_id, subdistrict, title, held_at, beneficiaries, volunteer_hours)
     VALUES ($1, $2, '中云街道', '三月六日深夜', '2026-03-06 23:59+08', 5, 1), ($1, $2, '中云街道', '三月七日零点', '2026-03-07 00:00+08', 6, 1)`,
    [teamB, communityB],
  );
}, 60_000);
afterAll(() => h?.stop());

const analyst = viewer(['ANALYST']);
const get = (path: string, as?: Viewer, secret?: string) => getRoute(h.url, path, as, secret);

describe('GET /export/activities.csv', () => {
  it('streams every row in list order, with BOM, header, Shanghai times and quoting', async () => {
    h.counter.reset();
    const res = await get('/export/activities.csv', analyst);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toContain('activities.csv');
    expect([...res.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const [header, ...rows] = parseCsv(res.text.slice(1));
    expect(header).toEqual(['id', '活动', '队伍ID', '队伍', '社区ID', '街道', '时间', '受益人次', '志愿时长', '夜话场次ID', '诉求ID']);
    const expected = (await h.dataSource.query(`SELECT id FROM volunteering.activity ORDER BY held_at DESC, id DESC`)).map((r: { id: string }) => r.id);
    expect(expected).toHaveLength(2503);
    expect(rows.map((r) => r[0])).toEqual(expected);
    expect(rows[999]![6]).toBe(rows[1000]![6]);
    // Three batches of 1,000, two statements each: the cost follows batches, not rows.
    expect(h.counter.count).toBeLessThanOrEqual(8);

    expect(rows.find((r) => r[0] === tricky)).toEqual([tricky, '义诊, "测血压"\n第二行', teamB, '银龄,"互助"队', communityB, '中云街道', '2026-03-05 19:30:00', '120', '7.5', sessionId, issueId]);
    expect(res.text).toContain('"义诊, ""测血压""\n第二行"');
    expect(rows.find((r) => r[1] === '活动3')).toEqual([expect.any(String), '活动3', teamA, '青年突击队', communityA, '三里河街道', '2026-01-01 11:00:00', '3', '1.5', '', '']);
    // No personal data: the team leader's name appears nowhere.
    expect(res.text).not.toMatch(/王队长|赵队长/);
  }, 30_000);

  it('applies the filters of Query.activities: community and Shanghai days on heldAt', async () => {
    const day = parseCsv((await get(`/export/activities.csv?communityId=${communityB}&from=2026-03-06&to=2026-03-06`, analyst)).text.slice(1));
    expect(day.slice(1).map((r) => r[1])).toEqual(['三月六日深夜']);

    const byCommunity = parseCsv((await get(`/export/activities.csv?communityId=${communityB}`, viewer(['ADMIN']))).text.slice(1));
    expect(byCommunity.slice(1).map((r) => r[1])).toEqual(['三月七日零点', '三月六日深夜', '义诊, "测血压"\n第二行']);

    const toOnly = parseCsv((await get(`/export/activities.csv?communityId=${communityA}&to=2026-01-01`, analyst)).text.slice(1));
    // 10:00 .. 23:00 Shanghai on 1 January: g = 1 .. 28.
    expect(toOnly).toHaveLength(1 + 28);
    expect(toOnly.slice(1).every((r) => r[6]!.startsWith('2026-01-01'))).toBe(true);

    const none = await get(`/export/activities.csv?from=2027-01-01`, analyst);
    expect(none.status).toBe(200);
    expect(parseCsv(none.text.slice(1))).toHaveLength(1);
  });

  it('refuses unsigned, forged and anonymous calls with 401', async () => {
    for (const res of [await get('/export/activities.csv'), await get('/export/activities.csv', analyst, 'forged-secret'), await get('/export/activities.csv', viewer())]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(routeError(res.text).extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it('refuses STAFF and RESIDENT with 403', async () => {
    for (const as of [viewer(['STAFF'], [communityA]), viewer(['RESIDENT', 'SCREEN'])]) {
      const res = await get('/export/activities.csv', as);
      expect(res.status).toBe(403);
      expect(routeError(res.text).extensions.code).toBe('FORBIDDEN');
    }
  });

  it('answers 400 BAD_USER_INPUT naming the bad filter', async () => {
    const cases: [string, string][] = [
      ['from=2026-02-30', 'from'],
      ['to=2026-1-1', 'to'],
      ['from=2026-03-02&to=2026-03-01', 'to'],
      ['communityId=not-a-uuid', 'communityId'],
      ['status=CLOSED', 'status'],
      ['to=2026-01-01&to=2026-02-01', 'to'],
    ];
    for (const [query, field] of cases) {
      const res = await get(`/export/activities.csv?${query}`, analyst);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      expect(routeError(res.text).extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field }));
    }
  });

  it('loses no row when a batch ends inside a millisecond (microsecond timestamps)', async () => {
    const community = '7d3c0b8e-0000-4000-8000-00000000000e';
    await h.dataSource.query(
      `INSERT INTO volunteering.activity (team_id, community_id, subdistrict, title, held_at, beneficiaries, volunteer_hours)
       SELECT $1, $2, '中云街道', '微秒' || g, timestamptz '2026-05-01 19:30:00.123+08' + (g / 2) * interval '1 microsecond', 1, 1 FROM generate_series(1, 9) g`,
      [teamB, community],
    );
    const service = new ActivityService(h.dataSource, null as never, h.directory);
    const ids: string[] = [];
    for await (const batch of keysetBatches(service.filtered({ communityId: community }), activityKeyset, 2)) ids.push(...batch.map((a) => a.id));
    const expected = await h.dataSource.query(`SELECT id FROM volunteering.activity WHERE community_id = $1 ORDER BY held_at DESC, id DESC`, [community]);
    expect(ids).toEqual(expected.map((r: { id: string }) => r.id));
  });
});
