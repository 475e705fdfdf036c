// checkInstruction's field names (src/platform/instruction.ts): kept as sets for
// the test of every key of every payment (issue #18, the demo day's main thread).
// Under rules 1-2 and 3 each name of its list is accepted, settle_by only from
// rules 3, and the first name outside the list, in the instruction's key order,
// is refused as an unknown field at its path.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkInstruction, type CheckRules, type SchemeView } from '../src/platform/instruction.js';

const FIELDS = [
  'uetr',
  'end_to_end_id',
  'payer',
  'payee',
  'currency',
  'amount',
  'payee_currency',
  'value_date',
  'priority',
  'settlement',
  'fx_provider',
  'quote_id',
  'purpose',
  'remittance',
  'debtor',
  'creditor',
  'message',
];

const scheme: SchemeView = { participant: () => undefined, currencyActive: () => true, business_date: '2025-09-01' };
const UETR = '0a1b2c3d-0000-4000-8000-00000000abcd';

/** The unknown-field refusal's path, or null when the names passed (the instruction may fail later for other reasons). */
function unknownAt(raw: Record<string, unknown>, rules?: CheckRules): string | null {
  const r = checkInstruction(raw, scheme, 'payments[0]', rules);
  return !r.ok && r.rejection.detail === 'unknown field' ? r.rejection.field : null;
}

test('every listed field name passes, settle_by only from rules 3, and the first unknown name is refused at its path', () => {
  const v3: CheckRules = { rules_version: 3, now_ns: 0n, day: null };
  for (const [rules, names] of [
    [undefined, FIELDS],
    [v3, [...FIELDS, 'settle_by']],
  ] as const) {
    for (const k of names) assert.equal(unknownAt({ uetr: UETR, [k]: 'x' }, rules), null, k);
    // Names near the listed ones, and ones every object has, are unknown.
    for (const k of ['Payer', 'payer ', 'amount_minor', 'constructor', 'toString', 'hasOwnProperty', 'settle'])
      assert.equal(unknownAt({ uetr: UETR, payer: 'A', [k]: 'x' }, rules), `payments[0].${k}`, k);
    assert.equal(unknownAt({ uetr: UETR, zeta: 1, alpha: 2 }, rules), 'payments[0].zeta');
  }
  assert.equal(unknownAt({ uetr: UETR, settle_by: '2025-09-01T12:00:00Z' }), 'payments[0].settle_by');
});

test('the first unknown name is the first of Object.keys, whatever the key order, integer-like names and inherited keys', () => {
  const names = fc.oneof(fc.constantFrom(...FIELDS, 'settle_by'), fc.constantFrom('x', '0', '7', 'toString', 'constructor', 'amount2', 'Uetr'));
  const rules3: CheckRules = { rules_version: 3, now_ns: 0n, day: null };
  fc.assert(
    fc.property(fc.uniqueArray(names, { maxLength: 10 }), fc.uniqueArray(names, { maxLength: 3 }), fc.boolean(), (own, inherited, v3) => {
      const proto: Record<string, unknown> = {};
      for (const k of inherited) proto[k] = 'p';
      const raw = Object.create(inherited.length > 0 ? proto : Object.prototype) as Record<string, unknown>;
      raw.uetr = UETR;
      for (const k of own) if (k !== 'uetr') raw[k] = 'v';
      const known = new Set(v3 ? [...FIELDS, 'settle_by'] : FIELDS);
      const first = Object.keys(raw).find((k) => !known.has(k));
      assert.equal(unknownAt(raw, v3 ? rules3 : undefined), first === undefined ? null : `payments[0].${first}`);
    }),
    { numRuns: 1_000 },
  );
});
