// Summarises a V8 .cpuprofile (node --cpu-prof): the functions with the most
// sampled self time and inclusive time (a function counted once per sample
// however often it recurs on the stack), as markdown tables.
//
//   node scripts/cpuprofile_top.mjs FILE.cpuprofile [TOP=25] [EXCLUDED_FUNCTION]
//
// EXCLUDED_FUNCTION leaves out every sample under a function of that name (e.g.
// verifyJournal, the verify the demo runs after its day).

import { readFileSync } from 'node:fs';

const [file, topArg, exclude = null] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node scripts/cpuprofile_top.mjs FILE.cpuprofile [TOP] [EXCLUDED_FUNCTION]\n');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const sampled = new Map();
for (let i = 0; i < profile.samples.length; i++) sampled.set(profile.samples[i], (sampled.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));

const name = (n) => {
  const url = n.callFrame.url.replace(/^.*\/dist\//, '').replace(/^.*\/node_modules\//, 'node_modules/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const under = (id, fn) => {
  for (let at = id; at !== undefined; at = parent.get(at)) if (byId.get(at).callFrame.functionName === fn) return true;
  return false;
};

const self = new Map();
const inclusive = new Map();
let kept = 0;
for (const n of profile.nodes) {
  const us = sampled.get(n.id) ?? 0;
  if (us === 0 || (exclude !== null && under(n.id, exclude))) continue;
  kept += us;
  self.set(name(n), (self.get(name(n)) ?? 0) + us);
  const seen = new Set();
  for (let at = n.id; at !== undefined; at = parent.get(at)) {
    const k = name(byId.get(at));
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
}

const table = (m, title) => {
  const lines = [
    `\n${title} (${(kept / 1e6).toFixed(1)} s sampled${exclude === null ? '' : `, without ${exclude}`})`,
    '| % | s | function |',
    '|---:|---:|---|',
  ];
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`| ${((100 * us) / kept).toFixed(1)} | ${(us / 1e6).toFixed(2)} | \`${k}\` |`);
  return lines.join('\n');
};
process.stdout.write(`${table(self, 'Self time')}\n${table(inclusive, 'Inclusive time')}\n`);
