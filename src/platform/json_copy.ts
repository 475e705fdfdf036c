// A deep copy of a value that JSON writes and reads back unchanged: the command
// a platform submits is copied once, the copy is written as the journaled text,
// and the state machine runs the copy instead of parsing that text again on the
// engine that submitted it (followers and replay parse the bytes, as always).
//
// The copy reads exactly as JSON.parse(JSON.stringify(copy)): plain objects and
// arrays of strings, booleans, null and finite numbers other than -0, keys in
// the same order; a member that is undefined is left out, as JSON leaves it out.
// Anything else JSON would change or leave out (undefined in an array, a function,
// a bigint, NaN, -0, a Date or other class instance, a toJSON method, a sparse
// array, a "__proto__" key) makes it NOT_JSON, and the caller takes the text's
// way. The copy shares no object with the value (strings are immutable), so a
// caller changing its value afterwards cannot reach what was journaled.

/** jsonCopy's answer for a value that is not plain JSON data. */
export const NOT_JSON: unique symbol = Symbol('not plain JSON data');

/** The copy of `v` (see above), or NOT_JSON. */
export function jsonCopy(v: unknown): unknown {
  try {
    return copy(v);
  } catch (err) {
    // Nested deeper than the stack allows: JSON.stringify would throw too; the caller's text way says so.
    if (err instanceof RangeError) return NOT_JSON;
    throw err;
  }
}

function copy(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0) ? v : NOT_JSON;
    case 'object':
      if (v === null) return null;
      return Array.isArray(v) ? copyArray(v) : copyObject(v as Record<string, unknown>);
    default:
      return NOT_JSON;
  }
}

function copyArray(a: unknown[]): unknown {
  if (Object.getPrototypeOf(a) !== Array.prototype || (a as { toJSON?: unknown }).toJSON !== undefined) return NOT_JSON;
  const out: unknown[] = [];
  for (let i = 0; i < a.length; i++) {
    // A hole reads undefined: NOT_JSON (JSON writes null there).
    const x = copy(a[i]);
    if (x === NOT_JSON) return NOT_JSON;
    out.push(x);
  }
  return out;
}

function copyObject(o: Record<string, unknown>): unknown {
  const proto = Object.getPrototypeOf(o);
  if ((proto !== Object.prototype && proto !== null) || o.toJSON !== undefined) return NOT_JSON;
  const out: Record<string, unknown> = {};
  // for-in, not Object.keys (no key array an object): own enumerable keys first, in Object.keys' order; an
  // inherited key (none on JSON data) is not the object's and is skipped, as Object.keys leaves it out.
  for (const k in o) {
    if (!Object.hasOwn(o, k)) continue;
    if (k === '__proto__') return NOT_JSON;
    const v = o[k];
    // JSON leaves a member that is undefined out, and so does the copy.
    if (v === undefined) continue;
    const x = copy(v);
    if (x === NOT_JSON) return NOT_JSON;
    out[k] = x;
  }
  return out;
}

/**
 * Whether `v` is its own jsonCopy: what jsonCopy copies (plain JSON data), with
 * every object's prototype Object.prototype and no member undefined, so the copy
 * would equal `v` member for member, key for key. JSON.parse makes such values.
 * A caller that hands such a value over and never touches it again may let the
 * state machine run `v` itself (Platform.execute's `owned`): the bytes written
 * from it are the copy's, and what runs reads as those bytes parsed.
 */
export function isOwnJsonCopy(v: unknown): boolean {
  try {
    return plain(v);
  } catch (err) {
    // Nested deeper than the stack allows: the copy's way decides (it answers NOT_JSON).
    if (err instanceof RangeError) return false;
    throw err;
  }
}

function plain(v: unknown): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object':
      if (v === null) return true;
      return Array.isArray(v) ? plainArray(v) : plainObject(v as Record<string, unknown>);
    default:
      return false;
  }
}

function plainArray(a: unknown[]): boolean {
  if (Object.getPrototypeOf(a) !== Array.prototype || (a as { toJSON?: unknown }).toJSON !== undefined) return false;
  // A hole reads undefined: not plain (as for the copy).
  for (let i = 0; i < a.length; i++) if (!plain(a[i])) return false;
  return true;
}

function plainObject(o: Record<string, unknown>): boolean {
  // Not null: the copy of an object without a prototype has Object.prototype, so it is not that object.
  if (Object.getPrototypeOf(o) !== Object.prototype || o.toJSON !== undefined) return false;
  // for-in (no key array made): own enumerable keys in Object.keys' order, then any enumerable key of
  // Object.prototype, which only adds a check (the copy and `o` both lack it as their own).
  for (const k in o) {
    if (k === '__proto__') return false;
    // The copy leaves an undefined member out: it would not be this object.
    if (!plain(o[k])) return false;
  }
  return true;
}

/** Array members jsonBytes writes this many elements at a time (a 1,000-payment batch: eight pieces of ~21 KB; 32 to 256 measured alike, all well below the whole). */
const JSON_BYTES_CHUNK = 128;

/**
 * Buffer.from(JSON.stringify(value)) for a copy jsonCopy made (plain JSON data, no
 * toJSON), without that text whole: a long array member (a batch's payments) is
 * written `chunk` elements at a time, each piece's UTF-8 bytes straight into the
 * one Buffer. The whole text of a 1,000-payment batch is ~230 KB: a string that
 * large is a large object of its own for V8 (fresh pages, faulted in for every
 * batch), and Buffer.from first flattens the text JSON.stringify built in pieces
 * into another; the pieces here stay in the young generation. Each piece is an
 * array's text, "[a,b]": laid end to end with one byte shared, the bracket between
 * two pieces becomes the comma, so the bytes are exactly JSON.stringify's.
 */
export function jsonBytes(value: Record<string, unknown>, chunk = JSON_BYTES_CHUNK): Buffer {
  let long = false;
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (Array.isArray(v) && v.length > chunk) long = true;
  }
  if (!long) return Buffer.from(JSON.stringify(value));
  // Texts in order; a piece of an array is marked by its index in `pieces` (its brackets shared as above).
  const texts: string[] = [];
  const pieces = new Set<number>();
  let sep = '{';
  for (const k of Object.keys(value)) {
    const v = value[k];
    if (Array.isArray(v) && v.length > chunk) {
      texts.push(`${sep}${JSON.stringify(k)}:`);
      for (let i = 0; i < v.length; i += chunk) {
        pieces.add(texts.length);
        texts.push(JSON.stringify(v.slice(i, i + chunk)));
      }
    } else {
      const text = JSON.stringify(v);
      // JSON leaves out a member it cannot write (undefined, a function).
      if (text === undefined) continue;
      texts.push(`${sep}${JSON.stringify(k)}:${text}`);
    }
    sep = ',';
  }
  texts.push('}');
  const lengths = texts.map((t) => Buffer.byteLength(t, 'utf8'));
  let total = 0;
  for (let j = 0; j < texts.length; j++) total += lengths[j]! - (pieces.has(j) && pieces.has(j - 1) ? 1 : 0);
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (let j = 0; j < texts.length; j++) {
    const next = pieces.has(j) && pieces.has(j - 1);
    // The previous piece's closing bracket is this one's first byte, and that byte is the comma between them.
    if (next) at -= 1;
    out.write(texts[j]!, at, lengths[j]!, 'utf8');
    if (next) out[at] = 0x2c;
    at += lengths[j]!;
  }
  return out;
}
