import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_JWT_SECRET } from '@plaza/shared/testing';
import { verifyToken } from '@plaza/shared';

/** `TOKEN=$(npm run -s token -- …)` as the README says: stdout is the token and nothing else. */
const ROOT = join(__dirname, '..', '..');
const run = (args: string[]) => execFileSync('npm', args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, JWT_SECRET: TEST_JWT_SECRET }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });

describe('npm run -s token', () => {
  it('prints one JWT line on stdout, which the gateway accepts', async () => {
    const out = run(['run', '-s', 'token', '--', '--sub', 'u1', '--roles', 'STAFF', '--communities', 'c1']);
    expect(out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const viewer = await verifyToken(out.trim(), TEST_JWT_SECRET);
    expect(viewer).toMatchObject({ id: 'u1', roles: ['STAFF'], communityIds: ['c1'] });
  });

  it('without -s npm prints its banner on stdout too (the repository does not silence npm)', () => {
    const out = run(['run', 'token', '--', '--sub', 'u1', '--roles', 'STAFF']);
    expect(out).toContain('> node scripts/token.mjs');
    expect(out.trim().split('\n').at(-1)).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
