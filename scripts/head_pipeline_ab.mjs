// The durable ledger's commit cycle on a SQLite store, for one build (no HTTP):
// CLIENTS concurrent loops each submitting one single-transfer batch and awaiting it,
// for SECONDS (closed loop: throughput follows the commit cycle, as `bench api`'s
// single run does), then a paced run of RATE single transfers a second for SECONDS
// (open loop: latency from submission). Counts the store's appends (group commits)
// by wrapping appendJournal. Prints one JSON line: payments/s, appends/s, payments
// an append, ack p50/p99/max ms for both runs, the process's CPU seconds.
// Alternate two builds (A B B A) and compare medians and ratios; this is the
// measurement of head record pipelining (docs/benchmarks.md, stop 54, #18).
//   node scripts/head_pipeline_ab.mjs DIST [CLIENTS=64] [SECONDS=6] [RATE=2000]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [distArg, clientsArg = '64', secondsArg = '6', rateArg = '2000'] = process.argv.slice(2);
if (distArg === undefined) {
  process.stderr.write('usage: node scripts/head_pipeline_ab.mjs DIST [CLIENTS] [SECONDS] [RATE]\n');
  process.exit(2);
}
const dist = resolve(distArg);
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const { DurableLedger } = await load('src/journal/durable_ledger.js');
const { openStore } = await load('src/store/open.js');
const { emptyAccount, emptyTransfer } = await load('src/ledger/types.js');
const [clients, seconds, rate] = [clientsArg, secondsArg, rateArg].map(Number);

const dir = mkdtempSync(join(tmpdir(), 'sco-settle-head-pipeline-'));
try {
  const store = await openStore(`sqlite:${join(dir, 'p.db')}`);
  let appends = 0;
  const append = store.appendJournal.bind(store);
  store.appendJournal = (entries, options) => {
    appends++;
    return append(entries, options);
  };
  let t = 1n;
  const ledger = await DurableLedger.open(store, { clock: () => (t += 1000n) });
  await ledger.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
  let id = 100n;
  const pay = () => ledger.createTransfers([{ ...emptyTransfer(id++), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 }]);
  const pct = (xs, q) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? null : Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 100) / 100;
  };

  // Closed loop.
  const cpu0 = process.cpuUsage();
  const a0 = appends;
  const lat = [];
  const end = performance.now() + seconds * 1000;
  let ok = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < end) {
        const s = performance.now();
        await pay();
        lat.push(performance.now() - s);
        ok++;
      }
    }),
  );
  const closedAppends = appends - a0;

  // Open loop at RATE.
  const a1 = appends;
  const paced = [];
  const start = performance.now();
  const total = rate * seconds;
  const sent = [];
  for (let k = 0; k < total; k++) {
    const due = start + (k * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const s = performance.now();
    sent.push(pay().then(() => paced.push(performance.now() - s)));
  }
  await Promise.all(sent);
  const pacedAppends = appends - a1;
  const cpu = process.cpuUsage(cpu0);
  await ledger.close();
  process.stdout.write(
    `${JSON.stringify({
      dist: distArg,
      payments_per_s: Math.round(ok / seconds),
      appends_per_s: Math.round(closedAppends / seconds),
      payments_per_append: Math.round((ok / closedAppends) * 10) / 10,
      ack_ms: { p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: pct(lat, 1) },
      paced: { rate, appends_per_s: Math.round(pacedAppends / seconds), p50: pct(paced, 0.5), p99: pct(paced, 0.99), max: pct(paced, 1) },
      cpu_s: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
