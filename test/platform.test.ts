// Platform scenarios on the real stores: participants and accounts, the payment
// lifecycle with reason codes, RTGS queue and its re-examination, LSM gridlock
// release, DNS windows with a defaulter, PvP, compliance four eyes, business day
// and cut-offs, and recovery (replay and snapshot) giving the same state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBackend, postgresSkipReason } from './support/backends.js';
import { BANKS, LP, openPlatform, payment, setupScheme, type TestClock } from './support/platform.js';
import { Platform } from '../src/platform/platform.js';
import { PlatformError } from '../src/platform/errors.js';

type Result = { payments: Array<{ uetr: string | null; state: string; reason?: string; field?: string }> };

const [A, B, C, D, _K] = BANKS;

async function withPlatform(
  name: 'memory' | 'sqlite' | 'postgres',
  fn: (p: Platform, clock: TestClock, reopen: () => Promise<Platform>) => Promise<void>,
): Promise<void> {
  const backend = makeBackend(name);
  const { platform, clock } = await openPlatform(await backend.open());
  let current = platform;
  try {
    await fn(platform, clock, async () => {
      await current.close();
      current = (await openPlatform(await backend.open(), clock)).platform;
      return current;
    });
  } finally {
    await current.close().catch(() => undefined);
    await backend.cleanup();
  }
}

function avail(p: Platform, id: string, ccy: string): bigint {
  return p.balance(p.participant(id)!, ccy).available_minor;
}

test('a covered payment settles at once; an uncovered one queues and settles when liquidity arrives', async () => {
  await withPlatform('sqlite', async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const r1 = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '600.00')] });
    assert.equal(r1.payments[0]!.state, 'settled');
    const r2 = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '500.00')] });
    assert.equal(r2.payments[0]!.state, 'queued');
    assert.equal(avail(p, A, 'CNY'), 40_000n);
    // FIFO: a later small payment that would fit may not overtake the queued one.
    const r3 = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '10.00')] });
    assert.equal(r3.payments[0]!.state, 'queued');
    // An urgent one may overtake normal ones.
    const r4 = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, C, 'CNY', '10.00', { priority: 'urgent' })] });
    assert.equal(r4.payments[0]!.state, 'settled');
    const out = await p.execute({ type: 'fund', participant: A, currency: 'CNY', amount: '500.00' });
    assert.ok(out.ok);
    const settled = out.changes.filter((c) => c.state === 'settled').map((c) => c.uetr);
    assert.deepEqual(settled, [r2.payments[0]!.uetr, r3.payments[0]!.uetr]);
    assert.equal(avail(p, A, 'CNY'), 38_000n);
    assert.equal(avail(p, B, 'CNY'), 60_000n + 50_000n + 1000n);
    const hist = p.payment(r2.payments[0]!.uetr!)!.history.map((h) => h.state);
    assert.deepEqual(hist, ['received', 'validated', 'screened', 'queued', 'settled']);
  });
});

test('bypass_fifo lets a covered payment pass a blocked one', async () => {
  await withPlatform('memory', async (p) => {
    await setupScheme(p);
    await p.run({ type: 'set_config', bypass_fifo: true });
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const r = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '500.00'), payment(A, B, 'CNY', '50.00')] });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['queued', 'settled'],
    );
  });
});

test('bad instructions are rejected with their ISO reason codes and never reach the ledger', async () => {
  await withPlatform('memory', async (p, clock) => {
    await setupScheme(p, { cutoff: '16:00' });
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const transfersBefore = Platform.internals(p).ledger.state.transferCount;
    const dup = payment(A, B, 'CNY', '1.00');
    await p.run({ type: 'submit_payments', payments: [dup] });
    const r = await p.run<Result>({
      type: 'submit_payments',
      payments: [
        payment(A, 'NOPEXXXX', 'CNY', '1.00'),
        payment(A, B, 'XXX', '1.00'),
        payment(A, B, 'CNY', '0.00'),
        payment(A, B, 'CNY', '1.001'),
        payment(A, A, 'CNY', '1.00'),
        payment(A, B, 'CNY', '1.00', { value_date: '2025-08-29' }),
        { ...dup },
        payment(A, D, 'CNY', '1.00'),
        { ...payment(A, B, 'CNY', '1.00'), uetr: 'not-a-uuid' },
        payment(A, B, 'CNY', '1.00', { colour: 'red' }),
      ],
    });
    assert.deepEqual(
      r.payments.map((x) => x.reason),
      ['AGNT', 'AM03', 'AM12', 'AM12', 'AG01', 'DT01', 'DUPL', 'AM03', 'FF01', 'FF01'],
    );
    assert.equal(r.payments[3]!.field, 'payments[3].amount');
    assert.equal(Platform.internals(p).ledger.state.transferCount, transfersBefore + 1);
    clock.at('16:30');
    const late = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '1.00')] });
    assert.equal(late.payments[0]!.reason, 'CUTO');
    assert.equal(late.payments[0]!.state, 'warehoused', 'rules 3: warehoused (PDNG CUTO), not rejected');
    // A malformed command is refused before the journal.
    const seq = Platform.internals(p).ledger.journal_seq;
    await assert.rejects(
      p.execute({ type: 'fund', participant: A, currency: 'CNY', amount: '1', extra: 1 }),
      (e: unknown) => e instanceof PlatformError && e.field === 'extra',
    );
    assert.equal(Platform.internals(p).ledger.journal_seq, seq);
  });
});

test('LSM releases a gridlock atomically that FIFO RTGS cannot', async () => {
  await withPlatform('sqlite', async (p) => {
    await setupScheme(p);
    for (const id of [A, B, C]) await p.run({ type: 'fund', participant: id, currency: 'CNY', amount: '50.00' });
    const r = await p.run<Result>({
      type: 'submit_payments',
      payments: [payment(A, B, 'CNY', '100.00'), payment(B, C, 'CNY', '100.00'), payment(C, A, 'CNY', '100.00'), payment(A, C, 'CNY', '500.00')],
    });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['queued', 'queued', 'queued', 'queued'],
    );
    const run = await p.run<{ released: number; released_value_minor: string }>({ type: 'run_lsm', currency: 'CNY' });
    assert.equal(run.released, 3);
    for (const x of r.payments.slice(0, 3)) assert.equal(p.payment(x.uetr!)!.state, 'settled');
    assert.equal(p.payment(r.payments[3]!.uetr!)!.state, 'queued');
    for (const id of [A, B, C]) assert.equal(avail(p, id, 'CNY'), 5_000n);
  });
});

test('a DNS window settles net; a participant that cannot cover its net debit is taken out and the rest re-netted', async () => {
  await withPlatform('sqlite', async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    await p.run({ type: 'fund', participant: B, currency: 'CNY', amount: '10.00' });
    const r = await p.run<Result>({
      type: 'submit_payments',
      payments: [
        payment(A, B, 'CNY', '300.00', { settlement: 'dns' }),
        payment(B, A, 'CNY', '250.00', { settlement: 'dns' }),
        payment(C, A, 'CNY', '1000.00', { settlement: 'dns' }), // C has nothing: defaults
        payment(A, C, 'CNY', '20.00', { settlement: 'dns' }),
      ],
    });
    assert.ok(r.payments.every((x) => x.state === 'queued'));
    const w = await p.run<{ state: string; defaulters: string[]; net_positions: Array<{ participant: string; net_minor: string }> }>({
      type: 'close_window',
      currency: 'CNY',
    });
    assert.equal(w.state, 'settled');
    assert.deepEqual(w.defaulters, [C]);
    assert.deepEqual(
      w.net_positions.map((x) => [x.participant, x.net_minor]),
      [
        [A, '-5000'],
        [B, '5000'],
      ],
    );
    assert.deepEqual(
      r.payments.map((x) => p.payment(x.uetr!)!.state),
      ['settled', 'settled', 'rejected', 'rejected'],
    );
    assert.equal(p.payment(r.payments[2]!.uetr!)!.history.at(-1)!.reason, 'AM04');
    assert.equal(avail(p, A, 'CNY'), 5_000n);
    assert.equal(avail(p, B, 'CNY'), 6_000n);
    for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor, c.currency);
  });
});

test('a cross-currency payment settles both legs PvP at the reference cross rate, or neither', async () => {
  await withPlatform('memory', async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: D, currency: 'RUB', amount: '100000.00' });
    // The LP has no CNY yet: the payment waits, neither leg moves.
    const r = await p.run<Result>({ type: 'submit_payments', payments: [payment(D, A, 'RUB', '11500.00', { payee_currency: 'CNY' })] });
    assert.equal(r.payments[0]!.state, 'queued');
    assert.equal(avail(p, D, 'RUB'), 10_000_000n);
    await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '100000.00' });
    const pay = p.payment(r.payments[0]!.uetr!)!;
    assert.equal(pay.state, 'settled');
    assert.equal(pay.transfer_ids.length, 2);
    const got = avail(p, A, 'CNY');
    assert.ok(got > 0n && got === pay.fx!.payee_amount_minor);
    assert.equal(avail(p, D, 'RUB'), 10_000_000n - 1_150_000n);
    assert.equal(avail(p, LP, 'RUB'), 1_150_000n);
    for (const c of p.conservation()) assert.equal(c.issued_minor, c.held_minor, c.currency);
  });
});

test('compliance: a held payment never settles until two different officers release it', async () => {
  await withPlatform('memory', async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '1000.00' });
    const r = await p.run<Result>({
      type: 'submit_payments',
      payments: [payment(A, B, 'CNY', '10.00'), payment(A, B, 'CNY', '10.00')],
      screening: [
        { hit: true, score: 0.97, list_version: 'ofac-1', detail: 'IVANOV Ivan' },
        { hit: true, score: 0.95, list_version: 'ofac-1' },
      ],
    });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['held', 'held'],
    );
    const c1 = p.payment(r.payments[0]!.uetr!)!.case_id!;
    const c2 = p.payment(r.payments[1]!.uetr!)!.case_id!;
    await p.run({ type: 'decide_case', case_id: c1, decision: 'release' }, 'officer-1');
    assert.equal(p.payment(r.payments[0]!.uetr!)!.state, 'held');
    await assert.rejects(
      p.run({ type: 'decide_case', case_id: c1, decision: 'release' }, 'officer-1'),
      (e: unknown) => (e as PlatformError).code === 'four_eyes',
    );
    await p.run({ type: 'decide_case', case_id: c1, decision: 'release' }, 'officer-2');
    assert.equal(p.payment(r.payments[0]!.uetr!)!.state, 'settled');
    await p.run({ type: 'decide_case', case_id: c2, decision: 'reject' }, 'officer-1');
    await p.run({ type: 'decide_case', case_id: c2, decision: 'reject' }, 'officer-3');
    const rejected = p.payment(r.payments[1]!.uetr!)!;
    assert.equal(rejected.state, 'rejected');
    assert.equal(rejected.history.at(-1)!.reason, 'RR04');
  });
});

test('intraday credit is drawn for a blocked payment and repaid at the close of the day', async () => {
  await withPlatform('memory', async (p) => {
    await setupScheme(p);
    await p.run({
      type: 'set_collateral',
      participant: A,
      currency: 'CNY',
      auto_draw: true,
      items: [{ id: 'bond-1', kind: 'government_bond', currency: 'CNY', market_value: '1000.00', haircut_bp: 1000 }],
    });
    // Facilities are values: each change replaces the record, so read it afresh.
    const f = (): { line_minor: bigint; outstanding_minor: bigint } => Platform.internals(p).state.facilities.get(`${A}:CNY`)!;
    assert.equal(f().line_minor, 90_000n);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const r = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '150.00'), payment(A, B, 'CNY', '1000.00')] });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['settled', 'queued'],
    );
    assert.equal(f().outstanding_minor, 5_000n);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const close = await p.run<{ warehoused_at_close: number; credit_unrepaid: unknown[] }>({ type: 'close_day' });
    assert.equal(close.warehoused_at_close, 1);
    assert.deepEqual(close.credit_unrepaid, []);
    assert.equal(f().outstanding_minor, 0n);
    assert.equal(p.payment(r.payments[1]!.uetr!)!.history.at(-1)!.reason, 'CUTO');
    assert.equal(avail(p, A, 'CNY'), 5_000n);
  });
});

test('cancel and return', async () => {
  await withPlatform('memory', async (p) => {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const r = await p.run<Result>({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '60.00'), payment(A, B, 'CNY', '60.00')] });
    await p.run({ type: 'cancel_payment', uetr: r.payments[1]!.uetr!, reason: 'CUST' });
    assert.equal(p.payment(r.payments[1]!.uetr!)!.state, 'cancelled');
    await assert.rejects(p.run({ type: 'cancel_payment', uetr: r.payments[0]!.uetr! }), (e: unknown) => (e as PlatformError).code === 'invalid_state');
    await p.run({ type: 'return_payment', uetr: r.payments[0]!.uetr!, reason: 'AC04' });
    assert.equal(p.payment(r.payments[0]!.uetr!)!.state, 'returned');
    assert.equal(avail(p, A, 'CNY'), 10_000n);
    assert.equal(avail(p, B, 'CNY'), 0n);
  });
});

for (const name of ['sqlite', 'postgres'] as const) {
  test(`${name}: reopening replays the journal (and a snapshot) to the same platform state; verify passes`, async (t) => {
    if (name === 'postgres') {
      const why = await postgresSkipReason();
      if (why !== null) return t.skip(why);
    }
    await withPlatform(name, async (p, _clock, reopen) => {
      await setupScheme(p);
      for (const id of [A, B, C]) await p.run({ type: 'fund', participant: id, currency: 'CNY', amount: '50.00' });
      await p.run({ type: 'fund', participant: D, currency: 'RUB', amount: '5000.00' });
      await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '5000.00' });
      await p.run({
        type: 'submit_payments',
        payments: [
          payment(A, B, 'CNY', '100.00'),
          payment(B, C, 'CNY', '100.00'),
          payment(C, A, 'CNY', '100.00'),
          payment(D, A, 'RUB', '1000.00', { payee_currency: 'CNY' }),
          payment(A, C, 'CNY', '5.00', { settlement: 'dns' }),
        ],
      });
      await p.run({ type: 'run_lsm', currency: 'CNY' });
      const before = Platform.internals(p).state.encodeState();
      const p2 = await reopen();
      assert.ok(Platform.internals(p2).state.encodeState().equals(before), 'replayed state equals the state before the restart');
      await Platform.internals(p2).ledger.snapshot();
      const p3 = await reopen();
      assert.ok(Platform.internals(p3).state.encodeState().equals(before), 'state from the snapshot equals it too');
      await p3.run({ type: 'close_window', currency: 'CNY' });
      await p3.close();
      const backendStore = Platform.internals(p3).store;
      void backendStore;
    });
  });
}

test('verify replays platform commands and passes on a platform store', async () => {
  const backend = makeBackend('sqlite');
  const { platform: p } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '50.00' });
    await p.run({ type: 'submit_payments', payments: [payment(A, B, 'CNY', '20.00')] });
    await p.close();
    const store = await backend.open();
    const report = await Platform.verify(store);
    await store.close();
    assert.equal(report.ok, true, report.problem ?? '');
    assert.ok(report.entries >= 12);
  } finally {
    await backend.cleanup();
  }
});

test("payments are screened against the store's active lists; a hit is held with the list version, not settled", async () => {
  const { MemoryStore } = await import('../src/store/memory.js');
  const { parseListFiles, saveListVersion } = await import('../src/compliance/list_store.js');
  const { readFileSync } = await import('node:fs');
  const store = new MemoryStore();
  const list = parseListFiles(
    'opensanctions',
    [{ name: 'os.ndjson', bytes: readFileSync('test/fixtures/compliance/os.ndjson') }],
    new Date('2026-01-01T00:00:00Z'),
    'test-list',
  );
  await saveListVersion(store, list);
  const { platform: p } = await openPlatform(store);
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '100.00' });
    const r = await p.run<Result>({
      type: 'submit_payments',
      payments: [
        payment(A, B, 'CNY', '10.00', { debtor: { name: 'Li Guohua', country: 'CN' } }),
        payment(A, B, 'CNY', '10.00', { debtor: { name: 'Zhang Wei Trading', country: 'CN' } }),
      ],
    });
    assert.deepEqual(
      r.payments.map((x) => x.state),
      ['held', 'settled'],
    );
    const held = p.payment(r.payments[0]!.uetr!)!;
    const c = Platform.internals(p).state.cases[held.case_id! - 1]!;
    assert.equal(c.screening.list_version, list.version.version_id);
    assert.ok(c.screening.score >= 0.83);
    assert.equal(avail(p, B, 'CNY'), 1_000n, 'only the clean payment moved money');
  } finally {
    await p.close();
  }
});

test("a PvP payment can name a locked quote: the provider's price is used once, before it expires", async () => {
  const backend = makeBackend('sqlite');
  const { platform: p, clock } = await openPlatform(await backend.open());
  let current = p;
  try {
    await setupScheme(p);
    await p.run({ type: 'fund', participant: D, currency: 'RUB', amount: '100000.00' });
    await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '100000.00' });
    await p.run({
      type: 'publish_quote',
      provider: LP,
      base: 'RUB',
      quote: 'CNY',
      valid_s: 600,
      tiers: [{ min: '1.00', max: '50000.00', bid: '0.0850', ask: '0.0900' }],
    });
    const lock = await p.run<{ quote_id: string; price: string }>({ type: 'lock_quote', base: 'RUB', quote: 'CNY', amount: '10000.00', participant: D });
    assert.equal(lock.price, '0.0850');
    const pay = payment(D, A, 'RUB', '10000.00', { payee_currency: 'CNY', quote_id: lock.quote_id });
    const r = await p.run<Result>({ type: 'submit_payments', payments: [pay] });
    assert.equal(r.payments[0]!.state, 'settled');
    assert.equal(avail(p, A, 'CNY'), 85_000n, '10,000 RUB at 0.0850 = 850.00 CNY');
    // Used once only; a lock for another amount or after expiry is refused.
    const again = await p.run<Result>({
      type: 'submit_payments',
      payments: [payment(D, A, 'RUB', '10000.00', { payee_currency: 'CNY', quote_id: lock.quote_id })],
    });
    assert.equal(again.payments[0]!.state, 'rejected');
    const lock2 = await p.run<{ quote_id: string }>({ type: 'lock_quote', base: 'RUB', quote: 'CNY', amount: '100.00', participant: D });
    clock.now_ns += 31n * 1_000_000_000n;
    const late = await p.run<Result>({
      type: 'submit_payments',
      payments: [payment(D, A, 'RUB', '100.00', { payee_currency: 'CNY', quote_id: lock2.quote_id })],
    });
    assert.equal(late.payments[0]!.state, 'rejected');
    assert.match(p.payment(late.payments[0]!.uetr!)!.history.at(-1)!.detail!, /expired/);
    await assert.rejects(
      p.run({ type: 'lock_quote', base: 'RUB', quote: 'CNY', amount: '60000.00', participant: D }),
      (e: unknown) => (e as PlatformError).code === 'rate_unavailable',
    );
    // Quotes and locks survive a restart (replay and snapshot give the same state).
    const lock3 = await p.run<{ quote_id: string }>({ type: 'lock_quote', base: 'RUB', quote: 'CNY', amount: '200.00', participant: D });
    const before = Platform.internals(p).state.encodeState();
    await p.close();
    current = (await openPlatform(await backend.open(), clock)).platform;
    assert.ok(Platform.internals(current).state.encodeState().equals(before));
    const after = await current.run<Result>({
      type: 'submit_payments',
      payments: [payment(D, A, 'RUB', '200.00', { payee_currency: 'CNY', quote_id: lock3.quote_id })],
    });
    assert.equal(after.payments[0]!.state, 'settled');
  } finally {
    await current.close().catch(() => undefined);
    await backend.cleanup();
  }
});
