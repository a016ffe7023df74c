import { spawn } from 'node:child_process';
import { freeLoopbackPort } from '@plaza/shared/cluster';
import { join } from 'node:path';
import { createTestDatabase, TEST_GATEWAY_SECRET, TEST_JWT_SECRET, type TestDatabase } from '@plaza/shared/testing';
import { REPO_ROOT, startSystemProcesses, type Proc } from '@plaza/shared/stack';
import { signToken, type Role } from '@plaza/shared';

/**
 * The system as operators run it: each subgraph and the gateway in a process of its own (their
 * built `dist/index.js`, started by @plaza/shared/stack), talking over Redis, on one fresh
 * database with the demo year loaded. For the suites that must see a process die (hostile
 * input): an in-process stack would take the test runner down with it, or hide an unhandled
 * rejection in jest's own handlers.
 */

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export type { Proc };

export interface ProcessStack {
  origin: string;
  url: string;
  wsUrl: string;
  db: TestDatabase;
  prefix: string;
  procs: Proc[];
  /** Each process's own origin (http://127.0.0.1:<port>), by package name. */
  origins: Record<'gateway' | 'sessions' | 'issues' | 'volunteering', string>;
  token(sub: string, roles: Role[], communities?: string[]): Promise<string>;
  stop(): Promise<void>;
}

export const freePort = freeLoopbackPort;

function seed(databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'seed-demo.mjs')], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed-demo exited ${code}: ${err}`))));
  });
}

export interface ProcessStackOptions {
  /** Load the demo year first (ids to aim at). Default true. */
  demo?: boolean;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Extra environment for one process only, by package name (wins over `env`). */
  envOf?: Partial<Record<'gateway' | 'sessions' | 'issues' | 'volunteering', Record<string, string>>>;
  /** Node flags for the gateway, e.g. ['--expose-gc']. */
  gatewayNodeArgs?: string[];
}

export async function startProcessStack(o: ProcessStackOptions = {}): Promise<ProcessStack> {
  const db = await createTestDatabase('procs');
  try {
    if (o.demo ?? true) await seed(db.url);
    const prefix = `plaza-procs-${db.name.slice(-8)}`;
    const system = await startSystemProcesses({
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'development',
        LOG_LEVEL: 'warn',
        DATABASE_URL: db.url,
        REDIS_URL,
        PLAZA_CHANNEL_PREFIX: prefix,
        HOST: '127.0.0.1',
        GATEWAY_SECRET: TEST_GATEWAY_SECRET,
        JWT_SECRET: TEST_JWT_SECRET,
        ...o.env,
      },
      envOf: o.envOf,
      nodeArgsOf: { gateway: o.gatewayNodeArgs },
    });
    const origins = system.origins as ProcessStack['origins'];
    return {
      origin: origins.gateway,
      url: `${origins.gateway}/graphql`,
      wsUrl: `${origins.gateway.replace('http:', 'ws:')}/graphql`,
      db,
      prefix,
      procs: system.procs,
      origins,
      token: (sub, roles, communities = []) => signToken({ sub, roles, communities }, TEST_JWT_SECRET),
      async stop() {
        await system.stop();
        await db.drop().catch(() => {});
      },
    };
  } catch (e) {
    await db.drop().catch(() => {});
    throw e;
  }
}
