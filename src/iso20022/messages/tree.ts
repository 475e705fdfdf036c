// The bridge between typed message models and XML. This module owns two small
// tools every message module uses:
//
//  - `writeDocument`: serialises a plain object tree ("XObj": element name ->
//    value) to XML, taking element ORDER from the built-in schema definition, so
//    a message module only says what goes where, never in which order; a name the
//    schema does not allow there is a programming error (BuildError), caught by
//    the round-trip tests.
//  - small readers (`kid`, `kids`, `text`) that pull values out of a parsed tree,
//    and `compact`, which drops absent optional fields so parsed models compare
//    equal to the models they were built from.

import type { XmlElement } from '../../xml/reader.js';
import { escapeAttr, escapeText } from '../../xml/writer.js';
import type { MessageSchema, Particle } from '../schema/types.js';

/** A value: text for a simple element, an XObj for a complex one, an array for repeats. */
export type XValue = string | XObj;
/** Element name -> value. "$" is the text of a simple-content element; "@Name" an attribute. */
export interface XObj {
  [name: string]: XValue | XValue[] | undefined;
}

export class BuildError extends Error {
  readonly code = 'BUILD_INVALID';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'BuildError';
  }
}

/** Serialises `value` as the schema's global element (with its namespace declared). */
export function writeDocument(schema: MessageSchema, value: XObj, out: string[]): void {
  writeElement(schema, schema.root, schema.rootType, value, out, ` xmlns="${escapeAttr(schema.namespace)}"`, `/${schema.root}`);
}

function writeElement(schema: MessageSchema, name: string, typeName: string, value: XValue, out: string[], nsDecl: string, path: string): void {
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
  const particles = complex.e ?? NO_PARTICLES;
  // The value's own fields, in schema order (one pass over the value, not one over every particle the type allows).
  const order = particleOrder(particles);
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
    if (child === '#any') writeForeign(v, out, `${path}/*`);
    else if (Array.isArray(v))
      v.forEach((item, j) => {
        writeElement(schema, child, childType, item, out, '', `${path}/${child}[${j + 1}]`);
      });
    else writeElement(schema, child, childType, v, out, '', `${path}/${child}`);
  }
  if (unknown) {
    const names = Object.keys(value).filter((k) => value[k] !== undefined && !order.has(k));
    throw new BuildError(path, `${name} (${typeName}) has no element ${names.join(', ')}`);
  }
  out.push('</', name, '>');
}

/**
 * An xs:any wildcard's element (supplementary data): `{"#name": tag, "@xmlns":
 * its namespace, child: text, …}`, written as that element with text children.
 */
function writeForeign(v: XValue | XValue[], out: string[], path: string): void {
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

const NO_PARTICLES: readonly Particle[] = [];

/** Each complex type's element names -> position, built once per type (schemas are immutable). */
const PARTICLE_ORDER = new WeakMap<object, Map<string, number>>();

function particleOrder(particles: readonly Particle[]): Map<string, number> {
  let m = PARTICLE_ORDER.get(particles);
  if (m === undefined) {
    m = new Map(particles.map(([child], i) => [child, i]));
    PARTICLE_ORDER.set(particles, m);
  }
  return m;
}

// --- reading --------------------------------------------------------------------

export function kid(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (el === undefined) return undefined;
  for (const c of el.children) if (c.local === name) return c;
  return undefined;
}

export function kids(el: XmlElement | undefined, name: string): XmlElement[] {
  return el === undefined ? [] : el.children.filter((c) => c.local === name);
}

/** Text of the element at the end of `path` (names below `el`), or undefined. */
export function text(el: XmlElement | undefined, ...path: string[]): string | undefined {
  let cur = el;
  for (const p of path) cur = kid(cur, p);
  return cur?.text;
}

/** Removes keys whose value is undefined or an empty array (absent optional elements). */
export function compact<T extends object>(o: T): T {
  // A fresh object rather than `delete`, which would push V8 into slow dictionary mode.
  const r: Record<string, unknown> = {};
  for (const k in o) {
    const v = (o as Record<string, unknown>)[k];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) r[k] = v;
  }
  return r as T;
}

/** A list, or undefined when empty (so it is left out of the model). */
export function listOrUndefined<T>(xs: T[]): T[] | undefined {
  return xs.length === 0 ? undefined : xs;
}
