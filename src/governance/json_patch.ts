// RFC 6902 JSON Patch over plain JSON values, with RFC 6901 JSON Pointers
// ("~1" is "/", "~0" is "~"). Operations add, remove, replace, move, copy and
// test run in order on a copy of the document: the patch applies whole or not
// at all, and the first failing operation is reported with its index and the
// pointer at fault (GovernanceError code unknown_path when a location does not
// exist, patch_test_failed when a test does not hold, patch_invalid otherwise).
// Object members are written with defineProperty, so a key named "__proto__"
// is data, never a prototype.

import { GovernanceError } from './errors.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export type PatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; from: string; path: string };

export const PATCH_LIMITS = Object.freeze({ operations_max: 200, pointer_max: 500, depth_max: 32 });

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'] as const;
const INDEX_RE = /^(0|[1-9][0-9]{0,8})$/;
const RESERVED_KEY = '$n';

type Container = JsonValue[] | { [k: string]: JsonValue };

/** The pointer's reference tokens, unescaped. Throws patch_invalid on a malformed pointer. */
export function parsePointer(pointer: string, field = pointer): string[] {
  if (pointer === '') return [];
  if (pointer.length > PATCH_LIMITS.pointer_max)
    throw new GovernanceError('patch_invalid', field, `a pointer has at most ${PATCH_LIMITS.pointer_max} characters`);
  if (!pointer.startsWith('/')) throw new GovernanceError('patch_invalid', field, 'a JSON Pointer starts with "/" (or is "" for the whole document)');
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t)) throw new GovernanceError('patch_invalid', field, `"~" must be followed by 0 or 1 in ${JSON.stringify(t)}`);
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** A pointer from unescaped tokens. */
export function formatPointer(tokens: readonly string[]): string {
  return tokens.map((t) => `/${t.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

function isContainer(v: JsonValue | undefined): v is Container {
  return v !== null && typeof v === 'object';
}

function hasOwn(o: object, k: string): boolean {
  return Object.hasOwn(o, k);
}

function setMember(o: { [k: string]: JsonValue }, k: string, v: JsonValue): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}

/** Deep equality of JSON values (object member order does not matter). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (!isContainer(a) || !isContainer(b) || Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as JsonValue[]).length && a.every((x, i) => jsonEqual(x, (b as JsonValue[])[i]!));
  const ka = Object.keys(a);
  const bo = b as { [k: string]: JsonValue };
  return ka.length === Object.keys(bo).length && ka.every((k) => hasOwn(bo, k) && jsonEqual(a[k]!, bo[k]!));
}

function clone(v: JsonValue): JsonValue {
  if (!isContainer(v)) return v;
  if (Array.isArray(v)) return v.map(clone);
  const out: { [k: string]: JsonValue } = {};
  for (const k of Object.keys(v)) setMember(out, k, clone(v[k]!));
  return out;
}

/** The container holding the pointer's last token (the pointer must not be ""). */
function parentOf(doc: JsonValue, tokens: readonly string[], pointer: string): Container {
  let cur: JsonValue = doc;
  for (let i = 0; i < tokens.length - 1; i++) {
    const next = childOf(cur, tokens[i]!);
    if (next === undefined) throw new GovernanceError('unknown_path', pointer, `${formatPointer(tokens.slice(0, i + 1))} does not exist`);
    cur = next;
  }
  if (!isContainer(cur)) throw new GovernanceError('unknown_path', pointer, `${formatPointer(tokens.slice(0, -1))} is not an object or array`);
  return cur;
}

function childOf(v: JsonValue, token: string): JsonValue | undefined {
  if (Array.isArray(v)) return INDEX_RE.test(token) ? v[Number(token)] : undefined;
  if (isContainer(v)) return hasOwn(v, token) ? v[token] : undefined;
  return undefined;
}

function valueAt(doc: JsonValue, pointer: string): JsonValue {
  let cur: JsonValue = doc;
  const tokens = parsePointer(pointer);
  for (let i = 0; i < tokens.length; i++) {
    const next = childOf(cur, tokens[i]!);
    if (next === undefined) throw new GovernanceError('unknown_path', pointer, `${formatPointer(tokens.slice(0, i + 1))} does not exist`);
    cur = next;
  }
  return cur;
}

/** Whether `pointer` names an existing location of `doc`. */
export function pointerExists(doc: JsonValue, pointer: string): boolean {
  try {
    valueAt(doc, pointer);
    return true;
  } catch {
    return false;
  }
}

function add(doc: JsonValue, pointer: string, value: JsonValue): JsonValue {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) {
    const at = last === '-' ? parent.length : INDEX_RE.test(last) ? Number(last) : -1;
    if (at < 0 || at > parent.length) throw new GovernanceError('unknown_path', pointer, `${JSON.stringify(last)} is not an index 0..${parent.length} or "-"`);
    parent.splice(at, 0, value);
  } else setMember(parent, last, value);
  return doc;
}

function remove(doc: JsonValue, pointer: string): JsonValue {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new GovernanceError('patch_invalid', pointer, 'the whole document cannot be removed');
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (childOf(parent, last) === undefined) throw new GovernanceError('unknown_path', pointer, `${pointer} does not exist`);
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete parent[last];
  return doc;
}

function replace(doc: JsonValue, pointer: string, value: JsonValue): JsonValue {
  valueAt(doc, pointer);
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent[Number(last)] = value;
  else setMember(parent, last, value);
  return doc;
}

/** One operation's shape, checked (RFC 6902 ignores members it does not name; so does this). */
export function checkOperation(v: unknown, i: number): PatchOperation {
  const field = `changes[${i}]`;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new GovernanceError('patch_invalid', field, 'an operation is an object');
  const o = v as Record<string, unknown>;
  if (!(OPS as readonly unknown[]).includes(o.op)) throw new GovernanceError('patch_invalid', `${field}.op`, `must be one of ${OPS.join(', ')}`);
  if (typeof o.path !== 'string') throw new GovernanceError('patch_invalid', `${field}.path`, 'must be a JSON Pointer string');
  parsePointer(o.path, `${field}.path`);
  const op = o.op as PatchOperation['op'];
  if (op === 'move' || op === 'copy') {
    if (typeof o.from !== 'string') throw new GovernanceError('patch_invalid', `${field}.from`, 'must be a JSON Pointer string');
    parsePointer(o.from, `${field}.from`);
    return { op, from: o.from, path: o.path };
  }
  if (op === 'remove') return { op, path: o.path };
  if (!('value' in o)) throw new GovernanceError('patch_invalid', `${field}.value`, `${op} needs a value`);
  checkJson(o.value, `${field}.value`, 0);
  return { op, path: o.path, value: o.value as JsonValue };
}

/** Checks a JSON value: finite numbers, bounded depth, no reserved member name; throws patch_invalid at `field`. */
export function checkJson(v: unknown, field: string, depth: number): void {
  if (depth > PATCH_LIMITS.depth_max) throw new GovernanceError('patch_invalid', field, `nested deeper than ${PATCH_LIMITS.depth_max}`);
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new GovernanceError('patch_invalid', field, 'numbers must be finite');
    return;
  }
  if (typeof v !== 'object') throw new GovernanceError('patch_invalid', field, 'must be a JSON value');
  for (const [k, x] of Object.entries(v as object)) {
    // "$n" tags a bigint in the platform's snapshots: a document must not carry one as data.
    if (k === RESERVED_KEY && !Array.isArray(v)) throw new GovernanceError('patch_invalid', `${field}/${k}`, `the member name ${RESERVED_KEY} is reserved`);
    checkJson(x, `${field}/${k}`, depth + 1);
  }
}

function applyOne(doc: JsonValue, op: PatchOperation): JsonValue {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, clone(op.value));
    case 'remove':
      return remove(doc, op.path);
    case 'replace':
      return replace(doc, op.path, clone(op.value));
    case 'test':
      if (!jsonEqual(valueAt(doc, op.path), op.value))
        throw new GovernanceError('patch_test_failed', op.path, `the value at ${op.path || '(root)'} is not the one tested`);
      return doc;
    case 'copy':
      return add(doc, op.path, clone(valueAt(doc, op.from)));
    case 'move': {
      if (op.path.startsWith(`${op.from}/`)) throw new GovernanceError('patch_invalid', op.path, 'a value cannot be moved into itself');
      const v = valueAt(doc, op.from);
      if (op.from === op.path) return doc;
      return add(remove(doc, op.from), op.path, v);
    }
  }
}

/**
 * Applies `ops` in order to a copy of `doc` and returns the copy; throws
 * GovernanceError naming the failing operation (field "changes[i]" in the message)
 * and the pointer at fault; `doc` is never changed.
 */
export function applyPatch(doc: JsonValue, ops: readonly unknown[]): JsonValue {
  if (ops.length > PATCH_LIMITS.operations_max) throw new GovernanceError('limit_exceeded', 'changes', `at most ${PATCH_LIMITS.operations_max} operations`);
  let out = clone(doc);
  ops.forEach((raw, i) => {
    const op = checkOperation(raw, i);
    try {
      out = applyOne(out, op);
    } catch (err) {
      if (!(err instanceof GovernanceError)) throw err;
      throw new GovernanceError(err.code, err.field, `changes[${i}] (${op.op} ${op.path}): ${err.message}`);
    }
  });
  return out;
}
