import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './subgraphs';

/** A child process whose output is kept, for the error message when it dies and for fault checks. */
export interface Proc {
  label: string;
  child: ChildProcess;
  pid: number | undefined;
  /** Every line the process wrote (pino JSON on stdout, anything on stderr), last 2,000 kept. */
  lines: string[];
  readonly alive: boolean;
  /** Lines that show an unhandled rejection, an uncaught exception or a crash. */
  faults(): string[];
  /** SIGTERM (or `signal`), SIGKILL after 10 s; resolves once it exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const FAULT = /unhandled ?rejection|uncaught ?exception|FATAL|Segmentation|heap out of memory/i;

/** `node [nodeArgs] entry` with this environment only (nothing inherited), from the repo root. */
export function startProc(label: string, entry: string, env: NodeJS.ProcessEnv, o: { nodeArgs?: string[]; cwd?: string } = {}): Proc {
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), entry], { cwd: o.cwd ?? REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 2000) lines.shift();
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    label,
    child,
    pid: child.pid,
    lines,
    get alive() {
      return alive();
    },
    faults: () => lines.filter((l) => FAULT.test(l)),
    stop(signal = 'SIGTERM') {
      if (!alive()) return Promise.resolve();
      return new Promise((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill(signal);
      });
    },
  };
}

/** Polls `url` until it answers 200; fails early when `proc` exits first. */
export async function waitReady(url: string, proc: Proc, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (!proc.alive) throw new Error(`${proc.label} exited before ${url} answered:\n${proc.lines.slice(-30).join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready in ${timeoutMs} ms: ${last}`);
}
