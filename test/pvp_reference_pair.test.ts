// Rules 3 pricing keeps each pair of reference rates' cross rate, source text and
// converter (src/clearing/pvp.ts, referencePair; issue #18, the demo day's main
// thread), and parseIsoDate remembers the dates it parsed (src/fx/rates.ts). Both
// are pure speed-ups: pricing through a view whose rate objects repeat (the kept
// pairs used) must equal pricing through one that hands out a fresh copy of each
// rate every time, and the rate, amounts and source worked out from the book's
// two rates, fresh and stale rates, both directions, many amounts; a second rate
// book (an import) must price at its own rates; a date parses to the same day first time and later, and an invalid one
// throws every time.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { pricePaymentV3, type PricingViewV3 } from '../src/clearing/pvp.js';
import type { Participant, PaymentInstruction } from '../src/clearing/types.js';
import { DEFAULT_RATE_POLICY } from '../src/fx/rate_policy.js';
import { PairConverter } from '../src/fx/convert.js';
import { div, parseDecimal } from '../src/fx/rational.js';
import { parseIsoDate, type ReferenceRate } from '../src/fx/rates.js';

const CURRENCIES = ['CNY', 'RUB', 'INR', 'KZT', 'BYN', 'UZS'];
const DATES = ['2025-09-01', '2025-09-08', '2025-09-12', '2025-09-15'];

/** A book: per currency, rates dated DATES (units per USD drawn from `seed`), oldest first. */
function book(seed: number): Map<string, ReferenceRate[]> {
  const out = new Map<string, ReferenceRate[]>();
  CURRENCIES.forEach((currency, i) => {
    out.set(
      currency,
      DATES.map((date, j) => {
        const text = `${1 + ((seed * 7919 + i * 104729 + j * 1299709) % 99991)}.${String((seed + i * 31 + j * 17) % 10_000).padStart(4, '0')}`;
        return { currency, units_per_usd: parseDecimal(text), units_per_usd_text: text, date, day: parseIsoDate(date), source: `test book ${seed}` };
      }),
    );
  });
  return out;
}

const LP: Participant = {
  id: 'LPROVIDX',
  no: 1,
  kind: 'liquidity_provider',
  name: 'LP',
  country: 'CN',
  currencies: CURRENCIES,
  issues: null,
  suspended: false,
};

/** A view on `rates`; `fresh`: every rateAsOf answers a new copy of the rate object. */
function viewOf(rates: Map<string, ReferenceRate[]>, fresh: boolean): PricingViewV3 {
  return {
    participants: [LP],
    participant: (id) => (id === LP.id ? LP : undefined),
    available: () => 1_000_000n,
    crossRate: () => {
      throw new Error('not used by rules 3');
    },
    quoteLock: () => undefined,
    policy: { ...DEFAULT_RATE_POLICY, quote_tolerance_bp: 0 },
    rateAsOf: (currency, date) => {
      const day = parseIsoDate(date);
      const r = [...rates.get(currency)!].reverse().find((x) => x.day <= day);
      if (r === undefined) throw new Error(`no rate for ${currency} on ${date}`);
      return fresh ? { ...r, units_per_usd: { ...r.units_per_usd } } : r;
    },
    providerQuote: () => null,
  };
}

const instruction = fc
  .tuple(
    fc.constantFrom(...CURRENCIES),
    fc.constantFrom(...CURRENCIES),
    fc.bigInt({ min: 1n, max: 10n ** 15n }),
    fc.constantFrom('2025-09-02', '2025-09-08', '2025-09-15', '2025-09-30', '2025-11-20'),
  )
  .filter(([a, b]) => a !== b)
  .map(
    ([currency, payee_currency, amount_minor, value_date]): PaymentInstruction => ({
      uetr: '00000000-0000-4000-8000-000000000000',
      end_to_end_id: 'E2E',
      payer: 'PAYERXXX',
      payee: 'PAYEEXXX',
      currency,
      payee_currency,
      amount_minor,
      value_date,
      priority: 'normal',
      settlement: 'rtgs',
    }),
  );

test('rules 3 pricing through kept reference pairs equals pricing with nothing kept, and a new book prices at its own rates', () => {
  for (const seed of [1, 2]) {
    const rates = book(seed);
    const kept = viewOf(rates, false);
    const copied = viewOf(rates, true);
    fc.assert(
      fc.property(instruction, (ins) => {
        const got = pricePaymentV3(ins, 'u', kept, 0n);
        assert.deepEqual(got, pricePaymentV3(ins, 'u', copied, 0n));
        // And the rate and amounts from this book's two rates, worked out here (no quote applies: the reference rate).
        if (!got.outcome.ok) return;
        const a = copied.rateAsOf(ins.currency, ins.value_date);
        const b = copied.rateAsOf(ins.payee_currency, ins.value_date);
        const rate = div(b.units_per_usd, a.units_per_usd);
        const conv = new PairConverter(ins.currency, ins.payee_currency, rate).convert(ins.amount_minor, 'half_even');
        const fx = got.outcome.fx;
        assert.deepEqual(
          [fx.rate_num, fx.rate_den, fx.payee_amount_minor, fx.residue_num, fx.residue_den],
          [rate.num, rate.den, conv.amount_minor, conv.residue.num, conv.residue.den],
        );
        const text = (r: ReferenceRate): string => `${r.currency} ${r.units_per_usd_text}/USD ${r.date} (${r.source})`;
        assert.ok(fx.rate_source.endsWith(`${text(a)}; ${text(b)}`), fx.rate_source);
      }),
      { numRuns: 1500, seed: 0x18a0 + seed },
    );
  }
});

test('parseIsoDate: a date parses to the same day first and later; an invalid one throws every time', () => {
  const reference = (s: string): number => Date.UTC(Number(s.slice(0, 4)), Number(s.slice(5, 7)) - 1, Number(s.slice(8, 10))) / 86_400_000;
  const date = fc
    .tuple(fc.integer({ min: 1900, max: 2999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
  // More distinct dates than are remembered, so the memory is cleared along the way.
  fc.assert(
    fc.property(date, (s) => {
      assert.equal(parseIsoDate(s), reference(s));
      assert.equal(parseIsoDate(s), reference(s));
    }),
    { numRuns: 6000, seed: 0x18a3 },
  );
  for (const bad of ['2025-02-30', '2025-13-01', '1899-12-31', '2025-9-01', '']) {
    for (let i = 0; i < 2; i++) assert.throws(() => parseIsoDate(bad, 'value_date'), /value_date/);
  }
  assert.equal(parseIsoDate('2025-02-28'), reference('2025-02-28'));
});
