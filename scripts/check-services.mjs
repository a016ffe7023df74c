// Runs before `npm test`: the tests need a real PostgreSQL and a real Redis. When one does not
// answer, fail at once with one line that says how to start it, instead of a wall of timeouts.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'shared', 'package.json'));
const { Client } = require('pg');
const Redis = require('ioredis');

const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const redact = (url) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function checkPostgres() {
  const client = new Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (e) {
    return (
      `PostgreSQL does not answer at ${redact(DATABASE_URL)} (${e.message || e.code}). ` +
      `Start it (Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start; trust auth for user postgres on 127.0.0.1) ` +
      `or set DATABASE_URL to a server whose user may CREATE DATABASE.`
    );
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkRedis() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let cause;
  redis.on('error', (e) => (cause ??= e));
  try {
    await redis.connect();
    await redis.ping();
    return null;
  } catch (e) {
    return (
      `Redis does not answer at ${redact(REDIS_URL)} (${(cause ?? e).message || (cause ?? e).code}). ` +
      `Start it (redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no) or set REDIS_URL.`
    );
  } finally {
    redis.disconnect();
  }
}

const problems = (await Promise.all([checkPostgres(), checkRedis()])).filter(Boolean);
if (problems.length) {
  for (const p of problems) console.error(`npm test: ${p}`);
  process.exit(1);
}
