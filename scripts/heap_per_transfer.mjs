// Memory a ledger state machine holds per transfer, for comparing builds (issue #20).
// Usage: node --expose-gc scripts/heap_per_transfer.mjs DIST [TRANSFERS] [single|twophase]
//   (e.g. ../compact20-old/dist 2000000 single)
// Creates 10,000 accounts, forces a GC and reads heapUsed + arrayBuffers; then creates
// TRANSFERS transfers in batches of 8,189 (built batch by batch and dropped, so only
// what the ledger keeps stays alive), forces a GC again and prints the difference per
// transfer as JSON. `single`: single-phase transfers (bench ledger's shape);
// `twophase`: pending transfers each posted in the next batch (a payment's hold and
// settlement: two transfers, one pending-status entry, one kept post event).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dist = pathToFileURL(resolve(process.argv[2] ?? 'dist')).href;
const total = Number(process.argv[3] ?? 2_000_000);
const shape = process.argv[4] ?? 'single';
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
const { LedgerStateMachine } = await import(`${dist}/src/ledger/state_machine.js`);
const { emptyAccount, emptyTransfer, TransferFlags } = await import(`${dist}/src/ledger/types.js`);

const ACCOUNTS = 10_000;
const BATCH = 8189;
const LEDGER = 156;

function held() {
  globalThis.gc();
  globalThis.gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers };
}

const sm = new LedgerStateMachine({ accounts_max: 1_000_000, transfers_max: total + 1 });
let now = 1_700_000_000_000_000_000n;
for (let start = 0; start < ACCOUNTS; start += BATCH) {
  const batch = [];
  for (let i = start; i < Math.min(start + BATCH, ACCOUNTS); i++) batch.push(emptyAccount(BigInt(i + 1), LEDGER, 1));
  sm.execute('create_accounts', batch, (now += 1_000_000n));
}
const before = held();

let seed = 42;
const below = (n) => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed % n;
};
function check(results) {
  for (let i = 0; i < results.length; i++) if (results[i] !== 0) throw new Error(`event ${i} failed with ${results[i]}`);
}
const t0 = performance.now();
let id = 0;
let pendingIds = [];
while (id < total) {
  const batch = [];
  for (const p of pendingIds) {
    if (id >= total) break;
    const t = emptyTransfer(BigInt(++id));
    t.pending_id = p;
    t.flags = TransferFlags.post_pending_transfer;
    batch.push(t);
  }
  pendingIds = [];
  while (batch.length < BATCH && id < total) {
    const dr = below(ACCOUNTS);
    let cr = below(ACCOUNTS - 1);
    if (cr >= dr) cr++;
    const t = emptyTransfer(BigInt(++id));
    t.debit_account_id = BigInt(dr + 1);
    t.credit_account_id = BigInt(cr + 1);
    t.amount = BigInt(1 + below(1_000_000));
    t.ledger = LEDGER;
    t.code = 1;
    if (shape === 'twophase' && batch.length < BATCH / 2) {
      t.flags = TransferFlags.pending;
      pendingIds.push(t.id);
    }
    batch.push(t);
  }
  check(sm.execute('create_transfers', batch, (now += 1_000_000n)).results);
}
const seconds = (performance.now() - t0) / 1000;
const after = held();
const count = sm.transferCount ?? sm.transferLog.length;
const delta = after.heap + after.arrayBuffers - (before.heap + before.arrayBuffers);
console.log(
  JSON.stringify({
    dist: process.argv[2],
    shape,
    transfers: count,
    bytes_per_transfer: Math.round(delta / count),
    heap_bytes_per_transfer: Math.round((after.heap - before.heap) / count),
    array_buffer_bytes_per_transfer: Math.round((after.arrayBuffers - before.arrayBuffers) / count),
    rss_mb: Math.round(process.memoryUsage().rss / 2 ** 20),
    seconds: Math.round(seconds * 10) / 10,
  }),
);
