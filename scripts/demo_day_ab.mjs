// One demo day run in process as `sco-settle demo` runs it (seed 3, 60 banks,
// DNS share 1, the demo's watch-list, one prepare worker), with a chosen
// read-ahead of the prepare pipeline: its wall time, the process's CPU time (all
// threads), how often and how long the day waited for the worker, and the state
// digest (equal for every read-ahead). A figure, not a test (docs/benchmarks.md,
// "Demo day throughput: where the 2-core day goes"). Run it with the demo's heap
// flag: node --max-semi-space-size=64 scripts/demo_day_ab.mjs …
//
//   node scripts/demo_day_ab.mjs ROOT PAYMENTS AHEAD_CHUNKS TAG
//
// ROOT: a checkout with dist/ built; the store is /tmp/demo-day-ab-TAG.db.
// On Linux it also prints each thread's user + system CPU seconds from
// /proc/self/task (polled every 0.5 s, so the prepare worker is read before it
// exits): the main thread, the workers and V8's helper threads (GC).

import { readdirSync, readFileSync, rmSync } from 'node:fs';

const [root, n, ahead, tag] = process.argv.slice(2);
if (root === undefined || n === undefined || ahead === undefined || tag === undefined) {
  process.stderr.write('usage: node scripts/demo_day_ab.mjs ROOT PAYMENTS AHEAD_CHUNKS TAG\n');
  process.exit(2);
}
const { runDay } = await import(`${root}/dist/src/demo/day.js`);
const { demoScreen } = await import(`${root}/dist/src/demo/screener.js`);
const { WATCHLIST_VARIANTS } = await import(`${root}/dist/src/demo/watchlist.js`);
const { initStore } = await import(`${root}/dist/src/platform/store_tools.js`);
const path = `/tmp/demo-day-ab-${tag}.db`;
for (const s of ['', '-wal', '-shm']) rmSync(path + s, { force: true });
await initStore(`sqlite:${path}`, 'demo');
const threadCpu = new Map();
const pollThreads = () => {
  let tids = [];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return; // Not Linux: no per-thread figures.
  }
  for (const t of tids) {
    try {
      const f = readFileSync(`/proc/self/task/${t}/stat`, 'utf8').split(') ')[1].split(' ');
      threadCpu.set(t, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // The thread ended between the listing and the read.
    }
  }
};
const poller = setInterval(pollThreads, 500);
poller.unref();
const c0 = process.cpuUsage();
const run = await runDay({
  store: `sqlite:${path}`,
  seed: 3,
  banks: 60,
  payments: Number(n),
  dns_share: 1,
  screen: demoScreen(),
  workers: 1,
  prepare_ahead: Number(ahead),
  watchlist_every: 400,
  watchlist_names: WATCHLIST_VARIANTS,
  onProgress: () => {},
});
const c = process.cpuUsage(c0);
pollThreads();
clearInterval(poller);
const w = run.waited_for_workers;
process.stdout.write(
  `${tag} wall_s ${(run.wall_ms / 1000).toFixed(1)} cpu_s ${((c.user + c.system) / 1e6).toFixed(1)} waits ${w.waits} wait_s ${(w.wait_ms / 1000).toFixed(1)} messages ${run.messages} prepared_ahead ${run.prepared_ahead} other_form ${run.prepared_other_form ?? '-'} traffic ${run.traffic_payments} digest ${run.platform.stateDigest().slice(0, 16)}\n`,
);
const threads = [...threadCpu].filter(([, s]) => s >= 0.5).map(([t, s]) => `${t === String(process.pid) ? 'main' : t}:${s.toFixed(1)}`);
if (threads.length > 0) process.stdout.write(`${tag} thread_cpu_s (since start, ≥ 0.5) ${threads.join(' ')}\n`);
await run.platform.close();
process.exit(0);
