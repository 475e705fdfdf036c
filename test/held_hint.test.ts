// The demo's balance hint to its prepare workers (src/demo/day.ts heldNow): the
// platform's availableMinor is the balance view's available_minor for every
// participant and currency (central banks' issuing accounts too), and the hint's
// keys, made once per participant, follow a change of its currencies.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../src/store/memory.js';
import { BANKS, openPlatform, payment, setupScheme } from './support/platform.js';
import { heldKeysOf } from '../src/demo/day.js';
import type { Platform } from '../src/platform/platform.js';
import type { Participant } from '../src/platform/types.js';

const [A, B, C] = BANKS;

function assertAvailableAgrees(p: Platform): number {
  let n = 0;
  for (const part of p.participants()) {
    for (const c of part.currencies) {
      assert.equal(p.availableMinor(part, c), p.balance(part, c).available_minor, `${part.id} ${c}`);
      n++;
    }
  }
  return n;
}

test('availableMinor is the balance view available_minor, issuing accounts and queued payments included', async () => {
  const { platform: p } = await openPlatform(new MemoryStore());
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    await p.run({ type: 'fund', participant: C, currency: 'RUB', amount: '250.00' });
    await p.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '600.00'), payment(A, B, 'CNY', '700.00'), payment(C, BANKS[3], 'RUB', '30.05')] });
    const checked = assertAvailableAgrees(p);
    // Every participant's every currency, the three central banks among them.
    assert.equal(checked, 13);
    const cb = p.participants().find((x) => x.issues === 'CNY')!;
    // The central bank's issuing account: its net debit, the money it issued.
    assert.equal(p.availableMinor(cb, 'CNY'), 100_000n);
    assert.equal(p.availableMinor(p.participant(A)!, 'CNY'), 40_000n);
  } finally {
    await p.close();
  }
});

test('the hint keys are bic:currency in the order of the participant currencies, made again when they change', () => {
  const part = { id: 'BANKAAAA', currencies: ['CNY'] } as unknown as Participant;
  assert.deepEqual(heldKeysOf(part), ['BANKAAAA:CNY']);
  assert.deepEqual(heldKeysOf(part), ['BANKAAAA:CNY']);
  part.currencies.push('RUB');
  assert.deepEqual(heldKeysOf(part), ['BANKAAAA:CNY', 'BANKAAAA:RUB']);
  part.currencies[1] = 'KZT';
  assert.deepEqual(heldKeysOf(part), ['BANKAAAA:CNY', 'BANKAAAA:KZT']);
  // Another participant object with the same currencies has its own keys.
  const other = { id: 'BANKBBBB', currencies: part.currencies } as unknown as Participant;
  assert.deepEqual(heldKeysOf(other), ['BANKBBBB:CNY', 'BANKBBBB:KZT']);
});
