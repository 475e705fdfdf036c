// The run's item weights in micro-USD (issue #18, a speed-up that must change no
// run): buildRunProblem multiplies usdMicro's factors once per currency, 10^6 *
// den and 10^minor_units * num, and divides each item's amount by them. Every
// weight must be usdMicro's, on random rates (large numerators and denominators),
// amounts and PvP payments (weighted by their first leg), single-currency runs
// keeping the amount itself.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Payment } from '../src/clearing/types.js';
import { buildRunProblem, type LsmLiquidity, usdMicro } from '../src/clearing/lsm_release.js';
import { rational, type Rational } from '../src/fx/rational.js';

/** Member currencies (all with 2 minor units today; usdMicro reads them from iso4217 as the run does). */
const CURRENCIES = ['CNY', 'RUB', 'INR', 'KZT', 'UZS', 'IRR'] as const;

const PARTICIPANTS = ['BANKA', 'BANKB', 'BANKC', 'LP1'];

const payArb = fc.record({
  payer: fc.nat(2),
  payee: fc.nat(2),
  currency: fc.nat(CURRENCIES.length - 1),
  other: fc.nat(CURRENCIES.length - 1),
  amount: fc.bigInt({ min: 1n, max: 10n ** 15n }),
  pvp: fc.boolean(),
});

type PayDraw = { payer: number; payee: number; currency: number; other: number; amount: bigint; pvp: boolean };

const rateArb = fc.record({ num: fc.bigInt({ min: 1n, max: 10n ** 12n }), den: fc.bigInt({ min: 1n, max: 10n ** 9n }) });

function paymentOf(p: PayDraw, i: number): Payment {
  const payer = PARTICIPANTS[p.payer]!;
  const payee = PARTICIPANTS[p.payer === p.payee ? (p.payee + 1) % 3 : p.payee]!;
  const currency = CURRENCIES[p.currency]!;
  const other = CURRENCIES[p.other === p.currency ? (p.other + 1) % CURRENCIES.length : p.other]!;
  const pvp = p.pvp;
  return {
    instruction: {
      uetr: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      payer,
      payee,
      currency,
      payee_currency: pvp ? other : currency,
      amount_minor: p.amount,
      priority: 'normal',
    },
    fx: pvp ? { provider: 'LP1', payee_amount_minor: p.amount / 3n + 1n } : null,
  } as unknown as Payment;
}

test("each item's micro-USD weight is usdMicro of its first leg, rates multiplied once per currency", () => {
  let usdRuns = 0;
  let pvpItems = 0;
  fc.assert(
    fc.property(
      fc.array(payArb, { minLength: 1, maxLength: 40 }),
      fc.array(rateArb, { minLength: CURRENCIES.length, maxLength: CURRENCIES.length }),
      (pays, rs) => {
        const queued = pays.map(paymentOf);
        const rates = new Map<string, Rational>(CURRENCIES.map((c, i) => [c, rational(rs[i]!.num, rs[i]!.den)]));
        const liquidity: LsmLiquidity = { available: () => 1_000n, headroom: () => 0n, unitsPerUsd: (c) => rates.get(c) ?? null };
        const currencies = [...new Set(queued.flatMap((p) => [p.instruction.currency, p.instruction.payee_currency]))].sort();
        const problem = buildRunProblem(currencies, queued, liquidity, true, { payments_max: 1_000, work_budget: 1 });
        assert.equal(problem.items.length, queued.length);
        if (problem.weight_unit === 'usd_micro') usdRuns++;
        problem.items.forEach((it, k) => {
          const ins = problem.payments[k]!.instruction;
          if (problem.payments[k]!.fx !== null) pvpItems++;
          const want = problem.weight_unit === 'usd_micro' ? usdMicro(ins.amount_minor, ins.currency, rates.get(ins.currency)!) : ins.amount_minor;
          assert.equal(it.weight, want, `item ${k} ${ins.currency}`);
        });
      },
    ),
    { numRuns: 300, seed: 0x1a2 },
  );
  // Most runs span several currencies (weights in micro-USD), with PvP items among them.
  assert.ok(usdRuns > 200, `runs weighted in micro-USD: ${usdRuns}`);
  assert.ok(pvpItems > 500, `PvP items: ${pvpItems}`);
});
