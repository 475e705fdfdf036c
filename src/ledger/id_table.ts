// An insertion-ordered hash table from u128 ids to records, for the state
// machine's accounts and transfers. A built-in Map with bigint keys costs about
// 0.3 µs per get and per set at a million entries; this table probes a typed
// array once per lookup and reuses the probe for the insert that follows, which
// is what the hot path does (look up the id, then insert it).
//
// Open addressing with linear probing; load factor at most 1/2; the capacity is
// a power of two. Records are kept in insertion order (`values`), which doubles
// as the ledger's log. Removal is LIFO only (`popLast`), which is all a linked
// chain's rollback needs, and uses backward-shift deletion so no tombstones
// accumulate.

const LOW_BITS = 52;
const MAX_SAFE = (1n << 53n) - 1n;
const INITIAL_CAPACITY = 1024;
/** 2^30 slots: 512 M entries at load 1/2, far beyond any configured limit. */
const CAPACITY_MAX = 1 << 30;
const GROW_FAST_BELOW = 1 << 22;

function hashId(id: bigint): number {
  // The low bits vary in every id scheme in use (sequential, time-prefixed, random).
  const x = id <= MAX_SAFE ? Number(id) : Number(BigInt.asUintN(LOW_BITS, id));
  const lo = x >>> 0;
  const hi = (x / 4294967296) >>> 0;
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  // 30 bits: small integers stay unboxed in V8, and 2^30 is the capacity limit anyway.
  return (h ^ (h >>> 16)) & 0x3fff_ffff;
}

export class IdTable<V extends { id: bigint }> {
  /** 0 = empty, else 1 + the record's index in `values`. */
  private slots = new Int32Array(INITIAL_CAPACITY);
  /** The id in each occupied slot: probing compares these without touching the records. */
  private slotIds: Array<bigint | undefined> = new Array<bigint | undefined>(INITIAL_CAPACITY).fill(undefined);
  private mask = INITIAL_CAPACITY - 1;
  private readonly records: V[] = [];
  /** hashId of each record's id, in insertion order, so growing never rehashes a bigint. */
  private readonly hashes: number[] = [];
  /** The last id find() hashed: insertAt usually follows it and reuses the hash. */
  private lastId = -1n;
  private lastHash = 0;

  get size(): number {
    return this.records.length;
  }

  /** Records in insertion order. The array is live: do not mutate it. */
  get values_in_order(): readonly V[] {
    return this.records;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  find(id: bigint): number {
    const hash = hashId(id);
    this.lastId = id;
    this.lastHash = hash;
    return this.probe(id, hash);
  }

  private probe(id: bigint, hash: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      if (slots[i] === 0 || this.slotIds[i] === id) return i;
      i = (i + 1) & mask;
    }
  }

  /** The record in `slot` (from find), or undefined if the slot is empty. */
  at(slot: number): V | undefined {
    const s = this.slots[slot]!;
    return s === 0 ? undefined : this.records[s - 1];
  }

  get(id: bigint): V | undefined {
    return this.at(this.find(id));
  }

  has(id: bigint): boolean {
    return this.slots[this.find(id)] !== 0;
  }

  /** Inserts into the empty `slot` that find(value.id) just returned. */
  insertAt(slot: number, value: V): void {
    if (this.slots[slot] !== 0) throw new Error('IdTable.insertAt: slot is taken');
    this.records.push(value);
    this.hashes.push(value.id === this.lastId ? this.lastHash : hashId(value.id));
    this.slots[slot] = this.records.length;
    this.slotIds[slot] = value.id;
    if (this.records.length * 2 > this.slots.length) this.grow();
  }

  insert(value: V): void {
    const slot = this.find(value.id);
    if (this.slots[slot] !== 0) throw new Error(`IdTable.insert: id ${value.id} is present`);
    this.insertAt(slot, value);
  }

  /** Removes and returns the most recently inserted record. */
  popLast(): V | undefined {
    const value = this.records[this.records.length - 1];
    if (value === undefined) return undefined;
    const slots = this.slots;
    const mask = this.mask;
    let i = this.probe(value.id, this.hashes[this.hashes.length - 1]!);
    this.records.pop();
    this.hashes.pop();
    // Backward-shift deletion: pull later entries of the probe run into the hole.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const s = slots[j]!;
      if (s === 0) break;
      const home = this.hashes[s - 1]! & mask;
      // Move s into the hole at i unless its home lies cyclically in (i, j].
      const inRange = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!inRange) {
        slots[i] = s;
        this.slotIds[i] = this.slotIds[j];
        i = j;
      }
    }
    slots[i] = 0;
    this.slotIds[i] = undefined;
    return value;
  }

  keys(): IterableIterator<bigint> {
    return this.records.map((r) => r.id)[Symbol.iterator]();
  }

  values(): IterableIterator<V> {
    return this.records[Symbol.iterator]();
  }

  private grow(): void {
    // Quadruple while small, double after: fewer rehashes without a large idle table.
    const capacity = this.slots.length * (this.slots.length < GROW_FAST_BELOW ? 4 : 2);
    if (capacity > CAPACITY_MAX) throw new Error('IdTable: capacity limit reached');
    const slots = new Int32Array(capacity);
    const slotIds = new Array<bigint | undefined>(capacity).fill(undefined);
    const mask = capacity - 1;
    const hashes = this.hashes;
    const records = this.records;
    for (let n = 0; n < records.length; n++) {
      let i = hashes[n]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = n + 1;
      slotIds[i] = records[n]!.id;
    }
    this.slots = slots;
    this.slotIds = slotIds;
    this.mask = mask;
  }
}
