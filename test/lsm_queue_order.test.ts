// The order a run lists queued payments in (issue #18, a speed-up that must change
// no run): sortedInLsmOrder sorts on packed numeric keys instead of calling
// lsmOrder per comparison, and must give exactly `list.sort(lsmOrder)`, the same
// payment objects in the same places: single-currency before PvP, urgent before
// normal, then arrival (seq), ties (the same seq twice) in the list's order; and
// sequence numbers beyond the packed range fall back to the comparison sort.
// linkedCurrencies over random queues gives what its earlier body gave.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Payment } from '../src/clearing/types.js';
import { linkedCurrencies, lsmOrder, sortedInLsmOrder } from '../src/clearing/lsm_release.js';
import { RtgsQueue } from '../src/clearing/rtgs.js';

const CURRENCIES = ['CNY', 'RUB', 'INR', 'KZT'] as const;

const payArb = fc.record({
  seq: fc.oneof({ weight: 8, arbitrary: fc.nat(40) }, { weight: 1, arbitrary: fc.integer({ min: 2 ** 26 - 3, max: 2 ** 26 + 3 }) }),
  urgent: fc.boolean(),
  pvp: fc.boolean(),
  currency: fc.nat(CURRENCIES.length - 1),
  other: fc.nat(CURRENCIES.length - 1),
  queued: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
});

type PayDraw = { seq: number; urgent: boolean; pvp: boolean; currency: number; other: number; queued: boolean };

function paymentOf(d: PayDraw, i: number): Payment {
  const currency = CURRENCIES[d.currency]!;
  const other = CURRENCIES[d.other === d.currency ? (d.other + 1) % CURRENCIES.length : d.other]!;
  return {
    seq: d.seq,
    state: d.queued ? 'queued' : 'settled',
    instruction: {
      uetr: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      payer: 'BANKA',
      payee: 'BANKB',
      currency,
      payee_currency: d.pvp ? other : currency,
      amount_minor: 100n,
      priority: d.urgent ? 'urgent' : 'normal',
    },
    fx: d.pvp ? { provider: 'LP1', payee_amount_minor: 90n } : null,
  } as unknown as Payment;
}

const sameObjects = (got: readonly Payment[], want: readonly Payment[]): void => {
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.ok(got[i] === want[i], `position ${i}: seq ${got[i]?.seq} against ${want[i]?.seq}`);
};

test('sortedInLsmOrder is list.sort(lsmOrder): same objects, ties in list order, large seqs by the comparison', () => {
  let fallbacks = 0;
  let ties = 0;
  fc.assert(
    fc.property(fc.array(payArb, { maxLength: 150 }), (draws) => {
      const list = draws.map(paymentOf);
      if (list.some((p) => p.seq >= 2 ** 26)) fallbacks++;
      if (new Set(list.map((p) => p.seq)).size < list.length) ties++;
      const want = [...list].sort(lsmOrder);
      sameObjects(sortedInLsmOrder([...list]), want);
    }),
    { numRuns: 400, seed: 0x518 },
  );
  assert.ok(fallbacks > 20, `lists taking the comparison sort: ${fallbacks}`);
  assert.ok(ties > 50, `lists with tied seqs: ${ties}`);
});

/** linkedCurrencies as it was written before the packed sort (the reference). */
function linkedReference(queues: Iterable<[string, RtgsQueue]>, currency: string): { currencies: string[]; queued: Payment[] } {
  const by = new Map<string, Payment[]>();
  const add = (c: string, p: Payment): void => {
    const list = by.get(c);
    if (list === undefined) by.set(c, [p]);
    else list.push(p);
  };
  for (const [, q] of queues) {
    for (const p of q.live((x) => x.state === 'queued')) {
      add(p.instruction.currency, p);
      if (p.fx !== null) add(p.instruction.payee_currency, p);
    }
  }
  const seen = new Set<string>([currency]);
  const todo = [currency];
  while (todo.length > 0) {
    for (const p of by.get(todo.pop()!) ?? []) {
      if (p.fx === null) continue;
      for (const c of [p.instruction.currency, p.instruction.payee_currency]) {
        if (!seen.has(c)) {
          seen.add(c);
          todo.push(c);
        }
      }
    }
  }
  const queued = new Set<Payment>();
  for (const c of seen) for (const p of by.get(c) ?? []) queued.add(p);
  return { currencies: [...seen].sort(), queued: [...queued].sort(lsmOrder) };
}

test('linkedCurrencies over random queues equals its earlier body (a payment queued twice listed once)', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(payArb, fc.nat(5)), { maxLength: 120 }),
      fc.array(fc.nat(119), { maxLength: 10 }),
      fc.nat(CURRENCIES.length - 1),
      (draws, twice, start) => {
        const queues = new Map<string, RtgsQueue>();
        const payments = draws.map(([d], i) => paymentOf({ ...d, seq: i * 3 + (d.seq % 3) }, i));
        const push = (p: Payment, q: number): void => {
          const key = `${q}:${p.instruction.currency}`;
          let queue = queues.get(key);
          if (queue === undefined) queues.set(key, (queue = new RtgsQueue()));
          queue.push(p);
        };
        for (const [i, p] of payments.entries()) push(p, draws[i]![1]);
        for (const i of twice) if (i < payments.length) push(payments[i]!, draws[i]![1]);
        const currency = CURRENCIES[start]!;
        const got = linkedCurrencies(queues, currency);
        const want = linkedReference(queues, currency);
        assert.deepEqual(got.currencies, want.currencies);
        sameObjects(got.queued, want.queued);
      },
    ),
    { numRuns: 300, seed: 0x519 },
  );
});

// Stop 50 (alloc50b): the test above draws distinct seqs, so it cannot tell a payment listed twice from two
// payments that tie. Here ties of distinct payments (the same class and seq) sit next to a payment queued twice,
// PvP payments are listed under both currencies, and some seqs are past the packed range: linkedCurrencies must
// keep each payment object once, and every tied one (a repeat dropped by seq instead of by object fails here only).
test('linkedCurrencies with tied seqs, repeats and large seqs equals its earlier body (repeats dropped by object, not by seq)', () => {
  let tiedRepeats = 0;
  fc.assert(
    fc.property(
      fc.array(fc.tuple(payArb, fc.nat(3)), { maxLength: 120 }),
      fc.array(fc.nat(119), { maxLength: 20 }),
      fc.nat(CURRENCIES.length - 1),
      (draws, twice, start) => {
        const queues = new Map<string, RtgsQueue>();
        const payments = draws.map(([d], i) => paymentOf(d, i));
        const push = (p: Payment, q: number): void => {
          const key = `${q}:${p.instruction.currency}`;
          let queue = queues.get(key);
          if (queue === undefined) queues.set(key, (queue = new RtgsQueue()));
          queue.push(p);
        };
        for (const [i, p] of payments.entries()) push(p, draws[i]![1]);
        const again = payments.length === 0 ? [] : twice.map((i) => i % payments.length);
        for (const i of again) push(payments[i]!, (draws[i]![1] + i) % 4);
        if (again.some((i) => payments.some((p, j) => j !== i && p.seq === payments[i]!.seq))) tiedRepeats++;
        const currency = CURRENCIES[start]!;
        const got = linkedCurrencies(queues, currency);
        const want = linkedReference(queues, currency);
        assert.deepEqual(got.currencies, want.currencies);
        sameObjects(got.queued, want.queued);
      },
    ),
    { numRuns: 400, seed: 0x51a },
  );
  assert.ok(tiedRepeats > 50, `cases with a repeat tied to another payment: ${tiedRepeats}`);
});
