// A follower's catch-up as a replica far behind does it (#15): a local three-node
// NATS cluster (free ports) whose journal stream this checkout's `dist` fills with
// N small command entries (pipelined groups of 500), then DIST's StreamLog.follow()
// from entry 1 with an apply that takes APPLY_US µs per entry (a timer per batch,
// as a local commit would). Prints the wall time to take every entry, the batches,
// the largest batch, the process's peak RSS and heap used (sampled every 10 ms,
// against before the follow), and DIST's `held_max` where it has one. Exit code 1
// unless every entry arrived once, in order.
//
//   node scripts/follower_catchup_memory.mjs DIST [N=100000] [APPLY_US=20]
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [dist, nArg = '100000', usArg = '20'] = process.argv.slice(2);
const N = Number(nArg);
const APPLY_US = Number(usArg);
const here = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');
const own = (p) => import(pathToFileURL(join(here, p)).href);
const theirs = (p) => import(pathToFileURL(join(resolve(dist), p)).href);
const { LocalNatsCluster } = await own('src/replication/local_cluster.js');
const { clusterConfig } = await own('src/replication/cluster_config.js');
const { buildCommandEntry, GENESIS_HASH } = await own('src/journal/entry.js');
const { StreamLog: Publisher } = await own('src/replication/stream_log.js');
const { StreamLog } = await theirs('src/replication/stream_log.js');

const cluster = await LocalNatsCluster.start();
let code = 1;
try {
  const config = clusterConfig(cluster.urls);
  const pub = await Publisher.open(config, 'publisher');
  let prev = GENESIS_HASH;
  for (let i = 1; i <= N; i += 500) {
    const group = [];
    for (let j = i; j < Math.min(N + 1, i + 500); j++) {
      const entry = buildCommandEntry(j, BigInt(j) * 1_000n, Buffer.from(`{"type":"x","i":${j}}`), Buffer.alloc(32, j % 256), 3, prev);
      group.push({ entry, state_digest: null });
      prev = entry.hash;
    }
    await pub.publish(group);
  }
  await pub.close();
  globalThis.gc?.();
  const base = process.memoryUsage();
  let rss = base.rss;
  let heap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 10);
  const log = await StreamLog.open(config, 'follower');
  let next = 1;
  let ok = true;
  let batches = 0;
  let largest = 0;
  let all;
  const finished = new Promise((r) => (all = r));
  const t0 = performance.now();
  const f = await log.follow(1, async (batch) => {
    batches++;
    largest = Math.max(largest, batch.length);
    for (const b of batch) if (b.entry.seq !== next++) ok = false;
    await new Promise((r) => setTimeout(r, (batch.length * APPLY_US) / 1000));
    if (next > N) all();
  });
  await finished;
  const ms = performance.now() - t0;
  f.stop();
  await f.done;
  clearInterval(sampler);
  await log.close();
  const mb = (b) => (b / 1048576).toFixed(1);
  console.log(
    `${dist}: ${N} entries in ${ms.toFixed(0)} ms, ${batches} batches (largest ${largest}), held_max ${f.held_max ?? 'n/a'}, peak RSS +${mb(rss - base.rss)} MB, peak heap +${mb(heap - base.heapUsed)} MB, in order ${ok}`,
  );
  code = ok && next === N + 1 ? 0 : 1;
} finally {
  await cluster.stop();
}
process.exit(code);
