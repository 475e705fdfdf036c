// Splits a follower's V8 .cpuprofile (a standby engine or a member replica of `bench ha`,
// written with SCO_SETTLE_HA_CPU_PROF=DIR) into what a follower does per journal entry:
// each busy sample goes to the first stage below with a frame anywhere on its stack, so
// a stage's share is inclusive of what it calls and never counted twice. Shares are of
// the main thread's busy samples (idle left out) between FROM_S and TO_S seconds after
// the profile started: pick the steady replicated phase (PER_SECOND=1 prints each
// second's busy, apply and HTTP ms to find it; HTTP is the set-up and the failovers).
// Wall-clock samples on a loaded host: a stage's share is of the thread's busy wall
// time, not of its CPU (issue #15, docs/benchmarks.md "Replicated throughput, stop 52").
//
//   node scripts/cpuprofile_follower_stages.mjs FILE.cpuprofile [FROM_S=0] [TO_S=∞]

import { readFileSync } from 'node:fs';

const [file, fromArg = '0', toArg = 'Infinity'] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node scripts/cpuprofile_follower_stages.mjs FILE.cpuprofile [FROM_S] [TO_S]\n');
  process.exit(2);
}
const from = Number(fromArg);
const to = Number(toArg);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const STAGES = [
  ['whole-state digest (stateDigest)', (f) => f.functionName === 'stateDigest'],
  ['output digest (jsonDigest)', (f) => f.functionName === 'jsonDigest'],
  ['checksum and hash chain (checkEntry)', (f) => f.functionName === 'checkEntry'],
  ['re-execution (applyEntry; its output digest above)', (f) => f.functionName === 'applyEntry'],
  ['query index rows to the commit thread', (f) => /^(writeIndexStep|indexLagging|writeIndex)$/.test(f.functionName)],
  ['local journal append (appendLocal)', (f) => /^(appendLocal|appendFollowed)$/.test(f.functionName)],
  ['snapshot', (f) => /snapshot/i.test(f.functionName)],
  ['HTTP (fastify, src/api)', (f) => /fastify|\/api\//.test(f.url)],
  ['NATS client (delivery, parsing)', (f) => /node_modules\/nats\//.test(f.url)],
  ['src/replication (stream_log, cluster_node)', (f) => /\/replication\//.test(f.url)],
  ['garbage collector', (f) => f.functionName === '(garbage collector)'],
];

const frames = (id) => {
  const out = [];
  for (let x = id; x !== undefined; x = parent.get(x)) out.push(byId.get(x).callFrame);
  return out;
};
const stageOf = new Map();
function stage(id) {
  let s = stageOf.get(id);
  if (s === undefined) {
    const fr = frames(id);
    s = STAGES.find(([, match]) => fr.some(match))?.[0] ?? 'other (timers, promises, node)';
    stageOf.set(id, s);
  }
  return s;
}

const shares = new Map();
const seconds = new Map();
let busy = 0;
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i];
  // A sample stands for the time until the next one.
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const at = (t - profile.startTime) / 1e6;
  const id = profile.samples[i];
  if (byId.get(id).callFrame.functionName === '(idle)') continue;
  const sec = seconds.get(Math.floor(at)) ?? { busy: 0, apply: 0, http: 0 };
  sec.busy += dt;
  const fr = frames(id);
  if (fr.some((f) => f.functionName === 'applyEntry')) sec.apply += dt;
  if (fr.some(STAGES[7][1])) sec.http += dt;
  seconds.set(Math.floor(at), sec);
  if (at < from || at >= to) continue;
  busy += dt;
  const s = stage(id);
  shares.set(s, (shares.get(s) ?? 0) + dt);
}

if (process.env.PER_SECOND === '1') {
  console.log('| s | busy ms | applyEntry ms | HTTP ms |\n|---:|---:|---:|---:|');
  for (const [s, v] of [...seconds].sort((a, b) => a[0] - b[0]))
    console.log(`| ${s} | ${(v.busy / 1e3).toFixed(0)} | ${(v.apply / 1e3).toFixed(0)} | ${(v.http / 1e3).toFixed(0)} |`);
  console.log();
}
console.log(`${file.replace(/.*\//, '')}, ${from}-${to} s: ${(busy / 1e3).toFixed(0)} ms busy`);
console.log('| stage | % of busy |\n|---|---:|');
for (const [s, v] of [...shares].sort((a, b) => b[1] - a[1])) console.log(`| ${s} | ${((100 * v) / busy).toFixed(1)} |`);
