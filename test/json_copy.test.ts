// The copy a platform journals a command from and runs on the engine that
// submitted it (src/platform/json_copy.ts): whenever it is taken, it reads
// exactly as its JSON text parsed (what followers and replay run) and writes the
// same text as the value it copies (what was journaled before); it shares no
// object with that value, so a caller's later change reaches nothing journaled.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { isOwnJsonCopy, jsonCopy, NOT_JSON } from '../src/platform/json_copy.js';
import { MemoryStore } from '../src/store/memory.js';
import { Platform } from '../src/platform/platform.js';
import { BANKS, openPlatform, payment, setupScheme } from './support/platform.js';

/** Every object and array reachable from `v`. */
function objectsOf(v: unknown, into = new Set<object>()): Set<object> {
  if (typeof v === 'object' && v !== null && !into.has(v)) {
    into.add(v);
    for (const x of Object.values(v)) objectsOf(x, into);
  }
  return into;
}

/** The keys of every object in `v`, in order, as a list (deepEqual does not compare key order). */
function keyOrder(v: unknown): string[][] {
  if (typeof v !== 'object' || v === null) return [];
  const own = Array.isArray(v) ? [] : [Object.keys(v)];
  return [...own, ...Object.values(v).flatMap(keyOrder)];
}

function checkTaken(v: unknown, c: unknown): void {
  const text = JSON.stringify(v);
  assert.equal(JSON.stringify(c), text);
  const parsed: unknown = JSON.parse(text);
  assert.deepStrictEqual(c, parsed);
  assert.deepStrictEqual(keyOrder(c), keyOrder(parsed));
  const mine = objectsOf(v);
  for (const o of objectsOf(c)) assert.ok(!mine.has(o), 'the copy shares an object with the value');
}

test('JSON data without a __proto__ member is always copied, and the copy reads as its text parsed, shares nothing and writes the same text', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (j) => {
      // As a request body gives it: parsed from text (no -0, which JSON writes as 0).
      const v: unknown = JSON.parse(JSON.stringify(j));
      // A "__proto__" member is refused (the text's way then: see the next tests); request bodies hold none.
      fc.pre(!keyOrder(v).some((keys) => keys.includes('__proto__')));
      const c = jsonCopy(v);
      assert.notEqual(c, NOT_JSON);
      checkTaken(v, c);
    }),
    { numRuns: 500 },
  );
});

/** Any value at all, JSON or not: boxed values, dates, maps, null prototypes, sparse and typed arrays, awkward keys. */
const anyValue = fc.anything({
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withNullPrototype: true,
  withObjectString: true,
  withSet: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
  key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'toJSON', '0', '10', 'constructor')),
});

test('any value: the copy is refused or reads exactly as JSON writes and reads the value', () => {
  fc.assert(
    fc.property(anyValue, (v) => {
      const c = jsonCopy(v);
      if (c !== NOT_JSON) checkTaken(v, c);
    }),
    { numRuns: 1_000 },
  );
});

test('what JSON would change or leave out is refused; an undefined member is left out as JSON leaves it', () => {
  class Box {
    a = 1;
  }
  const sparse: unknown[] = [1];
  sparse[2] = 3;
  const refused: unknown[] = [
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    1n,
    () => 1,
    Symbol('s'),
    new Date(0),
    new Box(),
    [1, undefined],
    sparse,
    { toJSON: () => 'x' },
    { a: { b: [Number.NaN] } },
    JSON.parse('{"__proto__": {"a": 1}}'),
    Object.assign([1], { toJSON: () => 2 }),
    { a: 1n },
  ];
  refused.forEach((v, i) => {
    assert.equal(jsonCopy(v), NOT_JSON, `case ${i}`);
  });
  const c = jsonCopy({ b: 2, a: undefined, 1: 'x', c: [{ d: null, e: undefined }] });
  assert.equal(JSON.stringify(c), '{"1":"x","b":2,"c":[{"d":null}]}');
  assert.deepStrictEqual(Object.keys(c as object), ['1', 'b', 'c']);
});

test('a caller changing its payments after submitting them changes nothing journaled or settled, and the store verifies', async () => {
  const store = new MemoryStore();
  const { platform } = await openPlatform(store);
  await setupScheme(platform);
  for (const bic of [BANKS[0], BANKS[1]]) await platform.run({ type: 'fund', participant: bic, currency: 'CNY', amount: '100.00' });
  const list = [payment(BANKS[0], BANKS[1], 'CNY', '1.00'), payment(BANKS[1], BANKS[0], 'CNY', '2.00')];
  const uetrs = list.map((p) => p.uetr as string);
  // Changed once the command's bytes are made and handed to the ledger, before its group runs (a later turn).
  const ledger = Platform.internals(platform).ledger;
  const submit = ledger.submitCommand.bind(ledger);
  let handed = 0;
  ledger.submitCommand = (bytes, given) => {
    const run = submit(bytes, given);
    handed++;
    list[0]!.amount = '999999999.00';
    list[1]!.payee = 'NOSUCHBIC';
    list.push(payment(BANKS[0], BANKS[1], 'CNY', '3.00'));
    return run;
  };
  const out = await platform.execute({ type: 'submit_payments', payments: list });
  assert.equal(handed, 1);
  assert.equal(out.ok, true);
  const results = (out.result as { payments: Array<{ state: string }> }).payments;
  assert.deepEqual(
    results.map((r) => r.state),
    ['settled', 'settled'],
  );
  assert.equal(platform.payment(uetrs[0]!)!.instruction.amount_minor, 100n);
  assert.equal(platform.payment(uetrs[1]!)!.instruction.payee, BANKS[0]);
  await platform.close();
  const report = await Platform.verify(store);
  assert.equal(report.ok, true, report.problem ?? '');
});

/** The reference for isOwnJsonCopy: the value has a copy, and that copy equals it strictly (prototypes, members, no undefined). */
function ownCopyReference(v: unknown): boolean {
  const c = jsonCopy(v);
  return c !== NOT_JSON && isDeepStrictEqual(c, v) && JSON.stringify(keyOrder(c)) === JSON.stringify(keyOrder(v));
}

test('isOwnJsonCopy: true exactly when the copy would equal the value itself, for any value; always for JSON.parse output', () => {
  fc.assert(
    fc.property(anyValue, (v) => {
      assert.equal(isOwnJsonCopy(v), ownCopyReference(v));
    }),
    { numRuns: 2_000 },
  );
  fc.assert(
    fc.property(fc.jsonValue(), (j) => {
      const v: unknown = JSON.parse(JSON.stringify(j));
      fc.pre(!keyOrder(v).some((keys) => keys.includes('__proto__')));
      assert.equal(isOwnJsonCopy(v), true);
    }),
    { numRuns: 500 },
  );
  const nullProto = Object.assign(Object.create(null) as Record<string, unknown>, { a: 1 });
  const cases: Array<[unknown, boolean]> = [
    [{ a: 1, b: [1, 'x', null, true, { c: {} }] }, true],
    [{ a: undefined }, false],
    [{ a: [undefined] }, false],
    [{ a: -0 }, false],
    [{ a: { b: Number.NaN } }, false],
    [nullProto, false],
    [{ a: [nullProto] }, false],
    [JSON.parse('{"a": {"__proto__": 1}}'), false],
    [{ a: new Date(0) }, false],
    [{ a: 1n }, false],
    [{ a: { toJSON: () => 1 } }, false],
  ];
  cases.forEach(([v, want], i) => {
    assert.equal(isOwnJsonCopy(v), want, `case ${i}`);
  });
});

test('a command handed over (owned) journals the same bytes and settles the same as one copied; one that is not its own copy is copied', async () => {
  const runs: Array<{ bytes: string[]; states: string[] }> = [];
  for (const owned of [false, true, true]) {
    const store = new MemoryStore();
    const { platform } = await openPlatform(store);
    await setupScheme(platform);
    for (const bic of [BANKS[0], BANKS[1]]) await platform.run({ type: 'fund', participant: bic, currency: 'CNY', amount: '100.00' });
    const ledger = Platform.internals(platform).ledger;
    const submit = ledger.submitCommand.bind(ledger);
    const bytes: string[] = [];
    const given: unknown[] = [];
    ledger.submitCommand = (b, g) => {
      bytes.push(b.toString('utf8'));
      given.push(g?.value);
      return submit(b, g);
    };
    // The same payments each run (fixed UETRs); the third run's second payment is not its own copy (an undefined member).
    const list: Array<Record<string, unknown>> = JSON.parse(
      JSON.stringify([
        { ...payment(BANKS[0], BANKS[1], 'CNY', '1.00'), uetr: '7f3c1e2a-0b4d-4c5e-8f60-718293a4b5c6', end_to_end_id: 'E2E-1' },
        { ...payment(BANKS[1], BANKS[0], 'CNY', '2.00'), uetr: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', end_to_end_id: 'E2E-2' },
      ]),
    );
    const third = runs.length === 2;
    if (third) list[1]!.remittance = undefined;
    const input = { type: 'submit_payments', payments: list };
    const out = await platform.execute(input, 'system', owned);
    assert.equal(out.ok, true);
    const value = given[0] as { payments: unknown[] };
    // Handed over: the executor runs the caller's payments themselves; copied otherwise (or when not its own copy).
    assert.equal(value.payments === list, owned && !third);
    runs.push({ bytes, states: (out.result as { payments: Array<{ state: string }> }).payments.map((r) => r.state) });
    await platform.close();
    const report = await Platform.verify(store);
    assert.equal(report.ok, true, report.problem ?? '');
  }
  assert.deepStrictEqual(runs[1], runs[0]);
  assert.deepStrictEqual(runs[2], runs[0]);
});
