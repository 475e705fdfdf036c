// What appending to the journal stream costs, without the engines: a three-node
// NATS cluster (src/replication/local_cluster.ts), one StreamLog appending groups of
// entries paced like `bench ha`'s active engine (a group every PACE_MS, awaited before
// the next), and a child process with three followers (StreamLog.follow, applying
// nothing), as the two standbys and the member replica follow. Prints, per 1,000
// entries of the measured window, the CPU ms of each NATS node (from /proc), of the
// appending process and of the followers' process; and per entry the read and write
// system calls (/proc/PID/io) and the NATS nodes' context switches. Linux only.
//
//   node scripts/stream_append_cpu.mjs [DIST=dist] [GROUPS=2000] [GROUP=4] [PACE_MS=10] [BODY_BYTES=1200]

import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dist = 'dist', groupsArg = '2000', groupArg = '4', paceArg = '10', bodyArg = '1200'] = process.argv.slice(2);
const mod = (p) => import(pathToFileURL(resolve(dist, p)).href);
const { StreamLog } = await mod('src/replication/stream_log.js');
const { clusterConfig } = await mod('src/replication/cluster_config.js');
const { buildCommandEntry, GENESIS_HASH } = await mod('src/journal/entry.js');
const HZ = 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function ticks(pid) {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

/** Read and write system calls of a process so far (/proc/PID/io), and its threads' context switches. */
function calls(pid) {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const n = (k) => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(io)[1]);
  let cs = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const st = readFileSync(`/proc/${pid}/task/${t}/status`, 'utf8');
      cs += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(st)[1]) + Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(st)[1]);
    } catch {}
  }
  return { rw: n('syscr') + n('syscw'), cs };
}

if (process.argv[3] === '--follow') {
  // Child: three followers from entry 1, until each has applied TOTAL entries.
  const [, , , , urls, prefix, total] = process.argv;
  const config = clusterConfig(urls.split(','), { prefix });
  const logs = await Promise.all(['s1', 's2', 'r1'].map((id) => StreamLog.open(config, id)));
  await Promise.all(
    logs.map(async (log) => {
      let seen = 0;
      let done;
      const all = new Promise((r) => (done = r));
      const f = await log.follow(1, async (batch) => {
        seen += batch.length;
        if (seen >= Number(total)) done();
      });
      await all;
      f.stop();
      await f.done.catch(() => undefined);
    }),
  );
  await Promise.all(logs.map((l) => l.close()));
  // Done: the parent reads this process's CPU, then ends it.
  process.stdout.write('done\n');
  setInterval(() => undefined, 60_000);
}

const GROUPS = Number(groupsArg);
const GROUP = Number(groupArg);
const PACE_MS = Number(paceArg);
const WARM = 200;
const body = Buffer.alloc(Number(bodyArg), 0x61);
const { LocalNatsCluster } = await mod('src/replication/local_cluster.js');
const cluster = await LocalNatsCluster.start();
process.on('uncaughtException', (err) => {
  console.error(err);
  cluster.stop().finally(() => process.exit(1));
});
const prefix = `AB${process.pid}`;
const config = clusterConfig(cluster.urls, { prefix });
const log = await StreamLog.open(config, 'active');
const total = (WARM + GROUPS) * GROUP;
const child = spawn(process.execPath, [process.argv[1], dist, '--follow', cluster.urls.join(','), prefix, String(total)], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const childDone = new Promise((r) => child.stdout.on('data', (d) => String(d).includes('done') && r()));
await sleep(1000);
let seq = 1;
let prev = GENESIS_HASH;
async function group() {
  const items = [];
  for (let i = 0; i < GROUP; i++) {
    const entry = buildCommandEntry(seq, BigInt(seq), body, Buffer.alloc(32, 7), 3, prev);
    items.push({ entry, state_digest: null });
    prev = entry.hash;
    seq++;
  }
  await log.publish(items);
}
for (let g = 0; g < WARM; g++) {
  await group();
  await sleep(PACE_MS);
}
const natsPids = cluster.nodes.map((n) => n.child.pid);
const t0 = {
  calls: [...natsPids, process.pid, child.pid].map(calls),
  nats: natsPids.map(ticks),
  child: ticks(child.pid),
  self: process.cpuUsage(),
  wall: performance.now(),
};
for (let g = 0; g < GROUPS; g++) {
  await group();
  await sleep(PACE_MS);
}
await childDone;
const self = process.cpuUsage(t0.self);
const c1 = [...natsPids, process.pid, child.pid].map(calls);
const per = (k, from, to) =>
  ((c1.slice(from, to).reduce((a, c) => a + c[k], 0) - t0.calls.slice(from, to).reduce((a, c) => a + c[k], 0)) / (GROUPS * GROUP)).toFixed(2);
const per1k = (ms) => ((ms * 1000) / (GROUPS * GROUP)).toFixed(1);
const nats = natsPids.map((p, i) => ((ticks(p) - t0.nats[i]) * 1000) / HZ);
const out = {
  dist,
  entries: GROUPS * GROUP,
  group: GROUP,
  wall_s: ((performance.now() - t0.wall) / 1000).toFixed(1),
  nats_ms_per_1k: nats.map(per1k),
  nats_all_ms_per_1k: per1k(nats.reduce((a, b) => a + b, 0)),
  appender_ms_per_1k: per1k((self.user + self.system) / 1000),
  // Per entry: read and write system calls, and context switches (exact counts, where CPU time is noisy).
  nats_rw_per_entry: per('rw', 0, 3),
  nats_cs_per_entry: per('cs', 0, 3),
  appender_rw_per_entry: per('rw', 3, 4),
  followers_rw_per_entry: per('rw', 4, 5),
  followers_ms_per_1k: per1k(((ticks(child.pid) - t0.child) * 1000) / HZ),
};
console.log(JSON.stringify(out));
child.kill();
await log.close();
await cluster.stop();
