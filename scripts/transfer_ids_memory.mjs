// What the ledger's transfer log holds in memory and costs per transfer, with the
// durable ledger's spill (journal/ledger_spill.ts): N transfers with random u128
// ids appended, then lookups of old ids (hits) and of absent ids (misses).
// Run it on two builds one after the other, alternating, to compare them.
// Usage: node --expose-gc scripts/transfer_ids_memory.mjs DIST [N=2000000]
// Prints one JSON line: ns per append / old-id hit / miss, the id index's bytes
// (the table and the frozen runs' filters; null on a build without them), the
// records frozen, and the process's array-buffer and resident memory after a GC.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist')).href;
const n = Number(process.argv[3] ?? 2_000_000);
const { TransferLog } = await import(`${dist}/src/ledger/transfer_log.js`);
const { ledgerSpill } = await import(`${dist}/src/journal/ledger_spill.js`);
const log = new TransferLog(ledgerSpill());
const mask64 = (1n << 64n) - 1n;
const idOf = (i) => {
  let x = BigInt(i) * 0x9e3779b97f4a7c15n;
  x = (x ^ (x >> 31n)) & mask64;
  return x | (BigInt(i) << 64n);
};
globalThis.gc?.();
let t = performance.now();
for (let i = 1; i <= n; i++) {
  const id = idOf(i);
  log.appendAt(log.find(id), id, 1n, 2n, 100n, 0n, 0n, 0n, 0, 0, 1, 1, 0, BigInt(i));
}
const append_ns = ((performance.now() - t) * 1e6) / n;
const probes = 20_000;
t = performance.now();
let hits = 0;
for (let k = 0; k < probes; k++) if (log.has(idOf(1 + ((k * 7919) % n)))) hits++;
const hit_ns = ((performance.now() - t) * 1e6) / probes;
t = performance.now();
for (let k = 0; k < probes; k++) if (log.has(idOf(n + 1 + k))) hits = -1;
const miss_ns = ((performance.now() - t) * 1e6) / probes;
if (hits !== probes) throw new Error(`lookups wrong: ${hits} of ${probes}`);
globalThis.gc?.();
const mb = (b) => Math.round(b / 2 ** 20);
const m = process.memoryUsage();
console.log(
  JSON.stringify({
    transfers: n,
    append_ns: Math.round(append_ns),
    old_id_hit_ns: Math.round(hit_ns),
    miss_ns: Math.round(miss_ns),
    id_index_mb: log.indexBytes === undefined ? null : +(log.indexBytes / 2 ** 20).toFixed(1),
    frozen: log.frozenRecords ?? 0,
    frozen_file_mb: log.frozenFileBytes === undefined ? null : mb(log.frozenFileBytes),
    array_buffers_mb: mb(m.arrayBuffers),
    rss_mb: mb(m.rss),
  }),
);
log.close();
