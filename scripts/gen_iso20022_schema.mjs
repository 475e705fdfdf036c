#!/usr/bin/env node
// Generates src/iso20022/schema/<msg>.ts — the built-in definitions of validation
// layer (a) — from the official ISO 20022 XSDs. Run once when a message version is
// added; the output is committed, the XSDs are not.
//
//   npx tsc -p tsconfig.json && node scripts/gen_iso20022_schema.mjs ../shared/iso20022/xsd
//
// It reads the XSDs with the project's own XML reader (dist/src/iso20022/xml.js)
// and understands exactly the XSD subset the ISO 20022 generator emits: named
// complex types with one xs:sequence or xs:choice of named elements (and xs:any),
// simpleContent extensions with attributes, and named simple types restricting a
// built-in or another named simple type. Anything else stops the script, so a
// construct the validator does not implement can never be silently dropped.

import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXml } from '../dist/src/iso20022/xml.js';

const XS = 'http://www.w3.org/2001/XMLSchema';
const MESSAGES = [
  'head.001.001.02',
  'pacs.008.001.08',
  'pacs.009.001.08',
  'pacs.002.001.10',
  'pacs.004.001.09',
  'camt.053.001.08',
  'camt.054.001.08',
  'camt.056.001.08',
  'camt.029.001.09',
];
const BUILTINS = new Set(['string', 'decimal', 'date', 'dateTime', 'boolean', 'time', 'gYearMonth', 'gYear']);

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, '..', 'src', 'iso20022', 'schema');
const xsdDir = process.argv[2];
if (!xsdDir) {
  console.error('usage: node scripts/gen_iso20022_schema.mjs XSD_DIR');
  process.exit(2);
}
const available = new Set(readdirSync(xsdDir));

const kids = (el) => el.children.filter((c) => c.ns === XS && c.local !== 'annotation');
const attr = (el, name) => el.attrs.find((a) => a.ns === '' && a.local === name)?.value;
const fail = (msg) => {
  throw new Error(msg);
};
const occurs = (el) => {
  const min = Number(attr(el, 'minOccurs') ?? '1');
  const maxRaw = attr(el, 'maxOccurs') ?? '1';
  return [min, maxRaw === 'unbounded' ? Infinity : Number(maxRaw)];
};
const localType = (t) => (t.startsWith('xs:') ? t : t.includes(':') ? fail(`prefixed type ${t}`) : t);

function generate(id) {
  const file = `${id}.xsd`;
  if (!available.has(file)) {
    console.error(`skip ${id}: ${file} not in ${xsdDir}`);
    return null;
  }
  const bytes = readFileSync(join(xsdDir, file));
  const sha = createHash('sha256').update(bytes).digest('hex');
  const doc = parseXml(bytes, { max_bytes: 4 << 20, max_depth: 64, max_elements: 200_000, max_attributes: 32 });
  const schema = doc.root;
  const namespace = attr(schema, 'targetNamespace');
  if (attr(schema, 'elementFormDefault') !== 'qualified') fail(`${id}: elementFormDefault must be qualified`);
  let root = null;
  const complex = {};
  const simpleRaw = {};
  for (const top of kids(schema)) {
    const name = attr(top, 'name');
    if (top.local === 'element') {
      if (root) fail(`${id}: more than one global element`);
      root = [name, localType(attr(top, 'type'))];
    } else if (top.local === 'complexType') {
      complex[name] = complexDef(id, name, top);
    } else if (top.local === 'simpleType') {
      const [r, ...rest] = kids(top);
      if (r?.local !== 'restriction' || rest.length) fail(`${id}: simpleType ${name}: only xs:restriction is supported`);
      const facets = { base: localType(attr(r, 'base')) };
      for (const f of kids(r)) {
        const v = attr(f, 'value');
        switch (f.local) {
          case 'pattern':
            if (facets.p !== undefined) fail(`${id}: ${name}: several patterns`);
            facets.p = v;
            break;
          case 'enumeration':
            (facets.en ??= []).push(v);
            break;
          case 'minLength':
            facets.minLen = Number(v);
            break;
          case 'maxLength':
            facets.maxLen = Number(v);
            break;
          case 'length':
            facets.len = Number(v);
            break;
          case 'fractionDigits':
            facets.fd = Number(v);
            break;
          case 'totalDigits':
            facets.td = Number(v);
            break;
          case 'minInclusive':
            facets.minI = v;
            break;
          case 'maxInclusive':
            facets.maxI = v;
            break;
          case 'minExclusive':
            facets.minE = v;
            break;
          case 'maxExclusive':
            facets.maxE = v;
            break;
          default:
            fail(`${id}: ${name}: facet xs:${f.local} not supported`);
        }
      }
      simpleRaw[name] = facets;
    } else fail(`${id}: top-level xs:${top.local} not supported`);
  }
  // Resolve simple types to their built-in base, merging the facets of named bases.
  const simple = {};
  const resolve = (name, seen = new Set()) => {
    if (simple[name]) return simple[name];
    if (name.startsWith('xs:')) {
      const b = name.slice(3);
      if (!BUILTINS.has(b)) fail(`${id}: built-in ${name} not supported`);
      return { b };
    }
    const raw = simpleRaw[name] ?? fail(`${id}: unknown simple type ${name}`);
    if (seen.has(name)) fail(`${id}: cyclic simple type ${name}`);
    seen.add(name);
    const base = resolve(raw.base, seen);
    const { base: _b, ...own } = raw;
    if (own.p !== undefined && base.p !== undefined) fail(`${id}: ${name}: pattern on a patterned base`);
    const def = { ...base, ...own };
    simple[name] = def;
    return def;
  };
  for (const name of Object.keys(simpleRaw)) resolve(name);
  // Every referenced type must exist, and element types of built-ins get an entry.
  for (const [tname, def] of Object.entries(complex)) {
    for (const [el, t] of def.e ?? [])
      if (el !== '#any' && !complex[t] && !simple[t]) {
        if (t.startsWith('xs:')) simple[t] = resolve(t);
        else fail(`${id}: ${tname}/${el}: unknown type ${t}`);
      }
    if (def.s && !simple[def.s]) simple[def.s] = resolve(def.s);
    for (const [, t] of def.a ?? []) if (!simple[t]) simple[t] = resolve(t);
  }
  if (!root) fail(`${id}: no global element`);
  return { id, namespace, root, complex, simple, sha, file };
}

function complexDef(id, name, ct) {
  const parts = kids(ct);
  if (parts.length === 0) return { m: 'empty' };
  if (parts.length !== 1) fail(`${id}: ${name}: more than one content part`);
  const p = parts[0];
  if (p.local === 'sequence' || p.local === 'choice') {
    const [min, max] = occurs(p);
    if (min !== 1 || max !== 1) fail(`${id}: ${name}: occurrence on the model group`);
    const e = [];
    for (const c of kids(p)) {
      if (c.local === 'element')
        e.push([attr(c, 'name') ?? fail(`${id}: ${name}: element ref`), localType(attr(c, 'type') ?? fail(`${id}: ${name}: anonymous type`)), ...occurs(c)]);
      else if (c.local === 'any') {
        if (attr(c, 'processContents') !== 'lax') fail(`${id}: ${name}: xs:any must be lax`);
        e.push(['#any', attr(c, 'namespace') ?? '##any', ...occurs(c)]);
      } else fail(`${id}: ${name}: nested xs:${c.local} not supported`);
    }
    return { m: p.local === 'sequence' ? 'seq' : 'choice', e };
  }
  if (p.local === 'simpleContent') {
    const [ext, ...rest] = kids(p);
    if (ext?.local !== 'extension' || rest.length) fail(`${id}: ${name}: simpleContent must be one extension`);
    const a = kids(ext).map((x) => {
      if (x.local !== 'attribute') fail(`${id}: ${name}: xs:${x.local} in extension`);
      return [attr(x, 'name'), localType(attr(x, 'type')), attr(x, 'use') === 'required'];
    });
    return { m: 'simple', s: localType(attr(ext, 'base')), a };
  }
  fail(`${id}: ${name}: xs:${p.local} not supported`);
}

const lit = (v) => (v === Infinity ? 'Infinity' : JSON.stringify(v));

function renderComplex(d) {
  const f = [`m: ${lit(d.m)}`];
  if (d.e) f.push(`e: [${d.e.map((p) => `[${p.map(lit).join(', ')}]`).join(', ')}]`);
  if (d.s) f.push(`s: ${lit(d.s)}`);
  if (d.a?.length) f.push(`a: [${d.a.map((p) => `[${p.map(lit).join(', ')}]`).join(', ')}]`);
  return `{ ${f.join(', ')} }`;
}

function renderSimple(d) {
  const f = Object.entries(d).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.map(lit).join(', ')}]` : lit(v)}`);
  return `{ ${f.join(', ')} }`;
}

/**
 * Types that several messages define identically (most of the ISO 20022 catalogue)
 * are emitted once into common.ts; a type whose definition differs between
 * messages stays in each message's own table.
 */
function sharedTypes(gs, kind, render) {
  const seen = new Map(); // name -> { text, count, consistent }
  for (const g of gs) {
    for (const [name, d] of Object.entries(g[kind])) {
      const text = render(d);
      const s = seen.get(name);
      if (s === undefined) seen.set(name, { text, count: 1, consistent: true });
      else {
        s.count++;
        if (s.text !== text) s.consistent = false;
      }
    }
  }
  return new Map([...seen].filter(([, s]) => s.count >= 2 && s.consistent).map(([name, s]) => [name, s.text]));
}

const HEADER = [`// GENERATED by scripts/gen_iso20022_schema.mjs from the official ISO 20022 schemas. Do not edit by hand: regenerate.`];

function emitCommon(sharedComplex, sharedSimple, files) {
  const lines = [...HEADER];
  lines.push(`// Type definitions that the messages below define identically, kept once: ${files.join(', ')}.`);
  lines.push('');
  lines.push(`import type { ComplexTypeDef, SimpleTypeDef } from './types.js';`);
  lines.push('');
  lines.push(`export const COMMON_COMPLEX: Readonly<Record<string, ComplexTypeDef>> = {`);
  for (const name of [...sharedComplex.keys()].sort()) lines.push(`  ${name}: ${sharedComplex.get(name)},`);
  lines.push(`};`);
  lines.push('');
  lines.push(`export const COMMON_SIMPLE: Readonly<Record<string, SimpleTypeDef>> = {`);
  for (const name of [...sharedSimple.keys()].sort()) lines.push(`  ${JSON.stringify(name)}: ${sharedSimple.get(name)},`);
  lines.push(`};`);
  lines.push('');
  lines.push(`/** The named entries of a common table, for a message's own table. */`);
  lines.push(`export function pick<T>(table: Readonly<Record<string, T>>, names: readonly string[]): Record<string, T> {`);
  lines.push(`  const out: Record<string, T> = {};`);
  lines.push(`  for (const name of names) {`);
  lines.push(`    const def = table[name];`);
  lines.push(`    if (def === undefined) throw new Error(\`iso20022 schema: no common type \${name}\`);`);
  lines.push(`    out[name] = def;`);
  lines.push(`  }`);
  lines.push(`  return out;`);
  lines.push(`}`);
  return lines.join('\n') + '\n';
}

function emit(g, sharedComplex, sharedSimple) {
  const constName = g.id.replace(/\./g, '_').toUpperCase();
  const lines = [];
  lines.push(`// GENERATED by scripts/gen_iso20022_schema.mjs from the official ISO 20022 schema`);
  lines.push(`// ${g.file} (sha256 ${g.sha}). Do not edit by hand: regenerate.`);
  lines.push(`// Built-in definition of ${g.id} for validation layer (a); see ./types.ts.`);
  lines.push('');
  lines.push(`import { COMMON_COMPLEX, COMMON_SIMPLE, pick } from './common.js';`);
  lines.push(`import type { MessageSchema } from './types.js';`);
  lines.push('');
  const complexNames = Object.keys(g.complex).sort();
  const simpleNames = Object.keys(g.simple).sort();
  const commonC = complexNames.filter((n) => sharedComplex.has(n));
  const commonS = simpleNames.filter((n) => sharedSimple.has(n));
  lines.push(`export const ${constName}: MessageSchema = {`);
  lines.push(`  id: ${lit(g.id)},`);
  lines.push(`  namespace: ${lit(g.namespace)},`);
  lines.push(`  root: ${lit(g.root[0])},`);
  lines.push(`  rootType: ${lit(g.root[1])},`);
  lines.push(`  complex: {`);
  lines.push(`    ...pick(COMMON_COMPLEX, ${JSON.stringify(commonC)}),`);
  for (const name of complexNames) if (!sharedComplex.has(name)) lines.push(`    ${name}: ${renderComplex(g.complex[name])},`);
  lines.push(`  },`);
  lines.push(`  simple: {`);
  lines.push(`    ...pick(COMMON_SIMPLE, ${JSON.stringify(commonS)}),`);
  for (const name of simpleNames) if (!sharedSimple.has(name)) lines.push(`    ${JSON.stringify(name)}: ${renderSimple(g.simple[name])},`);
  lines.push(`  },`);
  lines.push(`};`);
  return lines.join('\n') + '\n';
}

const generated = MESSAGES.map((id) => generate(id)).filter((g) => g);
const sharedComplex = sharedTypes(generated, 'complex', renderComplex);
const sharedSimple = sharedTypes(generated, 'simple', renderSimple);
writeFileSync(
  join(outDir, 'common.ts'),
  emitCommon(
    sharedComplex,
    sharedSimple,
    generated.map((g) => g.file),
  ),
);
console.error(`wrote common.ts: ${sharedComplex.size} complex, ${sharedSimple.size} simple types shared`);
const written = [];
for (const g of generated) {
  const out = join(outDir, `${g.id.replace(/\./g, '_')}.ts`);
  writeFileSync(out, emit(g, sharedComplex, sharedSimple));
  written.push(g.id);
  console.error(`wrote ${out}: ${Object.keys(g.complex).length} complex, ${Object.keys(g.simple).length} simple types`);
}
