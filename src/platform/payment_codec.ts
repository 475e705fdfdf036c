// The compact form of a payment record held in memory (./payment_book.ts): a
// tagged binary encoding of the JSON-shaped value, with object key lists
// ("shapes") and repeated short strings (participants, currencies, states,
// dates, screening details) kept once in tables the records refer to, UUIDs as
// 16 bytes, bigints below 2^64 as 8 bytes (a bigint equal to the record's previous
// one, such as the one command time a payment's history repeats, as one tag byte)
// and larger ones as hex digits. Decoding gives back an object that
// JSON-encodes (bigints tagged as the snapshot does) to exactly the bytes the
// original did: same keys in the same order, undefined members left out as
// JSON leaves them out. It never reaches disk: snapshots keep their JSON lines.

const TAG = {
  null: 0,
  false: 1,
  true: 2,
  int: 3,
  float: 4,
  bigint: 5,
  negBigint: 6,
  str: 7,
  interned: 8,
  uuid: 9,
  array: 10,
  object: 11,
  /** A bigint in 0..2^64-1, 8 bytes little-endian. */
  u64: 12,
  /** The same bigint as the one written last in this record. */
  sameBigint: 13,
} as const;

const U64_LIMIT = 1n << 64n;

/**
 * A bigint of 0..2^64-1 is stored into U64 and its bytes read from U64_BYTES:
 * Buffer.writeBigUInt64LE range-checks and splits the value with bigint
 * arithmetic (allocating), about a third of encoding a payment. The typed array's
 * bytes are in the platform's order: little-endian machines only (else Buffer's).
 */
const U64 = new BigUint64Array(1);
const U64_BYTES = new Uint8Array(U64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Two 64-bit halves of a bigint below 2^128, low first, and their 16 bytes (little-endian machines only). */
const U64X2 = new BigUint64Array(2);
const U64X2_BYTES = new Uint8Array(U64X2.buffer);
const U128_LIMIT = 1n << 128n;

/**
 * Strings under these keys are unique per payment, or nearly (a remittance
 * carries its invoice number: 95 % of the demo day's are one-offs): kept inline,
 * never in the shared table. Interned, remittances filled the table within the
 * first 65,000 payments, and every later lookup hashed into a table too large
 * for the caches (about 26 lookups a payment).
 */
const UNIQUE_KEYS = new Set(['uetr', 'end_to_end_id', 'quote_id', 'remittance']);

export const PAYMENT_CODEC_LIMITS = Object.freeze({
  /** Strings the shared table holds at most; later new strings are kept inline. */
  interned_max: 65_536,
  /** Longest string the table takes. */
  interned_length_max: 200,
});

/** Value of a lower-case hex digit by char code, -1 for anything else. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX['0123456789abcdef'.charCodeAt(i)] = i;
/** Where the 32 hex digits of a UUID's text start: `8-4-4-4-12`. */
const UUID_DIGITS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * Writes the 16 bytes of the lower-case UUID `s` into `out` at `at`; false (and
 * `out` partly written) when `s` is not one (its text could not be rebuilt from
 * them). No regular expression and no allocation: it runs for every payment submitted.
 */
export function uuidInto(s: string, out: Uint8Array, at: number): boolean {
  if (s.length !== 36 || s.charCodeAt(8) !== 45 || s.charCodeAt(13) !== 45 || s.charCodeAt(18) !== 45 || s.charCodeAt(23) !== 45) return false;
  for (let i = 0; i < 16; i++) {
    const d = UUID_DIGITS[i]!;
    const hi = s.charCodeAt(d);
    const lo = s.charCodeAt(d + 1);
    const h = hi < 128 ? HEX[hi]! : -1;
    const l = lo < 128 ? HEX[lo]! : -1;
    if (h < 0 || l < 0) return false;
    out[at + i] = (h << 4) | l;
  }
  return true;
}

function uuidText(b: Buffer, at: number): string {
  const h = b.toString('hex', at, at + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A node of the shape trie: the keys on the path to it, its shape id once some object had exactly those keys (-1: none yet). */
interface ShapeNode {
  readonly keys: string[];
  id: number;
  /** The first child found and its key (most nodes have one: a string compare instead of a Map lookup). */
  firstKey: string | null;
  first: ShapeNode | null;
  next: Map<string, ShapeNode> | null;
  /** Per key, set with the id: whether a string under it stays inline (UNIQUE_KEYS), asked once per shape instead of per member. */
  unique: boolean[] | null;
}

/** The tables records refer to; they only grow, so a record stays readable for the table's life. */
export class CodecTables {
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  readonly shapes: string[][] = [];
  /** Shapes found key by key (no joined string built per object). */
  private readonly shapeRoot: ShapeNode = newNode([]);

  stringId(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined && this.strings.length < PAYMENT_CODEC_LIMITS.interned_max && s.length <= PAYMENT_CODEC_LIMITS.interned_length_max) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id ?? -1;
  }

  /** The id of a string already in the table, or -1. */
  knownString(s: string): number {
    return this.stringIds.get(s) ?? -1;
  }

  shapeId(keys: readonly string[]): number {
    let node = this.shapeRoot;
    for (const k of keys) node = this.child(node, k);
    return this.idOf(node);
  }

  /**
   * The shape of `o` as JSON sees it: its own enumerable keys in order, those
   * whose value is undefined left out (records hold no functions or symbols).
   */
  shapeOf(o: Record<string, unknown>): ShapeNode {
    let node = this.shapeRoot;
    for (const k in o) if (o[k] !== undefined) node = this.child(node, k);
    this.idOf(node);
    return node;
  }

  /** The node below `node` for key `k` (PaymentCodec walks the trie itself, taking the members' values along). */
  child(node: ShapeNode, k: string): ShapeNode {
    if (node.firstKey === k) return node.first!;
    let c = node.next?.get(k);
    if (c === undefined) {
      c = newNode([...node.keys, k]);
      if (node.first === null) {
        node.firstKey = k;
        node.first = c;
      } else (node.next ??= new Map()).set(k, c);
    }
    return c;
  }

  /** The root of the trie: the shape without keys. */
  get root(): ShapeNode {
    return this.shapeRoot;
  }

  idOf(node: ShapeNode): number {
    if (node.id < 0) {
      node.id = this.shapes.length;
      this.shapes.push(node.keys);
      node.unique = node.keys.map((k) => UNIQUE_KEYS.has(k));
    }
    return node.id;
  }
}

function newNode(keys: string[]): ShapeNode {
  return { keys, id: -1, firstKey: null, first: null, next: null, unique: null };
}

/**
 * A growable byte buffer records are written into, reused between records; or, for one
 * record, the caller's buffer from `start` (PaymentCodec.encodeInto): a record that
 * outgrows it moves to the writer's own buffer and goes on there.
 */
class Writer {
  own: Buffer = Buffer.allocUnsafe(4096);
  buf: Buffer = this.own;
  /** Where the record being written starts in `buf`. */
  start = 0;
  n = 0;

  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const len = this.n - this.start;
    if (this.buf !== this.own) {
      // The caller's buffer is too short: the record so far into the writer's own.
      if (this.own.length < len + k) this.own = Buffer.allocUnsafe(Math.max(this.own.length * 2, len + k));
      this.buf.copy(this.own, 0, this.start, this.n);
    } else {
      const b = Buffer.allocUnsafe(Math.max(this.own.length * 2, len + k));
      this.own.copy(b, 0, 0, len);
      this.own = b;
    }
    this.buf = this.own;
    this.start = 0;
    this.n = len;
  }

  byte(v: number): void {
    this.room(1);
    this.buf[this.n++] = v;
  }

  /** An unsigned integer below 2^53, 7 bits a byte. */
  varint(v: number): void {
    this.room(8);
    while (v >= 0x80) {
      this.buf[this.n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.n++] = v;
  }

  text(s: string, enc: 'utf8' | 'hex'): void {
    if (enc === 'utf8' && s.length <= ASCII_INLINE_MAX && this.ascii(s)) return;
    const len = Buffer.byteLength(s, enc);
    this.varint(len);
    this.room(len);
    this.n += this.buf.write(s, this.n, enc);
  }

  /**
   * A short string of ASCII characters only, after its length: its UTF-8 bytes are its char
   * codes, copied here instead of by two calls into Buffer (byteLength, write), which cost
   * more than the copy for the ids and remittances a payment keeps inline. False (nothing
   * written) for any other string.
   */
  private ascii(s: string): boolean {
    const len = s.length;
    this.room(len + 1);
    const b = this.buf;
    // The length as a varint: one byte below 0x80 (ASCII_INLINE_MAX).
    const at = this.n + 1;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return false;
      b[at + i] = c;
    }
    b[this.n] = len;
    this.n = at + len;
    return true;
  }
}

/** Longest string Writer.ascii copies itself (its length is one varint byte). */
const ASCII_INLINE_MAX = 0x7f;

/**
 * The keys of the objects nearly every record holds, in the order the platform writes them: a
 * payment (newPayment), its instruction without the optional members (checkInstruction), and a
 * history entry with or without its detail. An object with exactly these keys, none undefined,
 * is written by PaymentCodec's paths for them: the same bytes object() writes (its shape found
 * once, its members read by name), without the walk of the trie and the type tests of value() per
 * member, which were about half of encoding a payment. Any other object takes object().
 */
const PAYMENT_KEYS: readonly string[] = [
  'instruction',
  'seq',
  'state',
  'history',
  'window_id',
  'fx',
  'transfer_ids',
  'settled_at_ns',
  'case_id',
  'submitted_by',
];
const INSTRUCTION_KEYS: readonly string[] = [
  'uetr',
  'end_to_end_id',
  'payer',
  'payee',
  'currency',
  'amount_minor',
  'payee_currency',
  'value_date',
  'priority',
  'settlement',
];
/** A history entry's keys: the first two, or all three. */
const CHANGE_KEYS: readonly string[] = ['state', 'at_ns', 'detail'];

/** How many keys `o` has (own and inherited enumerable, as for-in and JSON see them) when they are `keys`' first ones in order, else -1. */
function keysOf(o: object, keys: readonly string[]): number {
  let i = 0;
  for (const k in o) {
    if (k !== keys[i]) return -1;
    i++;
  }
  return i;
}

/** The members of the objects above, read by name. */
interface PaymentLike {
  instruction: unknown;
  seq: unknown;
  state: unknown;
  history: unknown;
  window_id: unknown;
  fx: unknown;
  transfer_ids: unknown;
  settled_at_ns: unknown;
  case_id: unknown;
  submitted_by: unknown;
}
interface InstructionLike {
  uetr: unknown;
  end_to_end_id: unknown;
  payer: unknown;
  payee: unknown;
  currency: unknown;
  amount_minor: unknown;
  payee_currency: unknown;
  value_date: unknown;
  priority: unknown;
  settlement: unknown;
}
interface ChangeLike {
  state: unknown;
  at_ns: unknown;
  detail: unknown;
}

/** Whether `v` is an object object() would write (not null, not an array). */
function isRecord(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class PaymentCodec {
  private readonly w = new Writer();
  /** The bigint written last in the record being encoded (sameBigint refers to it). */
  private lastBigint: bigint | null = null;
  /** The members' values of the objects being written, gathered while their shape is found (one read of each). */
  private readonly members: unknown[] = [];
  private membersTop = 0;

  /** The trie nodes of PAYMENT_KEYS, INSTRUCTION_KEYS and CHANGE_KEYS' two forms, found at their first use (the trie only grows). */
  private paymentNode: ShapeNode | null = null;
  private instructionNode: ShapeNode | null = null;
  private changeNode: ShapeNode | null = null;
  private changeDetailNode: ShapeNode | null = null;

  constructor(readonly tables: CodecTables) {}

  /** The record of `v`: a view of the codec's buffer, valid until the next encode (copy it to keep it). */
  encode(v: unknown): Buffer {
    this.begin(v, this.w.own, 0);
    return this.w.buf.subarray(0, this.w.n);
  }

  /**
   * Writes the record of `v` into `into` from `at` and gives its length when it fits before
   * `into`'s end; else -1, and the record is in the codec's buffer (`last`, as `encode` gives it).
   * Bytes of `into` from `at` on may be written either way. The payment book's chunk takes the
   * record this way without a copy.
   */
  encodeInto(v: unknown, into: Buffer, at: number): number {
    this.begin(v, into, at);
    return this.w.buf === into ? this.w.n - at : -1;
  }

  /** The record the last encodeInto gave -1 for: a view of the codec's buffer, valid until the next encode. */
  last(): Buffer {
    return this.w.buf.subarray(0, this.w.n);
  }

  private begin(v: unknown, into: Buffer, at: number): void {
    const w = this.w;
    w.buf = into;
    w.start = at;
    w.n = at;
    this.lastBigint = null;
    this.membersTop = 0;
    if (!isRecord(v) || !this.payment(v)) this.value(v);
  }

  /** The trie node of an object whose keys are `keys` (the nodes object() makes on its way to it). */
  private nodeOf(keys: readonly string[], n: number): ShapeNode {
    let node = this.tables.root;
    for (let i = 0; i < n; i++) node = this.tables.child(node, keys[i]!);
    return node;
  }

  /** The object's tag and its shape's id (numbered now when new, before its members, as object() numbers it); the shape's inline flags. */
  private shape(node: ShapeNode): boolean[] {
    const id = this.tables.idOf(node);
    this.w.byte(TAG.object);
    this.w.varint(id);
    return node.unique!;
  }

  /** A member, as object() writes it. */
  private member(v: unknown, unique: boolean): void {
    if (typeof v === 'string') this.string(v, unique);
    else this.value(v);
  }

  /** A payment with PAYMENT_KEYS (object()'s bytes); false, nothing written, for any other object. */
  private payment(o: object): boolean {
    if (keysOf(o, PAYMENT_KEYS) !== PAYMENT_KEYS.length) return false;
    const p = o as PaymentLike;
    const ins = p.instruction;
    const seq = p.seq;
    const state = p.state;
    const history = p.history;
    const windowId = p.window_id;
    const fx = p.fx;
    const ids = p.transfer_ids;
    const settledAt = p.settled_at_ns;
    const caseId = p.case_id;
    const by = p.submitted_by;
    if (
      ins === undefined ||
      seq === undefined ||
      state === undefined ||
      history === undefined ||
      windowId === undefined ||
      fx === undefined ||
      ids === undefined ||
      settledAt === undefined ||
      caseId === undefined ||
      by === undefined
    )
      return false;
    const u = this.shape((this.paymentNode ??= this.nodeOf(PAYMENT_KEYS, PAYMENT_KEYS.length)));
    if (!isRecord(ins) || !this.instruction(ins)) this.member(ins, u[0]!);
    this.member(seq, u[1]!);
    this.member(state, u[2]!);
    if (Array.isArray(history)) this.changes(history);
    else this.member(history, u[3]!);
    this.member(windowId, u[4]!);
    this.member(fx, u[5]!);
    if (Array.isArray(ids)) this.bigints(ids);
    else this.member(ids, u[6]!);
    if (typeof settledAt === 'bigint') this.bigint(settledAt);
    else this.member(settledAt, u[7]!);
    this.member(caseId, u[8]!);
    this.member(by, u[9]!);
    return true;
  }

  /** An instruction with INSTRUCTION_KEYS (object()'s bytes); false, nothing written, for any other object. */
  private instruction(o: object): boolean {
    if (keysOf(o, INSTRUCTION_KEYS) !== INSTRUCTION_KEYS.length) return false;
    const ins = o as InstructionLike;
    const uetr = ins.uetr;
    const e2e = ins.end_to_end_id;
    const payer = ins.payer;
    const payee = ins.payee;
    const currency = ins.currency;
    const amount = ins.amount_minor;
    const payeeCurrency = ins.payee_currency;
    const valueDate = ins.value_date;
    const priority = ins.priority;
    const settlement = ins.settlement;
    if (
      uetr === undefined ||
      e2e === undefined ||
      payer === undefined ||
      payee === undefined ||
      currency === undefined ||
      amount === undefined ||
      payeeCurrency === undefined ||
      valueDate === undefined ||
      priority === undefined ||
      settlement === undefined
    )
      return false;
    const u = this.shape((this.instructionNode ??= this.nodeOf(INSTRUCTION_KEYS, INSTRUCTION_KEYS.length)));
    this.member(uetr, u[0]!);
    this.member(e2e, u[1]!);
    this.member(payer, u[2]!);
    this.member(payee, u[3]!);
    this.member(currency, u[4]!);
    if (typeof amount === 'bigint') this.bigint(amount);
    else this.member(amount, u[5]!);
    this.member(payeeCurrency, u[6]!);
    this.member(valueDate, u[7]!);
    this.member(priority, u[8]!);
    this.member(settlement, u[9]!);
    return true;
  }

  /** An array (value()'s bytes), its history entries with CHANGE_KEYS' two forms written by name. */
  private changes(a: unknown[]): void {
    const w = this.w;
    w.byte(TAG.array);
    w.varint(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (!isRecord(x) || !this.change(x)) this.value(x);
    }
  }

  /** A history entry of CHANGE_KEYS' first two or all three (object()'s bytes); false, nothing written, for any other object. */
  private change(o: object): boolean {
    const n = keysOf(o, CHANGE_KEYS);
    if (n < 2) return false;
    const c = o as ChangeLike;
    const state = c.state;
    const at = c.at_ns;
    const detail = n === 3 ? c.detail : null;
    if (state === undefined || at === undefined || detail === undefined) return false;
    const u = this.shape(n === 2 ? (this.changeNode ??= this.nodeOf(CHANGE_KEYS, 2)) : (this.changeDetailNode ??= this.nodeOf(CHANGE_KEYS, 3)));
    this.member(state, u[0]!);
    if (typeof at === 'bigint') this.bigint(at);
    else this.member(at, u[1]!);
    if (n === 3) this.member(detail, u[2]!);
    return true;
  }

  /** An array (value()'s bytes), bigints written without value()'s type tests. */
  private bigints(a: unknown[]): void {
    const w = this.w;
    w.byte(TAG.array);
    w.varint(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (typeof x === 'bigint') this.bigint(x);
      else this.value(x);
    }
  }

  /** A value outside an object's members (the record itself, an array's item): a string there is interned when the table takes it. */
  private value(v: unknown): void {
    const w = this.w;
    if (typeof v === 'string') this.string(v, false);
    else if (typeof v === 'object') {
      if (v === null) w.byte(TAG.null);
      else if (Array.isArray(v)) {
        w.byte(TAG.array);
        w.varint(v.length);
        for (const x of v) this.value(x);
      } else this.object(v as Record<string, unknown>);
    } else if (typeof v === 'bigint') this.bigint(v);
    else if (typeof v === 'number') this.number(v);
    else if (v === undefined) w.byte(TAG.null);
    else if (v === false) w.byte(TAG.false);
    else if (v === true) w.byte(TAG.true);
    else this.object(v as Record<string, unknown>);
  }

  private bigint(v: bigint): void {
    const w = this.w;
    if (v === this.lastBigint) {
      w.byte(TAG.sameBigint);
      return;
    }
    this.lastBigint = v;
    if (v >= 0n && v < U64_LIMIT) {
      w.room(9);
      const b = w.buf;
      let n = w.n;
      b[n++] = TAG.u64;
      if (!LITTLE_ENDIAN) {
        w.n = b.writeBigUInt64LE(v, n);
        return;
      }
      U64[0] = v;
      b[n] = U64_BYTES[0]!;
      b[n + 1] = U64_BYTES[1]!;
      b[n + 2] = U64_BYTES[2]!;
      b[n + 3] = U64_BYTES[3]!;
      b[n + 4] = U64_BYTES[4]!;
      b[n + 5] = U64_BYTES[5]!;
      b[n + 6] = U64_BYTES[6]!;
      b[n + 7] = U64_BYTES[7]!;
      w.n = n + 8;
      return;
    }
    w.byte(v < 0n ? TAG.negBigint : TAG.bigint);
    const m = v < 0n ? -v : v;
    if (LITTLE_ENDIAN && m < U128_LIMIT) {
      this.magnitude(m);
      return;
    }
    const h = m.toString(16);
    w.text(h.length % 2 === 0 ? h : `0${h}`, 'hex');
  }

  /**
   * The bytes the hex text of 0 < m < 2^128 gives (its big-endian bytes, no leading zero byte),
   * after their count, without writing the text: a transfer id (~2^126) and a negative FX
   * residue take this path, once or twice a payment.
   */
  private magnitude(m: bigint): void {
    U64X2[0] = m; // Modulo 2^64: the low half.
    U64X2[1] = m < U64_LIMIT ? 0n : m >> 64n;
    let top = 15;
    while (top > 0 && U64X2_BYTES[top] === 0) top--;
    const w = this.w;
    w.room(top + 2);
    const b = w.buf;
    let n = w.n;
    b[n++] = top + 1; // The count as a varint: one byte below 0x80.
    for (let i = top; i >= 0; i--) b[n++] = U64X2_BYTES[i]!;
    w.n = n;
  }

  private number(v: number): void {
    const w = this.w;
    if (Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0)) {
      w.byte(TAG.int);
      w.varint(v);
    } else {
      w.byte(TAG.float);
      w.room(8);
      w.n = w.buf.writeDoubleLE(v, w.n);
    }
  }

  /** A string: inline when `unique` (a member under UNIQUE_KEYS) or the table refuses it, else its table id. */
  private string(v: string, unique: boolean): void {
    const id = unique ? -1 : this.tables.stringId(v);
    if (id >= 0) this.interned(id);
    else this.inline(v);
  }

  private interned(id: number): void {
    const w = this.w;
    w.room(9);
    w.buf[w.n++] = TAG.interned;
    w.varint(id);
  }

  /** A string not in the table: a UUID's 16 bytes, else its UTF-8 text. */
  private inline(v: string): void {
    const w = this.w;
    w.room(17);
    if (uuidInto(v, w.buf, w.n + 1)) {
      w.buf[w.n] = TAG.uuid;
      w.n += 17;
      return;
    }
    w.byte(TAG.str);
    w.text(v, 'utf8');
  }

  /**
   * The object's shape as CodecTables.shapeOf finds it (its keys in for-in order, undefined
   * members left out), then its members as `value` writes them: the trie is walked here so each
   * value is read once (kept on `members` meanwhile; before, a second for-in read them again), and
   * whether a member's string stays inline is the shape's (`unique`), not a Set lookup per member.
   */
  private object(o: Record<string, unknown>): void {
    const tables = this.tables;
    const members = this.members;
    const base = this.membersTop;
    let top = base;
    let node = tables.root;
    for (const k in o) {
      const v = o[k];
      if (v === undefined) continue;
      node = tables.child(node, k);
      members[top++] = v;
    }
    const id = tables.idOf(node);
    this.membersTop = top;
    this.w.byte(TAG.object);
    this.w.varint(id);
    const unique = node.unique!;
    for (let j = 0; j < top - base; j++) {
      const v = members[base + j];
      members[base + j] = undefined;
      if (typeof v === 'string') this.string(v, unique[j]!);
      else this.value(v);
    }
    this.membersTop = base;
  }
}

/** Reads records written by PaymentCodec with the same tables. */
export class PaymentReader {
  private b: Buffer = Buffer.alloc(0);
  private at = 0;
  private lastBigint = 0n;

  constructor(readonly tables: CodecTables) {}

  /** The bigint whose big-endian bytes are the `len` (1..16) at `at`, read through the typed array's halves, not as hex text. */
  private magnitude(len: number): bigint {
    const b = this.b;
    const at = this.at;
    for (let i = 0; i < 16; i++) U64X2_BYTES[i] = 0;
    for (let i = 0; i < len; i++) U64X2_BYTES[len - 1 - i] = b[at + i]!;
    return len <= 8 ? U64X2[0]! : (U64X2[1]! << 64n) | U64X2[0]!;
  }

  decode(b: Buffer, at: number): unknown {
    this.b = b;
    this.at = at;
    this.lastBigint = 0n;
    return this.value();
  }

  private varint(): number {
    let v = 0;
    let scale = 1;
    for (;;) {
      const x = this.b[this.at++]!;
      v += (x & 0x7f) * scale;
      if (x < 0x80) return v;
      scale *= 0x80;
    }
  }

  private value(): unknown {
    const tag = this.b[this.at++];
    switch (tag) {
      case TAG.null:
        return null;
      case TAG.false:
        return false;
      case TAG.true:
        return true;
      case TAG.int:
        return this.varint();
      case TAG.float: {
        const v = this.b.readDoubleLE(this.at);
        this.at += 8;
        return v;
      }
      case TAG.bigint:
      case TAG.negBigint: {
        const len = this.varint();
        const v = LITTLE_ENDIAN && len > 0 && len <= 16 ? this.magnitude(len) : BigInt(`0x${this.b.toString('hex', this.at, this.at + len)}`);
        this.at += len;
        this.lastBigint = tag === TAG.negBigint ? -v : v;
        return this.lastBigint;
      }
      case TAG.u64: {
        if (LITTLE_ENDIAN) {
          // Through the typed array's bytes (readBigUInt64LE builds it from two halves with bigint arithmetic).
          const b = this.b;
          const at = this.at;
          for (let i = 0; i < 8; i++) U64_BYTES[i] = b[at + i]!;
          this.lastBigint = U64[0]!;
        } else this.lastBigint = this.b.readBigUInt64LE(this.at);
        this.at += 8;
        return this.lastBigint;
      }
      case TAG.sameBigint:
        return this.lastBigint;
      case TAG.str: {
        const len = this.varint();
        const s = this.b.toString('utf8', this.at, this.at + len);
        this.at += len;
        return s;
      }
      case TAG.interned:
        return this.tables.strings[this.varint()]!;
      case TAG.uuid: {
        const s = uuidText(this.b, this.at);
        this.at += 16;
        return s;
      }
      case TAG.array: {
        const n = this.varint();
        const a: unknown[] = [];
        for (let i = 0; i < n; i++) a.push(this.value());
        return a;
      }
      case TAG.object: {
        const keys = this.tables.shapes[this.varint()]!;
        const o: Record<string, unknown> = {};
        for (const k of keys) o[k] = this.value();
        return o;
      }
      default:
        throw new Error(`payment record: unknown tag ${tag} at byte ${this.at - 1}`);
    }
  }
}
