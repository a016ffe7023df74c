import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { startSessions, type SessionsHarness } from './harness';

const admin = viewer(['ADMIN']);
let h: SessionsHarness;

beforeAll(async () => {
  h = await startSessions();
});
afterAll(() => h?.stop());

const CREATE = `mutation($input: CreateCommunityInput!) { createCommunity(input: $input) { id name subdistrict grids { id } } }`;

describe('communities', () => {
  it('ADMIN creates a community and adds grids; anyone reads them', async () => {
    const { createCommunity } = ok(await h.request(CREATE, { input: { name: ' 方井社区 ', subdistrict: '三里河街道' } }, admin));
    expect(createCommunity).toMatchObject({ name: '方井社区', subdistrict: '三里河街道', grids: [] });
    ok(await h.request(`mutation($c: ID!) { addGrid(communityId: $c, name: "第一网格", gridWorker: "王芳") { id } }`, { c: createCommunity.id }, admin));
    const { community } = ok(await h.request(`query($id: ID!) { community(id: $id) { name grids { name gridWorker community { name } } } }`, { id: createCommunity.id }));
    expect(community).toEqual({ name: '方井社区', grids: [{ name: '第一网格', gridWorker: '王芳', community: { name: '方井社区' } }] });
  });

  it('refuses non-admins and bad input, writing nothing', async () => {
    const before = ok(await h.request(`{ communities { id } }`)).communities.length;
    expect(errorOf(await h.request(CREATE, { input: { name: '新社区', subdistrict: '阜安街道' } })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(CREATE, { input: { name: '新社区', subdistrict: '阜安街道' } }, viewer(['STAFF']))).code).toBe('FORBIDDEN');
    const blank = errorOf(await h.request(CREATE, { input: { name: '  ', subdistrict: '阜安街道' } }, admin));
    expect(blank).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    const long = errorOf(await h.request(CREATE, { input: { name: '长'.repeat(51), subdistrict: '阜安街道' } }, admin));
    expect(long).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(ok(await h.request(`{ communities { id } }`)).communities.length).toBe(before);
  });

  it('addGrid to an unknown community is NOT_FOUND', async () => {
    const res = await h.request(`mutation { addGrid(communityId: "00000000-0000-0000-0000-000000000000", name: "x") { id } }`, {}, admin);
    expect(errorOf(res)).toMatchObject({ code: 'NOT_FOUND', field: 'communityId' });
    expect(ok(await h.request(`{ community(id: "not-a-uuid") { id } }`)).community).toBeNull();
  });

  it('rejects calls that did not come through the gateway', async () => {
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ communities { id } }' }) });
    expect(res.status).toBe(401);
    expect(errorOf((await res.json()) as any).code).toBe('UNAUTHENTICATED');
  });
});
