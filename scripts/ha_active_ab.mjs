// The active engine's CPU per 1,000 payments without HTTP (#15), two builds in one
// process: each build's Platform in cluster mode (the only engine, so active) on a
// store seeded as `bench ha` seeds it, on its own stream of one local three-node
// NATS cluster; 8 concurrent submitters of `submit_payments` with 10 payments each
// (bench ha's load), CHUNKS chunks of REQUESTS requests per build, alternating
// (order swapped each round), after one warm-up chunk each. Prints each chunk's
// CPU (this process, all threads) per 1,000 payments and the medians; both
// platforms stay open throughout, so each chunk also carries the idle one's lease
// renewals. Same-build (A/A) runs gave 1.00 / 1.01.
//
//   node scripts/ha_active_ab.mjs DIST_A DIST_B [CHUNKS=30] [REQUESTS=300]

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distA, distB, chunksArg = '30', reqArg = '300'] = process.argv.slice(2);
const imp = (d, p) => import(pathToFileURL(resolve(d, p)).href);
const { LocalNatsCluster } = await imp(distA, 'src/replication/local_cluster.js');
const nats = await LocalNatsCluster.start();
const dir = mkdtempSync(join(tmpdir(), 'ha-active-ab-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function build(dist, tag) {
  const { Platform } = await imp(dist, 'src/platform/platform.js');
  const { clusterConfig } = await imp(dist, 'src/replication/cluster_config.js');
  const { seedHaStore, haBic, HA_BANKS } = await imp(dist, 'src/bench/ha_cluster.js');
  const url = `sqlite:${join(dir, `${tag}.db`)}`;
  await seedHaStore(url);
  const fatal = [];
  const cluster = { config: clusterConfig(nats.urls, { prefix: tag }), node_id: tag, address: `http://${tag}`, mode: 'engine', onFatal: (r) => fatal.push(r) };
  const platform = await Platform.open(url, { cluster });
  for (let i = 0; i < 400 && platform.clusterStatus()?.role !== 'active'; i++) await sleep(50);
  return { dist, platform, haBic, HA_BANKS, fatal, per: [] };
}

const builds = [await build(distA, 'ABA'), await build(distB, 'ABB')];
const date = new Date().toISOString().slice(0, 10);
let requestNo = 0;

/** CPU ms per 1,000 payments of `requests` requests from 8 concurrent submitters. */
async function chunk(b, requests) {
  let sent = 0;
  const client = async (id) => {
    while (sent < requests) {
      sent++;
      const n = requestNo++;
      const payments = Array.from({ length: 10 }, (_, k) => {
        const x = (id + n + k) % b.HA_BANKS;
        const y = (x + 1 + (n % (b.HA_BANKS - 1))) % b.HA_BANKS;
        return { uetr: randomUUID(), end_to_end_id: `AB-${n}-${k}`, payer: b.haBic(x), payee: b.haBic(y), currency: 'CNY', amount: '0.01', value_date: date };
      });
      await b.platform.run({ type: 'submit_payments', payments });
    }
  };
  const c0 = process.cpuUsage();
  await Promise.all(Array.from({ length: 8 }, (_, i) => client(i)));
  const d = process.cpuUsage(c0);
  return ((d.user + d.system) / 1000 / (requests * 10)) * 1000;
}

for (const b of builds) await chunk(b, 100);
const CHUNKS = Number(chunksArg);
const REQUESTS = Number(reqArg);
for (let i = 0; i < CHUNKS; i++) for (const j of i % 2 === 0 ? [0, 1] : [1, 0]) builds[j].per.push(await chunk(builds[j], REQUESTS));
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const [a, b] = builds;
for (const x of builds) console.log(`${x.dist} per chunk: ${x.per.map((v) => v.toFixed(1)).join(' ')}`);
console.log(
  `median ms per 1,000 payments: A ${median(a.per).toFixed(1)}, B ${median(b.per).toFixed(1)}, B/A ${(median(b.per) / median(a.per)).toFixed(3)}; ` +
    `median of B/A per round ${median(a.per.map((v, i) => b.per[i] / v)).toFixed(3)}; payments ${builds.map((x) => x.platform.paymentCount())}; ` +
    `engines stopped ${builds.map((x) => x.fatal.length)}`,
);
for (const x of builds) await x.platform.close();
await nats.stop();
rmSync(dir, { recursive: true, force: true });
