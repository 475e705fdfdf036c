// Back-pressure on the API's writes (src/api/back_pressure.ts): over the bound of
// writes in flight, or with the query index too far behind the journal, a write
// is refused 429 `overloaded` with Retry-After and does nothing; reads still go
// through; the refused writes sent again (same Idempotency-Key) are accepted, and
// in the end every payment is on the platform exactly once — nothing lost,
// nothing acknowledged twice.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BackPressure } from '../src/api/back_pressure.js';
import { ApiError } from '../src/http/errors.js';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, payment } from './support/platform.js';

const A = BANKS[0];
const B = BANKS[1];

async function indexCaughtUp(fx: ApiFixture): Promise<void> {
  // The ledger indexes an idle backlog after 200 ms.
  for (let i = 0; i < 100 && fx.platform.operations().index_backlog_events > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(fx.platform.operations().index_backlog_events, 0, 'the index caught up');
}

function countOf(fx: ApiFixture, uetr: string): number {
  let n = 0;
  for (const p of fx.platform.everyPayment()) if (p.instruction.uetr === uetr) n++;
  return n;
}

test('BackPressure admits up to its bound, each admission ends once, and refuses 429 overloaded with Retry-After', () => {
  let backlog = 0;
  const bp = new BackPressure({ writes_in_flight_max: 2, index_backlog_events_max: 10, retry_after_s: 3 }, () => backlog);
  const a = bp.admit();
  const b = bp.admit();
  assert.equal(bp.writes_in_flight, 2);
  assert.throws(
    () => bp.admit(),
    (e: unknown) => e instanceof ApiError && e.status === 429 && e.code === 'overloaded' && e.headers['retry-after'] === '3',
  );
  a();
  a(); // a second end of the same admission changes nothing
  assert.equal(bp.writes_in_flight, 1);
  backlog = 11;
  assert.throws(() => bp.admit(), /query index is 11 events behind/);
  backlog = 10;
  const c = bp.admit();
  b();
  c();
  assert.equal(bp.writes_in_flight, 0);
  assert.deepEqual(bp.refused, { writes_in_flight: 1, index_backlog: 1 });
  assert.throws(() => new BackPressure({ writes_in_flight_max: 0, index_backlog_events_max: 0, retry_after_s: 1 }, () => 0));
});

test('over the bound of writes in flight: 429 overloaded with Retry-After; retried with the same key, every payment lands exactly once', async () => {
  const fx = await startApi('sqlite', { backPressure: { writes_in_flight_max: 1 } });
  try {
    const list = Array.from({ length: 24 }, (_, i) => ({ body: payment(A, B, 'CNY', '1.00'), key: `bp-${i}` }));
    const send = (p: (typeof list)[number]) => fx.request('POST', '/v1/payments', { user: 'bankA', body: p.body, headers: { 'idempotency-key': p.key } });
    // All at once: each waits for its journal entry's fsync, so more than one is in flight.
    const first = await Promise.all(list.map(send));
    const refused = list.filter((_, i) => first[i]!.status === 429);
    assert.ok(refused.length > 0, 'some writes were refused');
    for (const [i, r] of first.entries()) {
      if (r.status === 429) {
        assert.equal(r.body.code, 'overloaded');
        assert.ok(Number(r.headers.get('retry-after')) >= 1);
        // A refused write did nothing.
        assert.equal(countOf(fx, list[i]!.body.uetr as string), 0);
      } else assert.equal(r.status, 200);
    }
    // One at a time (the bound is one): each refused write, sent again with its key, is accepted as a first run.
    for (const p of refused) {
      const again = await send(p);
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replayed'), null);
      assert.equal(again.body.payments[0].state, 'settled');
    }
    // An accepted one sent again is the remembered answer, not a second payment.
    const accepted = list.find((_, i) => first[i]!.status === 200)!;
    const replay = await send(accepted);
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    for (const p of list) assert.equal(countOf(fx, p.body.uetr as string), 1, `payment ${p.key} exactly once`);
    assert.equal(fx.api.backPressure.writes_in_flight, 0);
    const metrics = await (await fetch(`${fx.base}/metrics`)).text();
    assert.match(metrics, new RegExp(`sco_settle_api_writes_refused_total\\{reason="writes_in_flight"\\} ${refused.length}`));
  } finally {
    await fx.close();
  }
});

test('with the query index over its backlog bound: writes 429 overloaded, reads still answered, writes accepted once it caught up', async () => {
  const fx = await startApi('sqlite', { backPressure: { index_backlog_events_max: 0 } });
  try {
    await indexCaughtUp(fx);
    const p1 = payment(A, B, 'CNY', '1.00');
    assert.equal((await fx.request('POST', '/v1/payments', { user: 'bankA', body: p1 })).status, 200);
    // The index holds p1's transfer only once the ledger is idle for a while: until then the backlog is over 0.
    assert.ok(fx.platform.operations().index_backlog_events > 0);
    const p2 = payment(A, B, 'CNY', '2.00');
    const refused = await fx.request('POST', '/v1/payments', { user: 'bankA', body: p2 });
    assert.equal(refused.status, 429);
    assert.equal(refused.body.code, 'overloaded');
    assert.match(refused.body.detail, /query index is \d+ events behind/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    assert.equal(countOf(fx, p2.uetr as string), 0);
    // Reads are never held back.
    assert.equal((await fx.request('GET', `/v1/payments/${p1.uetr}`, { user: 'bankA' })).status, 200);
    await indexCaughtUp(fx);
    const again = await fx.request('POST', '/v1/payments', { user: 'bankA', body: p2 });
    assert.equal(again.status, 200);
    assert.equal(again.body.payments[0].state, 'settled');
    assert.equal(countOf(fx, p1.uetr as string), 1);
    assert.equal(countOf(fx, p2.uetr as string), 1);
  } finally {
    await fx.close();
  }
});
