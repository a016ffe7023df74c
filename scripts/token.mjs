// Prints a development JWT (HS256) and nothing else on stdout, e.g.
//   npm run token -- --sub u1 --roles STAFF --communities <communityId>
// Options: --sub (required) --name --roles A,B (RESIDENT STAFF ANALYST SCREEN ADMIN)
//          --communities id1,id2 --ttl seconds (default 43200) --secret (default JWT_SECRET or the dev default)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

const ROLES = ['RESIDENT', 'STAFF', 'ANALYST', 'SCREEN', 'ADMIN'];
const list = (v) => (v ?? []).flatMap((x) => x.split(/[\s,]+/)).filter(Boolean);

function devSecret() {
  // The documented development default lives in @plaza/shared; read it when built, so the two never drift.
  try {
    const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'shared', 'package.json'));
    return require('./dist/env.js').DEV_JWT_SECRET;
  } catch {
    return 'dev-only-jwt-secret-change-me-0123456789';
  }
}

function fail(message) {
  console.error(`token: ${message}`);
  console.error('usage: npm run token -- --sub u1 [--name 张三] --roles STAFF[,ADMIN] [--communities <id>[,<id>]] [--ttl 43200]');
  process.exit(1);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      sub: { type: 'string' },
      name: { type: 'string' },
      roles: { type: 'string', multiple: true },
      communities: { type: 'string', multiple: true },
      ttl: { type: 'string' },
      secret: { type: 'string' },
    },
    allowPositionals: false,
  }));
} catch (e) {
  fail(e.message);
}
if (!values.sub) fail('--sub is required');
const roles = list(values.roles).map((r) => r.toUpperCase());
const unknown = roles.filter((r) => !ROLES.includes(r));
if (unknown.length) fail(`unknown role(s) ${unknown.join(', ')}; expected any of ${ROLES.join(', ')}`);
const ttl = values.ttl === undefined ? 12 * 3600 : Number(values.ttl);
if (!Number.isInteger(ttl) || ttl <= 0) fail(`--ttl must be a positive number of seconds, got ${values.ttl}`);
const secret = values.secret || process.env.JWT_SECRET || devSecret();

const now = Math.floor(Date.now() / 1000);
const token = await new SignJWT({ name: values.name ?? values.sub, roles, communities: list(values.communities) })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuedAt(now)
  .setExpirationTime(now + ttl)
  .sign(new TextEncoder().encode(secret));
process.stdout.write(`${token}\n`);
