import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The process guard (issue 11, finding 1): a rejected promise nobody handles is logged and
 * counted, and the process goes on serving; an uncaught exception ends a process of its own
 * (its supervisor restarts it) but not the one-process start. Run in child processes, since
 * jest installs handlers of its own.
 */
const guard = join(__dirname, '..', 'dist', 'process-guard.js');

function run(body: string) {
  const script = `const { guardProcess, processFaults } = require(${JSON.stringify(guard)});\n${body}`;
  return spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
}

it('an unhandled rejection is logged and counted, and the process goes on', () => {
  const r = run(`
    guardProcess();
    Promise.reject(new Error('count query failed'));
    setTimeout(() => { console.log('still serving, faults=' + processFaults.unhandledRejections); process.exit(0); }, 100);
  `);
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('still serving, faults=1');
  expect(r.stderr).toContain('unhandled rejection');
  expect(r.stderr).toContain('count query failed');
});

it('without the guard the same rejection ends the process (what stopped every process before)', () => {
  const r = run(`
    Promise.reject(new Error('count query failed'));
    setTimeout(() => { console.log('still serving'); process.exit(0); }, 100);
  `);
  expect(r.status).not.toBe(0);
  expect(r.stdout).not.toContain('still serving');
});

it("an uncaught exception ends a process of its own with 1, but not the one-process start ('log')", () => {
  const own = run(`guardProcess({ onUncaught: 'exit' }); setTimeout(() => { throw new Error('boom'); }, 10); setTimeout(() => console.log('survived'), 500);`);
  expect(own.status).toBe(1);
  expect(own.stdout).not.toContain('survived');
  const shared = run(`guardProcess({ onUncaught: 'log' }); setTimeout(() => { throw new Error('boom'); }, 10); setTimeout(() => { console.log('survived'); process.exit(0); }, 300);`);
  expect(shared.status).toBe(0);
  expect(shared.stdout).toContain('survived');
  expect(shared.stderr).toContain('uncaught exception');
});
