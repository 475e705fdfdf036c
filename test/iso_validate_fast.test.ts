// Validation of ISO 20022 messages made cheaper per message (issue #18: the demo's
// prepare worker validates every payment's message). Each faster piece against the
// code it replaced, kept here as the reference:
//  - compareDecimal: digit comparison instead of bigints (src/iso20022/validate.ts);
//  - decimalDigits and the amount's integer digits: loops instead of regex replaces;
//  - a decimal's whitespace collapse: nothing done when there is no whitespace;
//  - the XML reader's character check (src/xml/reader.ts checkChars): a chunk of
//    plain characters skips the two regular expressions, which could not match it;
//  - locateMessage: its answer written out instead of spread, the same fields in
//    the same order.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkSimple, compareDecimal, decimalDigits, integerDigits, validateBuiltIn } from '../src/iso20022/validate.js';
import { locateMessage, locateParts } from '../src/iso20022/envelope.js';
import { SCHEMAS } from '../src/iso20022/schema/index.js';
import type { SimpleTypeDef } from '../src/iso20022/schema/types.js';
import { buildMessage } from '../src/iso20022/messages/index.js';
import { isoMessageOf } from '../src/demo/payment_message.js';
import { defaultProfile, generatePayments } from '../src/sim/index.js';
import { FORBIDDEN_CHARS, parseXml, plainChars } from '../src/xml/reader.js';

// --- the code as it was ------------------------------------------------------------

const DECIMAL_RE = /^[+-]?([0-9]*)(?:\.([0-9]*))?$/;

function decimalDigitsRef(v: string): { total: number; fraction: number } | null {
  const m = DECIMAL_RE.exec(v);
  if (m === null) return null;
  const int = m[1]!;
  const frac = m[2] ?? '';
  if (int.length === 0 && frac.length === 0) return null;
  const fracSig = frac.replace(/0+$/, '');
  const intSig = int.replace(/^0+/, '');
  return { total: Math.max(1, intSig.length + fracSig.length), fraction: fracSig.length };
}

function compareDecimalRef(a: string, b: string): number {
  const scale = (x: string): [bigint, number] => {
    const neg = x.startsWith('-');
    const body = x.replace(/^[+-]/, '');
    const [i = '', f = ''] = body.split('.');
    return [BigInt((neg ? '-' : '') + ((i + f).replace(/^0+(?=.)/, '') || '0')), f.length];
  };
  const [an, as] = scale(a);
  const [bn, bs] = scale(b);
  const s = Math.max(as, bs);
  const x = an * 10n ** BigInt(s - as);
  const y = bn * 10n ** BigInt(s - bs);
  return x < y ? -1 : x > y ? 1 : 0;
}

const integerDigitsRef = (amount: string): number => amount.replace(/^[+-]/, '').split('.')[0]!.replace(/^0+/, '').length;

const collapseRef = (v: string): string => v.replace(/[\t\n\r ]+/g, ' ').trim();

/** checkSimple's decimal case as it was (collapse by regex, the reference digits and comparison). */
function checkDecimalRef(raw: string, def: SimpleTypeDef): string | null {
  const v = collapseRef(raw);
  const d = decimalDigitsRef(v);
  if (d === null) return `${JSON.stringify(v.slice(0, 40))} is not a decimal number`;
  if (def.td !== undefined && d.total > def.td) return `${v} has ${d.total} digits; at most ${def.td} allowed`;
  if (def.fd !== undefined && d.fraction > def.fd) return `${v} has ${d.fraction} decimals; at most ${def.fd} allowed`;
  if (def.minI !== undefined && compareDecimalRef(v, def.minI) < 0) return `${v} is less than ${def.minI}`;
  if (def.maxI !== undefined && compareDecimalRef(v, def.maxI) > 0) return `${v} is greater than ${def.maxI}`;
  if (def.minE !== undefined && compareDecimalRef(v, def.minE) <= 0) return `${v} must be greater than ${def.minE}`;
  if (def.maxE !== undefined && compareDecimalRef(v, def.maxE) >= 0) return `${v} must be less than ${def.maxE}`;
  return null;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// --- generators ----------------------------------------------------------------------

const digits = (max: number) => fc.array(fc.constantFrom('0', '0', '0', '1', '2', '5', '9'), { maxLength: max }).map((d) => d.join(''));

/** Valid decimal strings: optional sign, leading zeros, empty integer or fraction, a bare point. */
const decimal = fc
  .tuple(fc.constantFrom('', '', '+', '-'), digits(8), fc.boolean(), digits(6))
  .filter(([, i, dot, f]) => i.length > 0 || (dot && f.length > 0))
  .map(([s, i, dot, f]) => `${s}${i}${dot ? `.${f}` : ''}`);

/** Strings near decimals: also with letters, two points, signs inside, whitespace. */
const nearDecimal = fc.oneof(
  decimal,
  fc.array(fc.constantFrom('0', '1', '9', '.', '+', '-', 'e', ' ', '\t', '\n', '\r', 'x'), { maxLength: 10 }).map((c) => c.join('')),
);

const ws = fc.array(fc.constantFrom(' ', '\t', '\n', '\r'), { maxLength: 3 }).map((c) => c.join(''));

// --- properties ------------------------------------------------------------------------

test('compareDecimal orders decimals as the bigint comparison did', () => {
  fc.assert(
    fc.property(decimal, decimal, (a, b) => {
      assert.equal(compareDecimal(a, b), compareDecimalRef(a, b), `${a} vs ${b}`);
    }),
    { numRuns: 20000 },
  );
  // Signed zeros, fractions only, trailing zeros, the schema's bound.
  const edge = ['0', '-0', '+0', '0.0', '-.0', '.5', '-.5', '0.50', '00.5', '5', '5.', '-5.', '10', '9.999', '-0.001', '100', '99.99'];
  for (const a of edge) for (const b of edge) assert.equal(compareDecimal(a, b), compareDecimalRef(a, b), `${a} vs ${b}`);
});

test('decimalDigits and the integer digits count as the regex versions did', () => {
  fc.assert(
    fc.property(nearDecimal, (v) => {
      assert.deepEqual(decimalDigits(v), decimalDigitsRef(v), v);
      if (decimalDigitsRef(v) !== null) assert.equal(integerDigits(v), integerDigitsRef(v), v);
    }),
    { numRuns: 20000 },
  );
});

test("checkSimple's decimal verdicts are the same, with and without whitespace, on every decimal type of the schemas", () => {
  const defs: SimpleTypeDef[] = [];
  for (const s of SCHEMAS.values()) for (const d of Object.values(s.simple)) if (d.b === 'decimal') defs.push(d);
  defs.push({ b: 'decimal', maxI: '100', minE: '-1', maxE: '99.5', td: 5, fd: 2 });
  assert.ok(defs.some((d) => d.minI !== undefined));
  fc.assert(
    fc.property(fc.constantFrom(...defs), ws, nearDecimal, ws, (def, pre, v, post) => {
      const raw = `${pre}${v}${post}`;
      assert.equal(checkSimple(raw, def), checkDecimalRef(raw, def), JSON.stringify(raw));
    }),
    { numRuns: 20000 },
  );
});

test('a chunk plainChars passes has nothing the character check looks for, and plain text passes', () => {
  const units = fc.oneof(
    fc.integer({ min: 0, max: 0x7f }),
    fc.integer({ min: 0, max: 0x1f }),
    fc.integer({ min: 0xd700, max: 0xe100 }),
    fc.integer({ min: 0xfff0, max: 0xffff }),
    fc.integer({ min: 0, max: 0xffff }),
  );
  fc.assert(
    fc.property(fc.array(units, { maxLength: 12 }), (codes) => {
      const s = String.fromCharCode(...codes);
      const plain = codes.every((c) => c === 9 || c === 10 || c === 13 || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd));
      assert.equal(plainChars(s), plain, JSON.stringify(codes));
      if (plainChars(s)) assert.ok(!FORBIDDEN_CHARS.test(s) && !LONE_SURROGATE.test(s));
    }),
    { numRuns: 20000 },
  );
  for (const s of ['', 'Invoice 2025-08 ÄÖü € 中文 \t\n\r', 'a'.repeat(300)]) assert.ok(plainChars(s));
  // What is not plain still goes through the check and is refused as before.
  assert.throws(() => parseXml('<a>x\u0001</a>'), /U\+0001 is not allowed/);
  assert.throws(() => parseXml('<a>x\ud800y</a>'), /unpaired surrogate U\+D800/);
  assert.equal(parseXml('<a>x\ud83d\ude00y</a>').root.text, 'x\ud83d\ude00y');
});

test("locateMessage answers the located parts and the schema, in the spread's field order", () => {
  const profile = defaultProfile({ banks: 10, liquidity_ratio: 1, traffic: { payments: 40 } });
  const date = profile.traffic.business_date;
  for (const sp of generatePayments(profile, { seed: 5, payments: 40 })) {
    const doc = parseXml(buildMessage(isoMessageOf(sp, date)));
    const located = locateMessage(doc);
    const parts = locateParts(doc);
    const spread = { ...parts, schema: SCHEMAS.get(parts.message_type)! };
    assert.deepEqual(Object.keys(located), Object.keys(spread));
    for (const k of Object.keys(spread) as Array<keyof typeof spread>) assert.equal(located[k], spread[k], k);
    assert.equal(validateBuiltIn(buildMessage(isoMessageOf(sp, date))).valid, true);
  }
});

test("the reader's verdict on a declaration and a namespace name does not depend on what it read before", () => {
  const decls = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    "<?xml version='1.0'?>",
    '<?xml version="1.0" encoding="latin1"?>',
    '<?xml version="2.0"?>',
    '<?xml version="1.0" standalone="yes" encoding="UTF-8"?>',
    '<?xml  version="1.0" encoding="us-ascii" standalone="no"?>',
    '<?xml version="1.0"encoding="UTF-8"?>',
  ];
  const namespaces = ['urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08', 'urn:a b', 'http://x/%zz', 'urn:x:y', '1urn:x', 'rel/path:x', 'http://[::1]/'];
  const outcome = (xml: string): string => {
    try {
      const d = parseXml(xml);
      return `ok ${d.root.ns}`;
    } catch (err) {
      return `${(err as { code?: string }).code}: ${(err as Error).message}`;
    }
  };
  // Which are accepted, known from the rules (not from a read): a declaration with version 1.x, UTF-8 or
  // US-ASCII, the parts in order and spaced; a namespace of URI characters, a scheme before any colon.
  const goodDecl = [true, true, false, false, false, true, false];
  const goodNs = [true, false, false, true, false, true, false];
  const docs = decls.flatMap((d, i) =>
    namespaces.map((ns, j): [string, boolean] => [`${d}<Document xmlns="${ns}"><A>1</A></Document>`, goodDecl[i]! && goodNs[j]!]),
  );
  // Each input, after any others: accepted exactly when both parts are good, and always with the same verdict.
  const alone = new Map<string, string>();
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...docs), { minLength: 2, maxLength: 8 }), (seq) => {
      for (const [x, good] of seq) {
        const o = outcome(x);
        assert.equal(o.startsWith('ok'), good, `${x}: ${o}`);
        if (!alone.has(x)) alone.set(x, o);
        assert.equal(o, alone.get(x), x);
      }
    }),
    { numRuns: 2000 },
  );
});
