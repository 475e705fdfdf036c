// The warehouse (rules version 3): a payment that misses its business day (after
// its currency's cut-off, still queued or held at the close, a later value date)
// waits for the next business day instead of being rejected CUTO, and settles
// then exactly once — across a close, a reopen of the store and a replay; CUTO is
// left for the sender's settle_by (reject if not settled by then). Rules 1 and 2
// still reject CUTO as they did.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { businessDaysAfter, isBusinessDay, nextBusinessDay, parseSettleBy, settleByText } from '../src/clearing/warehouse.js';
import { RecordingLedger } from '../src/journal/command.js';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { Platform } from '../src/platform/platform.js';
import { PlatformStateMachine, uetrBits } from '../src/platform/state_machine.js';
import { makeBackend } from './support/backends.js';
import { BANKS, BUSINESS_DATE, CB, DAY_START_NS, payment, setupScheme, TestClock } from './support/platform.js';

const A = BANKS[0];
const B = BANKS[1];
const NEXT_DATE = '2025-09-02'; // BUSINESS_DATE is Monday 2025-09-01

type Result = { payments: Array<{ uetr: string | null; state: string; reason?: string; field?: string; detail?: string }> };

function at(clock: TestClock, date: string, hhmm: string): void {
  clock.now_ns = BigInt(Date.parse(`${date}T${hhmm}:00Z`)) * 1_000_000n;
}

/** Ledger transfers that carry the payment's UETR (its settlement legs). */
function transfersOf(p: Platform, uetr: string): number {
  const bits = uetrBits(uetr);
  return [...Platform.internals(p).ledger.state.transfersInOrder()].filter((t) => t.user_data_128 === bits).length;
}

function conserved(p: Platform): void {
  for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor, `value conserved in ${c.currency}`);
}

/** A SQLite store in a temp dir: `open` opens the platform on it (again), `verify` replays the closed store's journal. */
async function withStore(fn: (open: () => Promise<Platform>, clock: TestClock, verify: () => Promise<void>) => Promise<void>): Promise<void> {
  const backend = makeBackend('sqlite');
  const clock = new TestClock();
  const verify = async (): Promise<void> => {
    const store = await backend.open();
    try {
      const r = await Platform.verify(store);
      assert.equal(r.ok, true, r.problem ?? '');
    } finally {
      await store.close();
    }
  };
  try {
    await fn(async () => Platform.open(await backend.open(), { clock: clock.read }), clock, verify);
  } finally {
    await backend.cleanup();
  }
}

// ---- the calendar and settle_by, pure -------------------------------------------------------

test('the next business day is the next Monday to Friday; the count of business days skips weekends', () => {
  assert.equal(nextBusinessDay('2025-09-01', 'CNY'), '2025-09-02');
  assert.equal(nextBusinessDay('2025-09-05', 'CNY'), '2025-09-08'); // Friday → Monday
  assert.equal(nextBusinessDay('2025-09-06', 'RUB'), '2025-09-08'); // Saturday → Monday
  assert.equal(nextBusinessDay('2025-12-31', 'CNY'), '2026-01-01');
  assert.equal(isBusinessDay('2025-09-07', 'CNY'), false);
  assert.equal(businessDaysAfter('2025-09-01', '2025-09-15', 'CNY', 10), 10);
  assert.equal(businessDaysAfter('2025-09-01', '2025-09-16', 'CNY', 10), 11);
  assert.equal(businessDaysAfter('2025-09-01', '2025-09-01', 'CNY', 10), 0);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 20_000 }), (n) => {
      const d = new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
      const next = nextBusinessDay(d, 'CNY');
      assert.ok(next > d && isBusinessDay(next, 'CNY'));
      assert.equal(businessDaysAfter(d, next, 'CNY', 10), 1);
    }),
  );
});

test('settle_by reads ISO 8601 date-times with a zone, exactly to the nanosecond', () => {
  const noon = BigInt(Date.parse('2025-09-01T12:00:00Z')) * 1_000_000n;
  assert.equal(parseSettleBy('2025-09-01T12:00:00Z'), noon);
  assert.equal(parseSettleBy('2025-09-01T12:00Z'), noon);
  assert.equal(parseSettleBy('2025-09-01T15:00:00+03:00'), noon);
  assert.equal(parseSettleBy('2025-09-01T07:30:00-04:30'), noon);
  assert.equal(parseSettleBy('2025-09-01T12:00:00.000000001Z'), noon + 1n);
  for (const bad of ['2025-09-01T12:00:00', '2025-09-01 12:00Z', '2025-02-30T12:00Z', '2025-09-01T24:00Z', 'tomorrow', '2025-09-01T12:00:00.1234567891Z', ''])
    assert.equal(parseSettleBy(bad), null, bad);
  assert.equal(settleByText(noon + 1n), '2025-09-01T12:00:00.000000001Z');
  assert.equal(settleByText(noon), '2025-09-01T12:00:00Z');
});

// ---- rules 3 through the platform ----------------------------------------------------------

test('after the cut-off a payment is warehoused (PDNG CUTO), not rejected, and settles once when the next day opens', async () => {
  await withStore(async (open, clock, verify) => {
    let p = await open();
    await setupScheme(p, { cutoff: '16:00' });
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    clock.at('16:30');
    const late = payment(A, B, 'CNY', '40.00');
    const r = await p.run<Result>({ type: 'submit_payments', payments: [late] });
    assert.deepEqual(r.payments[0], { uetr: late.uetr, state: 'warehoused', reason: 'CUTO' });
    const pay = p.payment(late.uetr as string)!;
    assert.equal(pay.instruction.value_date, NEXT_DATE);
    assert.match(pay.history.at(-1)!.detail!, /after the CNY cut-off: warehoused to the next business day 2025-09-02/);
    assert.equal(transfersOf(p, late.uetr as string), 0);
    const close = await p.run<{ rejected_at_close: number; warehoused_at_close: number; day: { warehoused: number } }>({ type: 'close_day' });
    assert.equal(close.rejected_at_close, 0);
    assert.equal(close.warehoused_at_close, 0);
    assert.equal(close.day.warehoused, 1, 'the day counts what it warehoused');
    // A store reopen (replay of the journal) between the close and the next day.
    await p.close();
    p = await open();
    assert.equal(p.payment(late.uetr as string)!.state, 'warehoused');
    at(clock, NEXT_DATE, '08:00');
    const day = await p.run<{ released_from_warehouse: number }>({ type: 'open_day', date: NEXT_DATE, default_cutoff: '16:00' });
    assert.equal(day.released_from_warehouse, 1);
    assert.equal(p.payment(late.uetr as string)!.state, 'settled');
    assert.equal(transfersOf(p, late.uetr as string), 1);
    conserved(p);
    await p.run({ type: 'close_day' });
    at(clock, '2025-09-03', '08:00');
    await p.run({ type: 'open_day', date: '2025-09-03', default_cutoff: '16:00' });
    await p.close();
    p = await open();
    const settled = p.payment(late.uetr as string)!;
    assert.equal(settled.history.filter((h) => h.state === 'settled').length, 1, 'settled exactly once');
    assert.equal(transfersOf(p, late.uetr as string), 1);
    await p.close();
    await verify();
  });
});

test('queued at the close: warehoused, not rejected; the next day it settles in arrival order, once, across a store reopen', async () => {
  await withStore(async (open, clock, verify) => {
    let p = await open();
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '10.00' });
    const first = payment(A, B, 'CNY', '60.00');
    const second = payment(A, B, 'CNY', '50.00');
    const r = await p.run<Result>({ type: 'submit_payments', payments: [first, second] });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['queued', 'queued'],
    );
    clock.at('18:00');
    const out = await p.execute({ type: 'close_day' });
    const close = out.result as { rejected_at_close: number; warehoused_at_close: number; day: { warehoused: number } };
    assert.equal(close.rejected_at_close, 0);
    assert.equal(close.warehoused_at_close, 2);
    assert.equal(close.day.warehoused, 2);
    assert.deepEqual(
      out.changes.map((c) => [c.uetr, c.state, c.reason]),
      [
        [first.uetr, 'warehoused', 'CUTO'],
        [second.uetr, 'warehoused', 'CUTO'],
      ],
    );
    assert.equal(Platform.internals(p).state.allQueued().length, 0);
    conserved(p);
    await p.close();
    p = await open();
    at(clock, NEXT_DATE, '08:00');
    // 100.00 covers both: they settle in arrival order at the opening (60 first, then 50).
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const opened = await p.execute({ type: 'open_day', date: NEXT_DATE, default_cutoff: '17:00' });
    assert.ok(opened.ok, JSON.stringify(opened.error));
    const settledOrder = opened.changes.filter((c) => c.state === 'settled').map((c) => c.uetr);
    assert.deepEqual(settledOrder, [first.uetr, second.uetr]);
    for (const u of [first.uetr as string, second.uetr as string]) {
      assert.equal(p.payment(u)!.state, 'settled');
      assert.equal(transfersOf(p, u), 1);
      assert.equal(p.payment(u)!.instruction.value_date, NEXT_DATE);
    }
    conserved(p);
    await p.close();
    p = await open();
    await p.run({ type: 'close_day' });
    for (const u of [first.uetr as string, second.uetr as string]) assert.equal(p.payment(u)!.history.filter((h) => h.state === 'settled').length, 1);
    await p.close();
    await verify();
  });
});

test('warehoused payments wait without liquidity the next day: they queue, and are warehoused again at its close', async () => {
  await withStore(async (open, clock) => {
    const p = await open();
    await setupScheme(p);
    const pay = payment(A, B, 'CNY', '60.00');
    await p.run({ type: 'submit_payments', payments: [pay] });
    await p.run({ type: 'close_day' });
    at(clock, NEXT_DATE, '08:00');
    await p.run({ type: 'open_day', date: NEXT_DATE, default_cutoff: '17:00' });
    assert.equal(p.payment(pay.uetr as string)!.state, 'queued');
    at(clock, NEXT_DATE, '18:00');
    await p.run({ type: 'close_day' });
    assert.equal(p.payment(pay.uetr as string)!.state, 'warehoused');
    assert.equal(p.payment(pay.uetr as string)!.instruction.value_date, '2025-09-03');
    await p.close();
  });
});

test('settle_by: rejected CUTO when the clock passes it unsettled (at the next command), and only then', async () => {
  await withStore(async (open, clock) => {
    const p = await open();
    await setupScheme(p);
    const noon = payment(A, B, 'CNY', '60.00', { settle_by: '2025-09-01T12:00:00Z' });
    const plain = payment(A, B, 'CNY', '1.00');
    const tomorrow = payment(A, B, 'CNY', '70.00', { settle_by: '2025-09-02T12:00:00+00:00' });
    const r = await p.run<Result>({ type: 'submit_payments', payments: [noon, plain, tomorrow] });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['queued', 'queued', 'queued'],
    );
    clock.at('11:59');
    await p.run({ type: 'run_lsm', currency: 'CNY' });
    assert.equal(p.payment(noon.uetr as string)!.state, 'queued', 'not yet passed');
    clock.at('12:01');
    const out = await p.execute({ type: 'run_lsm', currency: 'CNY' });
    assert.deepEqual(
      out.changes.map((c) => [c.uetr, c.state, c.reason]),
      [[noon.uetr, 'rejected', 'CUTO']],
    );
    assert.match(out.changes[0]!.detail!, /settle_by 2025-09-01T12:00:00Z \(reject if not settled\)/);
    // At the close: the payment without settle_by and the one whose settle_by is tomorrow are warehoused.
    clock.at('18:00');
    await p.run({ type: 'close_day' });
    assert.equal(p.payment(plain.uetr as string)!.state, 'warehoused');
    assert.equal(p.payment(tomorrow.uetr as string)!.state, 'warehoused');
    at(clock, NEXT_DATE, '08:00');
    await p.run({ type: 'open_day', date: NEXT_DATE, default_cutoff: '17:00' });
    assert.equal(p.payment(tomorrow.uetr as string)!.state, 'queued');
    at(clock, NEXT_DATE, '12:30');
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '0.50' });
    // The settle_by passed before the funding could help: rejected first, then the queue re-examined.
    assert.equal(p.payment(tomorrow.uetr as string)!.state, 'rejected');
    assert.equal(p.payment(tomorrow.uetr as string)!.history.at(-1)!.reason, 'CUTO');
    assert.equal(p.payment(plain.uetr as string)!.state, 'queued');
    // Only payments with settle_by were rejected CUTO.
    for (const pay of p.everyPayment())
      if (pay.state === 'rejected') assert.ok(pay.instruction.settle_by_ns !== undefined, `${pay.instruction.uetr} CUTO without settle_by`);
    conserved(p);
    await p.close();
  });
});

test('settle_by at the close and after the cut-off: rejected CUTO at once when the next business day starts after it', async () => {
  await withStore(async (open, clock) => {
    const p = await open();
    await setupScheme(p, { cutoff: '16:00' });
    const queued = payment(A, B, 'CNY', '60.00', { settle_by: '2025-09-01T23:00:00Z' });
    await p.run({ type: 'submit_payments', payments: [queued] });
    clock.at('16:30');
    const late = payment(A, B, 'CNY', '1.00', { settle_by: '2025-09-01T20:00:00Z' });
    const r = await p.run<Result>({ type: 'submit_payments', payments: [late] });
    assert.equal(r.payments[0]!.state, 'rejected');
    assert.equal(r.payments[0]!.reason, 'CUTO');
    assert.match(p.payment(late.uetr as string)!.history.at(-1)!.detail!, /cannot settle before 2025-09-02/);
    const close = await p.run<{ rejected_at_close: number; warehoused_at_close: number }>({ type: 'close_day' });
    assert.equal(close.rejected_at_close, 1);
    assert.equal(close.warehoused_at_close, 0);
    assert.equal(p.payment(queued.uetr as string)!.history.at(-1)!.reason, 'CUTO');
    await p.close();
  });
});

test('settle_by is checked: format (FF01), not in the past, not before the value date, not too far (DT01); field named', async () => {
  await withStore(async (open, clock) => {
    const p = await open();
    await setupScheme(p);
    clock.at('10:00');
    const cases: Array<[unknown, string, RegExp]> = [
      ['2025-09-01T15:00:00', 'FF01', /ISO 8601 date-time with a zone/],
      ['15:00', 'FF01', /ISO 8601/],
      [1_756_738_800, 'FF01', /must be a string/],
      ['2025-09-01T09:00:00Z', 'DT01', /is in the past/],
      ['2025-08-29T23:00:00Z', 'DT01', /in the past/],
      ['2025-09-12T00:00:00Z', 'DT01', /more than 10 days after the end of the value date 2025-09-01/],
      ['x'.repeat(36), 'FF01', /at most 35 characters/],
    ];
    const payments = cases.map(([v]) => payment(A, B, 'CNY', '1.00', { settle_by: v }));
    const r = await p.run<Result>({ type: 'submit_payments', payments });
    cases.forEach(([v, code, why], i) => {
      const got = r.payments[i]!;
      assert.equal(got.state, 'rejected', String(v));
      assert.equal(got.reason, code, String(v));
      assert.equal(got.field, `payments[${i}].settle_by`, String(v));
      assert.match(got.detail ?? p.payment(got.uetr!)!.history.at(-1)!.detail!, why);
    });
    const future = payment(A, B, 'CNY', '1.00', { value_date: '2025-09-03', settle_by: '2025-09-02T12:00:00Z' });
    const before = await p.run<Result>({ type: 'submit_payments', payments: [future] });
    assert.equal(before.payments[0]!.reason, 'DT01');
    assert.match(p.payment(future.uetr as string)!.history.at(-1)!.detail!, /before the value date 2025-09-03/);
    const ok = payment(A, B, 'CNY', '1.00', { settle_by: '2025-09-11T23:59:59.999999999Z' });
    assert.equal((await p.run<Result>({ type: 'submit_payments', payments: [ok] })).payments[0]!.state, 'queued');
    assert.equal(
      (p.payment(ok.uetr as string)! as { instruction: { settle_by_ns?: bigint } }).instruction.settle_by_ns,
      parseSettleBy('2025-09-11T23:59:59.999999999Z'),
    );
    await p.close();
  });
});

test('a future value date within 10 business days is warehoused (PDNG, no reason) and settles on that day; else DT01', async () => {
  await withStore(async (open, clock) => {
    const p = await open();
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const ahead = payment(A, B, 'CNY', '5.00', { value_date: '2025-09-03' });
    const tenth = payment(A, B, 'CNY', '5.00', { value_date: '2025-09-15' });
    const r = await p.run<Result>({
      type: 'submit_payments',
      payments: [
        ahead,
        tenth,
        payment(A, B, 'CNY', '5.00', { value_date: '2025-09-16' }),
        payment(A, B, 'CNY', '5.00', { value_date: '2025-09-06' }),
        payment(A, B, 'CNY', '5.00', { value_date: '2025-08-29' }),
        payment(A, B, 'CNY', '5.00', { value_date: '2025-9-3' }),
      ],
    });
    assert.deepEqual(
      r.payments.map((x) => [x.state, x.reason]),
      [
        ['warehoused', undefined],
        ['warehoused', undefined],
        ['rejected', 'DT01'],
        ['rejected', 'DT01'],
        ['rejected', 'DT01'],
        ['rejected', 'DT01'],
      ],
    );
    assert.match(p.payment(r.payments[2]!.uetr!)!.history.at(-1)!.detail!, /more than 10 business days after 2025-09-01/);
    assert.match(p.payment(r.payments[3]!.uetr!)!.history.at(-1)!.detail!, /not a business day/);
    await p.run({ type: 'close_day' });
    at(clock, NEXT_DATE, '08:00');
    const d2 = await p.run<{ released_from_warehouse: number }>({ type: 'open_day', date: NEXT_DATE, default_cutoff: '17:00' });
    assert.equal(d2.released_from_warehouse, 0, 'not due yet');
    assert.equal(p.payment(ahead.uetr as string)!.state, 'warehoused');
    await p.run({ type: 'close_day' });
    at(clock, '2025-09-03', '08:00');
    await p.run({ type: 'open_day', date: '2025-09-03', default_cutoff: '17:00' });
    assert.equal(p.payment(ahead.uetr as string)!.state, 'settled');
    assert.equal(p.payment(tenth.uetr as string)!.state, 'warehoused');
    assert.equal(transfersOf(p, ahead.uetr as string), 1);
    // Cancelled while warehoused: it never settles.
    const c = await p.execute({ type: 'cancel_payment', uetr: tenth.uetr as string });
    assert.ok(c.ok, JSON.stringify(c.error));
    assert.equal(p.payment(tenth.uetr as string)!.state, 'cancelled');
    conserved(p);
    await p.close();
  });
});

test('between days a payment is warehoused to the next business day; before the first day it is DT01', async () => {
  await withStore(async (open, clock) => {
    const p = await open();
    await p.run({ type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: 'PBOC', country: 'CN', currencies: ['CNY'] });
    await p.run({ type: 'register_participant', id: A, kind: 'bank', name: 'A', country: 'CN', currencies: ['CNY'] });
    await p.run({ type: 'register_participant', id: B, kind: 'bank', name: 'B', country: 'CN', currencies: ['CNY'] });
    const none = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '1.00')] });
    assert.equal(none.payments[0]!.reason, 'DT01');
    await p.run({ type: 'open_day', date: '2025-09-05', default_cutoff: '17:00' }); // a Friday
    await p.run({ type: 'close_day' });
    clock.at('20:00');
    const after = payment(A, B, 'CNY', '1.00');
    const r = await p.run<Result>({ type: 'submit_payments', payments: [after] });
    assert.deepEqual(r.payments[0], { uetr: after.uetr, state: 'warehoused', reason: 'CUTO' });
    assert.equal(p.payment(after.uetr as string)!.instruction.value_date, '2025-09-08');
    await p.close();
  });
});

test('held at the close: the payment stays held (case open), its value date moves on, and no text names the case', async () => {
  await withStore(async (open, clock) => {
    const p = await open();
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const pay = payment(A, B, 'CNY', '10.00');
    await p.run({ type: 'submit_payments', payments: [pay], screening: [{ hit: true, score: 0.9, list_version: 'test-1' }] });
    assert.equal(p.payment(pay.uetr as string)!.state, 'held');
    const caseId = p.payment(pay.uetr as string)!.case_id!;
    clock.at('18:00');
    const close = await p.execute({ type: 'close_day' });
    const result = close.result as { rejected_at_close: number; held_at_close: number };
    assert.equal(result.rejected_at_close, 0);
    assert.equal(result.held_at_close, 1);
    const held = p.payment(pay.uetr as string)!;
    assert.equal(held.state, 'held');
    assert.equal(held.instruction.value_date, NEXT_DATE);
    for (const ev of close.changes) assert.doesNotMatch(`${ev.reason ?? ''} ${ev.detail ?? ''}`, /case/);
    at(clock, NEXT_DATE, '09:00');
    await p.run({ type: 'open_day', date: NEXT_DATE, default_cutoff: '17:00' });
    assert.equal(p.payment(pay.uetr as string)!.state, 'held', 'a held payment is not released by the opening');
    await p.run({ type: 'decide_case', case_id: caseId, decision: 'release', note: 'ok' }, 'officer1');
    await p.run({ type: 'decide_case', case_id: caseId, decision: 'release', note: 'ok' }, 'officer2');
    assert.equal(p.payment(pay.uetr as string)!.state, 'settled');
    assert.equal(transfersOf(p, pay.uetr as string), 1);
    conserved(p);
    await p.close();
  });
});

test('held: a later value date is kept at the close; released after a day that was not opened, it settles that day', async () => {
  await withStore(async (open, clock) => {
    const p = await open();
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const hit = { hit: true, score: 0.9, list_version: 'test-1' };
    const later = payment(A, B, 'CNY', '10.00', { value_date: '2025-09-04' });
    const today = payment(A, B, 'CNY', '20.00');
    await p.run({ type: 'submit_payments', payments: [later, today], screening: [hit, hit] });
    await p.run({ type: 'close_day' });
    assert.equal(p.payment(later.uetr as string)!.instruction.value_date, '2025-09-04', 'not moved earlier');
    assert.equal(p.payment(today.uetr as string)!.instruction.value_date, NEXT_DATE);
    // The operator skips 2025-09-02 and opens 2025-09-03: the one meant for the 2nd settles on the 3rd when released.
    at(clock, '2025-09-03', '08:00');
    await p.run({ type: 'open_day', date: '2025-09-03', default_cutoff: '17:00' });
    for (const pay of [today, later]) {
      const id = p.payment(pay.uetr as string)!.case_id!;
      await p.run({ type: 'decide_case', case_id: id, decision: 'release', note: '' }, 'officer1');
      await p.run({ type: 'decide_case', case_id: id, decision: 'release', note: '' }, 'officer2');
    }
    assert.equal(p.payment(today.uetr as string)!.state, 'settled');
    assert.equal(p.payment(today.uetr as string)!.instruction.value_date, '2025-09-03');
    assert.equal(p.payment(later.uetr as string)!.state, 'warehoused');
    assert.equal(p.payment(later.uetr as string)!.instruction.value_date, '2025-09-04');
    await p.close();
  });
});

test('snapshots: a store reopened from a snapshot with warehoused payments and settle_bys behaves as one replayed', async () => {
  const backend = makeBackend('sqlite');
  const clock = new TestClock();
  const open = async () => Platform.open(await backend.open(), { clock: clock.read, snapshot_min_events: 1 });
  try {
    let p = await open();
    await setupScheme(p);
    const by = payment(A, B, 'CNY', '60.00', { settle_by: '2025-09-02T09:00:00Z' });
    const plain = payment(A, B, 'CNY', '50.00');
    await p.run({ type: 'submit_payments', payments: [by, plain] });
    await p.run({ type: 'close_day' });
    await p.close();
    p = await open();
    at(clock, NEXT_DATE, '08:00');
    await p.run({ type: 'open_day', date: NEXT_DATE, default_cutoff: '17:00' });
    assert.deepEqual([p.payment(by.uetr as string)!.state, p.payment(plain.uetr as string)!.state], ['queued', 'queued']);
    await p.close();
    p = await open(); // the settle_by index is rebuilt from the snapshot's payments
    at(clock, NEXT_DATE, '09:30');
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '55.00' });
    assert.equal(p.payment(by.uetr as string)!.history.at(-1)!.reason, 'CUTO');
    assert.equal(p.payment(plain.uetr as string)!.state, 'settled', 'FIFO moves on once the first is rejected');
    await p.close();
    const store = await backend.open();
    const r = await Platform.verify(store);
    await store.close();
    assert.equal(r.ok, true, r.problem ?? '');
  } finally {
    await backend.cleanup();
  }
});

// ---- rules 1 and 2 replay as they ran -------------------------------------------------------

/** Runs commands on a fresh state machine under one rules version, at the times given (default: 1 µs apart from 06:00). */
function runUnder(rules_version: number, commands: Array<Record<string, unknown> & { at?: string }>): { sm: PlatformStateMachine; outs: unknown[] } {
  const sm = new PlatformStateMachine();
  const ledger = new LedgerStateMachine();
  let now = DAY_START_NS;
  const outs: unknown[] = [];
  for (const { at: when, ...c } of commands) {
    now = when === undefined ? now + 1_000n : BigInt(Date.parse(when)) * 1_000_000n;
    outs.push(JSON.parse(sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), now, new RecordingLedger(ledger, now), rules_version).text));
  }
  return { sm, outs };
}

const SCHEME = [
  { type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: 'PBOC', country: 'CN', currencies: ['CNY'] },
  { type: 'register_participant', id: A, kind: 'bank', name: 'A', country: 'CN', currencies: ['CNY'] },
  { type: 'register_participant', id: B, kind: 'bank', name: 'B', country: 'CN', currencies: ['CNY'] },
  { type: 'open_day', date: BUSINESS_DATE, default_cutoff: '16:00' },
];

test('rules 1 and 2: late and queued-at-close payments are still rejected CUTO; held ones name their case; no settle_by', () => {
  const queued = payment(A, B, 'CNY', '5.00');
  const held = payment(A, B, 'CNY', '6.00');
  const late = payment(A, B, 'CNY', '7.00');
  const withBy = payment(A, B, 'CNY', '8.00', { settle_by: '2025-09-01T12:00:00Z' });
  const future = payment(A, B, 'CNY', '9.00', { value_date: NEXT_DATE });
  const commands = [
    ...SCHEME,
    { type: 'submit_payments', payments: [queued, held, withBy, future], screening: [null, { hit: true, score: 0.9, list_version: 'x' }, null, null] },
    { type: 'submit_payments', payments: [late], at: '2025-09-01T16:30:00Z' },
    { type: 'close_day', at: '2025-09-01T18:00:00Z' },
  ];
  for (const v of [1, 2]) {
    const { sm, outs } = runUnder(v, commands);
    const last = (u: unknown) => sm.payments.get(u as string)!.history.at(-1)!;
    assert.equal(last(late.uetr).reason, 'CUTO');
    assert.equal(last(queued.uetr).reason, 'CUTO');
    assert.equal(last(held.uetr).reason, 'CUTO');
    assert.match(last(held.uetr).detail!, /held by compliance case 1 at the close/);
    assert.equal(last(withBy.uetr).reason, 'FF01');
    assert.equal(last(withBy.uetr).detail, 'unknown field');
    assert.equal(last(future.uetr).reason, 'DT01');
    const close = (outs.at(-1) as { result: Record<string, unknown> }).result;
    assert.equal(close.rejected_at_close, 2);
    assert.equal('warehoused_at_close' in close, false);
    assert.equal('warehoused' in (close.day as object), false);
  }
  const { sm } = runUnder(3, commands);
  assert.equal(sm.payments.get(late.uetr as string)!.state, 'warehoused');
  assert.equal(sm.payments.get(queued.uetr as string)!.state, 'warehoused');
  assert.equal(sm.payments.get(held.uetr as string)!.state, 'held');
  assert.equal(sm.payments.get(withBy.uetr as string)!.history.at(-1)!.reason, 'CUTO');
  assert.equal(sm.payments.get(future.uetr as string)!.state, 'warehoused');
});

// ---- a property: across days, stores and replays --------------------------------------------

test('property: random payments over two days with a close, a store reopen and a replay — conserved, nothing settles twice, CUTO only with settle_by', async () => {
  const op = fc.record({
    from: fc.nat(1),
    amount: fc.integer({ min: 1, max: 9_000 }),
    settle_by_h: fc.option(fc.integer({ min: 1, max: 40 }), { nil: undefined }),
    future: fc.boolean(),
    fund: fc.integer({ min: 0, max: 5_000 }),
    hour: fc.integer({ min: 7, max: 19 }),
  });
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.array(op, { maxLength: 8 }), async (day1, day2) => {
      await withStore(async (open, clock, verify) => {
        let p = await open();
        await setupScheme(p, { cutoff: '16:00' });
        const run = async (date: string, ops: typeof day1): Promise<void> => {
          for (const o of [...ops].sort((x, y) => x.hour - y.hour)) {
            at(clock, date, `${String(o.hour).padStart(2, '0')}:00`);
            const [payer, payee] = o.from === 0 ? [A, B] : [B, A];
            if (o.fund > 0) await p.run({ type: 'fund', participant: payer, currency: 'CNY', amount: (o.fund / 100).toFixed(2) });
            const extra: Record<string, unknown> = {};
            if (o.future) extra.value_date = nextBusinessDay(date, 'CNY');
            if (o.settle_by_h !== undefined) extra.settle_by = new Date(Number(clock.now_ns / 1_000_000n) + o.settle_by_h * 3_600_000 + 60_000).toISOString();
            await p.execute({ type: 'submit_payments', payments: [payment(payer, payee, 'CNY', (o.amount / 100).toFixed(2), extra)] });
            conserved(p);
          }
        };
        await run(BUSINESS_DATE, day1);
        at(clock, BUSINESS_DATE, '20:00');
        await p.run({ type: 'close_day' });
        await p.close();
        p = await open();
        at(clock, NEXT_DATE, '06:30');
        await p.run({ type: 'open_day', date: NEXT_DATE, default_cutoff: '16:00' });
        for (const pay of p.everyPayment()) if (pay.state === 'warehoused') assert.ok(pay.instruction.value_date > NEXT_DATE, 'due ones left the warehouse');
        await run(NEXT_DATE, day2);
        at(clock, NEXT_DATE, '20:00');
        await p.run({ type: 'close_day' });
        conserved(p);
        for (const pay of p.everyPayment()) {
          const settles = pay.history.filter((h) => h.state === 'settled').length;
          assert.ok(settles <= 1, 'settled at most once');
          // Settled gross: one transfer; released by the LSM: its credit and debit halves through the transit account.
          const n = transfersOf(p, pay.instruction.uetr);
          if (pay.state === 'settled') assert.ok(n === 1 || n === 2, `a settled payment has 1 or 2 transfers, not ${n}`);
          else assert.equal(n, 0);
          const last = pay.history.at(-1)!;
          if (pay.state === 'rejected' && last.reason === 'CUTO') assert.ok(pay.instruction.settle_by_ns !== undefined, 'CUTO only with settle_by');
          if (pay.state === 'settled' && pay.instruction.settle_by_ns !== undefined) assert.ok(pay.settled_at_ns! <= pay.instruction.settle_by_ns);
        }
        await p.close();
        await verify();
      });
    }),
    { numRuns: 15 },
  );
});
