// The payment record codec (src/platform/payment_codec.ts): any JSON-shaped value
// with bigints decodes to one that JSON-encodes exactly as the original did (same
// keys in the same order, undefined members left out, bigints still bigints), with
// tables shared across records as the payment book shares them; and the UUID
// reader takes exactly the lower-case canonical form.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { CodecTables, PaymentCodec, PaymentReader, uuidInto } from '../src/platform/payment_codec.js';
import { ReferenceRecords } from './support/payment_codec_reference.js';

/** JSON that tells a bigint from a number or a string. */
function typedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? { bigint: x.toString() } : x));
}

const bigints = fc.oneof(
  fc.bigInt({ min: 0n, max: 1000n }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constantFrom(0n, (1n << 64n) - 1n, 1n << 64n, -1n, 1_796_402_889_791_987_013n),
  fc.bigInt({ min: -(1n << 130n), max: 1n << 130n }),
);
const strings = fc.oneof(
  fc.string(),
  fc.constantFrom('settled', 'CNY', 'BKAACNBJ', '', 'not screened'),
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.uuid().map((u) => `${u.slice(0, 8)}x${u.slice(9)}`),
);
const keys = fc.constantFrom('uetr', 'end_to_end_id', 'remittance', 'state', 'at_ns', 'amount', 'history', 'fx', 'a', 'b', '0', '10', '__proto__x');
const values = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeNat(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constant(-0),
    bigints,
    strings,
  ),
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 5 }),
  object: fc.dictionary(keys, fc.oneof(tie('node'), fc.constant(undefined)), { maxKeys: 8 }),
}));

test('payment records decode to values that JSON-encode exactly as the originals (bigints kept)', () => {
  const tables = new CodecTables();
  const codec = new PaymentCodec(tables);
  const reader = new PaymentReader(tables);
  const kept: Array<{ record: Buffer; json: string }> = [];
  fc.assert(
    fc.property(values.node, (v) => {
      // encode gives a view of the codec's buffer: copied, as the payment book copies it into a chunk.
      const record = Buffer.from(codec.encode(v));
      const json = typedJson(v === undefined ? null : v);
      assert.equal(typedJson(reader.decode(record, 0)), json);
      kept.push({ record, json });
    }),
    { numRuns: 2000 },
  );
  // Records written earlier still read the same after the tables grew.
  for (const { record, json } of kept) assert.equal(typedJson(reader.decode(record, 0)), json);
});

test('strings under per-payment keys (remittance, ids) stay inline: the shared table holds only repeated ones', () => {
  const tables = new CodecTables();
  const codec = new PaymentCodec(tables);
  const reader = new PaymentReader(tables);
  for (let i = 0; i < 500; i++) {
    const v = { end_to_end_id: `E2E-${i}`, remittance: `INV-${i} goods`, state: 'settled', debtor: { name: 'Acme Trading' } };
    assert.deepEqual(reader.decode(Buffer.from(codec.encode(v)), 0), v);
  }
  assert.deepEqual([...tables.strings].sort(), ['Acme Trading', 'settled']);
});

test('a history of one command time: the repeated bigint is one byte, and each record reads its own', () => {
  const tables = new CodecTables();
  const codec = new PaymentCodec(tables);
  const reader = new PaymentReader(tables);
  const at = 1_796_402_889_791_987_013n;
  const one = { history: [{ at_ns: at }] };
  const four = { history: [{ at_ns: at }, { at_ns: at }, { at_ns: at }, { at_ns: at }] };
  const n1 = codec.encode(one).length;
  const r4 = Buffer.from(codec.encode(four));
  // Each further entry: object tag, shape id, the one-byte repeat.
  assert.equal(r4.length, n1 + 3 * 3);
  const other = Buffer.from(codec.encode({ history: [{ at_ns: at + 1n }, { at_ns: at + 1n }] }));
  assert.equal(typedJson(reader.decode(r4, 0)), typedJson(four));
  assert.equal(typedJson(reader.decode(other, 0)), typedJson({ history: [{ at_ns: at + 1n }, { at_ns: at + 1n }] }));
});

test('uuidInto reads the lower-case canonical UUID text only, byte for byte', () => {
  const out = Buffer.alloc(17);
  for (let i = 0; i < 200; i++) {
    const u = randomUUID();
    assert.ok(uuidInto(u, out, 1));
    assert.equal(out.toString('hex', 1), u.replaceAll('-', ''));
  }
  const u = randomUUID();
  for (const bad of [u.toUpperCase(), u.slice(1), `${u}0`, u.replaceAll('-', '_'), `${u.slice(0, 35)}g`, `${u.slice(0, 8)}0${u.slice(9)}`, '', 'é'.repeat(36)])
    assert.equal(uuidInto(bad, out, 0), false, bad);
});

test('a bigint below 2^64 is written as its tag and the 8 bytes Buffer.writeBigUInt64LE gives', () => {
  const codec = new PaymentCodec(new CodecTables());
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
      const want = Buffer.alloc(9);
      want[0] = 12; // TAG.u64
      want.writeBigUInt64LE(v, 1);
      assert.deepEqual(Buffer.from(codec.encode(v)), want);
      // Inside a record, after other bytes (the write lands at the buffer's current end).
      const rec = Buffer.from(codec.encode([true, v]));
      assert.deepEqual(rec.subarray(rec.length - 9), want);
    }),
    { numRuns: 2000 },
  );
});

/** Bigints a payment holds (amounts, times, transfer ids ~2^126, FX residues of either sign) and the edges of each encoding. */
const paymentBigints = fc.oneof(
  fc.bigInt({ min: 0n, max: 10n ** 12n }),
  fc.bigInt({ min: 1n << 120n, max: (1n << 127n) - 1n }),
  fc.bigInt({ min: -(10n ** 6n), max: -1n }),
  fc.constantFrom(
    -1n,
    -(1n << 64n),
    -((1n << 64n) - 1n),
    (1n << 64n) - 1n,
    1n << 64n,
    (1n << 64n) + 1n,
    (1n << 72n) - 1n,
    1n << 72n,
    (1n << 128n) - 1n,
    1n << 128n,
    -((1n << 128n) - 1n),
    -(1n << 128n),
    1n << 200n,
  ),
  fc.bigInt({ min: -(1n << 140n), max: 1n << 140n }),
);
/** Strings a payment holds: repeated short ones, fresh ids, UUIDs, and the unusual (long, non-ASCII, UUID-like). */
const paymentStrings = fc.oneof(
  fc.constantFrom('BKAACNBJ', 'BKABCNBJ', 'CNY', 'RUB', '2025-08-29', 'settled', 'normal', 'rtgs', 'pacs.008', 'ТАА «Віцебск Агра»', ''),
  fc.string({ maxLength: 40 }),
  fc.string({ minLength: 120, maxLength: 135 }),
  fc.string({ minLength: 195, maxLength: 210 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  // ASCII but for one character (Latin-1, or beyond), anywhere: an id or remittance written inline.
  fc.tuple(fc.string({ maxLength: 130 }), fc.constantFrom('é', '\u0080', '\u00ff', 'Ж', '€', '😀'), fc.nat()).map(([t, c, at]) => {
    const i = at % (t.length + 1);
    return `${t.slice(0, i)}${c}${t.slice(i)}`;
  }),
  fc.uuid(),
  fc.uuid().map((u) => u.toUpperCase()),
);
/** Now and then a value of another type where a payment has a string or a bigint. */
const odd = fc.oneof(fc.constant(undefined), fc.constant(null), fc.double(), fc.constant(-0), fc.integer(), fc.boolean(), paymentStrings, paymentBigints);
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 3 });
const sometimesOdd = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ weight: 12, arbitrary: a }, { weight: 1, arbitrary: odd });

/** An object with `members` in their order, or shuffled (another shape), undefined members kept as members. */
function objectOf(members: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(members);
  return fc
    .tuple(
      fc.tuple(...keys.map((k) => members[k]!)),
      fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, fc.shuffledSubarray(keys, { minLength: keys.length })),
    )
    .map(([values, order]) => {
      const o: Record<string, unknown> = {};
      for (const k of order ?? keys) o[k] = values[keys.indexOf(k)];
      return o;
    });
}

const party = objectOf({ name: sometimesOdd(paymentStrings), country: sometimesOdd(paymentStrings), address: maybe(paymentStrings) });
const payments = objectOf({
  instruction: objectOf({
    uetr: sometimesOdd(fc.uuid()),
    end_to_end_id: sometimesOdd(paymentStrings),
    payer: sometimesOdd(paymentStrings),
    payee: sometimesOdd(paymentStrings),
    currency: sometimesOdd(paymentStrings),
    amount_minor: sometimesOdd(paymentBigints),
    payee_currency: sometimesOdd(paymentStrings),
    value_date: sometimesOdd(paymentStrings),
    priority: sometimesOdd(fc.constantFrom('normal', 'urgent')),
    settlement: sometimesOdd(fc.constantFrom('rtgs', 'dns')),
    fx_provider: maybe(paymentStrings),
    quote_id: maybe(paymentStrings),
    purpose: maybe(paymentStrings),
    remittance: maybe(paymentStrings),
    message: maybe(fc.constantFrom('pacs.008', 'pacs.009')),
    debtor: maybe(party),
    creditor: maybe(party),
    settle_by_ns: maybe(paymentBigints),
  }),
  seq: sometimesOdd(fc.nat()),
  state: sometimesOdd(fc.constantFrom('received', 'settled', 'rejected', 'returned')),
  history: sometimesOdd(
    fc.array(
      objectOf({
        state: paymentStrings,
        at_ns: fc.oneof(fc.constant(1_756_454_700_000_000_463n), paymentBigints),
        reason: maybe(paymentStrings),
        detail: maybe(paymentStrings),
      }),
      {
        maxLength: 6,
      },
    ),
  ),
  window_id: sometimesOdd(fc.option(fc.nat())),
  fx: fc.option(
    objectOf({
      provider: paymentStrings,
      rate_num: paymentBigints,
      rate_den: paymentBigints,
      rate_source: paymentStrings,
      payee_amount_minor: paymentBigints,
      residue_num: paymentBigints,
      residue_den: paymentBigints,
    }),
  ),
  transfer_ids: sometimesOdd(fc.array(paymentBigints, { maxLength: 3 })),
  settled_at_ns: fc.option(paymentBigints),
  case_id: fc.option(fc.nat()),
  submitted_by: sometimesOdd(paymentStrings),
});

test('payment records are byte for byte the plainly written format, across records sharing the tables, and decode back', () => {
  fc.assert(
    fc.property(fc.array(payments, { minLength: 1, maxLength: 30 }), (batch) => {
      // Fresh tables per batch, the same sequence through both: ids are handed out in the same order.
      const tables = new CodecTables();
      const codec = new PaymentCodec(tables);
      const reader = new PaymentReader(tables);
      const reference = new ReferenceRecords();
      const records: Buffer[] = [];
      for (const p of batch) {
        const record = Buffer.from(codec.encode(p));
        assert.deepEqual(record, reference.encode(p));
        records.push(record);
      }
      for (let i = 0; i < batch.length; i++) assert.equal(typedJson(reader.decode(records[i]!, 0)), typedJson(batch[i]));
    }),
    { numRuns: 300 },
  );
});

test('bigints of every size and sign are written as the plainly written format writes them', () => {
  const codec = new PaymentCodec(new CodecTables());
  const reader = new PaymentReader(codec.tables);
  const reference = new ReferenceRecords();
  const check = (v: bigint): void => {
    const record = Buffer.from(codec.encode([v, 1]));
    assert.deepEqual(record, reference.encode([v, 1]), String(v));
    assert.equal((reader.decode(record, 0) as unknown[])[0], v);
  };
  for (let bits = 0; bits <= 136; bits++) {
    const p = 1n << BigInt(bits);
    for (const v of [p - 1n, p, p + 1n, -p, -(p - 1n), -(p + 1n)]) check(v);
  }
  fc.assert(
    fc.property(paymentBigints, (v) => check(v)),
    { numRuns: 3000 },
  );
});

/** An object with the members whose value is not `absent`, in `keys`' order (optional members left out, not undefined). */
function present(keys: readonly string[], values: readonly unknown[], absent: unknown): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  keys.forEach((k, i) => {
    if (values[i] !== absent) o[k] = values[i];
  });
  return o;
}
const ABSENT = Symbol('absent');
/** A member left out `weight` times in `weight + 1`. */
const absentOr = <T>(a: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | typeof ABSENT> =>
  fc.oneof({ weight, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: a });
/** Now and then an undefined member, where the platform's objects never have one. */
const orUndefined = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: 20, arbitrary: a }, { weight: 1, arbitrary: fc.constant(undefined) });
const INSTRUCTION = ['uetr', 'end_to_end_id', 'payer', 'payee', 'currency', 'amount_minor', 'payee_currency', 'value_date', 'priority', 'settlement'];
const OPTIONAL = ['fx_provider', 'quote_id', 'purpose', 'remittance', 'message', 'settle_by_ns'];
/** Instructions as checkInstruction writes them (the optional members present or absent), now and then an odd value, an undefined member or another order. */
const platformInstructions = fc
  .tuple(
    fc.tuple(
      orUndefined(sometimesOdd(fc.uuid())),
      orUndefined(sometimesOdd(paymentStrings)),
      orUndefined(sometimesOdd(fc.constantFrom('BKAACNBJ', 'BKABCNBJ'))),
      orUndefined(sometimesOdd(fc.constantFrom('BKAACNBJ', 'BKACCNBJ'))),
      orUndefined(sometimesOdd(fc.constantFrom('CNY', 'RUB'))),
      orUndefined(sometimesOdd(paymentBigints)),
      orUndefined(sometimesOdd(fc.constantFrom('CNY', 'RUB'))),
      orUndefined(sometimesOdd(paymentStrings)),
      orUndefined(sometimesOdd(fc.constantFrom('normal', 'urgent'))),
      orUndefined(sometimesOdd(fc.constantFrom('rtgs', 'dns'))),
    ),
    // Most instructions have none of the optional members (the API's and the demo's): left out 9 times in 10 each.
    fc.tuple(
      absentOr(paymentStrings, 9),
      absentOr(paymentStrings, 9),
      absentOr(paymentStrings, 9),
      absentOr(paymentStrings, 9),
      absentOr(paymentStrings, 9),
      absentOr(paymentBigints, 9),
    ),
    fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, fc.constant(true)),
  )
  .map(([req, opt, reversed]) => {
    const o = { ...present(INSTRUCTION, req, ABSENT), ...present(OPTIONAL, opt, ABSENT) };
    return reversed ? Object.fromEntries(Object.entries(o).reverse()) : o;
  });
/** History entries as CommandContext.change writes them: state and time, then a reason and a detail when given. */
const platformChanges = fc
  .tuple(
    orUndefined(sometimesOdd(fc.constantFrom('received', 'validated', 'screened', 'settled', 'rejected'))),
    orUndefined(sometimesOdd(fc.oneof(fc.constant(1_796_646_667_502_358_655n), paymentBigints))),
    absentOr(paymentStrings, 3),
    absentOr(orUndefined(sometimesOdd(fc.constantFrom('not screened', 'no hit (list 3)')))),
    fc.oneof({ weight: 8, arbitrary: fc.constant(null) }, fc.constantFrom('extra', 'at_ns')),
  )
  .map(([state, at, reason, detail, extra]) => {
    const o = present(['state', 'at_ns', 'reason', 'detail'], [state, at, reason, detail], ABSENT);
    if (extra === 'extra') o.extra = 1;
    return extra === 'at_ns' ? Object.fromEntries(Object.entries(o).reverse()) : o;
  });
const PAYMENT = ['instruction', 'seq', 'state', 'history', 'window_id', 'fx', 'transfer_ids', 'settled_at_ns', 'case_id', 'submitted_by'];
/** Payments as newPayment writes them, with the odd value, undefined member, missing or extra key and other order now and then. */
const platformPayments = fc
  .tuple(
    fc.tuple(
      orUndefined(fc.oneof({ weight: 20, arbitrary: platformInstructions }, odd)),
      orUndefined(sometimesOdd(fc.nat())),
      orUndefined(sometimesOdd(fc.constantFrom('settled', 'rejected', 'returned'))),
      orUndefined(sometimesOdd(fc.array(fc.oneof({ weight: 20, arbitrary: platformChanges }, odd), { maxLength: 6 }))),
      orUndefined(sometimesOdd(fc.option(fc.nat()))),
      orUndefined(fc.option(fc.record({ provider: paymentStrings, rate_num: paymentBigints, rate_den: paymentBigints }))),
      orUndefined(sometimesOdd(fc.array(sometimesOdd(paymentBigints), { maxLength: 3 }))),
      orUndefined(sometimesOdd(fc.option(paymentBigints))),
      orUndefined(fc.option(fc.nat())),
      orUndefined(sometimesOdd(fc.constantFrom('bench', 'BKAACNBJ'))),
    ),
    fc.oneof({ weight: 10, arbitrary: fc.constant(null) }, fc.constantFrom('drop', 'extra', 'reverse')),
    fc.nat(),
  )
  .map(([values, change, at]) => {
    const o = present(PAYMENT, values, ABSENT);
    if (change === 'drop') delete o[PAYMENT[at % PAYMENT.length]!];
    if (change === 'extra') o.returned_by = 'x';
    return change === 'reverse' ? Object.fromEntries(Object.entries(o).reverse()) : o;
  });

test("payments, instructions and history entries in the platform's key orders: byte for byte the plainly written format, and decode back", () => {
  fc.assert(
    fc.property(fc.array(platformPayments, { minLength: 1, maxLength: 30 }), (batch) => {
      const tables = new CodecTables();
      const codec = new PaymentCodec(tables);
      const reader = new PaymentReader(tables);
      const reference = new ReferenceRecords();
      for (const p of batch) {
        const record = Buffer.from(codec.encode(p));
        assert.deepEqual(record, reference.encode(p));
        assert.equal(typedJson(reader.decode(record, 0)), typedJson(p));
      }
    }),
    { numRuns: 500 },
  );
});

test('encodeInto writes the record encode writes, into the buffer from its offset when it fits, else -1 with the record at last()', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(platformPayments, fc.nat({ max: 80 }), fc.nat({ max: 400 })), { minLength: 1, maxLength: 20 }), (batch) => {
      const tables = new CodecTables();
      const codec = new PaymentCodec(tables);
      const reference = new ReferenceRecords();
      for (const [p, at, room] of batch) {
        const want = reference.encode(p);
        const into = Buffer.alloc(at + room, 0xa5);
        const n = codec.encodeInto(p, into, at);
        if (n >= 0) {
          assert.deepEqual(into.subarray(at, at + n), want);
          assert.ok(want.length <= room);
        } else {
          assert.deepEqual(Buffer.from(codec.last()), want);
          // Every room check asks at most 17 bytes more than its value takes.
          assert.ok(want.length + 17 > room, `${want.length} bytes did not fit in ${room}`);
        }
        // Nothing before the offset is touched.
        assert.ok(into.subarray(0, at).every((b) => b === 0xa5));
      }
    }),
    { numRuns: 500 },
  );
});
