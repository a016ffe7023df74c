// Summarises a .heapsnapshot: self size and count per (node type, constructor/name), largest
// first. `node bench/experiments/heap-summary.mjs FILE [TOP] [PER]` — PER divides the sizes
// (e.g. the subscriber count, to read bytes per subscriber).
import { readFileSync } from 'node:fs';

const [file, top = '40', per = '1'] = process.argv.slice(2);
const snap = JSON.parse(readFileSync(file, 'utf8'));
const { node_fields: fields, node_types: types } = snap.snapshot.meta;
const typeNames = types[0];
const width = fields.length;
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const nodes = snap.nodes;
const strings = snap.strings;
const groups = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += width) {
  const type = typeNames[nodes[i + iType]];
  const raw = type === 'string' || type === 'concatenated string' || type === 'sliced string' ? '' : strings[nodes[i + iName]];
  const key = `${type}:${raw.length > 60 ? raw.slice(0, 60) + '…' : raw}`;
  const g = groups.get(key) ?? { size: 0, count: 0 };
  g.size += nodes[i + iSize];
  g.count++;
  total += nodes[i + iSize];
  groups.set(key, g);
}
const d = Number(per);
console.log(`total self size ${(total / 1048576).toFixed(1)} MB; ${(total / d).toFixed(0)} B per unit (÷${d})`);
for (const [k, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, Number(top))) {
  console.log(`${(g.size / d).toFixed(0).padStart(8)} B  ${String(g.count).padStart(8)}  ${k}`);
}
