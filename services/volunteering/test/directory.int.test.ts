import { randomUUID } from 'node:crypto';
import { ok, TEST_GATEWAY_SECRET, viewer } from '@plaza/shared/testing';
import { SubgraphDirectory } from '../src/federation/subgraphs.directory';
import { startVolunteering, type VolunteeringHarness } from './harness';

let h: VolunteeringHarness;
beforeAll(async () => {
  h = await startVolunteering();
});
afterAll(() => h?.stop());

describe('SubgraphDirectory against the real sessions subgraph', () => {
  const directory = () => SubgraphDirectory.fromUrls({ sessionsUrl: h.sessionsUrl, issuesUrl: 'http://127.0.0.1:9/graphql' }, TEST_GATEWAY_SECRET);

  it('finds communities with their subdistrict; unknown or malformed ids are null', async () => {
    const c = await h.createCommunity('方井社区', '三里河街道');
    const d = directory();
    expect(await d.community(c.id)).toEqual({ id: c.id, subdistrict: '三里河街道' });
    expect(await d.community(randomUUID())).toBeNull();
    expect(await d.community('not-a-uuid')).toBeNull();
  });

  it('finds a session with its community (when the sessions subgraph serves sessions)', async () => {
    if (!h.sessionsServeSessions) return;
    const c = await h.createCommunity('宋城美域社区', '阜安街道');
    const s = ok(
      await h.sessionsRequest(
        `mutation($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }`,
        { input: { communityId: c.id, title: '充电棚', venue: '广场', host: '王', scheduledAt: '2026-05-01T19:30:00+08:00' } },
        viewer(['STAFF'], [c.id]),
      ),
    ).scheduleSession;
    expect(await directory().session(s.id)).toEqual({ id: s.id, communityId: c.id });
    expect(await directory().session(randomUUID())).toBeNull();
  });

  it('fails loudly when an owning subgraph cannot be reached, instead of guessing', async () => {
    await expect(directory().issue(randomUUID())).rejects.toThrow();
  });

  it('refuses an unsigned caller: the signature is what the sessions subgraph trusts', async () => {
    const wrong = SubgraphDirectory.fromUrls({ sessionsUrl: h.sessionsUrl, issuesUrl: h.sessionsUrl }, 'some-other-secret-0123456789abcdef');
    await expect(wrong.community(randomUUID())).rejects.toThrow();
  });
});
