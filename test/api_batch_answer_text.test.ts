// A JSON batch's answer is the text the executor already wrote for its output
// digest (Platform.resultJson, src/api/payment_routes.ts): it must be exactly
// what JSON.stringify of the answer writes, each payment's result at its place,
// and it is not taken when a keyed retry answers some payments from the state
// (the answer then holds more than the command's result).

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

/** A batch long enough that its output's changes are digested in chunks (the executor then writes its result's text whole). */
function batch(n: number): Array<Record<string, unknown>> {
  const list: Array<Record<string, unknown>> = [];
  for (let i = 0; i < n; i++) {
    if (i % 50 === 7)
      list.push(payment(A!, B!, 'CNY', '99999999.00')); // more than A holds: queued
    else if (i % 50 === 9)
      list.push({ ...payment(A!, B!, 'CNY', '1.00'), uetr: 'not-a-uuid' }); // rejected with field and detail
    else list.push(payment(i % 2 === 0 ? A! : B!, i % 2 === 0 ? B! : A!, 'CNY', `${1 + (i % 7)}.0${i % 10}`));
  }
  list.push({ ...list[0]!, end_to_end_id: 'again' }); // the same UETR again: rejected as a duplicate
  return list;
}

/** The answer's raw text and what the platform's resultJson gave while it was made. */
async function submit(list: unknown[], key?: string): Promise<{ status: number; text: string; given: Array<string | undefined> }> {
  const given: Array<string | undefined> = [];
  const platform = fx.platform;
  const own = platform.resultJson.bind(platform);
  platform.resultJson = (r: unknown) => {
    const t = own(r);
    given.push(t);
    return t;
  };
  try {
    const headers: Record<string, string> = { authorization: `Bearer ${fx.keys.op}`, 'content-type': 'application/json' };
    if (key !== undefined) headers['idempotency-key'] = key;
    const r = await fx.api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload: JSON.stringify({ payments: list }) });
    return { status: r.statusCode, text: r.payload, given };
  } finally {
    platform.resultJson = own;
  }
}

/** `fieldAt`: the position a refusal's field names (a keyed retry's fresh payments are numbered among themselves). */
function checkAnswer(
  list: Array<Record<string, unknown>>,
  text: string,
  fieldAt: (i: number) => number = (i) => i,
): Array<{ uetr: string | null; state: string; reason?: string }> {
  const body = JSON.parse(text) as { payments: Array<{ uetr: string | null; state: string; reason?: string; field?: string; detail?: string }> };
  assert.equal(text, JSON.stringify(body));
  assert.deepEqual(Object.keys(body), ['payments']);
  assert.equal(body.payments.length, list.length);
  body.payments.forEach((p, i) => {
    const sent = list[i]!;
    if (sent.uetr === 'not-a-uuid') {
      assert.deepEqual(p, { uetr: null, state: 'rejected', reason: 'FF01', field: `payments[${fieldAt(i)}].uetr`, detail: 'must be a UUID v4 in lower case' });
      return;
    }
    assert.equal(p.uetr, sent.uetr, `payments[${i}]`);
    const known = fx.platform.payment(sent.uetr as string);
    if (sent.end_to_end_id === 'again') assert.equal(p.state, 'rejected');
    else assert.equal(p.state, known?.state, `payments[${i}]`);
  });
  return body.payments;
}

test('a batch answers with the text its command wrote: what JSON.stringify of the answer writes, in order', async () => {
  const list = batch(300);
  const r = await submit(list);
  assert.equal(r.status, 200);
  assert.equal(r.given.length, 1);
  assert.equal(typeof r.given[0], 'string', 'the executor wrote the result text');
  assert.equal(r.text, r.given[0]);
  const ps = checkAnswer(list, r.text);
  assert.ok(ps.some((p) => p.state === 'queued') && ps.some((p) => p.state === 'settled') && ps.filter((p) => p.state === 'rejected').length === 7);
});

test('a keyed retry that finds some payments already submitted answers every one, not the command result alone', async () => {
  const first = batch(200);
  assert.equal((await submit(first)).status, 200);
  const mixed = [...first.slice(0, 120).filter((p) => p.uetr !== 'not-a-uuid' && p.end_to_end_id !== 'again'), ...batch(150).slice(0, 150)];
  const r = await submit(mixed, 'retry-key-1');
  assert.equal(r.status, 200);
  assert.deepEqual(r.given, [], 'the command result alone is not the answer');
  const known = mixed.length - 150;
  checkAnswer(mixed, r.text, (i) => i - known);
});

test('a single payment answers as before (no text written ahead)', async () => {
  const list = [payment(A!, B!, 'CNY', '1.00')];
  const r = await submit(list);
  assert.equal(r.status, 200);
  assert.deepEqual(r.given, [undefined]);
  checkAnswer(list, r.text);
});
