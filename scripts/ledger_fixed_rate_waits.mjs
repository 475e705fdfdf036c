// The store's share of `bench api`'s fixed-rate tails, without HTTP or the payment
// pipeline: a build's DurableLedger over a SQLite store (commit worker, as the
// server runs it), 20 accounts, then the bench's order of runs: 1,000-transfer
// batches as fast as they commit (4 in flight) for BATCH_S seconds, at once
// single transfers paced at RATE/s (open loop: latency from each one's planned
// send time to its durable acknowledgement) for FIXED_S seconds while the index
// catches up ("backlog"), a wait until the index holds every entry, and the same
// paced run again ("caught_up"). Transfer ids are random 128-bit, as the API's.
// Prints one JSON line: per paced run p50/p99/max ms and the index backlog at its
// start; the seconds the index took to catch up; CPU seconds of the process; the
// store's checkpoints (requested; run, forced by the WAL ceiling, total and max ms
// on builds that report them) and the WAL file's size at the end.
//   node scripts/ledger_fixed_rate_waits.mjs DIST [RATE=2000] [FIXED_S=6] [BATCH_S=4]
// Alternate two builds in a shell loop (old, new, old, new, ...) and compare medians.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, rateArg, fixedArg, batchArg] = process.argv.slice(2);
if (distArg === undefined) {
  process.stderr.write('usage: node scripts/ledger_fixed_rate_waits.mjs DIST [RATE] [FIXED_S] [BATCH_S]\n');
  process.exit(2);
}
const rate = Number(rateArg ?? 2000);
const fixedS = Number(fixedArg ?? 6);
const batchS = Number(batchArg ?? 4);
const dist = resolve(distArg);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { DurableLedger, wallClock } = await load('src/journal/durable_ledger.js');
const { emptyAccount, emptyTransfer } = await load('src/ledger/types.js');
const { SqliteStore } = await load('src/store/sqlite.js');

const ACCOUNTS = 20;
const dir = mkdtempSync(join(tmpdir(), 'sco-settle-fixed-waits-'));
const store = new SqliteStore(join(dir, 's.db'));
const ledger = await DurableLedger.open(store, { clock: wallClock() });
const id128 = () => randomBytes(16).readBigUInt64LE(0) * (1n << 64n) + randomBytes(8).readBigUInt64LE(0) + 1n;
const transfer = () => {
  const a = 1 + Math.floor(Math.random() * ACCOUNTS);
  let b = 1 + Math.floor(Math.random() * (ACCOUNTS - 1));
  if (b >= a) b++;
  return { ...emptyTransfer(id128()), debit_account_id: BigInt(a), credit_account_id: BigInt(b), amount: 1n, ledger: 156, code: 1 };
};
const pct = (xs, p) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length === 0 ? null : +s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))].toFixed(2);
};

async function batches() {
  const until = performance.now() + batchS * 1000;
  let n = 0;
  const lane = async () => {
    while (performance.now() < until) {
      await ledger.createTransfers(Array.from({ length: 1000 }, transfer));
      n += 1000;
    }
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  return n;
}

async function paced() {
  const backlog_at_start = ledger.backlogSize.events;
  const from = performance.timeOrigin + performance.now();
  const total = Math.round(rate * fixedS);
  const t0 = performance.now() + 5;
  const lat = [];
  const done = [];
  for (let k = 0; k < total; k++) {
    const at = t0 + (k * 1000) / rate;
    const wait = at - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    done.push(ledger.createTransfers([transfer()]).then(() => lat.push(performance.now() - at)));
  }
  await Promise.all(done);
  const window = [Math.round(from), Math.round(performance.timeOrigin + performance.now())];
  return { p50_ms: pct(lat, 50), p99_ms: pct(lat, 99), max_ms: pct(lat, 100), backlog_events_at_start: backlog_at_start, window };
}

const cpu0 = process.cpuUsage();
try {
  await ledger.createAccounts(Array.from({ length: ACCOUNTS }, (_, i) => emptyAccount(BigInt(i + 1), 156, 1, 0)));
  // Warm-up (JIT, caches).
  for (let i = 0; i < 200; i++) await ledger.createTransfers([transfer()]);
  const batched = await batches();
  const backlog = await paced();
  const w0 = performance.now();
  while (ledger.backlogSize.events > 0 && performance.now() - w0 < 120_000) await new Promise((r) => setTimeout(r, 50));
  const caught_up_s = +((performance.now() - w0) / 1000).toFixed(2);
  const caught_up = await paced();
  const c = process.cpuUsage(cpu0);
  // The store's checkpoints over the whole run (run/forced/ms: builds from stop 50's held checkpoints on) and the WAL file's size before close.
  const checkpoints = store.checkpointStats ?? { requested: store.checkpointsRequested ?? null };
  if (checkpoints.total_ms !== undefined) checkpoints.total_ms = +checkpoints.total_ms.toFixed(1);
  if (checkpoints.max_ms !== undefined) checkpoints.max_ms = +checkpoints.max_ms.toFixed(1);
  const wal_bytes_at_end = statSync(join(dir, 's.db-wal'), { throwIfNoEntry: false })?.size ?? null;
  process.stdout.write(
    `${JSON.stringify({ dist: distArg, batched, backlog, caught_up_s, caught_up, cpu_s: +((c.user + c.system) / 1e6).toFixed(1), index_row_cost_ms: store.indexRowCostMs?.() ?? null, checkpoints, wal_bytes_at_end })}\n`,
  );
} finally {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
}
