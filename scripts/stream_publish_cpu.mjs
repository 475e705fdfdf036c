// The client's CPU per journal entry appended to the JetStream stream (#15), two
// builds in one process on one local three-node NATS cluster (each its own stream):
// StreamLog.publish of pipelined groups of GROUP command entries (1,800-byte
// bodies, a state digest on every tenth group), in chunks of CHUNK entries
// alternating between the builds (order swapped each round), after two warm-up
// chunks each. Prints µs of this process's CPU (all threads) per entry. The
// build started second ran ~0.87 of the first with the same code (A/A): compare
// runs with both orders.
//
//   node scripts/stream_publish_cpu.mjs DIST_A DIST_B [ENTRIES=4000] [GROUP=4] [CHUNK=200]

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distA, distB, totalArg = '4000', groupArg = '4', chunkArg = '200'] = process.argv.slice(2);
const imp = (d, p) => import(pathToFileURL(resolve(d, p)).href);
const { LocalNatsCluster } = await imp(distA, 'src/replication/local_cluster.js');
const nats = await LocalNatsCluster.start();

async function build(dist, prefix) {
  const { StreamLog } = await imp(dist, 'src/replication/stream_log.js');
  const { clusterConfig } = await imp(dist, 'src/replication/cluster_config.js');
  const { buildCommandEntry, GENESIS_HASH } = await imp(dist, 'src/journal/entry.js');
  const log = await StreamLog.open(clusterConfig(nats.urls, { prefix }), `bench-${prefix}`);
  let seq = 0;
  let prev = GENESIS_HASH;
  const body = Buffer.alloc(1800, 0x41);
  const next = () => {
    seq++;
    const e = buildCommandEntry(seq, BigInt(Date.now()) * 1_000_000n, body, Buffer.alloc(32, seq & 255), 14, prev);
    prev = e.hash;
    return e;
  };
  return { dist, log, next, cpu: 0, n: 0 };
}

const builds = [await build(distA, 'PUBA'), await build(distB, 'PUBB')];
const GROUP = Number(groupArg);
const CHUNK = Number(chunkArg);
const TOTAL = Number(totalArg);

async function chunk(b) {
  const c0 = process.cpuUsage();
  for (let i = 0; i < CHUNK; i += GROUP) {
    const items = [];
    for (let k = 0; k < GROUP; k++) items.push({ entry: b.next(), state_digest: k === 0 && i % 40 === 0 ? Buffer.alloc(32, 7) : null });
    await b.log.publish(items);
  }
  const d = process.cpuUsage(c0);
  b.cpu += d.user + d.system;
  b.n += CHUNK;
}

for (let i = 0; i < 2; i++) for (const b of builds) await chunk(b);
for (const b of builds) {
  b.cpu = 0;
  b.n = 0;
}
for (let done = 0; done < TOTAL; done += CHUNK) for (const i of (done / CHUNK) % 2 === 0 ? [0, 1] : [1, 0]) await chunk(builds[i]);
const [a, b] = builds;
console.log(
  `A ${a.dist}: ${(a.cpu / a.n).toFixed(1)} µs/entry; B ${b.dist}: ${(b.cpu / b.n).toFixed(1)} µs/entry; B/A ${(b.cpu / b.n / (a.cpu / a.n)).toFixed(3)}`,
);
for (const x of builds) await x.log.close();
await nats.stop();
