// Component benchmarks of two per-payment costs of rules 3 pricing on the demo
// day's main thread (issue #18), for one build at a time (run two builds
// alternating, each in its own process):
//
//   node scripts/pricing18_bench.mjs ROOT price N     pricePaymentV3 of N PvP instructions between the ten
//                                                     member currencies at the embedded reference rates
//   node scripts/pricing18_bench.mjs ROOT residue N   withResidue: the running residue sums of N priced
//                                                     payments, per provider and payee currency (as settled)
//
// ROOT is a built worktree (its dist/ is imported). Prints CPU time (user + sys) of
// the measured loop and a checksum that must agree between builds.

import { createHash } from 'node:crypto';

const [root, mode, nArg] = process.argv.slice(2);
if (root === undefined || !['price', 'residue'].includes(mode ?? '') || nArg === undefined) {
  process.stderr.write('usage: node scripts/pricing18_bench.mjs ROOT price|residue N\n');
  process.exit(2);
}
const N = Number(nArg);
const { pricePaymentV3, withResidue } = await import(`${root}/dist/src/clearing/pvp.js`);
const { RateBook } = await import(`${root}/dist/src/fx/rates.js`);
const { REFERENCE_RATES } = await import(`${root}/dist/src/fx/reference_data.js`);
const { DEFAULT_RATE_POLICY } = await import(`${root}/dist/src/fx/rate_policy.js`);

const book = RateBook.fromRows(
  REFERENCE_RATES.map((r, i) => ({ line: i + 1, row: { currency: r.currency, units_per_usd: r.units_per_usd, date: r.date, source: r.source } })),
  {},
  'reference',
);
const C = ['CNY', 'RUB', 'INR', 'PKR', 'IRR', 'KZT', 'KGS', 'TJS', 'UZS', 'BYN'];
const LPS = [0, 1, 2].map((i) => ({
  id: `LPROVID${i}`,
  no: i + 1,
  kind: 'liquidity_provider',
  name: `LP ${i}`,
  country: 'CN',
  currencies: C,
  issues: null,
  suspended: false,
}));
const view = {
  participants: LPS,
  participant: (id) => LPS.find((p) => p.id === id),
  available: (p, c) => BigInt(p.no * 1000 + c.charCodeAt(0)),
  crossRate: () => {
    throw new Error('not used by rules 3');
  },
  quoteLock: () => undefined,
  policy: DEFAULT_RATE_POLICY,
  rateAsOf: (c, d) => book.rateAsOf(c, d),
  providerQuote: () => null,
};
let seed = 18;
const rand = (k) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % k;
};
const instructions = [];
for (let i = 0; i < N; i++) {
  const a = C[rand(10)];
  let b = C[rand(10)];
  if (b === a) b = C[(C.indexOf(a) + 1) % 10];
  instructions.push({
    uetr: '00000000-0000-4000-8000-000000000000',
    end_to_end_id: `E2E${i}`,
    payer: 'PAYERXXX',
    payee: 'PAYEEXXX',
    currency: a,
    payee_currency: b,
    amount_minor: BigInt(1 + rand(1_000_000)) * BigInt(1 + rand(10_000)),
    value_date: '2025-09-01',
    priority: 'normal',
    settlement: 'rtgs',
  });
}
const cpuMs = (f) => {
  const t0 = process.cpuUsage();
  const out = f();
  const c = process.cpuUsage(t0);
  return { ms: (c.user + c.system) / 1e3, out };
};
const price = () => instructions.map((ins) => pricePaymentV3(ins, 'u', view, 0n));
const h = createHash('sha256');
let r;
if (mode === 'price') {
  r = cpuMs(price);
  for (const p of r.out)
    h.update(
      p.outcome.ok
        ? `${p.outcome.fx.payee_amount_minor}/${p.outcome.fx.residue_num}/${p.outcome.fx.residue_den}/${p.outcome.fx.rate_source}`
        : p.outcome.reason,
    );
} else {
  const priced = price();
  const legs = [];
  for (let i = 0; i < N; i++) if (priced[i].outcome.ok) legs.push([`${priced[i].outcome.fx.provider}:${instructions[i].payee_currency}`, priced[i].outcome.fx]);
  r = cpuMs(() => {
    const sums = new Map();
    for (const [key, fx] of legs) {
      const sum = withResidue(sums.get(key), fx);
      // As a settlement books the whole units away (residueBooking): the fraction waits, still in lowest terms.
      const whole = sum.num / sum.den;
      sums.set(key, whole === 0n ? sum : { num: sum.num - whole * sum.den, den: sum.den });
    }
    return sums;
  });
  for (const [k, v] of r.out) h.update(`${k}=${v.num}/${v.den};`);
}
process.stdout.write(`${mode} N ${N} cpu_ms ${r.ms.toFixed(0)} checksum ${h.digest('hex').slice(0, 16)}\n`);
