// Tests of src/sim/liquidity_policy.ts: each behaviour of the banks' liquidity
// policy in a small scenario (who waits, what is due, who lends and how much, what
// is funded from home, when a payment is recycled), the ceiling of a day's
// traffic, the policy's validation, and the opening funding sized to the day.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_LIQUIDITY_POLICY,
  defaultProfile,
  dueShortfalls,
  lendable,
  liquidityPolicy,
  planCover,
  recycles,
  trafficCeiling,
  type Leg,
  type QueuedNeed,
} from '../src/sim/index.js';
import { expectedOutflows } from '../src/demo/treasury.js';

const MIN = 60_000_000_000n;
const P = liquidityPolicy({ wait_min: 10, urgent_wait_min: 0, lend_keep_share: 0.1, max_lenders: 2, borrow_first: true });

describe('dueShortfalls: paying when it receives, urgent first', () => {
  const needs: QueuedNeed[] = [
    { account: 'AAAACNB0:CNY', amount_minor: 500n, waited_ns: 5n * MIN, urgent: false },
    { account: 'AAAACNB0:CNY', amount_minor: 300n, waited_ns: 12n * MIN, urgent: false },
    { account: 'BBBBRUM0:RUB', amount_minor: 200n, waited_ns: 0n, urgent: true },
    { account: 'CCCCINB0:INR', amount_minor: 100n, waited_ns: 30n * MIN, urgent: false },
  ];
  const avail = (a: string): bigint => (a === 'CCCCINB0:INR' ? 150n : a === 'AAAACNB0:CNY' ? 100n : 0n);

  test('a normal payment waits wait_min for incoming liquidity; an urgent one is covered at once', () => {
    const due = dueShortfalls(needs, avail, P);
    assert.deepEqual(due, [
      { account: 'AAAACNB0:CNY', shortfall_minor: 200n, urgent: false }, // only the 300 that waited 12 min, less 100 held
      { account: 'BBBBRUM0:RUB', shortfall_minor: 200n, urgent: true },
    ]);
  });

  test('an account that holds enough is not topped up', () => {
    assert.equal(
      dueShortfalls(needs, avail, P).find((d) => d.account === 'CCCCINB0:INR'),
      undefined,
    );
  });

  test('at the day end nothing waits: every queued need counts', () => {
    const due = dueShortfalls(needs, avail, P, true);
    assert.equal(due.find((d) => d.account === 'AAAACNB0:CNY')?.shortfall_minor, 700n);
  });
});

describe('planCover: the market before home', () => {
  const lenders = [
    { bic: 'L1', available_minor: 1_000n, queue_empty: true },
    { bic: 'L2', available_minor: 5_000n, queue_empty: true },
    { bic: 'L3', available_minor: 9_000n, queue_empty: false }, // its own queue waits: lends nothing
    { bic: 'ME', available_minor: 50_000n, queue_empty: true }, // never borrows from itself
    { bic: 'L4', available_minor: 2_000n, queue_empty: true },
  ];

  test('borrows from the largest lendable surplus first, at most max_lenders, each keeping its share', () => {
    const plan = planCover('ME', 7_000n, lenders, 1_000_000n, P);
    // L2 lends 5000 - 500 kept = 4500; L4 2000 - 200 = 1800; max_lenders 2, so the rest (700) is funded.
    assert.deepEqual(plan.loans, [
      { lender: 'L2', amount_minor: 4_500n },
      { lender: 'L4', amount_minor: 1_800n },
    ]);
    assert.equal(plan.fund_minor, 700n);
    assert.equal(plan.uncovered_minor, 0n);
  });

  test('funds from home only within the cap and reports what stays uncovered', () => {
    const plan = planCover('ME', 7_000n, lenders, 300n, P);
    assert.equal(plan.fund_minor, 300n);
    assert.equal(plan.uncovered_minor, 400n);
  });

  test('without borrow_first the whole shortfall is funded from home', () => {
    const plan = planCover('ME', 7_000n, lenders, 1_000_000n, { ...P, borrow_first: false });
    assert.deepEqual(plan.loans, []);
    assert.equal(plan.fund_minor, 7_000n);
  });

  test('a lender keeps its share (in ppm, rounded up), so it never places more than (1 - keep) of its balance', () => {
    assert.equal(lendable({ bic: 'X', available_minor: 11n, queue_empty: true }, P), 9n);
    assert.equal(lendable({ bic: 'X', available_minor: -5n, queue_empty: true }, P), 0n);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.double({ min: 0, max: 1, noNaN: true }), (a, keep) => {
        const l = lendable({ bic: 'X', available_minor: a, queue_empty: true }, { ...P, lend_keep_share: keep });
        // The share is applied in parts per million, the kept amount rounded up.
        const keepPpm = BigInt(Math.round(keep * 1e6));
        return l >= 0n && l === a - (a * keepPpm + 999_999n) / 1_000_000n;
      }),
    );
  });

  test('loans plus funding plus uncovered always equal the shortfall', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 15n }),
        fc.array(fc.bigInt({ min: -1_000_000n, max: 10n ** 15n }), { maxLength: 6 }),
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        (short, avails, cap) => {
          const ls = avails.map((a, i) => ({ bic: `L${i}`, available_minor: a, queue_empty: i % 3 !== 2 }));
          const plan = planCover('B', short, ls, cap, DEFAULT_LIQUIDITY_POLICY);
          const lent = plan.loans.reduce((s, l) => s + l.amount_minor, 0n);
          return lent + plan.fund_minor + plan.uncovered_minor === short && plan.fund_minor <= cap && plan.loans.every((l) => l.amount_minor > 0n);
        },
      ),
    );
  });
});

test('recycles: only from balances held, when both hold the currency, for the policy share of draws', () => {
  const p = liquidityPolicy({ recycle_share: 0.5 });
  assert.equal(recycles(0.1, 1_000n, 900n, true, p), true);
  assert.equal(recycles(0.6, 1_000n, 900n, true, p), false, 'the draw is above the share');
  assert.equal(recycles(0.1, 800n, 900n, true, p), false, 'not enough received to pay from');
  assert.equal(recycles(0.1, 1_000n, 900n, false, p), false, 'the payee holds no account in it');
  assert.equal(recycles(0.1, 1_000n, 0n, true, p), false, 'nothing to pay');
});

describe('trafficCeiling', () => {
  test('two-way flows need only their difference; a PvP leg pair counts in both currencies', () => {
    const legs: Leg[] = [
      { from: 'A', to: 'B', currency: 'CNY', amount_minor: 100n },
      { from: 'B', to: 'A', currency: 'CNY', amount_minor: 60n },
      { from: 'C', to: 'LP', currency: 'RUB', amount_minor: 50n },
      { from: 'LP', to: 'A', currency: 'CNY', amount_minor: 7n },
    ];
    assert.deepEqual(trafficCeiling(legs), [
      { currency: 'CNY', gross_minor: 167n, net_debit_minor: 40n }, // A: -100+60+7 = -33; LP: -7; B: +40
      { currency: 'RUB', gross_minor: 50n, net_debit_minor: 50n },
    ]);
  });

  test('net debits equal net credits and never exceed the gross', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            from: fc.constantFrom('A', 'B', 'C', 'D'),
            to: fc.constantFrom('A', 'B', 'C', 'D'),
            amount_minor: fc.bigInt({ min: 1n, max: 10n ** 12n }),
          }),
          {
            maxLength: 40,
          },
        ),
        (raw) => {
          const legs = raw.map((l) => ({ ...l, currency: 'INR' }));
          const net = new Map<string, bigint>();
          for (const l of legs) {
            net.set(l.from, (net.get(l.from) ?? 0n) - l.amount_minor);
            net.set(l.to, (net.get(l.to) ?? 0n) + l.amount_minor);
          }
          const credits = [...net.values()].filter((v) => v > 0n).reduce((a, b) => a + b, 0n);
          const c = trafficCeiling(legs)[0];
          return c === undefined ? legs.length === 0 : c.net_debit_minor === credits && c.net_debit_minor <= c.gross_minor;
        },
      ),
    );
  });
});

test('liquidityPolicy refuses an out-of-range parameter, naming the field', () => {
  assert.throws(() => liquidityPolicy({ recycle_share: 1.5 }), /field "recycle_share"/);
  assert.throws(() => liquidityPolicy({ wait_min: -1 }), /field "wait_min"/);
  assert.throws(() => liquidityPolicy({ opening_share: Number.NaN }), /field "opening_share"/);
  assert.equal(liquidityPolicy().opening_share, DEFAULT_LIQUIDITY_POLICY.opening_share);
});

test('the opening is sized to the day simulated: expected outflows scale with the payment count', () => {
  const small = expectedOutflows(defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 3_000 } }));
  const big = expectedOutflows(defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 30_000 } }));
  let checked = 0;
  for (const [key, v] of big) {
    const s = small.get(key)!;
    if (v < 1_000_000n) continue;
    // Exact integer arithmetic rounded down once: ten times the payments, ten times the outflow (within the rounding).
    assert.ok(v - 10n * s >= 0n && v - 10n * s < 10n, `${key}: ${s} vs ${v}`);
    checked++;
  }
  assert.ok(checked > 20);
});
