// A follower's CPU, in process (#15): a journal of platform commands (20 funded banks,
// BATCHES submit_payments of 10 valid payments that settle: uetr, end_to_end_id,
// payer, payee, value date), written once by the first build run into SRC_DB and
// reused (that run also prints the submitting engine's CPU), applied by DIST's
// DurableLedger as a follower (the platform's state machine; each entry re-executed
// and its output digest compared, whole-state digests not sent) in batches of 3
// entries with a 1 ms pause between, as entries arrive from the stream. The clock
// stops there: the payments by state, the state digest and the close (with its
// shutdown snapshot) are outside the timed window. Prints the process's CPU (all
// threads) per 1,000 payments; exit code 1 unless every payment settled. Run old and
// new builds alternately on the same SRC_DB, written by the old build so both apply
// the same entries.
// (Until 2026-12-06 its payments had `debtor`/`creditor` and no end-to-end id, so
// every one was rejected at validation, and the final digest was timed: it measured
// the rejection path. An SRC_DB written then still holds those entries: exit code 1.)
// Also prints the store's index writes in the window and each thread's CPU ticks
// (Linux: the main thread first, the store's commit thread last, V8's GC helpers
// between).
// WINDOW_INDEX=1 writes the window's journal appends and index rows inside the window (see below).
// With CPU_PROF=FILE.cpuprofile the timed window alone is profiled (node:inspector)
// into FILE, for scripts/cpuprofile_top.mjs.
// A warm follower: write SRC_DB with more batches than BATCHES (e.g. 6000, then run
// with 2000): the entries before the last BATCHES are applied unmeasured, so the
// window starts with V8's compilers done and a store of that size (its index writes
// cost more as the tables grow: docs/scaling.md, "Follower apply CPU, stop 48").
//   node scripts/follower_apply_cpu.mjs DIST SRC_DB [BATCHES=2000]
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readWholeJournal } from './read_journal.mjs';
const [dist, srcDb, nArg = '2000'] = process.argv.slice(2);
const imp = (p) => import(pathToFileURL(join(resolve(dist), p)).href);
const { Platform } = await imp('src/platform/platform.js');
const { PlatformStateMachine } = await imp('src/platform/state_machine.js');
const { DurableLedger } = await imp('src/journal/durable_ledger.js');
const { openStore } = await imp('src/store/open.js');
const PER = 10;
// The pause between batches of 3 entries (PAUSE_MS=25: ~1,200 payments/s, about `bench ha`'s replicated rate on a loaded host).
const PAUSE_MS = Number(process.env.PAUSE_MS ?? 1);
if (!existsSync(srcDb)) {
  const platform = await Platform.open(`sqlite:${srcDb}`);
  const bic = (i) => `BK${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}CNBJ`;
  await platform.run({ type: 'register_participant', id: 'PBOCCNBJ', kind: 'central_bank', name: 'PBOC', country: 'CN', currencies: ['CNY'] });
  for (let i = 0; i < 20; i++) {
    await platform.run({ type: 'register_participant', id: bic(i), kind: 'bank', name: `Bank ${i}`, country: 'CN', currencies: ['CNY'] });
    await platform.run({ type: 'fund', participant: bic(i), currency: 'CNY', amount: '1000000000000.00' });
  }
  const date = new Date().toISOString().slice(0, 10);
  await platform.run({ type: 'open_day', date, default_cutoff: '23:59' });
  const outcome = new Map();
  const w0 = process.cpuUsage();
  for (let b = 0; b < Number(nArg); b++) {
    const payments = [];
    for (let k = 0; k < PER; k++) {
      const d = (b * 7 + k) % 20;
      payments.push({
        uetr: randomUUID(),
        end_to_end_id: `FOL-${b}-${k}`,
        payer: bic(d),
        payee: bic((d + 1 + k) % 20),
        currency: 'CNY',
        amount: `${1 + ((b + k) % 500)}.00`,
        value_date: date,
      });
    }
    const r = await platform.run({ type: 'submit_payments', payments });
    for (const p of r.payments ?? []) outcome.set(p.state, (outcome.get(p.state) ?? 0) + 1);
  }
  const w = process.cpuUsage(w0);
  await platform.close();
  console.log(
    `${srcDb} written by ${dist}: answers ${JSON.stringify(Object.fromEntries(outcome))}, the submitting engine (Platform.run, in process) ${(((w.user + w.system) / 1000 / (Number(nArg) * PER)) * 1000).toFixed(1)} CPU ms per 1,000 payments`,
  );
}
const entries = await readWholeJournal(openStore, srcDb);
const dir = mkdtempSync(join(tmpdir(), 'follow-ab-'));
const store = await openStore(`sqlite:${join(dir, 'f.db')}`);
const executor = new PlatformStateMachine();
// The store's index writes (query-table transactions) in the timed window.
let indexWrites = 0;
const applyIndex = store.applyIndex.bind(store);
store.applyIndex = (batch) => {
  indexWrites++;
  return applyIndex(batch);
};
const follower = await DurableLedger.open(store, { clock: () => 0n, executor, follower: true });
follower.setFollowerBudget?.({ digest_share: 1000, snapshot_share: 1000 });
const first = entries.length - Number(nArg);
// The setup entries (and a warm-up's) unmeasured, their journal appends and index rows written before the
// window: else the window's commit thread also indexes a warm-up's backlog (~40,000 payments after 4,000 batches).
// Three entries a call, as in the window: one call of thousands ran them in its loop's on-stack-replaced code,
// and the window's calls then had V8 compile them again (81 TurboFan compiles in the window after 4,000 batches).
for (let i = 0; i < first; i += 3) {
  await follower.applyFollowed(entries.slice(i, Math.min(i + 3, first)).map((entry) => ({ entry, state_digest: null })));
}
await follower.flushFollowed();
await follower.catchUpIndex();
const profiler = process.env.CPU_PROF ? new (await import('node:inspector/promises')).Session() : null;
if (profiler !== null) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
// Each thread's CPU ticks (Linux /proc; unnamed: node's main thread is the first, the store's commit thread the last).
const threadTicks = () => {
  const out = new Map();
  try {
    for (const t of readdirSync('/proc/self/task')) {
      const st = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      out.set(t, Number(f[11]) + Number(f[12]));
    }
  } catch {
    // Not Linux.
  }
  return out;
};
indexWrites = 0;
const ticks0 = threadTicks();
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = first; i < entries.length; i += 3) {
  await follower.applyFollowed(entries.slice(i, i + 3).map((entry) => ({ entry, state_digest: null })));
  await new Promise((r) => setTimeout(r, PAUSE_MS));
}
// WINDOW_INDEX=1: the window's entries reach the store and its index inside the window, so the window holds
// all their commit-thread work; without it the last second or two of them (the follower's index lag, more
// when the host is loaded) are indexed at close, outside it, and the share the window holds varies by run.
if (process.env.WINDOW_INDEX === '1') {
  await follower.flushFollowed();
  await follower.catchUpIndex();
}
const c = process.cpuUsage(c0);
const ticks1 = threadTicks();
const windowIndexWrites = indexWrites;
const wall = performance.now() - t0;
if (profiler !== null) {
  const { profile } = await profiler.post('Profiler.stop');
  (await import('node:fs')).writeFileSync(process.env.CPU_PROF, JSON.stringify(profile));
  profiler.disconnect();
}
// Outside the timed window: what the entries did, and the state digest.
const states = Object.fromEntries([...executor.payments.countsByState()].sort());
const digest = follower.stateDigest().toString('hex').slice(0, 16);
await follower.close();
const payments = Number(nArg) * PER;
console.log(
  `${dist}: ${(((c.user + c.system) / 1000 / payments) * 1000).toFixed(1)} CPU ms per 1,000 payments (user ${((c.user / 1000 / payments) * 1000).toFixed(1)}), ${Math.round(wall)} ms wall, ${entries.length} entries, payments ${JSON.stringify(states)}, state digest ${digest}`,
);
const perThread = [...ticks1].map(([t, v]) => v - (ticks0.get(t) ?? 0)).filter((v) => v > 0);
console.log(`index writes in the window ${windowIndexWrites}; CPU ticks (1/100 s) per thread with any: ${perThread.join(' ')}`);
rmSync(dir, { recursive: true, force: true });
// A journal whose payments do not settle measures the rejection path, not a follower's work. Every
// submission of SRC_DB counts (the warm-up's too: the executor's counts cover the whole journal).
const submitted = entries.reduce((n, e) => n + (e.body.toString('latin1', 0, 32).startsWith('{"type":"submit_payments"') ? PER : 0), 0);
if (states.settled !== submitted) {
  console.error(`only ${states.settled ?? 0} of ${submitted} payments settled: not the follower's settlement work`);
  process.exitCode = 1;
}
