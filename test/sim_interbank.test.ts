// The simulator's interbank business (src/sim/money_market.ts, fx_squaring.ts):
// loan interest is ACT/360 pro rata by minute, rounded down, and exact; a loan
// is repaid only after its term, from a borrower with no queue that holds the
// principal and interest beyond its working balance, oldest first; a squaring
// trade never makes anyone pay more than its position, its two legs are worth
// the same at the rate (rounded down), and each position trades at most what it has.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { planSquaring, squarable, DEFAULT_SQUARING_POLICY, type FxPosition } from '../src/sim/fx_squaring.js';
import { DEFAULT_MONEY_MARKET_POLICY, dueRepayments, loanInterest, moneyMarketRateBp, type Loan } from '../src/sim/money_market.js';

const MIN = 60_000_000_000n;

test('loan interest: ACT/360 by minute, rounded down, exact', () => {
  // 1,000,000.00 RUB at 18% for 6 hours: 100,000,000 × 1800 × 360 / (10,000 × 360 × 1,440) = 12,500 minor units (125.00 RUB).
  assert.equal(moneyMarketRateBp('RUB'), 1800);
  assert.equal(loanInterest(100_000_000n, 1800, 360n), 12_500n);
  // 1.00 CNY at 1.40% for a minute: 100 × 140 / 5,184,000,000 rounds down to 0.
  assert.equal(loanInterest(100n, 140, 1n), 0n);
  assert.equal(loanInterest(0n, 1800, 60n), 0n);
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: 10n ** 20n }), fc.integer({ min: 1, max: 5000 }), fc.bigInt({ min: 1n, max: 1440n }), (p, bp, m) => {
      const i = loanInterest(p, bp, m);
      const exact = p * BigInt(bp) * m;
      const den = 10_000n * 360n * 1_440n;
      assert.ok(i * den <= exact && exact < (i + 1n) * den, 'floor of the exact interest');
    }),
    { numRuns: 300, seed: 16 },
  );
});

function loan(id: string, borrower: string, principal: bigint, minutes: number): Loan {
  return { id, lender: 'L', borrower, currency: 'RUB', principal_minor: principal, placed_ns: BigInt(minutes) * MIN };
}

test('repayments: after the minimum term, from what the borrower holds beyond its working balance, oldest first', () => {
  const loans = [loan('b', 'X', 1_000_000n, 60), loan('a', 'X', 1_000_000n, 0), loan('c', 'Y', 500_000n, 0), loan('d', 'Z', 100n, 300)];
  const now = 240n * MIN;
  const due = dueRepayments(
    loans,
    now,
    () => true,
    (bic) => (bic === 'X' ? { available_minor: 2_200_000n, queue_empty: true } : { available_minor: 10_000_000n, queue_empty: bic !== 'Y' }),
    DEFAULT_MONEY_MARKET_POLICY,
  );
  // X keeps 5% of 2,200,000 (110,000): the 2,090,000 it may spend repays 'a' (placed first) and then 'b', each with its interest.
  assert.deepEqual(
    due.map((r) => r.loan.id),
    ['a', 'b'],
  );
  assert.equal(due[0]!.interest_minor, loanInterest(1_000_000n, 1800, 240n));
  assert.equal(due[0]!.amount_minor, 1_000_000n + due[0]!.interest_minor);
  // Y has a queue; Z's loan is younger than the minimum term.
  const poorer = dueRepayments(
    loans,
    now,
    () => true,
    () => ({ available_minor: 1_500_000n, queue_empty: true }),
    DEFAULT_MONEY_MARKET_POLICY,
  );
  assert.deepEqual(
    poorer.map((r) => r.loan.id),
    ['a', 'c'],
    'X can repay one loan only; the oldest goes first',
  );
  assert.deepEqual(
    dueRepayments(
      loans,
      now,
      () => false,
      () => ({ available_minor: 10n ** 12n, queue_empty: true }),
      DEFAULT_MONEY_MARKET_POLICY,
    ),
    [],
    'an unsettled placement is not repaid',
  );
});

// RUB 80/USD and CNY 7.1/USD, both 2 minor units: RUB→CNY ×71/800, CNY→RUB ×800/71, rounded down.
const convert = (from: string, to: string, m: bigint): bigint | null =>
  from === to ? m : from === 'RUB' && to === 'CNY' ? (m * 71n) / 800n : from === 'CNY' && to === 'RUB' ? (m * 800n) / 71n : null;

const arbPositions = fc.array(fc.record({ bank: fc.integer({ min: 0, max: 5 }), ru: fc.boolean(), surplus: fc.bigInt({ min: 0n, max: 10n ** 12n }) }), {
  maxLength: 12,
});

test('property: squaring never makes anyone pay more than its position, and the two legs are worth the same', () => {
  let traded = 0;
  fc.assert(
    fc.property(
      arbPositions,
      fc.array(fc.record({ ccy: fc.constantFrom('RUB', 'CNY'), surplus: fc.bigInt({ min: 0n, max: 10n ** 12n }) }), { maxLength: 3 }),
      (ps, ds) => {
        const seen = new Set<string>();
        const banks: FxPosition[] = [];
        for (const p of ps) {
          const bic = `${p.ru ? 'RU' : 'CN'}${p.bank}`;
          if (seen.has(bic)) continue;
          seen.add(bic);
          banks.push({ bic, home: p.ru ? 'RUB' : 'CNY', currency: p.ru ? 'CNY' : 'RUB', surplus_minor: p.surplus });
        }
        const dealers: FxPosition[] = ds.map((d, i) => ({ bic: `LP${i}`, home: null, currency: d.ccy, surplus_minor: d.surplus }));
        const trades = planSquaring(banks, dealers, convert, () => 100n);
        const paid = new Map<string, bigint>();
        for (const t of trades) {
          traded++;
          assert.ok(t.sell_minor >= 100n && t.buy_minor > 0n);
          assert.equal(t.buy_minor, convert(t.sell_ccy, t.buy_ccy, t.sell_minor), 'countervalue at the rate, rounded down');
          assert.notEqual(t.sell_ccy, t.buy_ccy);
          paid.set(`${t.seller}:${t.sell_ccy}`, (paid.get(`${t.seller}:${t.sell_ccy}`) ?? 0n) + t.sell_minor);
          paid.set(`${t.buyer}:${t.buy_ccy}`, (paid.get(`${t.buyer}:${t.buy_ccy}`) ?? 0n) + t.buy_minor);
          if (!t.with_dealer) assert.notEqual(t.seller.slice(0, 2), t.buyer.slice(0, 2), 'bank against a bank of the other country');
        }
        for (const p of [...banks, ...dealers]) assert.ok((paid.get(`${p.bic}:${p.currency}`) ?? 0n) <= p.surplus_minor, `${p.bic} pays within its position`);
      },
    ),
    { numRuns: 300, seed: 16 },
  );
  assert.ok(traded > 50, `the cases trade (${traded})`);
});

test('squarable keeps the working balance, rounded up', () => {
  assert.equal(squarable(1_000n, DEFAULT_SQUARING_POLICY), 950n);
  assert.equal(squarable(1n, DEFAULT_SQUARING_POLICY), 0n);
  assert.equal(squarable(-5n, DEFAULT_SQUARING_POLICY), 0n);
});
