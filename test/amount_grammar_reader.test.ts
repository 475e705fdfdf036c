// readAmount by char codes (src/platform/amounts.ts) answers exactly as the
// grammar's regular expression did (the reference below is that reading as it
// was): the same amount, the same refusal kind and message, for every text and
// every number of minor units. Rules 3 submissions' outcomes depend on it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readAmount, AMOUNT_DIGITS_MAX, type AmountReading } from '../src/platform/amounts.js';

/** The reading as the expression made it (before the char-code reader). */
function reference(text: string, minor_units: number, currency: string): AmountReading {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  const m = /^([0-9]+)(?:\.([0-9]+))?$/.exec(text);
  if (m === null) {
    return {
      ok: false,
      kind: 'format',
      message: `${shown} is not an amount: digits, optionally a point and decimals (no sign, exponent, spaces or other characters)`,
    };
  }
  const int = m[1]!.replace(/^0+/, '');
  const frac = m[2] ?? '';
  if (frac.length > minor_units)
    return { ok: false, kind: 'decimals', message: `${shown} has ${frac.length} decimals; ${currency} has ${minor_units} minor units` };
  const digits = int.length + minor_units;
  if (digits > AMOUNT_DIGITS_MAX) {
    return {
      ok: false,
      kind: 'digits',
      message: `too many digits: ${shown} is ${digits} digits in minor units of ${currency} (${int.length} before the point, ${minor_units} after); at most ${AMOUNT_DIGITS_MAX} (ISO 20022 amounts)`,
    };
  }
  const minor = BigInt((int || '0') + frac.padEnd(minor_units, '0'));
  if (minor === 0n) return { ok: false, kind: 'zero', message: 'must be greater than zero' };
  return { ok: true, minor };
}

const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9'), minLength: min, maxLength: max });
const amountLike = fc.oneof(
  digits(1, 20),
  fc.tuple(digits(0, 20), digits(0, 6)).map(([a, b]) => `${a}.${b}`),
  fc.tuple(digits(0, 4), digits(1, 20), digits(1, 5)).map(([z, a, b]) => `${z.replace(/./g, '0')}${a}.${b}`),
  fc.tuple(digits(1, 8), fc.constantFrom('.', '..', ',', ' ', '+', '-', 'e', '١', '０', '\n', ''), digits(0, 4)).map(([a, s, b]) => `${a}${s}${b}`),
  fc.string({ maxLength: 50 }),
);

test('readAmount answers as the grammar expression did, for every text and minor units 0 to 10', () => {
  fc.assert(
    fc.property(amountLike, fc.integer({ min: 0, max: 10 }), (text, mu) => {
      assert.deepEqual(readAmount(text, mu, 'CNY'), reference(text, mu, 'CNY'), JSON.stringify([text, mu]));
    }),
    { numRuns: 30_000 },
  );
});

test('readAmount on the edges: 15 and 16 digits, 18 and 19, leading zeros, zero, a lone point', () => {
  const texts = [
    '0',
    '0.00',
    '000',
    '00.01',
    '1.',
    '.5',
    '.',
    '',
    '1.2.3',
    '999999999999999',
    '9999999999999.99',
    '99999999999999.99',
    '9999999999999999.99',
    '999999999999999999',
    '0000000000000000000001',
    '1234567890123456.78',
    '12345678901234567.8',
    '001234567890123456.78',
    '0999999999999999.99',
    '0123456789012345.678',
    '00000999999999999999.99',
    '1e5',
    '+1',
    '-1',
    ' 1',
    '1 ',
    '1\n',
    '٣',
    '100000000000000000000',
    'x'.repeat(60),
  ];
  for (const t of texts) for (const mu of [0, 2, 3, 8]) assert.deepEqual(readAmount(t, mu, 'RUB'), reference(t, mu, 'RUB'), JSON.stringify([t, mu]));
  assert.deepEqual(readAmount('12.34', 2, 'CNY'), { ok: true, minor: 1234n });
  assert.deepEqual(readAmount('9999999999999999.99', 2, 'CNY'), { ok: true, minor: 999999999999999999n });
  // Leading zeros do not count towards the 18 digits.
  assert.deepEqual(readAmount('001234567890123456.78', 2, 'CNY'), { ok: true, minor: 123456789012345678n });
});
