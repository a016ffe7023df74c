// Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time by function
// and by package, as markdown tables.
import { readFileSync } from 'node:fs';
import { table } from './util.mjs';

const where = (url) => {
  if (!url) return '(native/V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node core';
  const w = /\/work\/[^/]+\/(.*)$/.exec(url.replace('file://', ''));
  return w ? w[1].split('/').slice(0, 2).join('/') : url;
};

export function summariseProfile(file, top = 25) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const dt = new Map();
  // timeDeltas[i] is the time before samples[i]: attribute it to that sample's node.
  prof.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const total = [...dt.values()].reduce((a, b) => a + b, 0) || 1;
  const byFn = new Map();
  const byPkg = new Map();
  for (const n of prof.nodes) {
    const t = dt.get(n.id) ?? 0;
    if (!t) continue;
    const cf = n.callFrame;
    const name = cf.functionName || '(anonymous)';
    const key = `${name} ${cf.url ? `${cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/[^/]+\//, '')}:${cf.lineNumber + 1}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    const pkg = name === '(garbage collector)' ? '(garbage collector)' : name === '(idle)' ? '(idle)' : name === '(program)' ? '(program)' : where(cf.url);
    byPkg.set(pkg, (byPkg.get(pkg) ?? 0) + t);
  }
  const pct = (t) => `${((100 * t) / total).toFixed(1)}%`;
  const sorted = (m) => [...m.entries()].sort((a, b) => b[1] - a[1]);
  return [
    `Total sampled ${(total / 1e6).toFixed(1)} s.`,
    '',
    table(
      ['package / area', 'self time'],
      sorted(byPkg)
        .slice(0, 15)
        .map(([k, t]) => [k, pct(t)]),
    ),
    '',
    table(
      ['function (self time)', 'share'],
      sorted(byFn)
        .slice(0, top)
        .map(([k, t]) => [k, pct(t)]),
    ),
  ].join('\n');
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()) && process.argv[2]) console.log(summariseProfile(process.argv[2]));
