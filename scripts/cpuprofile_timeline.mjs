// When a thread of a V8 .cpuprofile (node --cpu-prof) was idle or collecting
// garbage: the share of each bucket of wall time, as a table. For the demo day
// it shows when the main thread waits for the prepare worker and when the worker
// waits for the main thread (docs/benchmarks.md, "Demo day throughput: where the
// 2-core day goes").
//
//   node scripts/cpuprofile_timeline.mjs FILE.cpuprofile [BUCKET_S=10]

import { readFileSync } from 'node:fs';

const [file, bucketArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node scripts/cpuprofile_timeline.mjs FILE.cpuprofile [BUCKET_S]\n');
  process.exit(2);
}
const bucketS = Number(bucketArg ?? 10);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const fnOf = new Map(profile.nodes.map((n) => [n.id, n.callFrame.functionName]));
const rows = new Map();
let at = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i] ?? 0;
  // A sample stands for the time until the next one.
  const us = profile.timeDeltas[i + 1] ?? 0;
  const b = Math.floor((at - profile.startTime) / (bucketS * 1e6));
  const r = rows.get(b) ?? { all: 0, idle: 0, gc: 0 };
  r.all += us;
  const fn = fnOf.get(profile.samples[i]);
  if (fn === '(idle)') r.idle += us;
  if (fn === '(garbage collector)') r.gc += us;
  rows.set(b, r);
}
const pct = (x, of) => (of > 0 ? ((100 * x) / of).toFixed(0) : '0');
process.stdout.write(`| from s | idle % | GC % |\n|---:|---:|---:|\n`);
for (const [b, r] of [...rows].sort((x, y) => x[0] - y[0])) process.stdout.write(`| ${b * bucketS} | ${pct(r.idle, r.all)} | ${pct(r.gc, r.all)} |\n`);
