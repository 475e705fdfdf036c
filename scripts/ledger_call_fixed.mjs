// What a ledger batch costs per call and per transfer: N single-phase transfers
// between 40 accounts of one ledger (history kept, debits_must_not_exceed_credits
// on the payers, as the platform's settlement accounts), run through
// RecordingLedger.createTransfers (the platform's path) as N one-transfer batches,
// then as N/B batches of B; prints CPU ns a transfer for each, medians of R rounds
// (the two alternate), and the fixed part a call (one-transfer minus batched).
//   node scripts/ledger_call_fixed.mjs DIST [N=20000] [B=1000] [R=7]
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
const [dist, nArg, bArg, rArg] = process.argv.slice(2);
const N = Number(nArg ?? 20000);
const B = Number(bArg ?? 1000);
const R = Number(rArg ?? 7);
const imp = (p) => import(pathToFileURL(join(resolve(dist), p)).href);
const { LedgerStateMachine } = await imp('src/ledger/state_machine.js');
const { RecordingLedger } = await imp('src/journal/command.js');
const { emptyAccount, transferBetween, AccountFlags } = await imp('src/ledger/types.js');
const ACCOUNTS = 40;
function fresh() {
  const m = new LedgerStateMachine();
  const accts = [];
  for (let i = 1; i <= ACCOUNTS; i++)
    accts.push(emptyAccount(BigInt(i), 156, 1, AccountFlags.history | (i > 1 ? AccountFlags.debits_must_not_exceed_credits : 0)));
  m.execute('create_accounts', accts, 1n);
  const fund = [];
  for (let i = 2; i <= ACCOUNTS; i++) fund.push(transferBetween(BigInt(1e6 + i), 1n, BigInt(i), 10n ** 15n, 156, 1, 0));
  m.execute('create_transfers', fund, 2n);
  return m;
}
let nextId = 10n ** 9n;
function transfers(n) {
  const out = [];
  for (let k = 0; k < n; k++) {
    const dr = 2 + (k % (ACCOUNTS - 1));
    const cr = 2 + ((k * 7 + 3) % (ACCOUNTS - 1));
    const t = transferBetween(nextId++, BigInt(dr), BigInt(cr === dr ? (cr % (ACCOUNTS - 1)) + 2 : cr), 1000n, 156, 1, 0);
    t.user_data_128 = nextId * 7919n;
    out.push(t);
  }
  return out;
}
const cpu = () => process.cpuUsage();
const ns = (a) => {
  const d = process.cpuUsage(a);
  return (d.user + d.system) * 1000;
};
function run(batch) {
  const m = fresh();
  const ts = transfers(N);
  const rec = new RecordingLedger(m, 10n ** 12n);
  const t0 = cpu();
  if (batch === 1) for (let k = 0; k < N; k++) rec.createTransfers([ts[k]]);
  else for (let k = 0; k < N; k += batch) rec.createTransfers(ts.slice(k, k + batch));
  const d = ns(t0);
  if (rec.effects.transfer_count !== N) throw new Error(`expected ${N} created, got ${rec.effects.transfer_count}`);
  return d / N;
}
for (let w = 0; w < 3; w++) {
  run(1);
  run(B);
}
const one = [];
const many = [];
for (let r = 0; r < R; r++) {
  if (r % 2 === 0) {
    one.push(run(1));
    many.push(run(B));
  } else {
    many.push(run(B));
    one.push(run(1));
  }
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(
  JSON.stringify({
    N,
    B,
    R,
    ns_per_transfer_one: Math.round(med(one)),
    ns_per_transfer_batched: Math.round(med(many)),
    ns_fixed_per_call: Math.round(med(one) - med(many)),
  }),
);
