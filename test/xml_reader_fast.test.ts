// The XML reader and the schema walk made cheaper for the demo's prepare worker
// (issue #18): the reader's text between tags read in one pass (the checks and
// rewrites only for text that needs them), an end tag matching its start tag
// taken without reading its name again, ASCII name characters from a table, no
// arrays for elements without attributes or declarations; the validator compares
// children's namespaces with the string the root element carries, and a string's
// length facets count its code points only when the units do not settle them. None of it may
// change a verdict: the answers to a seeded corpus of odd documents (text with
// every character class the checks look for, end tags that differ from the start
// tag by a character, names outside ASCII, attributes and declarations, the
// attribute limit at 0, truncations) and of demo messages mutated in their
// namespaces and elements are compared with the digests the reader and validator
// before this change gave (base 023c17f), and a few cases are checked by hand.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { isoMessageOf } from '../src/demo/payment_message.js';
import { buildMessage } from '../src/iso20022/messages/index.js';
import { checkSimple, validateBuiltIn } from '../src/iso20022/validate.js';
import type { SimpleTypeDef } from '../src/iso20022/schema/types.js';
import { defaultProfile, generatePayments } from '../src/sim/index.js';
import { DEFAULT_XML_LIMITS, parseXml, XmlError, type XmlElement } from '../src/xml/reader.js';

/** A small seeded generator (mulberry32), so the corpus is the same on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEXT_PIECES = [
  'a',
  'Zz 9',
  ' ',
  '\n',
  '\t',
  '\r',
  '\r\n',
  '&amp;',
  '&lt;&gt;',
  '&#65;',
  '&#x1F600;',
  '&',
  '&bogus;',
  '&#1;',
  '>',
  ']]>',
  ']]',
  '\u0001',
  '\u001f',
  '\u007f',
  '\ud800',
  '\udc00',
  '\ud83d\ude00',
  '\ufffe',
  '\uffff',
  '\ue000',
  '\ufffd',
  'é',
  'Київ',
  '北京',
  '<!--c-->',
  '<![CDATA[x<y]]>',
  '<?pi d?>',
];
const NAMES = ['a', 'ab', 'abc', 'p:a', 'p:ab', 'q:a', 'é', 'aé', 'a\ud800\udc00', 'a.b', 'a-b', 'a1', '_x', 'Ab', 'AB'];
const ATTRS = [
  ' x="1"',
  " y='2'",
  ' Ccy="EUR"',
  ' xmlns="urn:a"',
  ' xmlns:p="urn:p"',
  ' xmlns:q="urn:q"',
  ' xmlns:p="urn:p2"',
  ' p:z="3"',
  ' x="&amp;\t\r\n"',
  ' x="1" x="2"',
  ' xmlns=""',
  ' q:z="bad-prefix?"',
];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** One odd document: elements with random text, attributes and end tags, sometimes cut short. */
function oddDocument(r: () => number): string {
  const out: string[] = [];
  if (r() < 0.3) out.push('<?xml version="1.0" encoding="UTF-8"?>');
  const open: string[] = [];
  const start = (): void => {
    const name = pick(r, NAMES);
    let tag = `<${name}`;
    if (open.length === 0 && r() < 0.8) tag += ' xmlns:p="urn:p" xmlns:q="urn:q"';
    while (r() < 0.25) tag += pick(r, ATTRS);
    if (r() < 0.15) tag += ' ';
    if (r() < 0.15) {
      out.push(`${tag}/>`);
      return;
    }
    out.push(`${tag}>`);
    open.push(name);
  };
  const end = (): void => {
    const name = open.pop()!;
    const u = r();
    // Mostly the matching end tag; sometimes one that differs by a prefix, a suffix or a name.
    const written = u < 0.8 ? name : u < 0.85 ? `${name}x` : u < 0.9 ? name.slice(0, -1) || 'z' : u < 0.95 ? pick(r, NAMES) : `${name}\u00b7`;
    out.push(`</${written}${r() < 0.1 ? ' ' : ''}>`);
  };
  start();
  for (let steps = 0; open.length > 0 && steps < 30; steps++) {
    const u = r();
    if (u < 0.35) {
      let t = '';
      const n = 1 + Math.floor(r() * 4);
      for (let i = 0; i < n; i++) t += r() < 0.6 ? 'word' : pick(r, TEXT_PIECES);
      out.push(t);
    } else if (u < 0.6 && open.length < 5) start();
    else end();
  }
  while (open.length > 0) end();
  let doc = out.join('');
  if (r() < 0.1) doc = doc.slice(0, Math.floor(r() * doc.length));
  if (r() < 0.05) doc += pick(r, ['x', ' ', '<a/>', '<!--z-->']);
  return doc;
}

function treeOf(el: XmlElement): unknown {
  return [el.qname, el.local, el.ns, el.offset, el.text, el.attrs.map((a) => [a.qname, a.local, a.ns, a.value]), el.nsDecls, el.children.map(treeOf)];
}

function outcome(doc: string, limits = DEFAULT_XML_LIMITS): unknown {
  try {
    const d = parseXml(doc, limits);
    return { root: treeOf(d.root), elements: d.elementCount };
  } catch (err) {
    if (!(err instanceof XmlError)) throw err;
    return { code: err.code, message: err.message, offset: err.offset, path: err.path };
  }
}

/** The digest of the answers to 6,000 odd documents (every fourth with no attribute allowed). */
export function oddCorpusDigest(): string {
  const r = rng(18_2026);
  const h = createHash('sha256');
  const noAttrs = { ...DEFAULT_XML_LIMITS, max_attributes: 0 };
  for (let i = 0; i < 6_000; i++) {
    const doc = oddDocument(r);
    h.update(JSON.stringify(outcome(doc, i % 4 === 3 ? noAttrs : DEFAULT_XML_LIMITS)));
    h.update('\n');
  }
  return h.digest('hex');
}

/** The demo's messages of 300 payments, each mutated one way, validated; the digest of every answer. */
export function mutatedMessagesDigest(): string {
  const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 300 } });
  const date = profile.traffic.business_date;
  const r = rng(4_118);
  const h = createHash('sha256');
  for (const p of generatePayments(profile, { seed: 5, payments: 300 })) {
    const xml = buildMessage(isoMessageOf(p, date));
    const ns = /xmlns="([^"]*)"/.exec(xml)![1]!;
    const variants = [
      xml,
      // The same namespace declared again on an inner element: another string, equal.
      xml.replace('<GrpHdr>', `<GrpHdr xmlns="${ns}">`),
      // An inner element in another namespace, by prefix and by default.
      xml.replace('<GrpHdr>', '<GrpHdr xmlns="urn:other">'),
      xml.replace(/<CdtTrfTxInf>/, `<x:CdtTrfTxInf xmlns:x="${ns}">`).replace(/<\/CdtTrfTxInf>/, '</x:CdtTrfTxInf>'),
      xml.replace(/<CdtTrfTxInf>/, '<x:CdtTrfTxInf xmlns:x="urn:x">').replace(/<\/CdtTrfTxInf>/, '</x:CdtTrfTxInf>'),
      // Elements dropped, repeated and swapped.
      xml.replace(/<PmtId>.*?<\/PmtId>/, ''),
      xml.replace(/(<PmtId>.*?<\/PmtId>)/, '$1$1'),
      xml.replace(/(<PmtId>.*?<\/PmtId>)(<PmtTpInf>.*?<\/PmtTpInf>)/, '$2$1'),
      xml.replace(/<ChrgBr>.*?<\/ChrgBr>/, ''),
      xml.replace(/(<Dbtr>.*?<\/Dbtr>)/, '$1$1'),
      xml.replace('<RmtInf>', '<RmtInf><Zzz/>'),
      xml.replace(/<Ustrd>/, '<Ustrd>\r\n&amp; '),
    ];
    const v = variants[Math.floor(r() * variants.length)]!;
    for (const m of [xml, v]) {
      const res = validateBuiltIn(m);
      h.update(JSON.stringify([res.valid, res.message_type, res.errors]));
      h.update('\n');
    }
  }
  return h.digest('hex');
}

test('the reader answers a corpus of odd documents as before (trees and errors)', () => {
  assert.equal(oddCorpusDigest(), ODD_CORPUS_DIGEST);
});

test('validation answers mutated demo messages as before', () => {
  assert.equal(mutatedMessagesDigest(), MUTATED_MESSAGES_DIGEST);
});

test('end tags: the matching one is taken, one differing by a character is refused', () => {
  assert.equal(parseXml('<ab>x</ab>').root.text, 'x');
  assert.equal(parseXml('<a\ud800\udc00>x</a\ud800\udc00 >').root.qname, 'a\ud800\udc00');
  for (const [doc, code, offset] of [
    ['<ab>x</abc>', 'XML_MALFORMED', 5],
    ['<ab>x</a>', 'XML_MALFORMED', 5],
    ['<ab>x</ab\u00b7>', 'XML_MALFORMED', 5],
    ['<a\ud800\udc00>x</a\ud800\udc00\ud800\udc00>', 'XML_MALFORMED', 6],
    ['<ab>x</ab', 'XML_TRUNCATED', 9],
    ['<ab>x</', 'XML_TRUNCATED', 7],
  ] as const) {
    assert.throws(
      () => parseXml(doc),
      (e: unknown) => e instanceof XmlError && e.code === code && e.offset === offset,
      doc,
    );
  }
});

test('text: plain text is kept as written, the rest checked and rewritten', () => {
  assert.equal(parseXml('<a>Київ \ud83d\ude00 \ue000\ufffd</a>').root.text, 'Київ \ud83d\ude00 \ue000\ufffd');
  assert.equal(parseXml('<a>x\r\ny\rz&amp;&gt;></a>').root.text, 'x\ny\nz&>>');
  for (const [doc, code] of [
    ['<a>x\u0001</a>', 'XML_INVALID_CHAR'],
    ['<a>x\ud800</a>', 'XML_INVALID_CHAR'],
    ['<a>\udc00</a>', 'XML_INVALID_CHAR'],
    ['<a>\ufffe</a>', 'XML_INVALID_CHAR'],
    ['<a>x]]>y</a>', 'XML_MALFORMED'],
    ['<a>x & y</a>', 'XML_MALFORMED'],
    ['<a>text', 'XML_TRUNCATED'],
  ] as const) {
    assert.throws(
      () => parseXml(doc),
      (e: unknown) => e instanceof XmlError && e.code === code,
      JSON.stringify(doc),
    );
  }
});

test('attributes: none allowed refuses the first; an element without any shares a frozen empty list', () => {
  const limits = { ...DEFAULT_XML_LIMITS, max_attributes: 0 };
  assert.throws(
    () => parseXml('<a x="1"/>', limits),
    (e: unknown) => e instanceof XmlError && e.code === 'XML_LIMIT_ATTRIBUTES',
  );
  assert.throws(() => parseXml('<a xmlns="urn:a"/>', limits), XmlError);
  assert.equal(parseXml('<a><b/></a>', limits).root.children.length, 1);
  const d = parseXml('<a xmlns:p="urn:p" x="1"><b/><p:c/></a>');
  assert.deepEqual(
    d.root.attrs.map((a) => a.qname),
    ['x'],
  );
  assert.deepEqual(d.root.nsDecls, [['p', 'urn:p']]);
  const [b, c] = d.root.children;
  assert.equal(b!.attrs.length + b!.nsDecls.length + c!.attrs.length, 0);
  assert.ok(Object.isFrozen(b!.attrs) && Object.isFrozen(b!.nsDecls));
});

/** The length facets as checkSimple checked them before: code points always counted. */
function lengthRef(v: string, def: SimpleTypeDef): string | null {
  let n = v.length;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  if (def.len !== undefined && n !== def.len) return `length ${n}; exactly ${def.len} required`;
  if (def.minLen !== undefined && n < def.minLen) return n === 0 ? 'must not be empty' : `length ${n}; at least ${def.minLen} required`;
  if (def.maxLen !== undefined && n > def.maxLen) return `${n} characters; at most ${def.maxLen} allowed`;
  return null;
}

test('length facets: the same verdict and message as counting every value', () => {
  const r = rng(7_001);
  const units = ['a', 'é', '\ud83d\ude00', '\ud800', '\udc00', ' ', '北'];
  const facet = (): number | undefined => (r() < 0.4 ? undefined : Math.floor(r() * 6));
  let counted = 0;
  for (let i = 0; i < 20_000; i++) {
    let v = '';
    const k = Math.floor(r() * 7);
    for (let j = 0; j < k; j++) v += pick(r, units);
    const def: SimpleTypeDef = { b: 'string', len: r() < 0.15 ? facet() : undefined, minLen: facet(), maxLen: facet() };
    const want = lengthRef(v, def);
    if (want !== null) counted++;
    assert.equal(checkSimple(v, def), want, JSON.stringify([v, def]));
  }
  assert.ok(counted > 2_000);
});

// The digests as the reader and validator before this change (base 023c17f) answered.
const ODD_CORPUS_DIGEST = 'd6408c2f72bb879b07e9bd258897d3ef91a05eee49b207e3ac41f6b3ad53160c';
const MUTATED_MESSAGES_DIGEST = '65bcdcf2154aa5c3953520a347032c32c5ee8c5e64f8dd9ef6c1b974480edf81';
