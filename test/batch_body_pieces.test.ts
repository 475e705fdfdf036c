// Batch path byte-identity (issue #18, stop 50): a batch's JSON body read in pieces
// (src/api/batch_body.ts) gives exactly JSON.parse of the whole text or declines
// (undefined: the server then reads it whole, as before); a command's journal bytes
// written in pieces (jsonBytes, src/platform/json_copy.ts) are exactly
// Buffer.from(JSON.stringify(value)); and through the API, bodies the pieces cannot
// take (poisoning keys, broken JSON, other shapes) get the answers they always got.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseBatchBody } from '../src/api/batch_body.js';
import { jsonBytes, jsonCopy, NOT_JSON } from '../src/platform/json_copy.js';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, payment } from './support/platform.js';

/** Keys of every object in `v`, in order (deepStrictEqual does not compare key order). */
function keyOrder(v: unknown): string[][] {
  if (typeof v !== 'object' || v === null) return [];
  const own = Array.isArray(v) ? [] : [Object.keys(v)];
  return [...own, ...Object.values(v).flatMap(keyOrder)];
}

/** Strings with the characters that make cuts and decoding interesting: the cut's own bytes, quotes, escapes, multi-byte UTF-8. */
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('},{', '}, {', '"', '\\', 'é', '😀', '\u2028', '\ud800', '"},{"x":1', '__proto__', 'constructor', ''),
  fc.array(fc.constantFrom('},{', 'a', '"', '\\', 'é', '😀', ','), { maxLength: 8 }).map((a) => a.join('')),
);
const element = fc.oneof(
  fc.dictionary(tricky, fc.oneof(tricky, fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.dictionary(tricky, tricky), { maxLength: 3 }))),
  tricky,
  fc.integer(),
  fc.array(fc.dictionary(fc.string(), fc.integer()), { maxLength: 3 }),
);

test('a body read in pieces is JSON.parse of the whole, or is declined', () => {
  fc.assert(
    fc.property(fc.array(element, { maxLength: 60 }), fc.integer({ min: 1, max: 64 }), (list, piece) => {
      const text = JSON.stringify({ payments: list });
      const got = parseBatchBody(Buffer.from(text), piece);
      if (got === undefined) return;
      const want: unknown = JSON.parse(text);
      assert.deepStrictEqual(got, want);
      assert.deepStrictEqual(keyOrder(got), keyOrder(want));
    }),
    { numRuns: 400 },
  );
});

test('plain batches of objects are read in pieces (not declined), cut between elements', () => {
  const list = Array.from({ length: 200 }, (_, i) => ({ uetr: `u${i}`, amount: `${i}.00`, note: i % 3 === 0 ? '},{' : 'é😀' }));
  const text = JSON.stringify({ payments: list });
  // Every third element's text holds "},{": a cut there fails to parse and the piece grows to the next cut.
  for (const piece of [1, 7, 100, 1000]) assert.deepStrictEqual(parseBatchBody(Buffer.from(text), piece), JSON.parse(text));
  // One piece only: declined (read whole, as before).
  assert.equal(parseBatchBody(Buffer.from(text), Buffer.byteLength(text)), undefined);
});

test('bodies not of the batch form, broken, or with a poisoning key are declined', () => {
  const ok = JSON.stringify({ payments: Array.from({ length: 20 }, (_, i) => ({ i, s: 'x'.repeat(10) })) });
  const declined = [
    ` ${ok}`,
    `${ok} `,
    `\ufeff${ok}`,
    ok.replace('"payments"', '"paymentz"'),
    ok.replace('{"payments":[', '{"payments": ['),
    ok.replace('},{', '},,{'),
    ok.replace('},{', '},{}{'),
    ok.replace('},{', '}, ,{'),
    ok.replace('"s":', '"__proto__":'),
    ok.replace('"s":', '"\\u005f_proto__":'),
    ok.replace('"s":', '"constructor":'),
    ok.replace('"s":', '"constructor" :'),
    ok.slice(0, -1),
    `{"payments":[${'1,'.repeat(50)}]}`,
    '{"payments":[]}',
    '',
  ];
  for (const text of declined) assert.equal(parseBatchBody(Buffer.from(text), 16), undefined, text.slice(0, 60));
  assert.deepStrictEqual(parseBatchBody(Buffer.from(ok), 16), JSON.parse(ok));
});

test("a command's bytes written in pieces are Buffer.from(JSON.stringify(value))", () => {
  const value = fc.dictionary(tricky, fc.oneof(element, fc.array(element, { maxLength: 40 })));
  fc.assert(
    fc.property(value, fc.array(element, { maxLength: 40 }), fc.integer({ min: 1, max: 8 }), (v, long, chunk) => {
      const copy = jsonCopy({ type: 'submit_payments', ...v, payments: long, by: 'op' }) as Record<string, unknown>;
      fc.pre((copy as unknown) !== NOT_JSON); // a "__proto__" key: the platform writes such a command its own way
      assert.ok(jsonBytes(copy, chunk).equals(Buffer.from(JSON.stringify(copy))));
    }),
    { numRuns: 400 },
  );
  // Several long members, one element more than a chunk, and exact multiples of it.
  for (const n of [1, 2, 3, 4, 6, 9]) {
    const v = jsonCopy({ a: Array.from({ length: n }, (_, i) => ({ i, s: 'é😀' })), b: 'x', c: Array.from({ length: n + 1 }, (_, i) => i) });
    assert.ok(jsonBytes(v as Record<string, unknown>, 3).equals(Buffer.from(JSON.stringify(v))));
  }
});

const [A, B] = BANKS;
let fx: ApiFixture;
before(async () => {
  fx = await startApi('sqlite');
});
after(() => fx.close());

async function post(payload: string): Promise<{ status: number; body: string }> {
  const headers = { authorization: `Bearer ${fx.keys.op}`, 'content-type': 'application/json' };
  const r = await fx.api.app.inject({ method: 'POST', url: '/v1/payments', headers, payload });
  return { status: r.statusCode, body: r.payload };
}

test('through the API: a long batch is answered for every payment, and declined bodies as fastify answers them', async () => {
  const list = Array.from({ length: 1200 }, (_, i) => payment(i % 2 === 0 ? A! : B!, i % 2 === 0 ? B! : A!, 'CNY', '1.00'));
  const text = JSON.stringify({ payments: list });
  assert.ok(text.length > 64 * 1024, 'long enough for several pieces');
  const r = await post(text);
  assert.equal(r.status, 200);
  const answer = JSON.parse(r.body) as { payments: Array<{ uetr: string; state: string }> };
  assert.deepStrictEqual(
    answer.payments.map((p) => p.uetr),
    list.map((p) => p.uetr),
  );
  // Poisoning keys and broken JSON: fastify's own answers (400), whether the body is long or short.
  for (const body of [
    text.replace('"payer":', '"__proto__":{"x":1},"payer":'),
    text.replace('"payer":', '"constructor":{"prototype":{}},"payer":'),
    text.replace('},{', '},,{'),
    '{"payments":[{"__proto__":{}}]}',
    '{"payments":[',
  ]) {
    const got = await post(body);
    assert.equal(got.status, 400, body.slice(0, 80));
  }
  const wrong = await post(text.replace('},{', '},,{'));
  const wrongShort = await post('{"payments":[1,,2]}');
  const noId = (t: string) => t.replace(/"request_id":"[^"]*"/, '');
  assert.equal(noId(wrong.body), noId(wrongShort.body));
  assert.match(wrong.body, /not valid JSON/);
});
