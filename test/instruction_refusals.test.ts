// checkInstruction's refusals name the field at fault (src/platform/instruction.ts):
// the fields are read by name and the debtor's and creditor's paths are written
// only for a refusal (issue #18, the demo day's main thread), so each refusal is
// checked here with its path and detail, and an accepted instruction's parties
// and strings as given.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkInstruction, type CheckRules, type SchemeView } from '../src/platform/instruction.js';
import type { Participant } from '../src/platform/types.js';

const PARTS = new Map<string, Participant>(
  [
    ['BANKAAAA', ['CNY']],
    ['BANKBBBB', ['CNY', 'RUB']],
  ].map(([id, currencies]) => [id as string, { id, currencies, suspended: false } as unknown as Participant]),
);
const scheme: SchemeView = { participant: (id) => PARTS.get(id), currencyActive: (c) => c === 'CNY' || c === 'RUB', business_date: '2025-09-01' };
const rules: CheckRules = { rules_version: 14, now_ns: 0n, day: { date: '2025-09-01', state: 'open' } as unknown as CheckRules['day'] };
const UETR = '0a1b2c3d-0000-4000-8000-00000000abcd';

function base(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { uetr: UETR, end_to_end_id: 'E2E-1', payer: 'BANKAAAA', payee: 'BANKBBBB', currency: 'CNY', amount: '10.00', ...extra };
}

function refusal(raw: Record<string, unknown>, at = 'payments[7]'): [string, string] | null {
  const r = checkInstruction(raw, scheme, at, rules);
  return r.ok ? null : [r.rejection.field, r.rejection.detail];
}

test('an accepted instruction keeps its strings and parties as given', () => {
  const r = checkInstruction(
    base({ debtor: { name: 'Ann', country: 'CN', address: 'Road 1' }, creditor: { name: 'Bob' }, purpose: 'GDDS', remittance: 'inv 1', message: 'pacs.008' }),
    scheme,
    'payments[0]',
    rules,
  );
  assert.ok(r.ok);
  assert.deepEqual(r.instruction.debtor, { name: 'Ann', country: 'CN', address: 'Road 1' });
  assert.deepEqual(r.instruction.creditor, { name: 'Bob' });
  assert.equal(r.instruction.end_to_end_id, 'E2E-1');
  assert.equal(r.instruction.payee_currency, 'CNY');
  assert.equal(r.instruction.purpose, 'GDDS');
  assert.equal(r.instruction.remittance, 'inv 1');
  assert.equal(r.instruction.message, 'pacs.008');
  assert.equal(r.instruction.amount_minor, 1000n);
});

test('each refusal names its field: the strings, the parties and the currencies', () => {
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [base({ payer: 7 }), 'payments[7].payer', 'must be a string'],
    [base({ payee: '' }), 'payments[7].payee', 'must not be empty'],
    [base({ end_to_end_id: 'x'.repeat(36) }), 'payments[7].end_to_end_id', 'at most 35 characters'],
    [base({ currency: 'CN\u0001' }), 'payments[7].currency', 'control characters are not allowed'],
    [base({ remittance: 'tab\tand\nnewline\rfine\u000b' }), 'payments[7].remittance', 'control characters are not allowed'],
    [base({ debtor: 'Ann' }), 'payments[7].debtor', 'must be an object'],
    [base({ debtor: null }), 'payments[7].debtor', 'must be an object'],
    [base({ creditor: [] }), 'payments[7].creditor', 'must be an object'],
    [base({ debtor: { name: 'Ann', town: 'X' } }), 'payments[7].debtor.town', 'unknown field'],
    [base({ debtor: {} }), 'payments[7].debtor.name', 'must be a string'],
    [base({ creditor: { name: 'Bob', country: 'CHN' } }), 'payments[7].creditor.country', 'at most 2 characters'],
    [base({ creditor: { name: 'Bob', address: 'a\u0002' } }), 'payments[7].creditor.address', 'control characters are not allowed'],
    [base({ payer: 'BANKBBBB', payee: 'BANKAAAA', currency: 'RUB', payee_currency: 'RUB' }), 'payments[7].payee_currency', 'BANKAAAA holds no RUB account'],
    [base({ currency: 'RUB' }), 'payments[7].currency', 'BANKAAAA holds no RUB account'],
    [base({ currency: 'KZT' }), 'payments[7].currency', 'KZT is not settled on the platform'],
    [base({ payee_currency: 'XXX' }), 'payments[7].payee_currency', 'XXX is not settled on the platform'],
  ];
  for (const [raw, field, detail] of cases) assert.deepEqual(refusal(raw), [field, detail], JSON.stringify(raw));
  // One string's refusal leaves nothing behind for the next (a control character early in a short string after one late in a long one).
  for (let i = 0; i < 2; i++) {
    assert.deepEqual(refusal(base({ remittance: 'abcdefghij\u0001' })), ['payments[7].remittance', 'control characters are not allowed']);
    assert.deepEqual(refusal(base({ currency: '\u0001N' })), ['payments[7].currency', 'control characters are not allowed']);
  }
  // A tab, a line feed and a carriage return are not control characters here.
  assert.equal(refusal(base({ remittance: 'tab\tand\nnewline\r' })), null);
  // The path prefix is the caller's, for the parties too.
  assert.deepEqual(refusal(base({ creditor: { name: 'Bob', nick: 'B' } }), 'x'), ['x.creditor.nick', 'unknown field']);
});
