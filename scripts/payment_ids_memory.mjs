// What the platform's payment book holds in memory per finished payment (its
// per-position columns, UETR table and, on a build that freezes old positions,
// the frozen runs' filters), with records spilled as the server spills them:
// N settled payments with random UETRs set and compacted (all but the 4,096 most
// recently finished become records), then lookups of old UETRs (hits, decoded)
// and of absent ones (misses). Run it on two builds one after the other,
// alternating, to compare them.
// Usage: node --expose-gc scripts/payment_ids_memory.mjs DIST [N=2000000]
// Prints one JSON line: array-buffer bytes per payment between N/2 and N (the
// slope), ns per set / old-UETR hit / miss, the book's index bytes (null on a
// build without them), positions frozen, and array-buffer and resident memory.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist')).href;
const n = Number(process.argv[3] ?? 2_000_000);
const { PaymentBook } = await import(`${dist}/src/platform/payment_book.js`);
const book = new PaymentBook(() => false);
const hex = (x, w) => (x >>> 0).toString(16).padStart(w, '0');
const uetrOf = (i) => {
  const a = Math.imul(i, 0x9e3779b1);
  const b = Math.imul(i ^ 0x5bd1e995, 0x85ebca6b);
  return `${hex(a, 8)}-${hex(b, 8).slice(0, 4)}-4${hex(b, 8).slice(5, 8)}-8${hex(a ^ b, 8).slice(0, 3)}-${hex(i, 12)}`;
};
const payers = ['BKAACNBJXXX', 'BKBBRUMMXXX', 'BKCCKZKAXXX', 'BKDDINBBXXX'];
const paymentOf = (i) => ({
  instruction: {
    uetr: uetrOf(i),
    end_to_end_id: `E2E-${i}`,
    payer: payers[i & 3],
    payee: payers[(i + 1) & 3],
    amount: { currency: 'CNY', minor: BigInt(100 + (i % 9000)) },
    remittance: `invoice ${i}`,
  },
  state: 'settled',
  fx: null,
  transfer_ids: [BigInt(i) * 2n + 1n],
  history: [{ state: 'settled', at_ns: 1_796_402_889_791_987_013n + BigInt(i) }],
});
const mem = () => {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage();
};
let half = null;
let t = performance.now();
for (let i = 0; i < n; i++) {
  book.set(uetrOf(i), paymentOf(i));
  if ((i & 63) === 63) book.compact();
  if (i + 1 === n / 2) {
    const el = performance.now() - t;
    half = mem().arrayBuffers;
    t = performance.now() - el;
  }
}
book.compact();
const set_ns = ((performance.now() - t) * 1e6) / n;
const probes = 20_000;
t = performance.now();
let hits = 0;
for (let k = 0; k < probes; k++) if (book.get(uetrOf((k * 7919) % (n - 8192))) !== undefined) hits++;
const hit_ns = ((performance.now() - t) * 1e6) / probes;
t = performance.now();
for (let k = 0; k < probes; k++) if (book.has(uetrOf(n + 1 + k))) hits = -1;
const miss_ns = ((performance.now() - t) * 1e6) / probes;
if (hits !== probes) throw new Error(`lookups wrong: ${hits} of ${probes}`);
const m = mem();
const mb = (b) => Math.round(b / 2 ** 20);
console.log(
  JSON.stringify({
    payments: n,
    array_bytes_per_payment_second_half: +((m.arrayBuffers - half) / (n / 2)).toFixed(1),
    set_ns: Math.round(set_ns),
    old_uetr_hit_ns: Math.round(hit_ns),
    miss_ns: Math.round(miss_ns),
    index_mb: book.indexBytes === undefined ? null : +(book.indexBytes / 2 ** 20).toFixed(1),
    frozen: book.frozenPositions ?? 0,
    array_buffers_mb_at_half: mb(half),
    array_buffers_mb: mb(m.arrayBuffers),
    rss_mb: mb(m.rss),
  }),
);
book.close();
