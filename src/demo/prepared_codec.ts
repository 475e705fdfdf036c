// The prepare worker's answers for a chunk of payments (./prepare_worker.ts) in a
// compact form for postMessage (issue #18): one table of the chunk's distinct
// strings (each written once, and each object's key list as one string) and one
// Uint32Array of codes, transferred, not copied. Structured clone writes and reads
// every object, key and string of the answers generically; the main thread spent
// as long reading them back as the worker writing them. Here the worker pays a
// little more to write (a Map of the strings), and the main thread reads the codes
// with plain loops: the same objects, keys in the same order, nothing lost.
// Stop 53: each object's key list is found through a trie of the lists met before
// (its joined string made once, not per object) and the codes are written into a
// kept scratch array: the same table and codes as before, ~0.76 of the write's CPU.
//
// Codes: a string value is its index × 4; other values are a tag (UNDEFINED …
// BIGINT) and, where it has one, what follows it: an object, its key list's string
// index then each value; an array, its length then each value; a number or bigint,
// the string index of its decimal text.

import type { RawInstruction } from '../iso20022/mapping.js';
import type { ScreeningOutcome } from '../platform/types.js';

/** What the worker posts for a chunk: `codes.buffer` goes in postMessage's transfer list. */
export interface PackedPrepared {
  strings: string[];
  codes: Uint32Array<ArrayBuffer>;
}

/** The shape of one answer (as ./prepare_worker.ts Prepared; declared here so that module may import this one). */
interface Form {
  currency: string;
  payee_currency: string;
  amount_minor: bigint;
  instructions: RawInstruction[] | null;
}
interface Answer {
  screening: ScreeningOutcome | null;
  forms: Form[];
}

const UNDEFINED = 1;
const OBJECT = 2;
const NUMBER = 3;
const TRUE = 5;
const FALSE = 7;
const NULL = 9;
const ARRAY = 11;
const BIGINT = 13;
const NEG_ZERO = 15;
/** A form whose message was invalid (instructions null). */
const NO_INSTRUCTIONS = 0xffff_ffff;
const KEY_SEPARATOR = '\u0000';

/**
 * The key lists the packer has met, as a trie: an object's keys walk it key by key
 * to the node of its list, whose joined string is made (and hashed) once, not per
 * object. Objects of one shape take the same path, so each node first tries the
 * child it gave last. The packed chunk is the same as joining each object's keys.
 */
interface KeyNode {
  /** The keys from the root to here joined by KEY_SEPARATOR (the root's: '', the empty list's). */
  readonly joined: string;
  readonly depth: number;
  readonly children: Map<string, KeyNode>;
  lastKey: string | undefined;
  lastChild: KeyNode | undefined;
  /** The packPrepared call that put `joined` in its table, and its index there. */
  packing: number;
  id: number;
}

/** Past this many nodes the trie starts afresh (at the next chunk): the worker's answers have a few dozen shapes. */
const KEY_NODES_MAX = 10_000;
let keyRoot: KeyNode = keyNode(null, '');
let keyNodes = 0;
/** Counts packPrepared calls: a node's `id` holds for the call that set it only. */
let packing = 0;

function keyNode(parent: KeyNode | null, key: string): KeyNode {
  const joined = parent === null ? '' : parent.depth === 0 ? key : `${parent.joined}${KEY_SEPARATOR}${key}`;
  return { joined, depth: parent === null ? 0 : parent.depth + 1, children: new Map(), lastKey: undefined, lastChild: undefined, packing: 0, id: 0 };
}

/** The node of `node`'s list with `key` appended. */
function keyChild(node: KeyNode, key: string): KeyNode {
  if (node.lastKey === key) return node.lastChild!;
  let child = node.children.get(key);
  if (child === undefined) {
    child = keyNode(node, key);
    node.children.set(key, child);
    keyNodes++;
  }
  node.lastKey = key;
  node.lastChild = child;
  return child;
}

/** The packer's codes are written here (grown as needed, kept for the next chunk), then copied out at their length. */
let packScratch = new Uint32Array(1 << 16);

/** Writes one chunk's codes and string table (each distinct string once, in first-use order). */
class CodeWriter {
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  private codes = packScratch;
  private length = 0;

  code(c: number): void {
    if (this.length === this.codes.length) {
      const grown = new Uint32Array(this.length * 2);
      grown.set(this.codes);
      this.codes = grown;
      packScratch = grown;
    }
    this.codes[this.length++] = c;
  }

  str(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, i);
    }
    return i;
  }

  /** An object: its key list's string index (found through the trie), then each value. */
  obj(o: object): void {
    const keys = Object.keys(o);
    let node = keyRoot;
    for (const k of keys) node = keyChild(node, k);
    if (node.packing !== packing) {
      node.packing = packing;
      node.id = this.str(node.joined);
    }
    this.code(node.id);
    for (const k of keys) this.value((o as Record<string, unknown>)[k]);
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.code(this.str(v) * 4);
        return;
      case 'undefined':
        this.code(UNDEFINED);
        return;
      case 'boolean':
        this.code(v ? TRUE : FALSE);
        return;
      case 'number':
        if (Object.is(v, -0)) this.code(NEG_ZERO);
        else {
          this.code(NUMBER);
          this.code(this.str(String(v)));
        }
        return;
      case 'bigint':
        this.code(BIGINT);
        this.code(this.str(v.toString()));
        return;
      case 'object':
        if (v === null) this.code(NULL);
        else if (Array.isArray(v)) {
          this.code(ARRAY);
          this.code(v.length);
          for (const x of v) this.value(x);
        } else {
          this.code(OBJECT);
          this.obj(v);
        }
        return;
      default:
        throw new TypeError(`prepared answers: cannot pack a ${typeof v}`);
    }
  }

  /** The codes written, copied out of the scratch (the copy's buffer is transferred). */
  done(): Uint32Array<ArrayBuffer> {
    if (this.strings.length * 4 > NO_INSTRUCTIONS) throw new RangeError('prepared answers: too many strings to pack');
    return this.codes.slice(0, this.length);
  }
}

/** Packs a chunk's answers (keys must not contain U+0000; values: strings, numbers, booleans, null, undefined, bigints, arrays, plain objects). */
export function packPrepared(answers: readonly Answer[]): PackedPrepared {
  packing++;
  if (keyNodes > KEY_NODES_MAX) {
    keyRoot = keyNode(null, '');
    keyNodes = 0;
  }
  const w = new CodeWriter();
  w.code(answers.length);
  for (const a of answers) {
    w.value(a.screening);
    w.code(a.forms.length);
    for (const f of a.forms) {
      w.code(w.str(f.currency));
      w.code(w.str(f.payee_currency));
      w.code(w.str(f.amount_minor.toString()));
      if (f.instructions === null) w.code(NO_INSTRUCTIONS);
      else {
        w.code(f.instructions.length);
        for (const i of f.instructions) w.obj(i);
      }
    }
  }
  const codes = w.done();
  return { strings: w.strings, codes };
}

/** Reads a packed chunk's codes in order, each code and string index checked: a corrupt chunk is refused, never misread. */
class CodeReader {
  private at = 0;
  private readonly keyLists = new Map<number, string[]>();

  constructor(
    private readonly strings: readonly string[],
    private readonly codes: Uint32Array,
  ) {}

  /** The next code; past the end the chunk is cut short (a Uint32Array reads undefined there, which would pass as string 0). */
  next(): number {
    if (this.at >= this.codes.length) throw new RangeError(`prepared answers: codes end at ${this.codes.length}, cut short`);
    return this.codes[this.at++]!;
  }

  /** The string of table index `id`: an index past the table is a corrupt code, refused like an unknown one. */
  text(id: number): string {
    if (id >= this.strings.length) throw new RangeError(`prepared answers: string ${id} out of range (${this.strings.length} strings) at ${this.at - 1}`);
    return this.strings[id]!;
  }

  /** An object: its key list's string index, then each value. */
  obj(): Record<string, unknown> {
    const id = this.next();
    let keys = this.keyLists.get(id);
    if (keys === undefined) {
      const joined = this.text(id);
      keys = joined === '' ? [] : joined.split(KEY_SEPARATOR);
      this.keyLists.set(id, keys);
    }
    const o: Record<string, unknown> = {};
    for (const k of keys) o[k] = this.value();
    return o;
  }

  value(): unknown {
    const c = this.next();
    if ((c & 3) === 0) return this.text(c >>> 2);
    switch (c) {
      case UNDEFINED:
        return undefined;
      case OBJECT:
        return this.obj();
      case NUMBER:
        return Number(this.text(this.next()));
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      case NEG_ZERO:
        return -0;
      case BIGINT:
        return BigInt(this.text(this.next()));
      case ARRAY: {
        const a = new Array<unknown>(this.next());
        for (let i = 0; i < a.length; i++) a[i] = this.value();
        return a;
      }
      default:
        throw new RangeError(`prepared answers: bad code ${c} at ${this.at - 1}`);
    }
  }

  /** Throws unless every code was read. */
  end(): void {
    if (this.at !== this.codes.length) throw new RangeError(`prepared answers: ${this.codes.length - this.at} codes left over`);
  }
}

/** The answers packPrepared packed: equal to them (deepStrictEqual), fresh objects. */
export function unpackPrepared(packed: PackedPrepared): Answer[] {
  const r = new CodeReader(packed.strings, packed.codes);
  const n = r.next();
  const answers = new Array<Answer>(n);
  for (let p = 0; p < n; p++) {
    const screening = r.value() as ScreeningOutcome | null;
    const forms = new Array<Form>(r.next());
    for (let f = 0; f < forms.length; f++) {
      const currency = r.text(r.next());
      const payee_currency = r.text(r.next());
      const amount_minor = BigInt(r.text(r.next()));
      const count = r.next();
      let instructions: RawInstruction[] | null = null;
      if (count !== NO_INSTRUCTIONS) {
        instructions = new Array<RawInstruction>(count);
        for (let i = 0; i < count; i++) instructions[i] = r.obj() as unknown as RawInstruction;
      }
      forms[f] = { currency, payee_currency, amount_minor, instructions };
    }
    answers[p] = { screening, forms };
  }
  r.end();
  return answers;
}
