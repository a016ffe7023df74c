// Section 4 of `npm run bench`: bench/fanout.mjs --quick as a child, its report included as is.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../lib/util.mjs';

/** ctx: { say, section } */
export async function fanout({ say, section }) {
  const script = join(ROOT, 'bench', 'fanout.mjs');
  if (!existsSync(script)) {
    section('4. Fan-out', 'fan-out: see npm run bench:fanout (bench/fanout.mjs is not there yet)');
    return;
  }
  say('fan-out: node bench/fanout.mjs --quick');
  try {
    const text = execFileSync(process.execPath, [script, '--quick'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'inherit'] });
    section('4. Fan-out (node bench/fanout.mjs --quick)', text.trim());
  } catch (e) {
    section('4. Fan-out', `bench/fanout.mjs --quick failed: ${String(e.message).split('\n')[0]}\n\n${e.stdout ?? ''}`);
  }
}
