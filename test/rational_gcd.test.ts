// gcd (src/fx/rational.ts) takes bigint remainders only while an operand is above
// 2^53, then finishes on doubles (issue #18, a speed-up of every PvP residue's
// sum): it must equal Euclid's algorithm on bigints throughout, for operands of
// every size and sign, zeros, and pairs sharing large factors (the reduced
// fractions rational() builds depend on it). addNormalised (a PvP residue's
// running sum) must give add's fraction for normalised operands.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { add, addNormalised, gcd, rational, ZERO } from '../src/fx/rational.js';

function euclid(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

const sized = fc.oneof(
  fc.bigInt({ min: -1000n, max: 1000n }),
  fc.bigInt({ min: -(2n ** 53n) - 5n, max: 2n ** 53n + 5n }),
  fc.constantFrom(0n, 1n, -1n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), 2n ** 64n),
  fc.bigInt({ min: -(2n ** 120n), max: 2n ** 120n }),
  fc.bigInt({ min: 0n, max: 2n ** 300n }),
);

test('gcd equals bigint Euclid on operands of every size and sign, and on pairs sharing a large factor', () => {
  fc.assert(
    fc.property(sized, sized, (a, b) => {
      assert.equal(gcd(a, b), euclid(a, b));
    }),
    { numRuns: 5000, seed: 0x9cd },
  );
  fc.assert(
    fc.property(sized, sized, fc.bigInt({ min: 1n, max: 2n ** 90n }), (a, b, g) => {
      assert.equal(gcd(a * g, b * g), euclid(a * g, b * g));
    }),
    { numRuns: 3000, seed: 0x9ce },
  );
});

test('sums of fractions with large denominators reduce as with bigint Euclid', () => {
  const reduced = (num: bigint, den: bigint) => {
    const g = euclid(num, den);
    return num === 0n ? { num: 0n, den: 1n } : { num: num / g, den: den / g };
  };
  const frac = fc.tuple(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.bigInt({ min: 1n, max: 2n ** 60n }));
  fc.assert(
    fc.property(frac, frac, ([an, ad], [bn, bd]) => {
      const a = rational(an, ad);
      const b = rational(bn, bd);
      assert.deepEqual({ ...add(a, b) }, reduced(a.num * b.den + b.num * a.den, a.den * b.den));
    }),
    { numRuns: 3000, seed: 0x9cf },
  );
});

test("addNormalised gives add's fraction for normalised operands: shared factors, one denominator dividing the other, zero sums", () => {
  // Residue-like denominators: products of small primes and rate-sized factors, so pairs share much of them.
  const factor = fc.constantFrom(1n, 2n, 3n, 5n, 7n, 10n, 12n, 100n, 1000n, 9973n, 65537n, 2n ** 40n, 10n ** 12n, 1000003n);
  const den = fc.array(factor, { minLength: 1, maxLength: 5 }).map((fs) => fs.reduce((x, y) => x * y, 1n));
  const num = fc.oneof(fc.bigInt({ min: -1000n, max: 1000n }), fc.bigInt({ min: -(2n ** 90n), max: 2n ** 90n }), fc.constant(0n));
  const frac = fc.tuple(num, den).map(([n, d]) => rational(n, d));
  fc.assert(
    fc.property(frac, frac, fc.boolean(), (a, b, negated) => {
      // negated: b's opposite too, so some sums are zero and some cancel most of a.
      const c = negated ? rational(-b.num, b.den) : b;
      for (const [x, y] of [
        [a, c],
        [c, a],
        [a, rational(-a.num, a.den)],
        [a, a],
      ] as const) {
        const got = addNormalised(x, y);
        assert.deepEqual({ ...got }, { ...add(x, y) });
        if (got.num === 0n) assert.equal(got, ZERO);
      }
    }),
    { numRuns: 4000, seed: 0x9d0 },
  );
  // A running sum, as the residues grow through a day: every step equals add's.
  let viaAdd = ZERO;
  let viaNormalised = ZERO;
  fc.assert(
    fc.property(frac, (r) => {
      viaAdd = add(viaAdd, r);
      viaNormalised = addNormalised(viaNormalised, r);
      assert.deepEqual({ ...viaNormalised }, { ...viaAdd });
    }),
    { numRuns: 2000, seed: 0x9d1 },
  );
});
