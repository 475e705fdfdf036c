// Bytes the main thread allocates per traffic payment of a demo day, by allocation
// site and by the day's phase (the frame under runDay's own functions), in process
// as `sco-settle demo` runs the day (seed 3, 60 banks, the demo's watch-list, one
// prepare worker): V8's sampling heap profiler keeping the objects young and old
// collections freed. A figure, not a test (docs/benchmarks.md, "Demo day CPU by
// thread, and the missed hint's other form, stop 49"). Run with the demo's heap flag:
//
//   node --max-semi-space-size=64 scripts/demo_alloc_sites.mjs ROOT PAYMENTS [TOP] [THREAD]
//
// THREAD: `main` (default), or `prepare`: the prepare worker's isolate instead, profiled
// through the inspector's NodeWorker domain (each worker held at its start until its
// profiler runs; stopped as the pool terminates it). The store is /tmp/demo-alloc-sites-PID.db.

import { rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Worker } from 'node:worker_threads';

const [root, n, topArg, thread = 'main'] = process.argv.slice(2);
if (root === undefined || n === undefined || (thread !== 'main' && thread !== 'prepare')) {
  process.stderr.write('usage: node --max-semi-space-size=64 scripts/demo_alloc_sites.mjs ROOT PAYMENTS [TOP] [main|prepare]\n');
  process.exit(2);
}
const top = Number(topArg ?? 40);
const SAMPLING = { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true };
const { runDay } = await import(`${root}/dist/src/demo/day.js`);
const { demoScreen } = await import(`${root}/dist/src/demo/screener.js`);
const { WATCHLIST_VARIANTS } = await import(`${root}/dist/src/demo/watchlist.js`);
const { initStore } = await import(`${root}/dist/src/platform/store_tools.js`);
const path = `/tmp/demo-alloc-sites-${process.pid}.db`;
for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
await initStore(`sqlite:${path}`, 'demo');
const s = new Session();
s.connect();
// The prepare worker's profile: every worker waits at its start; the prepare worker's sampling starts before it runs.
let workerProfile = null;
let stopWorker = null;
if (thread === 'prepare') {
  let id = 0;
  const replies = new Map();
  s.on('NodeWorker.receivedMessageFromWorker', (m) => {
    const r = JSON.parse(m.params.message);
    if (r.id !== undefined) replies.get(r.id)?.(r);
  });
  const call = (sessionId, method, params) =>
    new Promise((res) => {
      const i = ++id;
      replies.set(i, res);
      s.post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id: i, method, params }) });
    });
  s.on('NodeWorker.attachedToWorker', async (m) => {
    const { sessionId, workerInfo } = m.params;
    if (workerInfo.url.endsWith('/prepare_worker.js') && stopWorker === null) {
      await call(sessionId, 'HeapProfiler.startSampling', SAMPLING);
      stopWorker = async () => {
        workerProfile = (await call(sessionId, 'HeapProfiler.stopSampling', {})).result.profile;
      };
    }
    await call(sessionId, 'Runtime.runIfWaitingForDebugger', {});
  });
  await s.post('NodeWorker.enable', { waitForDebuggerOnStart: true });
  // The pool terminates its workers after the traffic: the profile is taken first.
  const terminate = Worker.prototype.terminate;
  Worker.prototype.terminate = async function () {
    if (stopWorker !== null) {
      const stop = stopWorker;
      stopWorker = null;
      await stop();
    }
    return terminate.call(this);
  };
} else await s.post('HeapProfiler.startSampling', SAMPLING);
const run = await runDay({
  store: `sqlite:${path}`,
  seed: 3,
  banks: 60,
  payments: Number(n),
  dns_share: 1,
  screen: demoScreen(),
  workers: 1,
  watchlist_every: 400,
  watchlist_names: WATCHLIST_VARIANTS,
  onProgress: () => {},
});
const profile = thread === 'main' ? (await s.post('HeapProfiler.stopSampling')).profile : workerProfile;
const sites = new Map();
const phases = new Map();
const nm = (f) => `${f.functionName || '(anon)'} ${f.url.replace(/.*\/(src|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
const PHASES = new Set([
  'receive',
  'flush',
  'lsm',
  'coverDue',
  'interbankRounds',
  'sample',
  'closeWindows',
  'decideCases',
  'fill',
  'drain',
  'executeGroup',
  'journalText',
  'jsonDigest',
  'compact',
  'messageInstructions',
  'recycle',
  'heldNow',
]);
const walk = (node, parent, phase) => {
  const f = node.callFrame;
  let name = nm(f);
  if (!f.url && parent) name += ` <- ${parent}`;
  const ph = PHASES.has(f.functionName) ? `${phase === null ? '' : `${phase} > `}${f.functionName}` : phase;
  sites.set(name, (sites.get(name) ?? 0) + node.selfSize);
  phases.set(ph ?? '(other)', (phases.get(ph ?? '(other)') ?? 0) + node.selfSize);
  for (const c of node.children) walk(c, f.url ? nm(f) : parent, ph);
};
walk(profile.head, null, null);
const per = (v) => String(Math.round(v / run.traffic_payments)).padStart(7);
const total = [...sites.values()].reduce((a, b) => a + b, 0);
process.stdout.write(
  `${thread} thread: bytes per traffic payment ${Math.round(total / run.traffic_payments)} (traffic ${run.traffic_payments}, messages ${run.messages})\n-- by phase\n`,
);
for (const [k, v] of [...phases].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${per(v)} ${k}\n`);
process.stdout.write('-- by site\n');
for (const [k, v] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${per(v)} ${k}\n`);
await run.platform.close();
for (const x of ['', '-wal', '-shm', '.head']) rmSync(path + x, { force: true });
process.exit(0);
