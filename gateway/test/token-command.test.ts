import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { TEST_JWT_SECRET } from '@plaza/shared/testing';
import { verifyToken } from '@plaza/shared';

/** `TOKEN=$(npm run -s token -- …)` as the README says: stdout is the token and nothing else. */
const ROOT = join(__dirname, '..', '..');
// npm passes its own settings down to scripts as npm_config_*: jest under `npm test` would hand a
// parent's loglevel to the npm run here, which is not what a user's shell has.
const env = Object.fromEntries(Object.entries({ ...process.env, JWT_SECRET: TEST_JWT_SECRET }).filter(([k]) => !/^npm_config_loglevel$/i.test(k)));
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: ROOT, encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });

describe('npm run token', () => {
  it.each([
    ['npm', ['run', '-s', 'token']],
    ['npm', ['run', '--silent', 'token']],
    [process.execPath, ['scripts/token.mjs']],
  ])('%s %j prints one JWT line on stdout, which the gateway accepts', async (cmd, args) => {
    const out = run(cmd, [...args, ...(cmd === 'npm' ? ['--'] : []), '--sub', 'u1', '--roles', 'STAFF', '--communities', 'c1']);
    expect(out).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const viewer = await verifyToken(out.trim(), TEST_JWT_SECRET);
    expect(viewer).toMatchObject({ id: 'u1', roles: ['STAFF'], communityIds: ['c1'] });
  });

  it('npm is not silenced repository-wide: a mistyped script fails with npm saying so', () => {
    const r = spawnSync('npm', ['run', 'tokn'], { cwd: ROOT, encoding: 'utf8', env, timeout: 20_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Missing script: "tokn"/);
  });
});
