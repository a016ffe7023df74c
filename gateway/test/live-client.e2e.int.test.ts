import { createLiveClient, type LiveClient } from '@plaza/shared/client';
import { ok } from '@plaza/shared/testing';
import { WebSocket } from 'ws';
import { tcpProxy, until } from '../src/subscriptions/__tests__/stand-in';
import { startStack, type Stack } from './stack';

/**
 * Issue 14: the console helper resubscribes with the last cursor it saw after every reconnect —
 * a socket cut while events flow loses none and repeats none.
 */
jest.setTimeout(60_000);

const EVENTS = `subscription($communityId: ID, $after: String) { issueEvents(communityId: $communityId, after: $after) { cursor kind issueId } }`;

describe('createLiveClient (@plaza/shared/client)', () => {
  let stack: Stack;
  let live: LiveClient | null = null;
  let proxy: Awaited<ReturnType<typeof tcpProxy>> | null = null;
  afterAll(async () => {
    await live?.dispose();
    await proxy?.down(); // a failed test too: an open listener would keep jest from exiting
    await stack?.stop();
  });

  it('a socket cut while events flow: 0 lost, 0 duplicated', async () => {
    stack = await startStack({ bus: 'memory' });
    const admin = await stack.as(['ADMIN']);
    const communityId = ok<any>(await stack.request('mutation { createCommunity(input: { name: "方井社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
    const staff = await stack.as(['STAFF'], [communityId]);
    const raise = async (i: number) =>
      ok(await stack.request('mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title: `第${i}件`, description: '说明', category: 'OTHER' } }, staff));

    proxy = await tcpProxy({ host: '127.0.0.1', port: Number(new URL(stack.wsUrl).port) });
    const port = new URL(proxy.url()).port;
    const cut = proxy;
    let opened = 0;
    let connecting = 0;
    live = createLiveClient({
      url: `ws://127.0.0.1:${port}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${staff}` },
      retryWait: () => new Promise((r) => setTimeout(r, 200)),
      on: { opened: () => void opened++, connecting: () => void connecting++ },
    });
    const got: string[] = [];
    live.subscribe(EVENTS, { communityId }, { next: (e) => void got.push(e.cursor), error: (e) => void got.push(`error ${JSON.stringify(e)}`) });
    await until(() => stack.gateway.subscriptions!.counters.subscribers === 1, 5000);

    for (let i = 0; i < 10; i++) await raise(i);
    await until(() => got.length >= 3, 5000);
    await cut.down(); // the socket is cut mid-stream; raises go on
    const attempts = connecting;
    for (let i = 10; i < 20; i++) await raise(i);
    // Down long enough that reconnects are refused (ECONNREFUSED, not a close): a console on a
    // flaky network keeps retrying; graphql-ws' default gives up on the first refused connect.
    await until(() => connecting >= attempts + 2, 5000);
    await cut.up();
    for (let i = 20; i < 30; i++) await raise(i);
    await until(() => got.length >= 30, 10_000);
    await new Promise((r) => setTimeout(r, 500)); // nothing more may arrive

    const logged = ok<any>(await stack.request('query { issueEventLog(first: 100) { edges { node { cursor communityId } } } }'))
      .issueEventLog.edges.map((e: any) => e.node)
      .filter((n: any) => n.communityId === communityId)
      .map((n: any) => n.cursor);
    expect(logged).toHaveLength(30);
    expect(got).toEqual(logged);
    expect(opened).toBeGreaterThanOrEqual(2); // it did reconnect
    expect(live.cursors()).toEqual([logged.at(-1)]);
  });
});
