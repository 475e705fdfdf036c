// The ISO 20022 writer (src/iso20022/messages/tree.ts writeDocument) pushes its
// pieces (tags made once per name) onto the caller's list, keeps each element's
// field positions on one shared stack, and keeps its XPath as a stack of names,
// turned into text only for an error (issue #18: the demo's prepare worker writes
// every payment's message). It must write exactly what the writer before it wrote — every byte of
// every valid tree, and for an invalid tree the same error (class, path, message).
// The reference below is that earlier writer (an array of pieces, a path string per
// element). Trees are drawn at random from the schemas' own types, in and out of
// schema order, with undefined fields, holes, unknown names, text where an object
// belongs and the reverse, attributes and wildcard elements.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import fc from 'fast-check';
import { BuildError, writeDocument, type XObj, type XValue } from '../src/iso20022/messages/tree.js';
import { buildMessage } from '../src/iso20022/messages/index.js';
import { isoMessageOf } from '../src/demo/payment_message.js';
import { SCHEMAS } from '../src/iso20022/schema/index.js';
import type { MessageSchema, Particle } from '../src/iso20022/schema/types.js';
import { defaultProfile, generatePayments } from '../src/sim/index.js';
import { escapeAttr, escapeText } from '../src/xml/writer.js';

// --- the writer as it was ---------------------------------------------------------

function writeDocumentRef(schema: MessageSchema, value: XObj, out: string[]): void {
  writeElementRef(schema, schema.root, schema.rootType, value, out, ` xmlns="${escapeAttr(schema.namespace)}"`, `/${schema.root}`);
}

function writeElementRef(schema: MessageSchema, name: string, typeName: string, value: XValue, out: string[], nsDecl: string, path: string): void {
  const complex = schema.complex[typeName];
  if (complex === undefined) {
    if (typeof value !== 'string') throw new BuildError(path, `expected text for ${name}`);
    out.push('<', name, nsDecl, '>', escapeText(value), '</', name, '>');
    return;
  }
  if (typeof value === 'string') throw new BuildError(path, `expected an object for ${name}`);
  if (complex.m === 'simple') {
    out.push('<', name, nsDecl);
    for (const [attr] of complex.a ?? []) {
      const v = value[`@${attr}`];
      if (v !== undefined) out.push(' ', attr, '="', escapeAttr(String(v)), '"');
    }
    for (const k of Object.keys(value)) {
      if (k !== '$' && !(complex.a ?? []).some(([a]) => `@${a}` === k) && value[k] !== undefined) throw new BuildError(path, `${name} has no ${k}`);
    }
    out.push('>', escapeText(String(value.$ ?? '')), '</', name, '>');
    return;
  }
  out.push('<', name, nsDecl, '>');
  const particles = complex.e ?? [];
  const order = new Map(particles.map(([child], i) => [child, i]));
  const present: number[] = [];
  let unknown = false;
  for (const k of Object.keys(value)) {
    if (value[k] === undefined) continue;
    const i = order.get(k);
    if (i === undefined) unknown = true;
    else present.push(i);
  }
  if (present.length > 1) present.sort((a, b) => a - b);
  for (const i of present) {
    const [child, childType] = particles[i]!;
    const v = value[child]!;
    if (child === '#any') writeForeignRef(v, out, `${path}/*`);
    else if (Array.isArray(v))
      v.forEach((item, j) => {
        writeElementRef(schema, child, childType, item, out, '', `${path}/${child}[${j + 1}]`);
      });
    else writeElementRef(schema, child, childType, v, out, '', `${path}/${child}`);
  }
  if (unknown) {
    const names = Object.keys(value).filter((k) => value[k] !== undefined && !order.has(k));
    throw new BuildError(path, `${name} (${typeName}) has no element ${names.join(', ')}`);
  }
  out.push('</', name, '>');
}

function writeForeignRef(v: XValue | XValue[], out: string[], path: string): void {
  if (typeof v === 'string' || Array.isArray(v) || typeof v['#name'] !== 'string' || typeof v['@xmlns'] !== 'string')
    throw new BuildError(path, 'a wildcard element needs "#name" and "@xmlns"');
  out.push('<', v['#name'], ' xmlns="', escapeAttr(v['@xmlns']), '">');
  for (const [k, t] of Object.entries(v)) {
    if (k === '#name' || k === '@xmlns' || t === undefined) continue;
    if (typeof t !== 'string') throw new BuildError(path, `${v['#name']}/${k}: text only`);
    out.push('<', k, '>', escapeText(t), '</', k, '>');
  }
  out.push('</', v['#name'], '>');
}

// --- random trees from a schema ----------------------------------------------------

/** A small deterministic generator (the property's seed picks the tree). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const TEXTS = ['EUR', '100.50', 'ABCDEFGHXXX', 'a & b < c > d', 'line\rbreak', 'ÄÖü €', '', '2025-08-29', 'x"y\'z'];

/** A tree for `typeName`; `fault` is the chance of each kind of fault at each node. */
function tree(schema: MessageSchema, typeName: string, r: () => number, depth: number, fault: number): XValue {
  const complex = schema.complex[typeName];
  const text = (): string => TEXTS[Math.floor(r() * TEXTS.length)]!;
  if (complex === undefined) return r() < fault ? { $: text() } : text();
  if (r() < fault / 2) return text();
  if (complex.m === 'simple') {
    const o: XObj = { $: text() };
    for (const [a] of complex.a ?? []) if (r() < 0.8) o[`@${a}`] = text();
    if (r() < fault) o['@Nope'] = 'x';
    if (r() < 0.2) o['@Undef'] = undefined;
    return o;
  }
  const o: XObj = {};
  const particles = [...(complex.e ?? [])];
  // Model order is usually schema order; sometimes shuffled.
  if (r() < 0.3) particles.sort(() => r() - 0.5);
  for (const p of particles as Particle[]) {
    if (depth > 5 || r() < 0.5) {
      if (r() < 0.1) o[p[0]] = undefined;
      continue;
    }
    if (p[0] === '#any') {
      const w: XObj = r() < fault ? { '#name': 'Sup' } : { '#name': 'Sup', '@xmlns': 'urn:x:y', A: text(), B: undefined };
      if (r() < fault) w.C = { D: 'x' };
      o[p[0]] = w;
    } else if (p[3] > 1 && r() < 0.7) {
      const n = 1 + Math.floor(r() * 3);
      const items: XValue[] = [];
      for (let i = 0; i < n; i++) items.push(tree(schema, p[1], r, depth + 1, fault));
      if (r() < fault) delete items[Math.floor(r() * n)]; // a hole
      o[p[0]] = items;
    } else o[p[0]] = tree(schema, p[1], r, depth + 1, fault);
  }
  if (r() < fault) o[r() < 0.5 ? 'Unknown' : 'Zzz'] = 'x';
  return o;
}

type Outcome = { xml: string } | { error: string; path: string; message: string };

function outcome(write: () => string): Outcome {
  try {
    return { xml: write() };
  } catch (err) {
    const e = err as Error & { path?: string };
    return { error: e.constructor.name, path: e.path ?? '', message: e.message };
  }
}

const ROOTS: Array<[MessageSchema, string]> = [...SCHEMAS.values()].map((s) => [s, s.rootType]);

test('writeDocument writes what the earlier writer wrote, and fails where and as it failed, on random trees of every schema', () => {
  let valid = 0;
  let invalid = 0;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: ROOTS.length - 1 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.constantFrom(0, 0.02, 0.1), (si, seed, fault) => {
      const [schema, rootType] = ROOTS[si]!;
      const value = tree(schema, rootType, rng(seed), 0, fault);
      if (typeof value === 'string') return;
      const fast = outcome(() => {
        const out: string[] = [];
        writeDocument(schema, value, out);
        return out.join('');
      });
      const ref = outcome(() => {
        const out: string[] = [];
        writeDocumentRef(schema, value, out);
        return out.join('');
      });
      assert.deepEqual(fast, ref);
      if ('xml' in fast) valid++;
      else invalid++;
    }),
    { numRuns: 3000 },
  );
  // Both kinds were drawn often enough to mean something.
  assert.ok(valid > 300 && invalid > 300, `valid ${valid}, invalid ${invalid}`);
});

test("the demo's messages are written byte for byte as before (pacs.008 and pacs.009)", () => {
  // The digest of these 600 messages as the writer before this change wrote them (base 22e71e8).
  const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 600 } });
  const date = profile.traffic.business_date;
  const kinds = new Set<string>();
  const h = createHash('sha256');
  for (const sp of generatePayments(profile, { seed: 7, payments: 600 })) {
    const model = isoMessageOf(sp, date);
    kinds.add(model.message_type);
    h.update(buildMessage(model));
    h.update('\n');
  }
  assert.deepEqual([...kinds].sort(), ['pacs.008.001.08', 'pacs.009.001.08']);
  assert.equal(h.digest('hex'), '40aa760a387eeac070cd1b3659ce0565fb2057d089b31ce49020e36fb6852883');
});
