// Side-by-side throughput of two builds' ledger state machines in one process,
// alternating, on bench ledger's workload (10,000 accounts, 1,000,000 transfers in
// batches of 8,189, seed 42) after a 100,000-transfer warm-up of each.
// Usage: node --expose-gc scripts/ab_ledger.mjs OLD_DIST NEW_DIST [PAIRS]   (e.g. ../main/dist dist 5)
// Prints the rate of each pass by wall time and by the process's CPU time, and the ratio.
// Pairs alternate which build goes first (old-new, new-old, ...) and, under
// node --expose-gc, each pass starts after a full GC: otherwise the second pass of
// a pair pays for collecting the first one's million transfers, which made an
// old-vs-identical-copy run read 0.88.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [oldDist, newDist] = process.argv.slice(2, 4).map((d) => pathToFileURL(resolve(d)).href);
const pairs = Number(process.argv[4] ?? 3);
const { makeWorkload } = await import(`${newDist}/src/bench/ledger_bench.js`);
const Old = (await import(`${oldDist}/src/ledger/state_machine.js`)).LedgerStateMachine;
const New = (await import(`${newDist}/src/ledger/state_machine.js`)).LedgerStateMachine;
const work = makeWorkload({ accounts: 10000, transfers: 1000000, batch: 8189, seed: 42 });
const warm = makeWorkload({ accounts: 10000, transfers: 100000, batch: 8189, seed: 43 });

function run(SM, w, total) {
  globalThis.gc?.();
  const sm = new SM({ accounts_max: 1e6, transfers_max: total + 1 });
  let now = 1_700_000_000_000_000_000n;
  for (const b of w.accounts) sm.execute('create_accounts', b, (now += 1000000n));
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (const b of w.transfers) {
    const r = sm.execute('create_transfers', b, (now += 1000000n)).results;
    for (let i = 0; i < r.length; i++) if (r[i] !== 0) throw new Error(`transfer failed with ${r[i]}`);
  }
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return [Math.round(total / wall), Math.round(total / ((c.user + c.system) / 1e6))];
}

run(Old, warm, 100000);
run(New, warm, 100000);
const o = [];
const n = [];
for (let p = 0; p < pairs; p++) {
  if (p % 2 === 0) {
    o.push(run(Old, work, 1e6));
    n.push(run(New, work, 1e6));
  } else {
    n.push(run(New, work, 1e6));
    o.push(run(Old, work, 1e6));
  }
}
const med = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) =>
  `wall ${xs.map((x) => x[0]).join('/')} med ${med(xs.map((x) => x[0]))}; cpu ${xs.map((x) => x[1]).join('/')} med ${med(xs.map((x) => x[1]))}`;
console.log('old', fmt(o));
console.log('new', fmt(n));
console.log(
  'ratio wall',
  (med(n.map((x) => x[0])) / med(o.map((x) => x[0]))).toFixed(2),
  'pairwise',
  n.map((x, i) => (x[0] / o[i][0]).toFixed(2)).join(' '),
  'ratio cpu',
  (med(n.map((x) => x[1])) / med(o.map((x) => x[1]))).toFixed(2),
);
