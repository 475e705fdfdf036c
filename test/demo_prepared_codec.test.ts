// The prepare worker's answers packed for postMessage (issue #18:
// src/demo/prepared_codec.ts) read back as the very objects packed: the same
// values, the same keys in the same order, undefined-valued keys kept, null
// instructions and screenings kept; for generated answers and for the real
// preparer's answers on a day's traffic.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { preparer, PREPARE_WORKER_ROLE, type Prepared } from '../src/demo/prepare_worker.js';
import { packPrepared, unpackPrepared } from '../src/demo/prepared_codec.js';
import { defaultProfile, generatePayments } from '../src/sim/index.js';

/** Keys in the order given, as a record: fast-check's record may reorder; the order matters (JSON of the journal). */
const ordered = (entries: Array<[string, unknown]>): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) o[k] = v;
  return o;
};

/** fast-check's records have no prototype; the worker's answers are plain objects. */
const plain = <T extends object>(o: T): T => ({ ...o });
const text = fc.oneof(fc.string(), fc.constantFrom('EUR', 'USD', 'pacs.008', 'normal', '2025-08-29', ''), fc.string({ unit: 'grapheme' }));
const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !k.includes('\u0000') && k !== '__proto__');
const leaf = fc.oneof(text, fc.constant(undefined), fc.constant(null), fc.boolean(), fc.double(), fc.integer(), fc.bigInt());
const party = fc.array(fc.tuple(fc.constantFrom('name', 'country', 'address'), fc.option(text, { nil: undefined })), { maxLength: 3 }).map((e) => ordered(e));
const instruction = fc
  .array(fc.tuple(key, fc.oneof({ weight: 6, arbitrary: leaf }, { weight: 1, arbitrary: party }, { weight: 1, arbitrary: fc.array(leaf, { maxLength: 3 }) })), {
    maxLength: 16,
  })
  .map((e) => ordered(e));
const screening = fc.option(
  fc
    .record(
      { hit: fc.boolean(), score: fc.double(), list_version: text, detail: fc.option(text, { nil: undefined }) },
      { requiredKeys: ['hit', 'score', 'list_version'] },
    )
    .map(plain),
  { nil: null },
);
const form = fc
  .record({
    currency: text,
    payee_currency: text,
    amount_minor: fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
    instructions: fc.option(fc.array(instruction, { maxLength: 3 }), { nil: null }),
  })
  .map(plain);
const answers = fc.array(fc.record({ screening, forms: fc.array(form, { maxLength: 3 }) }).map(plain), { maxLength: 20 }) as unknown as fc.Arbitrary<
  Prepared[]
>;

/** Packed, through structured clone with the codes' buffer transferred (as postMessage does), and read back. */
function roundTrip(prepared: readonly Prepared[]): Prepared[] {
  const packed = packPrepared(prepared);
  const posted = structuredClone(packed, { transfer: [packed.codes.buffer] });
  assert.equal(packed.codes.byteLength, 0, 'the codes are transferred, not copied');
  return unpackPrepared(posted) as Prepared[];
}

/** Each object's keys, in order, at every depth: deepStrictEqual does not compare key order. */
function keyOrders(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrders);
  if (typeof v === 'object' && v !== null) return Object.entries(v).map(([k, x]) => [k, keyOrders(x)]);
  return typeof v === 'bigint' ? `${v}n` : Object.is(v, -0) ? '-0' : v;
}

test('packed answers read back as the very answers: values, keys and their order', () => {
  fc.assert(
    fc.property(answers, (prepared) => {
      const back = roundTrip(prepared);
      assert.deepStrictEqual(back, prepared);
      assert.deepStrictEqual(keyOrders(back), keyOrders(prepared));
    }),
    { numRuns: 300 },
  );
});

test("the preparer's answers on a day's traffic read back as they were made", () => {
  const profile = defaultProfile({ banks: 24, liquidity_ratio: 1, traffic: { payments: 1500 } });
  const payments = [...generatePayments(profile, { seed: 5, payments: 1500 })];
  const participants = profile.banks.map((b): [string, string[]] => [b.bic, Object.keys(b.liquidity)]);
  const prepare = preparer({ role: PREPARE_WORKER_ROLE, date: profile.traffic.business_date, participants, screen: null });
  const made = payments.map((sp) => prepare(sp));
  assert.ok(made.some((p) => p.forms.length === 2) && made.some((p) => p.forms.length === 1), 'both forms and one form are seen');
  for (let i = 0; i < made.length; i += 250) {
    const chunk = made.slice(i, i + 250);
    const back = roundTrip(chunk);
    assert.deepStrictEqual(back, chunk);
    assert.deepStrictEqual(keyOrders(back), keyOrders(chunk));
  }
});

test('a packed chunk with a code missing or one too many is refused, not misread', () => {
  const prepared: Prepared[] = [{ screening: null, forms: [{ currency: 'EUR', payee_currency: 'EUR', amount_minor: 5n, instructions: null }] }];
  const packed = packPrepared(prepared);
  assert.throws(() => unpackPrepared({ strings: packed.strings, codes: Uint32Array.from([...packed.codes, 0]) }), /left over/);
  assert.throws(() => unpackPrepared({ strings: packed.strings, codes: Uint32Array.from([...packed.codes].slice(0, 1).concat([99])) }), /bad code/);
});

test('a packed chunk naming a string past its table is refused, wherever the index stands', () => {
  const prepared: Prepared[] = [
    {
      screening: { hit: false, score: 0.5, list_version: 'v1' } as unknown as Prepared['screening'],
      forms: [
        {
          currency: 'EUR',
          payee_currency: 'USD',
          amount_minor: 5n,
          instructions: [{ a: 'x' } as unknown as NonNullable<Prepared['forms'][0]['instructions']>[0]],
        },
      ],
    },
  ];
  const packed = packPrepared(prepared);
  const { strings } = packed;
  const codes = [...packed.codes];
  const past = strings.length;
  const id = (s: string): number => strings.indexOf(s);
  // [n, OBJECT, keys, FALSE, NUMBER, "0.5", "v1"×4, forms, EUR, USD, "5", count, keys, "x"×4]
  assert.deepStrictEqual(codes, [
    1,
    2,
    id('hit\u0000score\u0000list_version'),
    7,
    3,
    id('0.5'),
    id('v1') * 4,
    1,
    id('EUR'),
    id('USD'),
    id('5'),
    1,
    id('a'),
    id('x') * 4,
  ]);
  assert.deepStrictEqual(unpackPrepared({ strings, codes: Uint32Array.from(codes) }), prepared, 'the chunk as packed reads back');
  const corrupt: Array<[string, number, number]> = [
    ["the screening's key list", 2, past],
    ["a number's text", 5, past],
    ['a string value', 6, past * 4],
    ['a string value far past the table', 6, 0xffff_fffc],
    ["the form's currency", 8, past],
    ["the form's payee currency", 9, past],
    ["the form's amount", 10, past],
    ["an instruction's key list", 12, past],
    ["an instruction's string value", 13, past * 4],
  ];
  for (const [what, at, code] of corrupt) {
    const bad = codes.slice();
    bad[at] = code;
    assert.throws(() => unpackPrepared({ strings, codes: Uint32Array.from(bad) }), /out of range/, what);
  }
  assert.throws(() => unpackPrepared({ strings, codes: Uint32Array.from(codes.slice(0, -1)) }), /cut short/, 'the last code missing');
});

/** The packer before its key-list trie and code scratch (stop 52), written out: each object's keys joined and looked up, codes in a list. */
function formerPack(prepared: readonly Prepared[]): { strings: string[]; codes: Uint32Array } {
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const codes: number[] = [];
  const str = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      ids.set(s, i);
    }
    return i;
  };
  const obj = (o: object): void => {
    const keys = Object.keys(o);
    codes.push(str(keys.join('\u0000')));
    for (const k of keys) value((o as Record<string, unknown>)[k]);
  };
  const value = (v: unknown): void => {
    if (typeof v === 'string') codes.push(str(v) * 4);
    else if (v === undefined) codes.push(1);
    else if (typeof v === 'boolean') codes.push(v ? 5 : 7);
    else if (typeof v === 'number') codes.push(...(Object.is(v, -0) ? [15] : [3, str(String(v))]));
    else if (typeof v === 'bigint') codes.push(13, str(v.toString()));
    else if (v === null) codes.push(9);
    else if (Array.isArray(v)) {
      codes.push(11, v.length);
      for (const x of v) value(x);
    } else {
      codes.push(2);
      obj(v as object);
    }
  };
  codes.push(prepared.length);
  for (const a of prepared) {
    value(a.screening);
    codes.push(a.forms.length);
    for (const f of a.forms) {
      codes.push(str(f.currency), str(f.payee_currency), str(f.amount_minor.toString()));
      if (f.instructions === null) codes.push(0xffff_ffff);
      else {
        codes.push(f.instructions.length);
        for (const i of f.instructions) obj(i);
      }
    }
  }
  return { strings, codes: Uint32Array.from(codes) };
}

test('chunks pack as the former packer packed them: the same table, the same codes, chunk after chunk', () => {
  fc.assert(
    fc.property(fc.array(answers, { minLength: 1, maxLength: 4 }), (chunks) => {
      for (const chunk of chunks) {
        const packed = packPrepared(chunk);
        const former = formerPack(chunk);
        assert.deepStrictEqual(packed.strings, former.strings);
        assert.deepStrictEqual([...packed.codes], [...former.codes]);
      }
    }),
    { numRuns: 200 },
  );
});

test('a chunk past the code scratch, and chunks after the key lists start afresh, pack as the former packer did', () => {
  const instructionOf = (i: number, keys: number): RawInstructionLike => {
    const o: RawInstructionLike = {};
    for (let k = 0; k < keys; k++) o[`k${i}_${k}`] = k % 3 === 0 ? `v${i % 7}` : k % 3 === 1 ? i * k : null;
    return o;
  };
  // 20,000 instructions of 16 keys of their own each: 320,000 trie nodes (past the limit) and ~340,000 codes in one chunk.
  const wide: Prepared[] = [];
  for (let p = 0; p < 200; p++) {
    const instructions = Array.from({ length: 100 }, (_, i) => instructionOf(p * 100 + i, 16));
    wide.push({ screening: null, forms: [{ currency: 'EUR', payee_currency: 'USD', amount_minor: BigInt(p), instructions }] } as unknown as Prepared);
  }
  const shapes: Prepared[] = [0, 1, 2, 3].map(
    (i) =>
      ({
        screening: null,
        forms: [{ currency: 'EUR', payee_currency: 'EUR', amount_minor: 1n, instructions: [instructionOf(i, 4), instructionOf(i, 5)] }],
      }) as unknown as Prepared,
  );
  for (const chunk of [shapes, wide, shapes, wide, shapes]) {
    const packed = packPrepared(chunk);
    const former = formerPack(chunk);
    assert.deepStrictEqual(packed.strings, former.strings);
    assert.deepStrictEqual([...packed.codes], [...former.codes]);
    assert.deepStrictEqual(unpackPrepared(packed), chunk);
  }
  assert.ok(formerPack(wide).codes.length > 1 << 16, 'the wide chunk needs more codes than the scratch starts with');
});

type RawInstructionLike = Record<string, unknown>;
