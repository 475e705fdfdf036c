// Payments held over many days: finished payments leave the object form (all but
// the most recently finished), so the memory a payment holds drops by a large
// factor, while they stay readable, listable, refused as duplicates, returnable,
// and the state (its snapshot bytes and digest) is the same as if all were objects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { makeBackend } from './support/backends.js';
import { BANKS, openPlatform, payment, setupScheme, type TestClock } from './support/platform.js';
import { Platform } from '../src/platform/platform.js';
import { PAYMENT_BOOK_LIMITS } from '../src/platform/payment_book.js';
import { paymentView, stringify } from '../src/platform/state_machine.js';

const [A, B] = BANKS;
type Result = { payments: Array<{ uetr: string | null; state: string; reason?: string }> };

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JS heap plus Buffers (records live in Buffers outside the JS heap), after a full collection. */
function heldBytes(): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Waits until the durable ledger has written its query-index backlog (it does so
 * 200 ms after the last commit): the effects waiting for the index (balance rows,
 * transfers) are held for a bounded time, not per payment, and would otherwise be
 * counted here as what a payment holds.
 */
async function indexedBacklog(p: Platform): Promise<void> {
  const { ledger } = Platform.internals(p);
  for (let i = 0; i < 100 && ledger.backlogSize.batches > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(ledger.backlogSize.batches, 0, 'the index backlog was written');
}

/** Business days `from`.. (`from + days - 1`) of `perDay` CNY payments A -> B, each day closed (day 0 is open already); the uetrs in submission order. */
async function runDays(p: Platform, clock: TestClock, from: number, days: number, perDay: number): Promise<string[]> {
  const uetrs: string[] = [];
  for (let d = from; d < from + days; d++) {
    if (d > 0) {
      const date = `2025-09-0${1 + d}`;
      clock.now_ns = BigInt(Date.parse(`${date}T06:00:00Z`)) * 1_000_000n;
      await p.run({ type: 'open_day', date, default_cutoff: '17:00' });
    }
    for (let i = 0; i < perDay; i += 500) {
      const batch = Array.from({ length: Math.min(500, perDay - i) }, () => payment(A, B, 'CNY', '1.00', { remittance: `invoice ${d}-${i}` }));
      const r = await p.run<Result>({ type: 'submit_payments', payments: batch });
      for (const x of r.payments) {
        assert.equal(x.state, 'settled');
        uetrs.push(x.uetr!);
      }
    }
    await p.run({ type: 'close_day' });
  }
  return uetrs;
}

test('after days of payments the platform holds O(recent) payment objects; archived ones read, list, refuse duplicates, return and replay alike', async () => {
  const backend = makeBackend('sqlite');
  let { platform: p, clock } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000000.00' });
    await p.run({ type: 'fund', participant: B, currency: 'CNY', amount: '1000.00' });
    const perDay = 2_500;
    const first = (await runDays(p, clock, 0, 1, perDay))[0]!;
    const seen = stringify(paymentView(p.payment(first)!));
    const uetrs = await runDays(p, clock, 1, 3, perDay);
    const held = p.paymentsHeld();
    assert.ok(held.objects <= PAYMENT_BOOK_LIMITS.recent_finished, `${held.objects} payment objects held`);
    assert.equal(held.records + held.objects, 4 * perDay);
    // Read back exactly as it was, by UETR and by the list queries.
    assert.equal(stringify(paymentView(p.payment(first)!)), seen);
    const e2e = p.payment(first)!.instruction.end_to_end_id;
    assert.deepEqual(
      p.payments({ end_to_end_id: e2e, limit: 1000 }).map((x) => x.instruction.uetr),
      [first],
    );
    assert.equal(p.paymentAt(0)!.instruction.uetr, first);
    assert.equal(p.payments({ participant: A, state: 'settled', limit: 10_000 }).length, 4 * perDay);
    assert.equal(p.payments({ participant: BANKS[2], limit: 10_000 }).length, 0);
    assert.equal(p.paymentCountsByState().get('settled'), 4 * perDay);
    // A duplicate of an archived payment is refused; a return of one works and is read back.
    clock.now_ns = BigInt(Date.parse('2025-09-05T06:00:00Z')) * 1_000_000n;
    await p.run({ type: 'open_day', date: '2025-09-05', default_cutoff: '17:00' });
    const dup = await p.run<Result>({ type: 'submit_payments', payments: [{ ...payment(A, B, 'CNY', '1.00'), uetr: uetrs[1] }] });
    assert.equal(dup.payments[0]!.state, 'rejected');
    assert.equal(dup.payments[0]!.reason, 'DUPL');
    await p.run({ type: 'return_payment', uetr: first, reason: 'AC04' });
    assert.equal(p.payment(first)!.state, 'returned');
    // Replay and snapshot give the same state, byte for byte.
    const digest = p.stateDigest();
    await p.close();
    ({ platform: p, clock } = await openPlatform(await backend.open(), clock));
    assert.equal(p.stateDigest(), digest);
    assert.equal(p.payment(first)!.state, 'returned');
  } finally {
    await p.close().catch(() => undefined);
    await backend.cleanup();
  }
});

test('a finished payment held costs a fraction of its object form', async () => {
  const backend = makeBackend('sqlite');
  const { platform: p, clock } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000000.00' });
    // Past the recent payments held as objects, and enough payments that fixed costs do not count.
    const recent = Math.max(PAYMENT_BOOK_LIMITS.recent_finished, 4_096);
    await runDays(p, clock, 0, 1, recent);
    await indexedBacklog(p);
    const before = heldBytes();
    const n = 4 * recent;
    await runDays(p, clock, 1, 2, n / 2);
    await indexedBacklog(p);
    const perPayment = (heldBytes() - before) / n;
    // The records themselves: a deterministic figure. A payment of this test is ~1.2 KB as
    // objects (its snapshot JSON line alone is ~1.1 KB); as a record it must take under 400 bytes.
    const held = p.paymentsHeld();
    assert.ok(held.records >= n, `${held.records} records`);
    const perRecord = held.record_bytes / held.records;
    assert.ok(perRecord > 0 && perRecord < 400, `${Math.round(perRecord)} bytes a record`);
    // The whole process, as a looser check (with the index backlog written; the ledger's transfers are
    // 128-byte records, and the collector's timing moves it by a few hundred bytes): ~600-960 bytes.
    assert.ok(perPayment < 1_250, `${Math.round(perPayment)} bytes held per payment`);
  } finally {
    await p.close().catch(() => undefined);
    await backend.cleanup();
  }
});
