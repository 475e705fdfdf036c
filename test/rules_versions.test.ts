// Rules versions in use: a command runs under the version its journal entry
// records, so a rule that changed keeps its old form callable for old entries.
// Version 2 (the first change): a rejected instruction keeps its instructed
// amount; under version 1 the record held 0.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingLedger } from '../src/journal/command.js';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { MemoryStore } from '../src/store/memory.js';
import { Platform } from '../src/platform/platform.js';
import { PlatformStateMachine } from '../src/platform/state_machine.js';
import { BANKS, BUSINESS_DATE, CB, DAY_START_NS, payment, setupScheme, TestClock } from './support/platform.js';

/** Runs commands on a fresh platform state machine under one rules version; returns the state. */
function runUnder(rules_version: number, commands: Record<string, unknown>[]): PlatformStateMachine {
  const sm = new PlatformStateMachine();
  const ledger = new LedgerStateMachine();
  let now = DAY_START_NS;
  for (const c of commands) {
    now += 1_000n;
    const out = JSON.parse(sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), now, new RecordingLedger(ledger, now), rules_version).text) as {
      ok: boolean;
      error?: unknown;
    };
    assert.equal(out.ok, true, JSON.stringify(out.error));
  }
  return sm;
}

const SCHEME = [
  { type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: "People's Bank of China", country: 'CN', currencies: ['CNY'] },
  { type: 'register_participant', id: BANKS[0], kind: 'bank', name: 'Bank of China', country: 'CN', currencies: ['CNY'] },
  { type: 'register_participant', id: BANKS[1], kind: 'bank', name: 'ICBC', country: 'CN', currencies: ['CNY'] },
  { type: 'open_day', date: BUSINESS_DATE, default_cutoff: '17:00' },
];

test('the binary runs rules 1 to 22, and 22 is current', () => {
  assert.deepEqual({ ...new PlatformStateMachine().rules_versions }, { oldest: 1, current: 22 });
});

test('a rejected instruction keeps its amount under rules 2; under rules 1 it replays as it ran (0)', () => {
  const late = payment(BANKS[0], BANKS[1], 'CNY', '12.34', { value_date: '2025-09-02' });
  const wrongCurrency = payment(BANKS[0], BANKS[1], 'USD', '5.5');
  const submit = { type: 'submit_payments', payments: [late, wrongCurrency] };
  const v1 = runUnder(1, [...SCHEME, submit]);
  const v2 = runUnder(2, [...SCHEME, submit]);
  for (const sm of [v1, v2]) {
    assert.equal(sm.payments.get(late.uetr as string)!.state, 'rejected');
    assert.equal(sm.payments.get(late.uetr as string)!.history.at(-1)!.reason, 'DT01');
    assert.equal(sm.payments.get(wrongCurrency.uetr as string)!.history.at(-1)!.reason, 'AM03');
  }
  assert.equal(v1.payments.get(late.uetr as string)!.instruction.amount_minor, 0n);
  assert.equal(v1.payments.get(wrongCurrency.uetr as string)!.instruction.amount_minor, 0n);
  const kept = v2.payments.get(late.uetr as string)!.instruction;
  assert.equal(kept.amount_minor, 1234n);
  assert.equal(kept.currency, 'CNY');
  assert.equal(kept.value_date, '2025-09-02');
  // USD is not settled here, but it is ISO 4217: its amount reads in cents.
  assert.equal(v2.payments.get(wrongCurrency.uetr as string)!.instruction.amount_minor, 550n);
});

test('an amount that does not read is kept as 0 under rules 2 (no guess)', () => {
  const bad = [payment(BANKS[0], BANKS[1], 'CNY', '1.234'), payment(BANKS[0], BANKS[1], 'XXQ', '1'), payment(BANKS[0], BANKS[1], 'CNY', '-5')];
  const sm = runUnder(2, [...SCHEME, { type: 'submit_payments', payments: bad }]);
  for (const p of bad) {
    assert.equal(sm.payments.get(p.uetr as string)!.state, 'rejected');
    assert.equal(sm.payments.get(p.uetr as string)!.instruction.amount_minor, 0n);
  }
});

test('through the facade, a rejected payment shows what was asked', async () => {
  const clock = new TestClock();
  const p = await Platform.open(new MemoryStore(), { clock: clock.read });
  try {
    await setupScheme(p);
    const late = payment(BANKS[0], BANKS[1], 'CNY', '99.99', { value_date: '2025-08-29' });
    await p.execute({ type: 'submit_payments', payments: [late] });
    const shown = p.payment(late.uetr as string)!;
    assert.equal(shown.state, 'rejected');
    assert.equal(shown.instruction.amount_minor, 9999n);
    assert.equal(shown.instruction.value_date, '2025-08-29');
  } finally {
    await p.close();
  }
});
