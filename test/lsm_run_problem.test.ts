// A run's problem (src/clearing/lsm_release.ts buildRunProblem) reads each queued
// payment's legs in place instead of building paymentLegs' objects and filtering
// them (issue #18, the demo day's main thread; a speed-up that must change no
// run). On random queues it must build exactly what its earlier body built (kept
// below, on paymentLegs): the same nodes in the same order with their balances
// and headroom, the same items (legs, weights, urgency), the same payments, and
// the same stop at each limit: items and the batch's transfers. Payments
// include PvP to or from their own provider (a leg from an account to itself),
// payments to oneself, urgent ones, payers with and without headroom.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LINKED_ITEMS_MAX, LINKED_NODES_MAX, type LinkedItem, type LinkedLeg } from '../src/clearing/lsm_linked.js';
import { buildRunProblem, paymentLegs, usdMicro, type LsmLiquidity, type LsmRunProblem } from '../src/clearing/lsm_release.js';
import type { LsmNode } from '../src/clearing/lsm_release.js';
import type { Payment } from '../src/clearing/types.js';
import { rational } from '../src/fx/rational.js';
import { BATCH_EVENTS_MAX } from '../src/ledger/types.js';

const CURRENCIES = ['CNY', 'RUB', 'INR', 'KZT'];

/** buildRunProblem's body before this change, on paymentLegs. */
function reference(currencies: readonly string[], queued: readonly Payment[], liquidity: LsmLiquidity, fifo: boolean, payments_max: number): LsmRunProblem {
  const rates = new Map(currencies.map((c) => [c, liquidity.unitsPerUsd(c)]));
  const usd = currencies.length > 1 && [...rates.values()].every((r) => r !== null);
  const nodes: LsmNode[] = [];
  const index = new Map<string, number>();
  const payingNodes = new Set<number>();
  const nodeOf = (participant: string, currency: string): number => {
    let i = index.get(`${currency}|${participant}`);
    if (i === undefined) {
      const a = liquidity.available(participant, currency);
      i = nodes.length;
      nodes.push({ participant, currency, balance: a > 0n ? a : 0n, headroom: liquidity.headroom(participant, currency) });
      index.set(`${currency}|${participant}`, i);
    }
    return i;
  };
  const items: LinkedItem[] = [];
  const payments: Payment[] = [];
  let transfers = 0;
  const items_max = Math.min(payments_max, LINKED_ITEMS_MAX);
  for (const p of queued) {
    const legs = paymentLegs(p);
    if (items.length >= items_max || nodes.length + 2 * legs.length > LINKED_NODES_MAX) break;
    const moving = legs.filter((l) => l.from !== l.to);
    if (moving.length === 0) continue;
    const ls: LinkedLeg[] = moving.map((l) => ({ from: nodeOf(l.from, l.currency), to: nodeOf(l.to, l.currency), amount: l.amount }));
    const newPaying = ls.filter((l) => nodes[l.from]!.headroom > 0n && !payingNodes.has(l.from)).length;
    if (transfers + 2 * ls.length + payingNodes.size + newPaying > BATCH_EVENTS_MAX) break;
    for (const l of ls) if (nodes[l.from]!.headroom > 0n) payingNodes.add(l.from);
    transfers += 2 * ls.length;
    const first = legs[0]!;
    const weight = usd ? usdMicro(first.amount, first.currency, rates.get(first.currency)!) : first.amount;
    items.push({ id: p.instruction.uetr, legs: ls, weight, urgent: p.instruction.priority === 'urgent' });
    payments.push(p);
  }
  return { currencies, nodes, items, payments, fifo, weight_unit: usd ? 'usd_micro' : 'minor' };
}

const payArb = fc.record({
  payer: fc.nat(30),
  payee: fc.nat(30),
  provider: fc.nat(30),
  currency: fc.nat(CURRENCIES.length - 1),
  other: fc.nat(CURRENCIES.length - 2),
  amount: fc.bigInt({ min: 1n, max: 10n ** 12n }),
  pvp: fc.boolean(),
  urgent: fc.boolean(),
});

/** Participants P0..P(n-1); a small `spread` makes payer = payee = provider common. */
type PayDraw = typeof payArb extends fc.Arbitrary<infer T> ? T : never;

function paymentOf(d: PayDraw, i: number, spread: number): Payment {
  const who = (k: number): string => `P${k % spread}`;
  const currency = CURRENCIES[d.currency]!;
  const other = CURRENCIES.filter((c) => c !== currency)[d.other]!;
  return {
    instruction: {
      uetr: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      payer: who(d.payer),
      payee: who(d.payee),
      currency,
      payee_currency: d.pvp ? other : currency,
      amount_minor: d.amount,
      priority: d.urgent ? 'urgent' : 'normal',
    },
    fx: d.pvp ? { provider: who(d.provider), payee_amount_minor: d.amount / 7n + 1n } : null,
  } as unknown as Payment;
}

function liquidityOf(seed: number, priced: boolean): LsmLiquidity {
  const h = (s: string): number => [...s].reduce((x, c) => (x * 31 + c.charCodeAt(0) + seed) % 1_000_003, 7);
  return {
    available: (p, c) => BigInt((h(p + c) % 5_000) - 1_000),
    headroom: (p, c) => (h(c + p) % 3 === 0 ? BigInt(h(p) % 900) : 0n),
    unitsPerUsd: (c) => (priced ? rational(BigInt(1 + (h(c) % 90_000)), 1_000n) : null),
  };
}

function same(got: LsmRunProblem, want: LsmRunProblem): void {
  assert.deepEqual(got.nodes, want.nodes);
  assert.deepEqual(got.items, want.items);
  assert.equal(got.payments.length, want.payments.length);
  for (let k = 0; k < got.payments.length; k++) assert.equal(got.payments[k], want.payments[k]);
  assert.equal(got.weight_unit, want.weight_unit);
}

test("a run's problem reads legs in place exactly as paymentLegs' legs were read, limits included", () => {
  fc.assert(
    fc.property(
      fc.array(payArb, { minLength: 1, maxLength: 80 }),
      fc.integer({ min: 1, max: 31 }),
      fc.integer({ min: 1, max: 90 }),
      fc.nat(1_000),
      fc.boolean(),
      (pays, spread, payments_max, seed, priced) => {
        const queued = pays.map((d, i) => paymentOf(d, i, spread));
        const currencies = [...new Set(queued.flatMap((p) => [p.instruction.currency, p.instruction.payee_currency]))].sort();
        const liquidity = liquidityOf(seed, priced);
        const limits = { payments_max, work_budget: 1 };
        same(buildRunProblem(currencies, queued, liquidity, seed % 2 === 0, limits), reference(currencies, queued, liquidity, seed % 2 === 0, payments_max));
      },
    ),
    { numRuns: 600, seed: 0x18b0 },
  );
});

// (The node limit cannot be met first: a payment's nodes are at most its transfers, and the batch holds fewer.)
test("a long queue stops where the batch's transfers run out", () => {
  // Mostly PvP between many participants, some with headroom: the batch's events run out first, at a payment
  // that depends on the queue (each run a different one).
  fc.assert(
    fc.property(fc.array(payArb, { minLength: 2_400, maxLength: 2_400 }), fc.nat(1_000), (pays, seed) => {
      const long = pays.map((d, i) => paymentOf({ ...d, pvp: i % 5 !== 0 }, i, 31));
      const liquidity = liquidityOf(seed, true);
      const currencies = [...CURRENCIES].sort();
      const got = buildRunProblem(currencies, long, liquidity, false, { payments_max: 100_000, work_budget: 1 });
      same(got, reference(currencies, long, liquidity, false, 100_000));
      assert.ok(got.items.length < long.length && got.items.length > 1_000, `items ${got.items.length}`);
    }),
    { numRuns: 30, seed: 0x18b1, endOnFailure: true },
  );
});
