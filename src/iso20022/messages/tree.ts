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
import type { AttributeDef, MessageSchema, Particle } from '../schema/types.js';

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
  const at: PathStack = { names: [schema.root], items: [0] };
  presentTop = 0;
  // The pieces are pushed onto `out`, which the caller joins once: no string is made per piece or element.
  writeElement(schema, schema.root, schema.rootType, value, ` xmlns="${escapeAttr(schema.namespace)}"`, at, out);
}

/**
 * Where the writer is, as element names and 1-based item numbers (0: not a repeat),
 * turned into an XPath ("/Document/X/Y[2]") only for an error: a valid model never
 * pays for a path string per element.
 */
interface PathStack {
  readonly names: string[];
  readonly items: number[];
}

function pathOf(at: PathStack, tail = ''): string {
  let p = '';
  for (let i = 0; i < at.names.length; i++) p += at.items[i] === 0 ? `/${at.names[i]}` : `/${at.names[i]}[${at.items[i]}]`;
  return p + tail;
}

/** `<name>` and `</name>` per element name, made once (schemas' names are a fixed set). */
const OPEN_TAGS = new Map<string, string>();
const CLOSE_TAGS = new Map<string, string>();

function openTag(name: string): string {
  let t = OPEN_TAGS.get(name);
  if (t === undefined) {
    t = `<${name}>`;
    OPEN_TAGS.set(name, t);
  }
  return t;
}

function closeTag(name: string): string {
  let t = CLOSE_TAGS.get(name);
  if (t === undefined) {
    t = `</${name}>`;
    CLOSE_TAGS.set(name, t);
  }
  return t;
}

function writeElement(schema: MessageSchema, name: string, typeName: string, value: XValue, nsDecl: string, at: PathStack, out: string[]): void {
  const complex = schema.complex[typeName];
  if (complex === undefined) {
    if (typeof value !== 'string') throw new BuildError(pathOf(at), `expected text for ${name}`);
    if (nsDecl === '') out.push(openTag(name), escapeText(value), closeTag(name));
    else out.push('<', name, nsDecl, '>', escapeText(value), closeTag(name));
    return;
  }
  if (typeof value === 'string') throw new BuildError(pathOf(at), `expected an object for ${name}`);
  if (complex.m === 'simple') {
    writeSimpleContent(complex.a ?? NO_ATTRS, name, value, nsDecl, at, out);
    return;
  }
  if (nsDecl === '') out.push(openTag(name));
  else out.push('<', name, nsDecl, '>');
  const particles = complex.e ?? NO_PARTICLES;
  // The value's own fields, in schema order (one pass over the value, not one over every particle the type allows).
  // Builders write fields in schema order, so the positions usually come sorted and need no sort.
  // The positions go on a stack shared by every level (PRESENT from `base`), not a list per element.
  const order = particleOrder(particles);
  const base = presentTop;
  let unknown = false;
  let sorted = true;
  let last = -1;
  for (const k in value) {
    if (value[k] === undefined) continue;
    const i = order.get(k);
    if (i === undefined) unknown = true;
    else {
      if (i < last) sorted = false;
      last = i;
      PRESENT[presentTop++] = i;
    }
  }
  const end = presentTop;
  if (!sorted) sortRange(PRESENT, base, end);
  const { names, items } = at;
  const depth = names.length;
  for (let n = base; n < end; n++) {
    const [child, childType] = particles[PRESENT[n]!]!;
    const v = value[child]!;
    names.push(child);
    items.push(0);
    if (child === '#any') out.push(writeForeign(v, at));
    else if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) {
        const item = v[j];
        if (item === undefined && !(j in v)) continue; // a hole, which forEach skipped
        items[depth] = j + 1;
        writeElement(schema, child, childType, item!, '', at, out);
      }
    } else writeElement(schema, child, childType, v, '', at, out);
    names.pop();
    items.pop();
  }
  if (unknown) {
    const unknownNames = Object.keys(value).filter((k) => value[k] !== undefined && !order.has(k));
    throw new BuildError(pathOf(at), `${name} (${typeName}) has no element ${unknownNames.join(', ')}`);
  }
  presentTop = base;
  out.push(closeTag(name));
}

/** A simple-content element: its attributes in the type's order, then its text. */
function writeSimpleContent(attrs: readonly AttributeDef[], name: string, value: XObj, nsDecl: string, at: PathStack, out: string[]): void {
  out.push('<', name, nsDecl);
  for (let i = 0; i < attrs.length; i++) {
    const attr = attrs[i]![0];
    const v = value[`@${attr}`];
    if (v !== undefined) out.push(' ', attr, '="', escapeAttr(String(v)), '"');
  }
  const allowed = attributeKeys(attrs);
  for (const k in value) {
    if (k !== '$' && !allowed.has(k) && value[k] !== undefined) throw new BuildError(pathOf(at), `${name} has no ${k}`);
  }
  out.push('>', escapeText(String(value.$ ?? '')), closeTag(name));
}

/**
 * The particle positions of the elements being written, level above level: an
 * element's own from the `presentTop` its writing started at. Reset by each
 * writeDocument (a BuildError leaves it where it was thrown).
 */
const PRESENT: number[] = [];
let presentTop = 0;

/** Sorts `a[from..to)` ascending in place (the positions of one element's fields: distinct, few). */
function sortRange(a: number[], from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= from && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * An xs:any wildcard's element (supplementary data): `{"#name": tag, "@xmlns":
 * its namespace, child: text, …}`, written as that element with text children.
 */
function writeForeign(v: XValue | XValue[], at: PathStack): string {
  // The path of a wildcard element is its parent's with "/*" (the stack's top is "#any").
  const path = (): string => pathOf({ names: at.names.slice(0, -1), items: at.items.slice(0, -1) }, '/*');
  if (typeof v === 'string' || Array.isArray(v) || typeof v['#name'] !== 'string' || typeof v['@xmlns'] !== 'string')
    throw new BuildError(path(), 'a wildcard element needs "#name" and "@xmlns"');
  let out = `<${v['#name']} xmlns="${escapeAttr(v['@xmlns'])}">`;
  for (const [k, t] of Object.entries(v)) {
    if (k === '#name' || k === '@xmlns' || t === undefined) continue;
    if (typeof t !== 'string') throw new BuildError(path(), `${v['#name']}/${k}: text only`);
    out += `<${k}>${escapeText(t)}</${k}>`;
  }
  return `${out}</${v['#name']}>`;
}

const NO_PARTICLES: readonly Particle[] = [];
const NO_ATTRS: readonly AttributeDef[] = [];

/** Each simple-content type's attribute keys as the model writes them ("@Ccy"), built once per type. */
const ATTRIBUTE_KEYS = new WeakMap<object, Set<string>>();

function attributeKeys(attrs: readonly AttributeDef[]): Set<string> {
  let keys = ATTRIBUTE_KEYS.get(attrs);
  if (keys === undefined) {
    keys = new Set(attrs.map(([a]) => `@${a}`));
    ATTRIBUTE_KEYS.set(attrs, keys);
  }
  return keys;
}

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
