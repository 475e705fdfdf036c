// The compact form of a payment record held in memory (./payment_book.ts): a
// tagged binary encoding of the JSON-shaped value, with object key lists
// ("shapes") and repeated short strings (participants, currencies, states,
// dates, screening details) kept once in tables the records refer to, UUIDs as
// 16 bytes and bigints as hex digits. Decoding gives back an object that
// JSON-encodes (bigints tagged as the snapshot does) to exactly the bytes the
// original did: same keys in the same order, undefined members left out as
// JSON leaves them out. It never reaches disk: snapshots keep their JSON lines.

const TAG = { null: 0, false: 1, true: 2, int: 3, float: 4, bigint: 5, negBigint: 6, str: 7, interned: 8, uuid: 9, array: 10, object: 11 } as const;

/** Strings under these keys are unique per payment: kept inline, never in the shared table. */
const UNIQUE_KEYS = new Set(['uetr', 'end_to_end_id', 'quote_id']);

export const PAYMENT_CODEC_LIMITS = Object.freeze({
  /** Strings the shared table holds at most; later new strings are kept inline. */
  interned_max: 65_536,
  /** Longest string the table takes. */
  interned_length_max: 200,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The 16 bytes of a lower-case UUID, or null when `s` is not one (its text could not be rebuilt from them). */
export function uuidBytes(s: string): Buffer | null {
  if (s.length !== 36 || !UUID.test(s)) return null;
  return Buffer.from(s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24), 'hex');
}

function uuidText(b: Buffer, at: number): string {
  const h = b.toString('hex', at, at + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The tables records refer to; they only grow, so a record stays readable for the table's life. */
export class CodecTables {
  readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  readonly shapes: string[][] = [];
  private readonly shapeIds = new Map<string, number>();

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

  shapeId(keys: string[]): number {
    const k = keys.join('\u0000');
    let id = this.shapeIds.get(k);
    if (id === undefined) {
      id = this.shapes.length;
      this.shapes.push(keys);
      this.shapeIds.set(k, id);
    }
    return id;
  }
}

/** A growable byte buffer records are written into, reused between records. */
class Writer {
  buf = Buffer.allocUnsafe(4096);
  n = 0;

  room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const b = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + k));
    this.buf.copy(b, 0, 0, this.n);
    this.buf = b;
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
    const len = Buffer.byteLength(s, enc);
    this.varint(len);
    this.room(len);
    this.n += this.buf.write(s, this.n, enc);
  }
}

export class PaymentCodec {
  private readonly w = new Writer();

  constructor(readonly tables: CodecTables) {}

  /** The record of `v` (a fresh Buffer of exactly its bytes). */
  encode(v: unknown): Buffer {
    this.w.n = 0;
    this.value(v, '');
    return Buffer.from(this.w.buf.subarray(0, this.w.n));
  }

  private value(v: unknown, key: string): void {
    const w = this.w;
    if (v === null || v === undefined) w.byte(TAG.null);
    else if (v === false) w.byte(TAG.false);
    else if (v === true) w.byte(TAG.true);
    else if (typeof v === 'number') this.number(v);
    else if (typeof v === 'bigint') {
      w.byte(v < 0n ? TAG.negBigint : TAG.bigint);
      const h = (v < 0n ? -v : v).toString(16);
      w.text(h.length % 2 === 0 ? h : `0${h}`, 'hex');
    } else if (typeof v === 'string') this.string(v, key);
    else if (Array.isArray(v)) {
      w.byte(TAG.array);
      w.varint(v.length);
      for (const x of v) this.value(x, '');
    } else this.object(v as Record<string, unknown>);
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

  private string(v: string, key: string): void {
    const w = this.w;
    const id = UNIQUE_KEYS.has(key) ? -1 : this.tables.stringId(v);
    if (id >= 0) {
      w.byte(TAG.interned);
      w.varint(id);
      return;
    }
    const u = uuidBytes(v);
    if (u !== null) {
      w.byte(TAG.uuid);
      w.room(16);
      w.n += u.copy(w.buf, w.n);
      return;
    }
    w.byte(TAG.str);
    w.text(v, 'utf8');
  }

  private object(o: Record<string, unknown>): void {
    // JSON leaves out members whose value is undefined (and functions, which records do not hold).
    const keys = Object.keys(o).filter((k) => o[k] !== undefined);
    this.w.byte(TAG.object);
    this.w.varint(this.tables.shapeId(keys));
    for (const k of keys) this.value(o[k], k);
  }
}

/** Reads records written by PaymentCodec with the same tables. */
export class PaymentReader {
  private b: Buffer = Buffer.alloc(0);
  private at = 0;

  constructor(readonly tables: CodecTables) {}

  decode(b: Buffer, at: number): unknown {
    this.b = b;
    this.at = at;
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
        const v = BigInt(`0x${this.b.toString('hex', this.at, this.at + len)}`);
        this.at += len;
        return tag === TAG.negBigint ? -v : v;
      }
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
