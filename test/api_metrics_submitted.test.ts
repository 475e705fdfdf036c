// sco_settle_payments_submitted_total over HTTP: a JSON batch whose payments
// reach different states counts each state by its payments, in the order the
// states first appear (the series' order in the exposition), as one increment a
// payment counted them before it became one increment a state.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, payment } from './support/platform.js';

const [A, B] = BANKS;
let fx: ApiFixture;
before(async () => {
  fx = await startApi('sqlite');
});
after(() => fx.close());

/** The submitted_total series in exposition order: [state, value]. */
async function submitted(): Promise<Array<[string, number]>> {
  const text = String((await fx.request('GET', '/metrics', { user: null })).body);
  return [...text.matchAll(/^sco_settle_payments_submitted_total\{state="([a-z_]+)"\} (\d+)$/gm)].map((m) => [m[1]!, Number(m[2])]);
}

test('a batch of mixed outcomes is counted by state, states in the order they first appear, and counts add up over requests', async () => {
  const settled = payment(B!, A!, 'CNY', '1.00');
  const list = [
    payment(A!, B!, 'CNY', '99999999.00'), // more than A holds: queued
    settled,
    payment(B!, A!, 'CNY', '2.00'),
    { ...settled, end_to_end_id: 'again' }, // the same UETR within the batch: rejected
    payment(B!, A!, 'CNY', '3.00'),
  ];
  const r = await fx.request('POST', '/v1/payments', { body: { payments: list } });
  assert.equal(r.status, 200);
  const states = (r.body.payments as Array<{ state: string }>).map((p) => p.state);
  assert.deepEqual(states, ['queued', 'settled', 'settled', 'rejected', 'settled']);
  assert.deepEqual(await submitted(), [
    ['queued', 1],
    ['settled', 3],
    ['rejected', 1],
  ]);
  const one = await fx.request('POST', '/v1/payments', { body: payment(B!, A!, 'CNY', '4.00') });
  assert.equal(one.body.payments[0].state, 'settled');
  assert.deepEqual(await submitted(), [
    ['queued', 1],
    ['settled', 4],
    ['rejected', 1],
  ]);
});
