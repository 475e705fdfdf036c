// An insertion-ordered hash table from u128 ids to records, for the state
// machine's accounts and transfers. A built-in Map with bigint keys costs about
// 0.3 µs per get and per set at a million entries; this table probes typed
// arrays once per lookup and reuses the probe for the insert that follows, which
// is what the hot path does (look up the id, then insert it).
//
// Open addressing with linear probing; load factor at most 1/2; the capacity is
// a power of two. Records are kept in insertion order (`values`), which doubles
// as the ledger's log. Removal is LIFO only (`popLast`), which is all a linked
// chain's rollback needs, and uses backward-shift deletion so no tombstones
// accumulate.
//
// Two choices keep a probe inside a cache line or two, which is what a lookup
// in a table of millions costs (the arithmetic is nothing beside a cache miss):
// - Each slot keeps a 32-bit fingerprint of its id (the id's low 32 bits) beside
//   the record index. A probe compares fingerprints, numbers, and loads the
//   record to compare the full bigint only when a fingerprint matches: never
//   while it walks past other ids, once when it finds its own.
// - The hash mixes the id with its low 3 bits cleared and puts those 3 bits back
//   unmixed, so 8 consecutive ids land in 8 neighbouring slots. Ids handed out
//   in sequence (the ledger's usual case) then share cache lines instead of
//   each costing a miss; ids that differ only above bit 3 (random, strided,
//   time-prefixed) are spread by the mix as before, into runs of at most 8.

const INITIAL_CAPACITY = 1024;
/** 2^30 slots: 512 M entries at load 1/2, far beyond any configured limit. */
const CAPACITY_MAX = 1 << 30;
const GROW_FAST_BELOW = 1 << 22;

// An id's low 64 bits as two int32 words, read through a typed-array store: a
// store truncates the bigint without allocating and costs a third of a
// Number(bigint) conversion, the slowest step of a lookup otherwise.
const SCRATCH = new BigUint64Array(1);
const WORDS = new Int32Array(SCRATCH.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/**
 * 30 bits (small integers stay unboxed in V8; 2^30 is the capacity limit anyway)
 * of an id's low 64 bits `lo`, `hi`: a mix of bits 3 and up, with bits 0-2 kept,
 * so runs of 8 consecutive ids stay together.
 */
export function hashWords(lo: number, hi: number): number {
  const blockLo = (lo >>> 3) | (hi << 29);
  const blockHi = hi >>> 3;
  let h = Math.imul(blockLo ^ Math.imul(blockHi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return ((h << 3) | (lo & 7)) & 0x3fff_ffff;
}

export class IdTable<V extends { id: bigint }> {
  /** 0 = empty, else 1 + the record's index in `values`. */
  private slots = new Int32Array(INITIAL_CAPACITY);
  /** The fingerprint of the id in each occupied slot: probing compares these without touching the records. */
  private fps = new Int32Array(INITIAL_CAPACITY);
  private mask = INITIAL_CAPACITY - 1;
  private readonly records: V[] = [];
  /** hashWords of each record's id, in insertion order, so growing never rehashes a bigint. */
  private readonly hashes: number[] = [];
  /** The last id find() looked for: insertAt usually follows it and reuses its hash and fingerprint. */
  private lastId = -1n;
  private lastHash = 0;
  private lastFp = 0;

  get size(): number {
    return this.records.length;
  }

  /** Records in insertion order. The array is live: do not mutate it. */
  get values_in_order(): readonly V[] {
    return this.records;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  find(id: bigint): number {
    SCRATCH[0] = id;
    const lo = WORDS[LO]!;
    const hash = hashWords(lo, WORDS[HI]!);
    const fp = lo;
    this.lastId = id;
    this.lastHash = hash;
    this.lastFp = fp;
    return this.probe(id, hash, fp);
  }

  private probe(id: bigint, hash: number, fp: number): number {
    const slots = this.slots;
    const fps = this.fps;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const s = slots[i]!;
      if (s === 0 || (fps[i] === fp && this.records[s - 1]!.id === id)) return i;
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
    let hash = this.lastHash;
    let fp = this.lastFp;
    if (value.id !== this.lastId) {
      SCRATCH[0] = value.id;
      fp = WORDS[LO]!;
      hash = hashWords(fp, WORDS[HI]!);
    }
    this.records.push(value);
    this.hashes.push(hash);
    this.slots[slot] = this.records.length;
    this.fps[slot] = fp;
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
    const fps = this.fps;
    const mask = this.mask;
    SCRATCH[0] = value.id;
    let i = this.probe(value.id, this.hashes[this.hashes.length - 1]!, WORDS[LO]!);
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
        fps[i] = fps[j]!;
        i = j;
      }
    }
    slots[i] = 0;
    fps[i] = 0;
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
    const fps = new Int32Array(capacity);
    const mask = capacity - 1;
    const hashes = this.hashes;
    const oldSlots = this.slots;
    const oldFps = this.fps;
    // In old slot order: runs of neighbouring ids stay neighbours, so the writes stay local too.
    for (let k = 0; k < oldSlots.length; k++) {
      const s = oldSlots[k]!;
      if (s === 0) continue;
      let i = hashes[s - 1]! & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = s;
      fps[i] = oldFps[k]!;
    }
    this.slots = slots;
    this.fps = fps;
    this.mask = mask;
  }
}
