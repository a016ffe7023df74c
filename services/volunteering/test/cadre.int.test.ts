import { randomUUID } from 'node:crypto';
import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { startVolunteering, type VolunteeringHarness } from './harness';

let h: VolunteeringHarness;
let fangjing: { id: string; subdistrict: string };
let staff: ReturnType<typeof viewer>;

beforeAll(async () => {
  h = await startVolunteering();
  fangjing = await h.createCommunity('方井社区', '三里河街道');
  staff = viewer(['STAFF'], [fangjing.id]);
});
afterAll(() => h?.stop());

const CHECK_IN = `mutation($input: CheckInCadreInput!) { checkInCadre(input: $input) { id cadreName workUnit checkedInAt active community { id } } }`;
const countRows = async () => Number((await h.dataSource.query(`SELECT count(*) AS n FROM volunteering.cadre_check_in`))[0].n);

describe('cadre check-ins', () => {
  it('STAFF checks a cadre in; Community.cadreCheckIns pages them newest first', async () => {
    const { checkInCadre } = ok(await h.request(CHECK_IN, { input: { communityId: fangjing.id, cadreName: ' 张伟 ', workUnit: '胶州市民政局' } }, staff));
    expect(checkInCadre).toMatchObject({ cadreName: '张伟', workUnit: '胶州市民政局', active: true, community: { id: fangjing.id } });
    const [row] = await h.dataSource.query(`SELECT subdistrict FROM volunteering.cadre_check_in WHERE id = $1`, [checkInCadre.id]);
    expect(row.subdistrict).toBe('三里河街道');
    for (const cadreName of ['刘洋', '陈静']) {
      ok(await h.request(CHECK_IN, { input: { communityId: fangjing.id, cadreName, workUnit: '胶州市教体局' } }, viewer(['ADMIN'])));
    }

    const Q = `query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on Community { cadreCheckIns(first: 2, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { node { cadreName } } } } } }`;
    const r = [{ __typename: 'Community', id: fangjing.id }];
    const p1 = ok(await h.request(Q, { r }))._entities[0].cadreCheckIns;
    const p2 = ok(await h.request(Q, { r, after: p1.pageInfo.endCursor }))._entities[0].cadreCheckIns;
    const names = [...p1.edges, ...p2.edges].map((e: any) => e.node.cadreName);
    const expected = await h.dataSource.query(`SELECT cadre_name FROM volunteering.cadre_check_in ORDER BY checked_in_at DESC, id DESC`);
    expect(names).toEqual(expected.map((e: { cadre_name: string }) => e.cadre_name));
    expect([p1.totalCount, p1.pageInfo.hasNextPage, p2.pageInfo.hasNextPage]).toEqual([3, true, false]);
    expect(ok(await h.request(Q, { r: [{ __typename: 'Community', id: randomUUID() }] }))._entities[0].cadreCheckIns).toMatchObject({ totalCount: 0, edges: [] });
  });

  it('refuses bad input with the field named, writing nothing', async () => {
    const before = await countRows();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ cadreName: '' }, 'BAD_USER_INPUT', 'input.cadreName'],
      [{ cadreName: '名'.repeat(51) }, 'BAD_USER_INPUT', 'input.cadreName'],
      [{ workUnit: '  ' }, 'BAD_USER_INPUT', 'input.workUnit'],
      [{ communityId: randomUUID() }, 'NOT_FOUND', 'input.communityId'],
    ];
    for (const [over, code, field] of cases) {
      const res = await h.request(CHECK_IN, { input: { communityId: fangjing.id, cadreName: '王', workUnit: '单位', ...over } }, viewer(['ADMIN']));
      expect(errorOf(res)).toMatchObject({ code, field });
    }
    expect(await countRows()).toBe(before);
  });
});
