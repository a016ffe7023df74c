import { ok, viewer } from '@plaza/shared/testing';
import { RAISE, startIssues, type IssuesHarness } from './harness';

let h: IssuesHarness;
afterAll(() => h?.stop());

it('each mutation of one document answers from loaders filled after its own change, not by an earlier one', async () => {
  h = await startIssues();
  const community = await h.createCommunity('方井社区');
  const resident = viewer(['RESIDENT'], [community], 'resident-fresh');
  const input = { communityId: community, title: '路灯不亮', description: '三号楼前路灯坏了一周。', category: 'OTHER' };
  const { id } = ok(await h.request(RAISE, { input }, resident)).raiseIssue;
  const res = ok(
    await h.request(
      `mutation($id: ID!) {
        a: supportIssue(issueId: $id) { supportCount viewerSupports }
        b: withdrawSupport(issueId: $id) { supportCount viewerSupports }
        c: supportIssue(issueId: $id) { supportCount viewerSupports }
      }`,
      { id },
      resident,
    ),
  );
  expect(res).toEqual({
    a: { supportCount: 1, viewerSupports: true },
    b: { supportCount: 0, viewerSupports: false },
    c: { supportCount: 1, viewerSupports: true },
  });
});
