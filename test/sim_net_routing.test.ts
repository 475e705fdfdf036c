// Routing to the deferred-net windows by value (src/sim/net_routing.ts): the
// threshold in each currency is the USD cap at the embedded reference rate,
// rounded down, exact; a payment of exactly the threshold goes to the window,
// one minor unit more does not; the share draws among those under the cap; the
// options are checked with a stable code and field.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_NET_ROUTING, NET_ROUTING_LIMITS, netRouting, netThresholdMinor, routesToNet } from '../src/sim/net_routing.js';
import { MEMBERS, SimInputError } from '../src/sim/index.js';
import { REFERENCE_RATES } from '../src/platform/reference.js';

/** units_per_usd as an exact fraction num/den, from the rate's decimal text. */
function rateOf(currency: string): { num: bigint; den: bigint; scale: bigint } {
  const row = REFERENCE_RATES.find((r) => r.currency === currency)!;
  const [int, frac = ''] = row.units_per_usd.split('.');
  return { num: BigInt(int! + frac), den: 10n ** BigInt(frac.length), scale: 10n ** BigInt(row.minor_units) };
}

test('the threshold is the USD cap at the reference rate, rounded down to a whole minor unit, in every member currency', () => {
  // 100,000 USD at 80.44 RUB/USD = 8,044,000.00 RUB; at 12,344.61 UZS/USD = 1,234,461,000.00 UZS; at 7.1063 CNY/USD = 710,630.00 CNY.
  assert.equal(netThresholdMinor(100_000, 'RUB'), 804_400_000n);
  assert.equal(netThresholdMinor(100_000, 'UZS'), 123_446_100_000n);
  assert.equal(netThresholdMinor(100_000, 'CNY'), 71_063_000n);
  // 1 USD at 9.5580 TJS/USD = 955.80 diram: rounded down to 955.
  assert.equal(netThresholdMinor(1, 'TJS'), 955n);
  assert.equal(netThresholdMinor(null, 'RUB'), null);
  assert.equal(netThresholdMinor(0, 'RUB'), 0n);
  const currencies = MEMBERS.map((m) => m.currency);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: NET_ROUTING_LIMITS.max_usd }), fc.constantFrom(...currencies), (usd, ccy) => {
      const t = netThresholdMinor(usd, ccy)!;
      const r = rateOf(ccy);
      const exact = BigInt(usd) * r.num * r.scale;
      // t = floor(exact / den): t·den ≤ exact < (t+1)·den.
      assert.ok(t * r.den <= exact && exact < (t + 1n) * r.den, `${usd} USD in ${ccy}`);
    }),
    { numRuns: 500, seed: 16 },
  );
});

test('a payment goes to the window exactly when it is worth at most the cap (exact, at the boundary) and its draw is under the share', () => {
  const currencies = MEMBERS.map((m) => m.currency);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.constantFrom(...currencies), fc.bigInt({ min: -1_000n, max: 1_000n }), (usd, ccy, offset) => {
      const routing = netRouting(usd, 1);
      const t = netThresholdMinor(usd, ccy)!;
      const amount = t + offset;
      if (amount < 1n) return;
      const r = rateOf(ccy);
      // Worth at most `usd`: amount / (rate · scale) ≤ usd, compared exactly as amount·den ≤ usd·num·scale.
      const atMost = amount * r.den <= BigInt(usd) * r.num * r.scale;
      assert.equal(routesToNet(0, amount, t, routing), atMost, `${amount} ${ccy} vs USD ${usd}`);
    }),
    { numRuns: 1000, seed: 16 },
  );
  const t = netThresholdMinor(100_000, 'RUB')!;
  const all = netRouting(100_000, 1);
  assert.equal(routesToNet(0.999_999, t, t, all), true, 'exactly the cap goes');
  assert.equal(routesToNet(0, t + 1n, t, all), false, 'one minor unit more settles in RTGS');
  const some = netRouting(100_000, 0.25);
  assert.equal(routesToNet(0.2499, 1n, t, some), true);
  assert.equal(routesToNet(0.25, 1n, t, some), false, 'the draw must be under the share');
  assert.equal(routesToNet(0.9, 10n ** 18n, null, netRouting(null, 1)), true, 'no cap: any value');
  assert.equal(routesToNet(0, 1n, t, netRouting(100_000, 0)), false, 'share 0: nothing');
});

test('the default routes every eligible payment of at most USD 100,000; bad options fail at their field', () => {
  assert.deepEqual({ ...DEFAULT_NET_ROUTING }, { max_usd: 100_000, share: 1 });
  const bad: Array<[number | null, number, string]> = [
    [-1, 1, 'max_usd'],
    [1.5, 1, 'max_usd'],
    [NET_ROUTING_LIMITS.max_usd + 1, 1, 'max_usd'],
    [100, -0.1, 'share'],
    [100, 1.01, 'share'],
    [100, Number.NaN, 'share'],
  ];
  for (const [usd, share, field] of bad) {
    assert.throws(
      () => netRouting(usd, share),
      (e: unknown) => e instanceof SimInputError && e.code === 'out_of_range' && e.field === field,
      `${usd}, ${share}`,
    );
  }
});
