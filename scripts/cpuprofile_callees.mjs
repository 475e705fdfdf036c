// What a function of a V8 .cpuprofile spends its time in: its sampled self time
// and, per direct callee, the inclusive time under it (summed over every node of
// that function, optionally only the one starting at LINE of the built file).
//
//   node scripts/cpuprofile_callees.mjs FILE.cpuprofile FUNCTION [LINE] [TOP=20]

import { readFileSync } from 'node:fs';

const [file, fn, line = '', topArg = '20'] = process.argv.slice(2);
if (file === undefined || fn === undefined) {
  process.stderr.write('usage: node scripts/cpuprofile_callees.mjs FILE.cpuprofile FUNCTION [LINE] [TOP]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const sampled = new Map();
for (let i = 0; i < profile.samples.length; i++) sampled.set(profile.samples[i], (sampled.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
const inclusive = (n) => (sampled.get(n.id) ?? 0) + (n.children ?? []).reduce((s, c) => s + inclusive(byId.get(c)), 0);
const name = (n) => {
  const url = n.callFrame.url.replace(/^.*\/dist\//, '').replace(/^.*\/node_modules\//, 'node_modules/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
let self = 0;
const callees = new Map();
for (const n of profile.nodes) {
  if (n.callFrame.functionName !== fn || (line !== '' && n.callFrame.lineNumber + 1 !== Number(line))) continue;
  self += sampled.get(n.id) ?? 0;
  for (const c of n.children ?? []) {
    const child = byId.get(c);
    callees.set(name(child), (callees.get(name(child)) ?? 0) + inclusive(child));
  }
}
const ms = (us) => (us / 1000).toFixed(0);
console.log(`| ms | under ${fn}${line === '' ? '' : `:${line}`} |\n|---:|---|\n| ${ms(self)} | (self) |`);
for (const [k, us] of [...callees].sort((a, b) => b[1] - a[1]).slice(0, Number(topArg))) console.log(`| ${ms(us)} | \`${k}\` |`);
