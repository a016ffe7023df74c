// Small helpers shared by the bench scripts: free ports, child processes, readiness, tables.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const require = createRequire(join(ROOT, 'package.json'));
// type-graphql reads decorator metadata as the packages load: the polyfill must come first.
require('reflect-metadata');

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A free loopback port below the ephemeral range (see @plaza/shared/cluster free-ports). */
export function freePort() {
  return require('@plaza/shared/cluster').freeLoopbackPort();
}

/** Is something listening on 127.0.0.1:port? */
export function portInUse(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(true));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
  });
}

/**
 * A child process whose output is kept (last lines) for the error message if it dies early.
 * `stop()` sends SIGTERM and waits (SIGKILL after 10 s).
 */
export function startChild(label, args, env, { cwd = ROOT, nodeArgs = [] } = {}) {
  const child = spawn(process.execPath, [...nodeArgs, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  const keep = (buf) => {
    for (const line of String(buf).split('\n')) if (line.trim()) (tail.push(line), tail.length > 40 && tail.shift());
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    label,
    child,
    pid: child.pid,
    tail,
    exited,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** Polls `url` until it answers 200 (or the child dies, or the time is up). */
export async function waitHttp(url, { timeoutMs = 60_000, child } = {}) {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (child && !child.alive) throw new Error(`${child.label} exited before ${url} answered:\n${child.tail.join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (e) {
      last = e.message;
    }
    await sleep(150);
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000}s: ${last}${child ? `\n${child.tail.join('\n')}` : ''}`);
}

/** Runs a node script as a separate process and parses the JSON its stdout ends with. */
export function runJsonChild(script, payload, { timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => (out += b));
    child.stderr.on('data', (b) => (err += b));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${err.slice(-2000)}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (e) {
        reject(new Error(`${script}: no JSON result (${e.message}): ${out.slice(-500)} ${err.slice(-500)}`));
      }
    });
    child.stdin.end(JSON.stringify(payload));
  });
}

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);

/** A markdown table (also readable in a terminal). */
export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c ?? '')));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...r[i]].length)));
  const line = (r) => `| ${r.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join(' | ')} |`;
  return [line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line)].join('\n');
}

/** Canonical JSON (object keys sorted), so answers from different gateways compare by content. */
export function canonical(v) {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

export const verdict = (ok) => (ok ? 'PASS' : 'MISS');

/** POSTs one GraphQL operation; the answer parsed (a non-JSON answer throws). */
export async function postGraphql(url, query, variables = {}, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) };
}
