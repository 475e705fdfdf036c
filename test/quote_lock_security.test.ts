// Issue 20, defect 1: a locked FX quote could be used by anyone. Under rules 3 a
// lock is bound to the participant and user that took it (to anyone else it is
// unknown, and it is not used up), its id carries 96 random bits drawn before
// journaling (the core checks the format), and a participant's locks are bounded
// (open locks, and locks per minute, refused before anything is journaled; the
// API answers 429 with Retry-After).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeBackend } from './support/backends.js';
import { startApi } from './support/api.js';
import { BANKS, LP, openPlatform, payment, setupScheme } from './support/platform.js';
import { Platform } from '../src/platform/platform.js';
import type { PlatformError } from '../src/platform/errors.js';
import { LockRateGate, QUOTE_LOCK_LIMITS } from '../src/fx/quote_locks.js';

type Result = { payments: Array<{ uetr: string | null; state: string; reason?: string }> };
const [, A, RU1, RU2] = BANKS;

async function withScheme(fn: (p: Platform, clock: { now_ns: bigint }) => Promise<void>): Promise<void> {
  const backend = makeBackend('memory');
  const { platform: p, clock } = await openPlatform(await backend.open());
  try {
    await setupScheme(p);
    await p.run({ type: 'register_participant', id: 'RUBKRUMM', kind: 'bank', name: 'Third RUB bank', country: 'RU', currencies: ['RUB'] });
    for (const bank of [RU1!, RU2!, 'RUBKRUMM']) await p.run({ type: 'fund', participant: bank, currency: 'RUB', amount: '1000000.00' });
    await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '1000000.00' });
    await p.run({
      type: 'publish_quote',
      provider: LP,
      base: 'RUB',
      quote: 'CNY',
      valid_s: 3600,
      tiers: [{ min: '1.00', max: '100000.00', bid: '0.0850', ask: '0.0900' }],
    });
    await fn(p, clock);
  } finally {
    await p.close();
    await backend.cleanup();
  }
}

const lockFor = (p: Platform, participant: string, amount = '100.00', by = 'system') =>
  p.run<{ quote_id: string; price: string }>({ type: 'lock_quote', base: 'RUB', quote: 'CNY', amount, participant }, by);

const pvp = (payer: string, amount: string, quote_id: string) => payment(payer, A!, 'RUB', amount, { payee_currency: 'CNY', quote_id });

function lastDetail(p: Platform, uetr: string | null): { reason: string | undefined; detail: string | undefined } {
  const h = p.payment(uetr!)!.history.at(-1)!;
  return { reason: h.reason, detail: h.detail };
}

test("another participant's lock is refused exactly like an unknown one, and stays the owner's", async () => {
  await withScheme(async (p) => {
    const lock = await lockFor(p, RU1!);
    // RU2 tries RU1's lock: rejected; the wording is the one an unknown id of the same shape gets.
    const stolen = await p.run<Result>({ type: 'submit_payments', payments: [pvp(RU2!, '100.00', lock.quote_id)] });
    assert.equal(stolen.payments[0]!.state, 'rejected');
    const fake = 'QAAAAAAAAAAAAAAAA';
    const unknown = await p.run<Result>({ type: 'submit_payments', payments: [pvp(RU2!, '100.00', fake)] });
    const a = lastDetail(p, stolen.payments[0]!.uetr);
    const b = lastDetail(p, unknown.payments[0]!.uetr);
    assert.equal(a.reason, b.reason);
    assert.equal(a.detail!.replace(lock.quote_id, '<id>'), b.detail!.replace(fake, '<id>'));
    assert.notEqual(a.reason, 'NARR', 'a quote problem has its own reason');
    // The owner's payment still gets its price.
    const own = await p.run<Result>({ type: 'submit_payments', payments: [pvp(RU1!, '100.00', lock.quote_id)] });
    assert.equal(own.payments[0]!.state, 'settled');
    assert.match(p.payment(own.payments[0]!.uetr!)!.fx!.rate_source, /0\.0850/);
  });
});

test('a lock is bound to the user that took it too', async () => {
  await withScheme(async (p) => {
    const lock = await lockFor(p, RU1!, '100.00', 'alice');
    const other = await p.execute({ type: 'submit_payments', payments: [pvp(RU1!, '100.00', lock.quote_id)] }, 'bob');
    assert.equal((other.result as Result).payments[0]!.state, 'rejected');
    const mine = await p.execute({ type: 'submit_payments', payments: [pvp(RU1!, '100.00', lock.quote_id)] }, 'alice');
    assert.equal((mine.result as Result).payments[0]!.state, 'settled');
  });
});

test('lock ids carry 96 random bits; a caller cannot choose one; the core refuses a malformed one', async () => {
  await withScheme(async (p) => {
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add((await lockFor(p, RU1!, `${i + 1}.00`)).quote_id);
    assert.equal(ids.size, 5);
    for (const id of ids) assert.match(id, /^Q[A-Za-z0-9_-]{16}$/, 'Q and 16 base64url characters (96 bits)');
    assert.ok(![...ids].some((id) => /^Q\d+$/.test(id)), 'not sequential');
    await assert.rejects(
      p.run({ type: 'lock_quote', base: 'RUB', quote: 'CNY', amount: '1.00', participant: RU1, lock_id: 'QAAAAAAAAAAAAAAAA' }),
      (e: unknown) => (e as PlatformError).field === 'lock_id',
    );
    // A journaled command that skipped the facade (a forged entry) is refused by the state machine.
    const raw = await Platform.internals(p).ledger.submitCommand(
      Buffer.from(JSON.stringify({ type: 'lock_quote', by: 'x', base: 'RUB', quote: 'CNY', amount: '1.00', participant: RU1, lock_id: 'Q7' })),
    );
    const out = JSON.parse(raw.text) as { ok: boolean; error: { field: string } };
    assert.equal(out.ok, false);
    assert.equal(out.error.field, 'lock_id');
    // And a lock without a participant is refused: nobody could use it.
    await assert.rejects(
      p.run({ type: 'lock_quote', base: 'RUB', quote: 'CNY', amount: '1.00' }),
      (e: unknown) => (e as PlatformError).field === 'participant',
    );
  });
});

test('open locks per participant are bounded, refused before journaling with a stable code', async () => {
  await withScheme(async (p, clock) => {
    const max = QUOTE_LOCK_LIMITS.open_per_participant_max;
    for (let i = 0; i < max; i++) await lockFor(p, RU1!);
    const commands = Platform.internals(p).state.commands;
    await assert.rejects(lockFor(p, RU1!), (e: unknown) => (e as PlatformError).code === 'rate_limited');
    assert.equal(Platform.internals(p).state.commands, commands, 'the refused lock was not journaled');
    // Another participant is not affected; the bound frees itself as locks expire.
    await lockFor(p, RU2!);
    clock.now_ns += 31n * 1_000_000_000n;
    await lockFor(p, RU1!);
  });
});

test('locks per participant per minute are bounded, refused before journaling', async () => {
  await withScheme(async (p, clock) => {
    const per_minute = QUOTE_LOCK_LIMITS.locks_per_minute_max;
    // Each lock is used at once, so the open-lock bound is never reached.
    for (let i = 0; i < per_minute; i++) {
      const lock = await lockFor(p, 'RUBKRUMM', '1.00');
      const r = await p.run<Result>({ type: 'submit_payments', payments: [pvp('RUBKRUMM', '1.00', lock.quote_id)] });
      assert.equal(r.payments[0]!.state, 'settled');
    }
    const commands = Platform.internals(p).state.commands;
    await assert.rejects(lockFor(p, 'RUBKRUMM', '1.00'), (e: unknown) => {
      assert.equal((e as PlatformError).code, 'rate_limited');
      assert.ok((e as { retry_after_s: number }).retry_after_s >= 1);
      return true;
    });
    assert.equal(Platform.internals(p).state.commands, commands);
    await lockFor(p, RU2!, '1.00');
    clock.now_ns += 61n * 1_000_000_000n;
    await lockFor(p, 'RUBKRUMM', '1.00');
  });
});

test('the API: a bank locks for itself only, and too many locks is 429 with Retry-After', async () => {
  const fx = await startApi('sqlite');
  try {
    const lp = await fx.request('POST', '/v1/quotes', {
      user: 'lp',
      body: { provider: LP, base: 'CNY', quote: 'RUB', valid_s: 3600, tiers: [{ min: '1.00', max: '100000.00', bid: '11.50', ask: '11.90' }] },
    });
    assert.equal(lp.status, 200, JSON.stringify(lp.body));
    const elsewhere = await fx.request('POST', '/v1/quotes/lock', { user: 'bankA', body: { base: 'CNY', quote: 'RUB', amount: '1.00', participant: A } });
    assert.equal(elsewhere.status, 404, 'bankA may not lock for another participant');
    const noName = await fx.request('POST', '/v1/quotes/lock', { user: 'op', body: { base: 'CNY', quote: 'RUB', amount: '1.00' } });
    assert.equal(noName.status, 400);
    assert.equal(noName.body.path, 'participant');
    let last = { status: 200, body: {} as Record<string, unknown>, headers: new Headers() };
    for (let i = 0; i <= QUOTE_LOCK_LIMITS.open_per_participant_max && last.status === 200; i++) {
      last = await fx.request('POST', '/v1/quotes/lock', { user: 'bankA', body: { base: 'CNY', quote: 'RUB', amount: '1.00' } });
    }
    assert.equal(last.status, 429, JSON.stringify(last.body));
    assert.equal(last.body.code, 'rate_limited');
    assert.ok(Number(last.headers.get('retry-after')) >= 1);
  } finally {
    await fx.close();
  }
});

test('the per-minute gate: a sliding 60 s window per participant, with the wait in whole seconds', () => {
  const gate = new LockRateGate(3);
  const s = 1_000_000_000n;
  assert.equal(gate.take('A', 0n), 0);
  assert.equal(gate.take('A', 10n * s), 0);
  assert.equal(gate.take('A', 20n * s), 0);
  assert.equal(gate.take('A', 30n * s), 30, 'the first lock leaves the window at 60 s');
  assert.equal(gate.take('B', 30n * s), 0, 'per participant');
  assert.equal(gate.take('A', 60n * s), 0);
  assert.equal(gate.take('A', 60n * s + 1n), 10);
});
