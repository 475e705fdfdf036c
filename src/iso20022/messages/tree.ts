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
  // The element is written as one string, built by concatenation (V8 joins the pieces
  // once, when the text is first read), and pushed whole.
  out.push(writeElement(schema, schema.root, schema.rootType, value, ` xmlns="${escapeAttr(schema.namespace)}"`, at));
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

function writeElement(schema: MessageSchema, name: string, typeName: string, value: XValue, nsDecl: string, at: PathStack): string {
  const complex = schema.complex[typeName];
  if (complex === undefined) {
    if (typeof value !== 'string') throw new BuildError(pathOf(at), `expected text for ${name}`);
    return `<${name}${nsDecl}>${escapeText(value)}</${name}>`;
  }
  if (typeof value === 'string') throw new BuildError(pathOf(at), `expected an object for ${name}`);
  if (complex.m === 'simple') {
    let out = `<${name}${nsDecl}`;
    const attrs = complex.a ?? NO_ATTRS;
    for (let i = 0; i < attrs.length; i++) {
      const attr = attrs[i]![0];
      const v = value[`@${attr}`];
      if (v !== undefined) out += ` ${attr}="${escapeAttr(String(v))}"`;
    }
    const allowed = attributeKeys(attrs);
    for (const k in value) {
      if (k !== '$' && !allowed.has(k) && value[k] !== undefined) throw new BuildError(pathOf(at), `${name} has no ${k}`);
    }
    return `${out}>${escapeText(String(value.$ ?? ''))}</${name}>`;
  }
  let out = `<${name}${nsDecl}>`;
  const particles = complex.e ?? NO_PARTICLES;
  // The value's own fields, in schema order (one pass over the value, not one over every particle the type allows).
  // Builders write fields in schema order, so the positions usually come sorted and need no sort.
  const order = particleOrder(particles);
  const present: number[] = [];
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
      present.push(i);
    }
  }
  if (!sorted) present.sort(ascending);
  const { names, items } = at;
  const depth = names.length;
  for (let n = 0; n < present.length; n++) {
    const [child, childType] = particles[present[n]!]!;
    const v = value[child]!;
    names.push(child);
    items.push(0);
    if (child === '#any') out += writeForeign(v, at);
    else if (Array.isArray(v)) {
      for (let j = 0; j < v.length; j++) {
        const item = v[j];
        if (item === undefined && !(j in v)) continue; // a hole, which forEach skipped
        items[depth] = j + 1;
        out += writeElement(schema, child, childType, item!, '', at);
      }
    } else out += writeElement(schema, child, childType, v, '', at);
    names.pop();
    items.pop();
  }
  if (unknown) {
    const unknownNames = Object.keys(value).filter((k) => value[k] !== undefined && !order.has(k));
    throw new BuildError(pathOf(at), `${name} (${typeName}) has no element ${unknownNames.join(', ')}`);
  }
  return `${out}</${name}>`;
}

const ascending = (a: number, b: number): number => a - b;

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
