// Old and new builds of the demo's prepare worker side by side in one process
// (issue #18): the worker's whole job for each payment (src/demo/prepare_worker.ts
// `preparer` with the demo's screener: message path and screening) and the
// reply's copy as postMessage makes it (v8.serialize of each 250-payment reply),
// over the day's generated payments, every 400th debtor a watch-list variant as
// `demo` does. Alternating in chunks, the order swapped each chunk and each round,
// so the machine's noise falls on both alike; checks that both give the same
// replies (as values: the serialized bytes differ between two copies of one build,
// by how V8 happens to hold a string). A figure, not a test.
//
//   node --max-semi-space-size=64 scripts/prepare_worker_ab.mjs OLD_ROOT NEW_ROOT [PAYMENTS=30000] [ROUNDS=2]
//
// A root is a checkout with dist/ built. Prints CPU µs (user + sys) per payment.

import { deserialize, serialize } from 'node:v8';

const [oldRoot, newRoot, nArg, roundsArg] = process.argv.slice(2);
if (oldRoot === undefined || newRoot === undefined) {
  process.stderr.write('usage: node scripts/prepare_worker_ab.mjs OLD_ROOT NEW_ROOT [PAYMENTS] [ROUNDS]\n');
  process.exit(2);
}
const n = Number(nArg ?? 30000);
const rounds = Number(roundsArg ?? 2);

const { defaultProfile, generatePayments, withWatchlistName } = await import(`${newRoot}/dist/src/sim/index.js`);
const { WATCHLIST_VARIANTS } = await import(`${newRoot}/dist/src/demo/watchlist.js`);
const profile = defaultProfile({ banks: 60, liquidity_ratio: 1, traffic: { payments: n } });
const date = profile.traffic.business_date;
const participants = profile.banks.map((b) => [b.bic, Object.keys(b.liquidity)]);
const payments = [...generatePayments(profile, { seed: 3, payments: n })].map((p) => withWatchlistName(p, 400, WATCHLIST_VARIANTS));

async function side(root) {
  const w = await import(`${root}/dist/src/demo/prepare_worker.js`);
  return w.preparer({ role: w.PREPARE_WORKER_ROLE, date, participants, screen: 'demo_watchlist' });
}
const sides = { old: await side(oldRoot), new: await side(newRoot) };
const cpu = { old: 0, new: 0 };
let same = true;
const CHUNK = 250;
const json = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < n; i += CHUNK) {
    const chunk = payments.slice(i, i + CHUNK);
    const out = {};
    for (const s of (i / CHUNK + r) % 2 === 0 ? ['old', 'new'] : ['new', 'old']) {
      const c0 = process.cpuUsage();
      const bytes = serialize({ n: i, prepared: chunk.map((p) => sides[s](p)) });
      const c = process.cpuUsage(c0);
      cpu[s] += c.user + c.system;
      out[s] = r === 0 ? json(deserialize(bytes)) : '';
    }
    if (out.old !== out.new) same = false;
  }
}
const us = (s) => +(cpu[s] / (rounds * n)).toFixed(1);
process.stdout.write(
  `${JSON.stringify({ payments: n, rounds, cpu_us_per_payment: { old: us('old'), new: us('new') }, ratio: +(cpu.old / cpu.new).toFixed(3), identical: same })}\n`,
);
process.exit(same ? 0 : 1);
