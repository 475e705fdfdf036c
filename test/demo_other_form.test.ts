// A recyclable payment sent in the form the prepare worker's balance hint did not
// expect (issue #18): the main thread tells its instructions from the worker's
// answer for the other form (src/demo/payment_message.ts instructionsInForm)
// instead of running the message path. These tests hold that answer equal, member
// for member and in the same order, to what the message path gives for the form
// sent, for random amounts either way; and null where the path's verdict could
// differ, so the day runs the path there. The whole day with workers against the
// day on the main thread: test/demo_prepare.test.ts.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bicResolver } from '../src/iso20022/mapping.js';
import { instructionsInForm, messageInstructions } from '../src/demo/payment_message.js';
import { recycledAs, recyclingCandidate } from '../src/demo/recycling.js';
import { defaultProfile, generatePayments, type SimPayment } from '../src/sim/index.js';

const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 400 } });
const currencies = new Map(profile.banks.map((b): [string, string[]] => [b.bic, Object.keys(b.liquidity)]));
const resolve = bicResolver((id) => currencies.has(id));
const date = profile.traffic.business_date;
const path = (sp: SimPayment) => messageInstructions(sp, date, resolve);

/** The day's recyclable payments (payer and payee both hold the payee's home currency), with that currency. */
const recyclable: Array<{ sp: SimPayment; home: string }> = [];
for (const sp of generatePayments(profile, { seed: 21, payments: 400 })) {
  const c = recyclingCandidate(sp, (bic) => currencies.get(bic));
  if (c?.both === true) recyclable.push({ sp, home: c.home });
}

test('the instructions told from the other form are the message path own, member for member, either way', () => {
  assert.ok(recyclable.length > 50, `${recyclable.length}`);
  let told = 0;
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: recyclable.length - 1 }),
      // Ordinary amounts, and amounts about the 15 and 18 digits where the answer must be null or the path's.
      fc.oneof(fc.bigInt({ min: 1n, max: 10n ** 12n }), fc.bigInt({ min: -5n, max: 10n ** 19n }), fc.bigInt({ min: 10n ** 15n - 3n, max: 10n ** 15n + 3n })),
      fc.boolean(),
      (k, amount, fromGenerated) => {
        const { sp, home } = recyclable[k]!;
        const recycled = recycledAs(sp, home, amount);
        const [from, sent] = fromGenerated ? [sp, recycled] : [recycled, sp];
        const expected = path(sent);
        const got = instructionsInForm(path(from), sent);
        if (got === null) return;
        told++;
        assert.notEqual(expected, null, 'told a form whose message is invalid');
        assert.equal(JSON.stringify(got), JSON.stringify(expected));
        assert.deepStrictEqual(got, expected);
      },
    ),
    { numRuns: 400 },
  );
  assert.ok(told > 100, `told ${told} of 400`);
});

test('an ordinary amount is always told, both ways, for every recyclable payment of the day', () => {
  for (const { sp, home } of recyclable) {
    for (const amount of [1n, sp.amount_minor, 999_999_999_999_999n]) {
      const recycled = recycledAs(sp, home, amount);
      for (const [from, sent] of [
        [sp, recycled],
        [recycled, sp],
      ] as const) {
        const got = instructionsInForm(path(from), sent);
        assert.notEqual(got, null, `${sent.uetr} ${sent.currency} ${sent.amount_minor}`);
        assert.equal(JSON.stringify(got), JSON.stringify(path(sent)));
      }
    }
  }
});

test('null where the message path verdict could differ: an invalid other form, no amount, 15 digits or more, another payment', () => {
  const { sp, home } = recyclable[0]!;
  const instructions = path(sp)!;
  assert.equal(instructionsInForm(null, recycledAs(sp, home, 100n)), null);
  for (const amount of [0n, -1n, 10n ** 15n, 10n ** 18n]) assert.equal(instructionsInForm(instructions, recycledAs(sp, home, amount)), null, `${amount}`);
  // Another payment's instructions are not this payment's other form.
  assert.equal(instructionsInForm(instructions, { ...recycledAs(sp, home, 100n), uetr: recyclable[1]!.sp.uetr }), null);
  // A cross-currency payment has no other form.
  assert.equal(instructionsInForm(instructions, { ...sp, payee_currency: home }), null);
  // The answer's objects are new: the day completes them in place.
  const told = instructionsInForm(instructions, recycledAs(sp, home, 100n))!;
  assert.notEqual(told[0], instructions[0]);
  assert.equal(instructions[0]!.currency, sp.currency);
});
