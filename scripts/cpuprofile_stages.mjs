// Splits a server's V8 .cpuprofile (node --cpu-prof, e.g. `bench api --cpu-prof DIR` or
// scripts/api_batch_profile.mjs DIST DIR …) into the stages of an API request: each
// sample goes to the first stage below that has a frame anywhere on its stack, so a
// stage's share is inclusive of what it calls and never counted twice. Shares are of
// the thread's busy samples (idle left out). FROM_S/TO_S keep only the samples taken
// that many seconds after the profile started (e.g. leave out start-up and warm-up).
//
// These are wall-clock samples: a thread descheduled inside a call (postMessage waking
// the commit worker on a busy 2-core host) is charged to that call, so a stage's share
// is of the thread's wall time while busy, not of its CPU (perf gives the CPU).
//
//   node scripts/cpuprofile_stages.mjs FILE.cpuprofile [FROM_S=0] [TO_S=∞]

import { readFileSync } from 'node:fs';

const [file, fromArg, toArg] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: node scripts/cpuprofile_stages.mjs FILE.cpuprofile [FROM_S] [TO_S]\n');
  process.exit(2);
}
const name = (fn) => (f) => f.functionName === fn;
const url = (re) => (f) => re.test(f.url);
const any =
  (...tests) =>
  (f) =>
    tests.some((t) => t(f));
/** In priority order: the first stage with a frame on a sample's stack takes the sample. */
const STAGES = [
  ['idle', name('(idle)')],
  ['GC', name('(garbage collector)')],
  ['start-up (module loading, schema compiles)', any(url(/modules\/(cjs|esm)|bootstrap\/realm/), name('compileSchema'))],
  ['journal entry (checksum, chain link)', name('buildCommandEntry')],
  ['command output digest (jsonDigest)', name('jsonDigest')],
  [
    'state machine: the command run (instruction rules, screening, pricing, settlement)',
    any(
      (f) => f.functionName === 'run' && /platform\/state_machine\.js$/.test(f.url),
      name('expireSettleBy'),
      name('calendarTick'),
      name('drainDirty'),
      name('lsmOnLiquidity'),
    ),
  ],
  ['payment book compact (archive finished payments)', (f) => /payment_book/.test(f.url) && (f.functionName === 'compact' || f.functionName === 'archive')],
  ['command decode', name('decodeCommand')],
  ['command journal text (jsonCopy, JSON.stringify)', name('journalText')],
  ['commit hand-off to the SQLite thread (postMessage, replies, head record)', any(url(/store\/sqlite\.js$|store\/head_record/), name('postMessage'))],
  ['durable ledger and state machine, the rest', url(/src\/journal\/|platform\/state_machine|src\/ledger\//)],
  ['auth (guard, API key, rate limit)', url(/http\/guard\.js|http\/auth\.js|http\/rate_limit/)],
  ['body schema validation (ajv)', any(url(/fastify\/lib\/validation|ajv/), (f) => /^validate\d*$/.test(f.functionName))],
  ['body read and JSON parse', url(/content-type-parser|secure-json-parse/)],
  ['metrics (prom-client)', url(/prom-client|src\/api\/metrics/)],
  ['response (send, onSend hooks, headers, writev)', any(url(/fastify\/lib\/reply|fast-json-stringify/), name('writev'), name('writevGeneric'))],
  ['route handler and Platform.execute (API and platform code not above)', url(/src\/api\/|src\/platform\/|src\/http\//)],
  ['request logger (pino child)', url(/pino/)],
  ['HTTP parse, routing, fastify and Node internals', url(/^node:|fastify|find-my-way|light-my-request|avvio/)],
];
const OTHER = 'other (native code, "(program)")';

const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const stageOf = new Map();
const stage = (id) => {
  let s = stageOf.get(id);
  if (s !== undefined) return s;
  const frames = [];
  for (let q = id; q !== undefined; q = parent.get(q)) frames.push(byId.get(q).callFrame);
  s = STAGES.find(([, test]) => frames.some(test))?.[0] ?? OTHER;
  stageOf.set(id, s);
  return s;
};
const from = Number(fromArg ?? 0) * 1e6;
const to = toArg === undefined ? Number.POSITIVE_INFINITY : Number(toArg) * 1e6;
const us = new Map();
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t - profile.startTime < from || t - profile.startTime > to) continue;
  const s = stage(profile.samples[i]);
  us.set(s, (us.get(s) ?? 0) + Math.max(0, profile.timeDeltas[i + 1] ?? dt));
}
const idle = us.get('idle') ?? 0;
const busy = [...us.values()].reduce((a, b) => a + b, 0) - idle;
process.stdout.write(`busy ${(busy / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms\n\n| stage | share of busy | ms |\n|---|---:|---:|\n`);
for (const [s, v] of [...us].filter(([s]) => s !== 'idle').sort((a, b) => b[1] - a[1]))
  process.stdout.write(`| ${s} | ${((100 * v) / busy).toFixed(1)} % | ${(v / 1000).toFixed(0)} |\n`);
