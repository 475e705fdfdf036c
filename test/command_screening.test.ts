// submit_payments' screening outcomes as decodeCommand reads them
// (src/platform/commands.ts): each refusal names the outcome's index and field
// (the path is written only for a refusal, issue #18), and an accepted outcome
// is its fields as given, null as null.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCommand } from '../src/platform/commands.js';
import { PlatformError } from '../src/platform/errors.js';

const PAYMENT = { uetr: 'x' };
const GOOD = { hit: false, score: 0.25, list_version: 'v1' };

function refusal(screening: unknown[]): [string, string] | null {
  try {
    decodeCommand({ type: 'submit_payments', payments: screening.map(() => PAYMENT), screening });
    return null;
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    return [err.field, err.message];
  }
}

test('accepted outcomes are their fields as given, null as null', () => {
  const cmd = decodeCommand({
    type: 'submit_payments',
    payments: [PAYMENT, PAYMENT, PAYMENT],
    screening: [GOOD, null, { hit: true, score: 1, list_version: 'v2', detail: 'near "Ann"' }],
  });
  assert.equal(cmd.type, 'submit_payments');
  assert.deepEqual((cmd as { screening: unknown }).screening, [GOOD, null, { hit: true, score: 1, list_version: 'v2', detail: 'near "Ann"' }]);
});

test('each refusal names the outcome and its field', () => {
  const cases: Array<[unknown, string, string]> = [
    ['hit', 'screening[1]', 'must be an object'],
    [[GOOD], 'screening[1]', 'must be an object'],
    [{ ...GOOD, extra: 1 }, 'screening[1].extra', 'unknown field'],
    [{ ...GOOD, hit: 'no' }, 'screening[1].hit', 'must be true or false'],
    [{ ...GOOD, score: 1.5 }, 'screening[1].score', 'must be a number 0..1'],
    [{ ...GOOD, score: Number.NaN }, 'screening[1].score', 'must be a number 0..1'],
    [{ ...GOOD, list_version: '' }, 'screening[1].list_version', 'must not be empty'],
    [{ hit: true, score: 0 }, 'screening[1].list_version', 'must be a string'],
    [{ ...GOOD, detail: 'a\u0007' }, 'screening[1].detail', 'control characters are not allowed'],
    [{ ...GOOD, detail: 'd'.repeat(1001) }, 'screening[1].detail', 'at most 1000 characters'],
  ];
  for (const [bad, field, message] of cases) assert.deepEqual(refusal([GOOD, bad, GOOD]), [field, message], JSON.stringify(bad));
  // The first refused outcome is named, at its own index.
  assert.deepEqual(refusal([GOOD, GOOD, GOOD, { ...GOOD, hit: 1 }, { ...GOOD, score: 7 }]), ['screening[3].hit', 'must be true or false']);
  assert.equal(refusal([GOOD, { ...GOOD, detail: 'fine' }]), null);
});
