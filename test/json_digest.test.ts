// The output digest taken without writing the output's whole JSON text
// (src/journal/command.ts jsonDigest): always sha256 of exactly what
// JSON.stringify writes, as UTF-8 (the digest journal entries have recorded
// since the first release), whatever the members and however long arrays are
// cut into chunks; null exactly when JSON.stringify throws (a bigint).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { jsonDigest, outputDigest } from '../src/journal/command.js';

function sha256(text: string): Buffer {
  return createHash('sha256').update(Buffer.from(text, 'utf8')).digest();
}

const leaf = fc.oneof(
  fc.anything({ withBigInt: false, withDate: true, withNullPrototype: true, withSparseArray: true, withBoxedValues: true, withUnicodeString: true }),
  fc.constant(undefined),
  fc.constant(() => 1),
  fc.constant(Symbol('s')),
  fc.constant({ toJSON: () => 'via toJSON' }),
  fc.constant({ toJSON: () => undefined }),
  fc.constant('\ud800 lone surrogate, 中文, emoji 😀'),
  fc.constant(-0),
  fc.constant(Number.NaN),
);
const member = fc.oneof(
  leaf,
  fc.array(leaf, { maxLength: 30 }),
  fc.array(fc.record({ uetr: fc.uuid(), state: fc.string(), at_ns: fc.string() }), { maxLength: 30 }),
);
const key = fc.oneof(fc.string(), fc.constantFrom('ok', 'result', 'changes', 'alerts', '0', '7', '"quoted"', 'ünï'));

test('the digest is sha256 of what JSON.stringify writes, whatever the members and the chunk size', () => {
  fc.assert(
    fc.property(fc.dictionary(key, member, { maxKeys: 6 }), fc.integer({ min: 1, max: 8 }), (o, chunk) => {
      const d = jsonDigest(o, chunk);
      assert.ok(d !== null);
      assert.deepEqual(d, sha256(JSON.stringify(o)));
    }),
    { numRuns: 2_000 },
  );
});

test('an object with a toJSON, an empty one and one of only left-out members digest as JSON writes them', () => {
  for (const o of [{}, { a: undefined, b: () => 1 }, { toJSON: () => ({ x: [1, 2, 3] }) }, { a: [1, 2, 3, 4, 5, 6], b: [] }]) {
    assert.deepEqual(jsonDigest(o as Record<string, unknown>, 2), sha256(JSON.stringify(o)));
  }
});

test('a bigint anywhere gives null (the text is then written with bigints as strings)', () => {
  assert.equal(jsonDigest({ a: 1n }), null);
  assert.equal(jsonDigest({ a: [1, 2, 3, { b: 2n }] }, 1), null);
  assert.equal(jsonDigest({ a: [1, 2, 3], c: { d: [5n] } }, 1), null);
});

test('outputDigest takes a digest the executor gives, else hashes the text', () => {
  const text = JSON.stringify({ ok: true, changes: [1, 2, 3] });
  assert.deepEqual(outputDigest({ text }), sha256(text));
  const given = Buffer.alloc(32, 7);
  assert.equal(outputDigest({ text, digest: given }), given);
});

test('member hears the text of each member written whole (exactly JSON.stringify of it), after the digest; nothing for chunks', () => {
  fc.assert(
    fc.property(fc.dictionary(key, member, { maxKeys: 6 }), fc.integer({ min: 1, max: 8 }), (o, chunk) => {
      const heard: Array<[string, string]> = [];
      const d = jsonDigest(o, chunk, (k, text) => heard.push([k, text]));
      assert.deepEqual(d, sha256(JSON.stringify(o)));
      const long = Object.entries(o).some(([, v]) => Array.isArray(v) && v.length > chunk && typeof (v as { toJSON?: unknown }).toJSON !== 'function');
      if (typeof (o as { toJSON?: unknown }).toJSON === 'function' || !long) {
        // Written in one piece: no member text is heard.
        assert.deepEqual(heard, []);
        return;
      }
      const expected: Array<[string, string]> = [];
      for (const [k, v] of Object.entries(o)) {
        if (Array.isArray(v) && v.length > chunk && typeof (v as { toJSON?: unknown }).toJSON !== 'function') continue;
        const text = JSON.stringify(v);
        if (text !== undefined) expected.push([k, text]);
      }
      assert.deepEqual(heard, expected);
    }),
    { numRuns: 2_000 },
  );
});

test('member is not called when the digest is null (a bigint)', () => {
  const heard: string[] = [];
  assert.equal(
    jsonDigest({ ok: true, result: { a: 1 }, changes: [1, 2, 3, 4n] }, 1, (k) => heard.push(k)),
    null,
  );
  assert.deepEqual(heard, []);
});
