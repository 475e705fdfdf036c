// Restart under load, on a SQLite file and on the PostgreSQL server: clients
// submit payments (single and batches) with Idempotency-Keys while the server is
// stopped gracefully and started again on the same store; clients retry by key
// through refused connections and 503s. Every acknowledged payment is on the
// platform exactly once (one ledger transfer), and a retry's answer is the
// payment's state, never a DUPL rejection. Also: a keyed retry whose record was
// lost gets the current state; an operator command's record survives a restart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, type ApiFixture } from './support/api.js';
import { postgresSkipReason } from './support/backends.js';
import { BANKS, payment } from './support/platform.js';
import { uetrBits } from '../src/platform/state_machine.js';
import { Platform } from '../src/platform/platform.js';

const [A, B, RU1, RU2] = BANKS;

async function post(
  fx: ApiFixture,
  user: string,
  body: unknown,
  key: string,
): Promise<{ status: number; body: { payments?: Array<{ uetr: string; state: string }> } }> {
  for (let attempt = 0; attempt < 400; attempt++) {
    try {
      const r = await fx.request('POST', '/v1/payments', { user, body, headers: { 'idempotency-key': key } });
      if (r.status !== 503) return r;
    } catch {
      // connection refused or reset while restarting: retry with the same key
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no answer for ${key}`);
}

async function restartUnderLoad(backend: 'sqlite' | 'postgres'): Promise<void> {
  const fx = await startApi(backend);
  try {
    const acked = new Map<string, string>();
    let restarted = false;
    let sent = 0;
    const client = async (id: number): Promise<void> => {
      for (let i = 0; i < 30; i++) {
        const batch = i % 5 === 4;
        const [payer, payee, ccy, user] = id % 2 === 0 ? [A!, B!, 'CNY', 'bankA'] : [RU1!, RU2!, 'RUB', 'op'];
        const list = Array.from({ length: batch ? 20 : 1 }, () => payment(payer, payee, ccy, '1.00'));
        const body = batch ? { payments: list } : list[0];
        const key = `c${id}-${i}`;
        sent++;
        const first = await post(fx, user, body, key);
        assert.equal(first.status, 200, JSON.stringify(first.body));
        // Half the time, retry as a client that lost the answer would.
        const r = i % 2 === 0 ? await post(fx, user, body, key) : first;
        assert.equal(r.status, 200, JSON.stringify(r.body));
        for (const [j, res] of (r.body.payments as Array<{ uetr: string; state: string; reason?: string }>).entries()) {
          assert.equal(res.uetr, list[j]!.uetr);
          assert.notEqual(res.reason, 'DUPL', `${key}: a retry was answered DUPL`);
          assert.ok(['settled', 'queued'].includes(res.state), `${key}: ${JSON.stringify(res)}`);
          acked.set(res.uetr, res.state);
        }
      }
    };
    const restarter = (async () => {
      while (sent < 50) await new Promise((r) => setTimeout(r, 5));
      await fx.restart();
      restarted = true;
    })();
    await Promise.all([client(0), client(1), client(2), client(3), restarter]);
    assert.ok(restarted);
    assert.equal(acked.size, 4 * (24 * 1 + 6 * 20));
    const bits = new Map<bigint, number>();
    for (const t of Platform.internals(fx.platform).ledger.state.transfersInOrder())
      if (t.user_data_128 !== 0n) bits.set(t.user_data_128, (bits.get(t.user_data_128) ?? 0) + 1);
    for (const uetr of acked.keys()) {
      const p = fx.platform.payment(uetr);
      assert.ok(p !== undefined, `${uetr} acknowledged but missing`);
      assert.notEqual(p.state, 'rejected');
      if (p.state === 'settled') assert.equal(bits.get(uetrBits(uetr)), 1, `${uetr} settled more than once`);
    }
    assert.equal(fx.platform.anonymousRejections().filter((r) => r.reason === 'DUPL').length, 0, 'no duplicate reached the platform');

    // A keyed request whose record is not known (as after a crash before it was written): current state, not DUPL.
    const p = payment(A!, B!, 'CNY', '1.00');
    const r1 = await post(fx, 'bankA', p, 'lost-1');
    const r2 = await post(fx, 'bankA', p, 'lost-2');
    assert.deepEqual(r2.body, r1.body);
    const plain = await fx.request('POST', '/v1/payments', { user: 'bankA', body: p });
    assert.equal(plain.body.payments[0].reason, 'DUPL', 'without a key a resubmission is a duplicate');

    // An operator command's idempotency record survives a restart.
    const f1 = await fx.request('POST', `/v1/participants/${A}/funding`, {
      body: { currency: 'CNY', amount: '7.00' },
      headers: { 'idempotency-key': 'fund-restart' },
    });
    const before = fx.platform.balance(fx.platform.participant(A!)!, 'CNY').available_minor;
    await fx.restart();
    const f2 = await fx.request('POST', `/v1/participants/${A}/funding`, {
      body: { currency: 'CNY', amount: '7.00' },
      headers: { 'idempotency-key': 'fund-restart' },
    });
    assert.deepEqual([f2.status, f2.body], [f1.status, f1.body]);
    assert.equal(fx.platform.balance(fx.platform.participant(A!)!, 'CNY').available_minor, before);
    const conflict = await fx.request('POST', `/v1/participants/${A}/funding`, {
      body: { currency: 'CNY', amount: '8.00' },
      headers: { 'idempotency-key': 'fund-restart' },
    });
    assert.equal(conflict.status, 409);
    // And a payment's record after a restart answers with the payment's state.
    const again = await post(fx, 'bankA', p, 'lost-1');
    assert.deepEqual(again.body, r1.body);
  } finally {
    await fx.close();
  }
}

test('restart in the middle of a load on SQLite: every acknowledged payment once', () => restartUnderLoad('sqlite'));

test('restart in the middle of a load on PostgreSQL: every acknowledged payment once', async (t) => {
  const skip = await postgresSkipReason();
  if (skip !== null) return t.skip(skip);
  await restartUnderLoad('postgres');
});
