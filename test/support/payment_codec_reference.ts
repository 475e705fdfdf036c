// The payment record format of src/platform/payment_codec.ts written down plainly,
// as the test's reference for its bytes: one value at a time, tables by Map, no
// shortcuts. PaymentCodec's speed-ups (the shape trie, members read once, bigints
// below 2^128 written without their hex text) must give exactly these bytes, with
// the tables growing in the same order across records.

const UNIQUE_KEYS = new Set(['uetr', 'end_to_end_id', 'quote_id', 'remittance']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export class ReferenceRecords {
  private readonly strings = new Map<string, number>();
  private readonly shapes = new Map<string, number>();
  private out: number[] = [];
  private last: bigint | null = null;

  constructor(
    private readonly internedMax = 65_536,
    private readonly internedLengthMax = 200,
  ) {}

  encode(v: unknown): Buffer {
    this.out = [];
    this.last = null;
    this.value(v, '');
    return Buffer.from(this.out);
  }

  private varint(v: number): void {
    while (v >= 0x80) {
      this.out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.out.push(v);
  }

  private bytes(b: Uint8Array): void {
    for (const x of b) this.out.push(x);
  }

  private value(v: unknown, key: string): void {
    if (v === null || v === undefined) this.out.push(0);
    else if (v === false) this.out.push(1);
    else if (v === true) this.out.push(2);
    else if (typeof v === 'number') {
      if (Number.isSafeInteger(v) && v >= 0 && !Object.is(v, -0)) {
        this.out.push(3);
        this.varint(v);
      } else {
        const b = Buffer.alloc(8);
        b.writeDoubleLE(v);
        this.out.push(4);
        this.bytes(b);
      }
    } else if (typeof v === 'bigint') {
      if (v === this.last) {
        this.out.push(13);
        return;
      }
      this.last = v;
      if (v >= 0n && v < 1n << 64n) {
        const b = Buffer.alloc(8);
        b.writeBigUInt64LE(v);
        this.out.push(12);
        this.bytes(b);
      } else {
        const h = (v < 0n ? -v : v).toString(16);
        const b = Buffer.from(h.length % 2 === 0 ? h : `0${h}`, 'hex');
        this.out.push(v < 0n ? 6 : 5);
        this.varint(b.length);
        this.bytes(b);
      }
    } else if (typeof v === 'string') {
      let id = UNIQUE_KEYS.has(key) ? undefined : this.strings.get(v);
      if (id === undefined && !UNIQUE_KEYS.has(key) && this.strings.size < this.internedMax && v.length <= this.internedLengthMax) {
        id = this.strings.size;
        this.strings.set(v, id);
      }
      if (id !== undefined) {
        this.out.push(8);
        this.varint(id);
      } else if (UUID.test(v)) {
        this.out.push(9);
        this.bytes(Buffer.from(v.replaceAll('-', ''), 'hex'));
      } else {
        const b = Buffer.from(v, 'utf8');
        this.out.push(7);
        this.varint(b.length);
        this.bytes(b);
      }
    } else if (Array.isArray(v)) {
      this.out.push(10);
      this.varint(v.length);
      for (const x of v) this.value(x, '');
    } else {
      const o = v as Record<string, unknown>;
      const keys: string[] = [];
      for (const k in o) if (o[k] !== undefined) keys.push(k);
      const name = JSON.stringify(keys);
      let id = this.shapes.get(name);
      if (id === undefined) {
        id = this.shapes.size;
        this.shapes.set(name, id);
      }
      this.out.push(11);
      this.varint(id);
      for (const k of keys) this.value(o[k], k);
    }
  }
}
