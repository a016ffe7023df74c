import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_JWT_SECRET } from '@plaza/shared/testing';
import { verifyToken } from '@plaza/shared';

/** `TOKEN=$(npm run token -- …)` as the README says: stdout is the token and nothing else. */
const ROOT = join(__dirname, '..', '..');
const run = (args: string[]) => execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });

describe('npm run token', () => {
  it.each([[['run', 'token']], [['run', '-s', 'token']]])('%j prints one JWT line on stdout, which the gateway accepts', async (cmd) => {
    const out = run([...cmd, '--', '--sub', 'u1', '--roles', 'STAFF', '--communities', 'c1']);
    expect(out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const viewer = await verifyToken(out.trim(), TEST_JWT_SECRET);
    expect(viewer).toMatchObject({ id: 'u1', roles: ['STAFF'], communityIds: ['c1'] });
  });
});
