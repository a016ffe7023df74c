// Inclusive (total) time per function in a .cpuprofile, idle excluded: where a call's CPU goes,
// counted once per sample however deep the recursion.  node bench/experiments/profile-inclusive.mjs f.cpuprofile [top]
import { readFileSync } from 'node:fs';

const [file, top = 60] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => {
  const cf = n.callFrame;
  const url = cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/[^ ]*?\/(shared|services|gateway)\//, '$1/');
  return `${cf.functionName || '(anon)'} ${url ? `${url}:${cf.lineNumber + 1}` : ''}`;
};
const incl = new Map();
let busy = 0;
prof.samples.forEach((id, i) => {
  const n = byId.get(id);
  const name = n.callFrame.functionName;
  if (name === '(idle)' || name === '(program)') return;
  const dt = prof.timeDeltas[i] ?? 0;
  busy += dt;
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const l = label(byId.get(cur));
    if (seen.has(l)) continue;
    seen.add(l);
    incl.set(l, (incl.get(l) ?? 0) + dt);
  }
});
console.log(`busy ${(busy / 1e6).toFixed(2)} s`);
for (const [l, t] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(top))) console.log(`${((100 * t) / busy).toFixed(1).padStart(5)}%  ${l}`);
