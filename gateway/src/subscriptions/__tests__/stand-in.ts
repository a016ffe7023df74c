import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { buildSchema, execute as graphqlExecute, type DocumentNode } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { subscriptionSchema } from '../subscription.wiring';
import {
  eventCursor,
  eventSeq,
  IssueCategory,
  ISSUE_EVENT_KINDS,
  SESSION_EVENT_KINDS,
  type IssueEventMessage,
  type PubSub,
  type SessionEventMessage,
  type TopicMap,
  type TopicName,
  type Viewer,
} from '@plaza/shared';

/**
 * A small stand-in for the supergraph: the contract's subscription types over in-memory data, with
 * what the gateway itself declares on top: the Subscription root and VoteTally.
 */
export const schema = subscriptionSchema(
  buildSchema(`
  scalar DateTime
  enum IssueCategory { ${Object.values(IssueCategory).join(' ')} }
  enum IssueEventKind { ${ISSUE_EVENT_KINDS.join(' ')} }
  enum SessionEventKind { ${SESSION_EVENT_KINDS.join(' ')} }
  enum IssueStatus { SUBMITTED CLAIMED RESOLVED }
  type Team { name: String! }
  type Session { id: ID! title: String! }
  type TopicProposal { id: ID! title: String! }
  type Plan { id: ID! summary: String! votesFor: Int! }
  type Issue { id: ID! title: String! supportCount: Int! reporterContact: String plans: [Plan!]! session: Session assistingTeams: [Team!]! }
  type IssueEvent { cursor: String! kind: IssueEventKind! at: DateTime! actor: String note: String fromStatus: IssueStatus toStatus: IssueStatus issue: Issue! }
  type SessionEvent { cursor: String! kind: SessionEventKind! at: DateTime! session: Session topic: TopicProposal }
  type Query { issue(id: ID!): Issue  session(id: ID!): Session  topicProposal(id: ID!): TopicProposal }
`),
);

interface IssueRow {
  id: string;
  title: string;
  supportCount: number;
  reporter: string;
  contact: string;
  communityId: string;
  sessionId: string | null;
  plans: { id: string; summary: string; votesFor: number }[];
}

/** In-memory "subgraphs" plus the durable logs and a publisher that writes log then bus. */
export class World {
  readonly issues = new Map<string, IssueRow>();
  readonly sessions = new Map<string, { id: string; title: string }>();
  readonly log: { issueEvents: IssueEventMessage[]; sessionEvents: SessionEventMessage[] } = { issueEvents: [], sessionEvents: [] };
  private seq = { issueEvents: 0, sessionEvents: 0 };
  executions = 0;
  /** When set, hydration fails this many more times. */
  failNext = 0;
  constructor(public pubsub: PubSub) {}

  addSession(title = '电动车充电') {
    const s = { id: randomUUID(), title };
    this.sessions.set(s.id, s);
    return s;
  }

  addIssue(over: Partial<IssueRow> = {}): IssueRow {
    const row: IssueRow = { id: randomUUID(), title: '路灯不亮', supportCount: 0, reporter: 'u-reporter', contact: '138-0000-0000', communityId: randomUUID(), sessionId: null, plans: [], ...over };
    this.issues.set(row.id, row);
    return row;
  }

  /** Appends to the durable log and publishes; `publish: false` stands for a message lost on the bus. */
  async issueEvent(issue: IssueRow, over: Partial<IssueEventMessage> = {}, publish = true) {
    const seq = ++this.seq.issueEvents;
    const e: IssueEventMessage = {
      cursor: eventCursor(seq),
      seq,
      kind: 'RAISED',
      at: new Date(),
      issueId: issue.id,
      communityId: issue.communityId,
      subdistrict: '阜安街道',
      sessionId: issue.sessionId,
      category: IssueCategory.PUBLIC_FACILITIES,
      planId: null,
      supportCount: null,
      ...over,
    };
    this.log.issueEvents.push(e);
    if (publish) await this.pubsub.publish('issueEvents', e);
    return e;
  }

  async sessionEvent(communityId: string, sessionId: string | null, over: Partial<SessionEventMessage> = {}) {
    const seq = ++this.seq.sessionEvents;
    const e: SessionEventMessage = { cursor: eventCursor(seq), seq, kind: 'STARTED', at: new Date(), communityId, sessionId, topicId: null, ...over };
    this.log.sessionEvents.push(e);
    await this.pubsub.publish('sessionEvents', e);
    return e;
  }

  execute = async (document: DocumentNode, variables: Record<string, unknown>, viewer: Viewer) => {
    this.executions++;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('supergraph unavailable');
    }
    const world = this;
    const issue = (row: IssueRow | undefined) =>
      row && {
        ...row,
        // Personal data: only the reporter or STAFF of the community, as in the contract.
        reporterContact: viewer.id === row.reporter || (viewer.roles.includes('STAFF') && viewer.communityIds.includes(row.communityId)) ? row.contact : null,
        session: row.sessionId ? world.sessions.get(row.sessionId) : null,
        assistingTeams: [{ name: '青年先锋队' }],
      };
    return graphqlExecute({
      schema,
      document,
      variableValues: variables,
      rootValue: {
        issue: ({ id }: { id: string }) => issue(world.issues.get(id)),
        session: ({ id }: { id: string }) => world.sessions.get(id),
        topicProposal: ({ id }: { id: string }) => ({ id, title: '议题' }),
      },
    });
  };

  replay = async <K extends TopicName>(topic: K, after: string, limit: number): Promise<TopicMap[K][]> => {
    const from = eventSeq(after) ?? 0;
    // Through JSON, as from the supergraph.
    return JSON.parse(JSON.stringify((((this.log as Record<string, unknown[]>)[topic] ?? []) as TopicMap[K][]).filter((e) => e.seq > from).slice(0, limit)));
  };
}

export async function listen(): Promise<{ server: Server; url: string }> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/graphql` };
}

/** Client sockets, so a test can stop one from reading. */
export const sockets: WebSocket[] = [];
class TrackedWebSocket extends WebSocket {
  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    sockets.push(this);
  }
}

export function client(url: string, token?: string, extra: Partial<Parameters<typeof createClient>[0]> = {}): Client {
  return createClient({ url, webSocketImpl: TrackedWebSocket, retryAttempts: 0, lazy: true, connectionParams: token ? { authorization: `Bearer ${token}` } : {}, ...extra });
}

export interface Collected {
  results: { data?: any; errors?: any[] }[];
  completed: boolean;
  error: unknown;
  until(n: number, ms?: number): Promise<void>;
  untilDone(ms?: number): Promise<void>;
  dispose(): void;
}

export function collect(c: Client, query: string, variables: Record<string, unknown> = {}): Collected {
  const waiters: (() => void)[] = [];
  const poke = () => waiters.splice(0).forEach((w) => w());
  const out: Collected = {
    results: [],
    completed: false,
    error: undefined,
    until: (n, ms = 3000) =>
      wait(
        () => out.results.length >= n,
        ms,
        () => `got ${out.results.length} of ${n}`,
      ),
    untilDone: (ms = 3000) =>
      wait(
        () => out.completed || out.error !== undefined,
        ms,
        () => 'not completed',
      ),
    dispose: () => undefined,
  };
  const wait = (cond: () => boolean, ms: number, why: () => string) =>
    new Promise<void>((resolve, reject) => {
      if (cond()) return resolve();
      const t = setTimeout(() => reject(new Error(why())), ms);
      const check = () => (cond() ? (clearTimeout(t), resolve()) : waiters.push(check));
      waiters.push(check);
    });
  out.dispose = c.subscribe(
    { query, variables },
    {
      next: (r) => (out.results.push(r as any), poke()),
      error: (e) => ((out.error = e ?? 'error'), poke()),
      complete: () => ((out.completed = true), poke()),
    },
  );
  return out;
}

export const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

export async function until(cond: () => boolean, ms = 3000) {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await settle(10);
  }
}

/** A TCP proxy in front of Redis that a test can take down and bring back on the same port. */
export async function tcpProxy(target: { host: string; port: number }) {
  const net = await import('node:net');
  const open = new Set<import('node:net').Socket>();
  let server: import('node:net').Server | null = null;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((c) => {
        const u = net.connect(target.port, target.host);
        for (const s of [c, u]) {
          open.add(s);
          s.on('close', () => open.delete(s));
          s.on('error', () => s.destroy());
        }
        c.pipe(u).pipe(c);
        c.on('close', () => u.destroy());
        u.on('close', () => c.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of open) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await up();
  return { url: () => `redis://127.0.0.1:${port}`, up, down };
}
