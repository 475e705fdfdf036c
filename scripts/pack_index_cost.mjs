// CPU of packing one query index batch (src/store/sqlite_worker.ts packIndex) as
// the API's 1,000-payment batches give it: 21 accounts, 1,000 transfers, 2,000
// balance-history rows. Prints the median and range of 5 rounds of 200 packs, in
// ms per batch. Run old and new builds alternately.
//   node scripts/pack_index_cost.mjs DIST
//   e.g. node scripts/pack_index_cost.mjs ../old/dist; node scripts/pack_index_cost.mjs dist
import { pathToFileURL } from 'node:url';
import { join, resolve } from 'node:path';
const [dist] = process.argv.slice(2);
const m = await import(pathToFileURL(join(resolve(dist), 'src/store/sqlite_worker.js')).href);
const fn = m.packIndex;
const rnd = () => (BigInt(Math.floor(Math.random() * 2 ** 52)) << 60n) ^ BigInt(Math.floor(Math.random() * 2 ** 52));
const acct = (id) => ({
  id,
  debits_pending: 0n,
  debits_posted: 123456789n,
  credits_pending: 0n,
  credits_posted: 987654321n,
  user_data_128: 0n,
  user_data_64: 0n,
  user_data_32: 0,
  ledger: 156,
  code: 1,
  flags: 8,
  timestamp: 1764900000000000000n,
});
const accounts = Array.from({ length: 21 }, () => acct(rnd()));
const transfers = Array.from({ length: 1000 }, (_, i) => ({
  id: rnd(),
  debit_account_id: accounts[i % 20].id,
  credit_account_id: accounts[(i + 1) % 20].id,
  amount: 1n,
  pending_id: 0n,
  user_data_128: rnd(),
  user_data_64: 0n,
  user_data_32: 0,
  timeout: 0,
  ledger: 156,
  code: 1,
  flags: 0,
  timestamp: 1764900000000000000n + BigInt(i),
}));
const balances = Array.from({ length: 2000 }, (_, i) => ({
  account_id: accounts[i % 20].id,
  balance: {
    debits_pending: 0n,
    debits_posted: 1000n + BigInt(i),
    credits_pending: 0n,
    credits_posted: 2000n + BigInt(i),
    timestamp: 1764900000000000000n + BigInt(i),
  },
}));
const batch = { through_seq: 1000, accounts, transfers, balances };
for (let i = 0; i < 200; i++) fn(batch);
const times = [];
for (let r = 0; r < 5; r++) {
  const t0 = process.cpuUsage();
  for (let i = 0; i < 200; i++) fn(batch);
  const c = process.cpuUsage(t0);
  times.push((c.user + c.system) / 1000 / 200);
}
times.sort((a, b) => a - b);
console.log(
  dist,
  'ms per 1,000-transfer batch (21 accounts, 2,000 balance rows): median',
  times[2].toFixed(3),
  'range',
  times[0].toFixed(3),
  times[4].toFixed(3),
);
