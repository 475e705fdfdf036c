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
  for (const k of Object.keys(o)) {
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
