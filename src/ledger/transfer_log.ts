// The ledger's transfers, kept compactly: the insertion-ordered log of every
// transfer the state machine holds, and the id → transfer hash table over it.
//
// Owns: the in-memory layout of stored transfers. Each transfer is one fixed
// 128-byte record in chunked (Shared)ArrayBuffers (no JS object per transfer, nothing
// for the GC to trace), and the table that finds a record by id compares ids in
// those buffers without materialising anything. A `Transfer` object is made only
// on demand (a lookup hit, iteration) and is a copy: changing it changes nothing.
// Removal is LIFO only (`popLast`), which is all a linked chain's rollback needs.
// The layout is private to this module and not an on-disk format (codec.ts owns
// that); records use the host's byte order.
//
// Record layout, as 16 u64 words (TigerBeetle's transfer fields and widths):
//   0-1 id, 2-3 debit_account_id, 4-5 credit_account_id, 6-7 amount,
//   8-9 pending_id, 10-11 user_data_128 (u128 as low word, high word),
//   12 user_data_64, 13 user_data_32 | timeout (two u32),
//   14 ledger (u32), code (u16), flags (u16), 15 timestamp.
//
// The hash table is IdTable's (id_table.ts: open addressing, linear probing,
// load at most 1/2, a 32-bit fingerprint per slot, the same hash), with the
// record index in the slot and the full id compared as four int32 words. Each
// record's hash is kept beside it (4 bytes) so growing the table and LIFO
// removal never rehash an id.
//
// Spill: given a TransferSpill (the durable ledger gives one: journal/ledger_spill.ts;
// the ledger itself does no I/O), full chunks older than the newest few go to the
// caller's spill file and are read back synchronously through a small cache of
// chunks, so what a transfer keeps in memory is its table slot, fingerprint and
// hash (12–20 bytes, not 140). Nothing about the ledger's rules changes: reads
// give the same bytes. Recent transfers (the ones a post, void or retry looks up)
// stay in memory; a LIFO pop into a spilled chunk reads it back first. A refused
// spill (no space, a limit) keeps this and later chunks in memory, and says so.
//
// Frozen ids: once FREEZE_CHUNKS spilled chunks are not yet frozen, their records
// leave the hash table too: their ids go to sorted runs in a second spill file
// (frozen_ids.ts: a Bloom filter and page fences in memory, ~1.3 bytes a record),
// their kept hashes are dropped, and the table is rebuilt for the records left.
// find() looks there when the table misses and reports a frozen hit as a slot past
// the table's end (indexAt and at read it; appendAt refuses it as taken). So what
// an old transfer keeps in memory is ~1.3 bytes, and the table's size follows the
// recent transfers, not all of them.
//
// Hot-path costs: a BigUint64Array store truncates a bigint to 64 bits without
// allocating, so a u128 is split with a shift (which allocates) only when it
// exceeds U64_MAX, and a zero high word is not written (records start zeroed);
// appending a transfer allocates nothing once its chunk exists. The buffers are
// SharedArrayBuffers (see ledgerMemory) so that V8 does not start a full GC for
// every 64 MB of them.

import { ChunkCache } from './chunk_cache.js';
import { FrozenIds, newFrozenEntries, type FrozenEntries } from './frozen_ids.js';
import type { RecordSpill } from './record_spill.js';
import { hashWords } from './id_table.js';
import { U64_MAX, type Transfer } from './types.js';

export type { RecordSpill } from './record_spill.js';

const RECORD_WORDS = 16;
/** Records per full chunk: 32768 × 128 bytes = 4 MiB. */
const CHUNK_SHIFT = 15;
const CHUNK_RECORDS = 1 << CHUNK_SHIFT;
const CHUNK_MASK = CHUNK_RECORDS - 1;
/** The first chunk starts small and doubles up to a full chunk, so a small ledger stays small. */
const FIRST_CHUNK_RECORDS = 256;
const CHUNK_BYTES = CHUNK_RECORDS * RECORD_WORDS * 8;
/** Full chunks kept in memory at least (besides the one being filled) when spilling: a linked chain's rollback never reaches past them. */
const RESIDENT_FULL_CHUNKS_MIN = 2;
/** Spilled chunks kept in memory after a read (the most recently used). */
const CACHED_CHUNKS = 4;
/** Spilled chunks whose ids leave the table together (one frozen run of 131,072 records). */
const FREEZE_CHUNKS = 4;
/**
 * Frozen-id work an append does while a freeze is under way (frozen_ids.ts: entries
 * sorted, written or merged): ~50 µs, so a freeze of 131,072 ids ends within ~160
 * appends and a merge of runs within a few thousand, where done at once they held
 * one append for 40-300 ms (docs/benchmarks.md, issue #18).
 */
const FREEZE_STEP_ENTRIES = 4_096;
/**
 * Bytes of a full chunk an append writes to the spill: a 4 MiB chunk leaves memory
 * over 16 appends, where one write of it held an append for 2-40 ms on a shared host.
 */
const SPILL_STEP_BYTES = 256 * 1024;

const INITIAL_CAPACITY = 1024;
/** 2^30 slots: 512 M transfers at load 1/2, far beyond any configured limit. */
const CAPACITY_MAX = 1 << 30;
const GROW_FAST_BELOW = 1 << 22;

const SCRATCH = new BigUint64Array(2);
const WORDS = new Int32Array(SCRATCH.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Int32 index of the low / high half within a u64 word. */
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

/** One chunk's buffer through the views the record fields need. */
interface Chunk {
  w64: BigUint64Array;
  i32: Int32Array;
  u32: Uint32Array;
  u16: Uint16Array;
  u8: Uint8Array;
}

/**
 * Zeroed memory for records and tables, as a SharedArrayBuffer (never shared with
 * anything). V8 starts a full GC for every 64 MB of new ArrayBuffer memory
 * ("external memory pressure"), assuming a GC may free it; the ledger's memory
 * lives as long as the ledger, so each of those GCs only marked the whole JS heap
 * for nothing (in `bench ledger` a third of the time per transfer). Shared buffers
 * are outside that heuristic; they still count in process.memoryUsage().arrayBuffers
 * and are freed when the TransferLog is collected.
 */
function ledgerMemory(bytes: number): ArrayBufferLike {
  return new SharedArrayBuffer(bytes);
}

function newChunk(records: number): Chunk {
  const buffer = ledgerMemory(records * RECORD_WORDS * 8);
  return {
    w64: new BigUint64Array(buffer),
    i32: new Int32Array(buffer),
    u32: new Uint32Array(buffer),
    u16: new Uint16Array(buffer),
    u8: new Uint8Array(buffer),
  };
}

/** hashWords of each record's id, per chunk, always in memory: growing the table reads 4 bytes a record, not a record's cache line, and never a spilled chunk. */
function newHashes(records: number): Int32Array {
  return new Int32Array(ledgerMemory(records * 4));
}

/** How a transfer log may move old records out of memory. */
export interface TransferSpill {
  /** Records kept in memory before older full chunks are spilled (at least two full chunks are kept). */
  readonly resident_records_max: number;
  /** Opens the spill at the first chunk spilled; throws when it cannot. */
  open(): RecordSpill;
  /** Told once when spilling is refused (the open or a write threw); records then stay in memory. */
  refused(message: string): void;
}

/** Writes a u128 into a record that is all zeros (as every record is before its append): the high word only when non-zero. */
function putU128(w64: BigUint64Array, k: number, v: bigint): void {
  w64[k] = v;
  if (v > U64_MAX) w64[k + 1] = v >> 64n;
}

function getU128(w64: BigUint64Array, k: number): bigint {
  const lo = w64[k]!;
  const hi = w64[k + 1]!;
  return hi === 0n ? lo : (hi << 64n) | lo;
}

/** Loads `id` into WORDS (four int32 words: low u64, high u64); returns the low word's low 32 bits. */
function loadId(id: bigint): number {
  SCRATCH[0] = id;
  SCRATCH[1] = id > U64_MAX ? id >> 64n : 0n;
  return WORDS[LO]!;
}

export class TransferLog {
  /** Record chunks; null: spilled (read back through `cache`). The last one is being filled and never spilled. */
  private chunks: (Chunk | null)[] = [newChunk(FIRST_CHUNK_RECORDS)];
  /** Per chunk, each record's id hash; null once the chunk's ids are frozen. */
  private hashes: (Int32Array | null)[] = [newHashes(FIRST_CHUNK_RECORDS)];
  /** Ids of records below `frozenBelow`, out of the table. */
  private frozen: FrozenIds | null = null;
  private frozenBelow = 0;
  private freezeRefused = false;
  /** Chunks queued for the spill file (spillOld), the first being written; `spillDone` of its bytes are. */
  private spilling: number[] = [];
  private spillDone = 0;
  /** The chunk the freeze under way ends at (its ids leave the table then); 0: none under way. */
  private freezingTo = 0;
  /** Spilled chunks read back, least recently used first. */
  private cache = new ChunkCache<Chunk>(CACHED_CHUNKS);
  private spill: RecordSpill | null = null;
  /** Full chunks kept in memory besides the last; Infinity: spilling is off (or was refused). */
  private residentFull: number;
  /** Records the first chunk has room for (it grows to CHUNK_RECORDS before a second chunk is added). */
  private firstCapacity = FIRST_CHUNK_RECORDS;
  private count = 0;
  /** 0 = empty, else 1 + the record's index. */
  private slots = new Int32Array(ledgerMemory(INITIAL_CAPACITY * 4));
  /** The fingerprint (the id's low 32 bits) of the id in each occupied slot. */
  private fps = new Int32Array(ledgerMemory(INITIAL_CAPACITY * 4));
  private mask = INITIAL_CAPACITY - 1;
  /** The last id find() looked for: appendAt usually follows it and reuses its hash and fingerprint. */
  private lastId = -1n;
  private lastHash = 0;
  private lastFp = 0;

  /** `spill` undefined: every record stays in memory. */
  constructor(private readonly spillTo?: TransferSpill) {
    this.residentFull =
      spillTo === undefined ? Number.POSITIVE_INFINITY : Math.max(RESIDENT_FULL_CHUNKS_MIN, Math.floor(spillTo.resident_records_max / CHUNK_RECORDS));
  }

  get size(): number {
    return this.count;
  }

  /** Bytes of records in the process's memory (chunks not spilled and the read cache), without the table. */
  get residentBytes(): number {
    let n = this.cache.size * CHUNK_BYTES;
    for (const c of this.chunks) if (c !== null) n += c.u8.length;
    return n;
  }

  /** Bytes of records in the spill file. */
  get spilledBytes(): number {
    return this.spill?.size ?? 0;
  }

  /** Bytes of frozen ids in their spill file. */
  get frozenFileBytes(): number {
    return this.frozen?.fileBytes ?? 0;
  }

  /** Records whose ids are frozen (out of the table). */
  get frozenRecords(): number {
    return this.frozenBelow;
  }

  /** Bytes the table and the frozen ids' filters hold in memory. */
  get indexBytes(): number {
    return this.slots.byteLength + this.fps.byteLength + (this.frozen?.residentBytes ?? 0);
  }

  /** Gives back the spill file now rather than when the log is collected; spilled records cannot be read afterwards. */
  close(): void {
    this.spill?.close();
    this.frozen?.close();
  }

  /** Chunk `c`, read back from the spill file when it is not in memory. */
  private chunkAt(c: number): Chunk {
    const held = this.chunks[c];
    if (held !== null && held !== undefined) return held;
    return this.cached(c);
  }

  private cached(c: number): Chunk {
    const spill = this.spill;
    if (spill === null) throw new Error(`invariant: TransferLog chunk ${c} is spilled but there is no spill file`);
    return this.cache.get(
      c,
      (into) => spill.read(into.u8, CHUNK_BYTES, c * CHUNK_BYTES),
      () => newChunk(CHUNK_RECORDS),
    );
  }

  /**
   * Queues full chunks older than the newest `residentFull` for the spill file (called
   * when a chunk is added): the one that just became old, and any below it that a
   * rollback brought back. The appends that follow write them SPILL_STEP_BYTES at a
   * time (spillStep); a chunk leaves memory once all of it is written.
   */
  private spillOld(): void {
    if (this.spillTo === undefined) return;
    for (let c = this.chunks.length - 2 - this.residentFull; c >= 0; c--) {
      const chunk = this.chunks[c];
      if (chunk === null || chunk === undefined) return;
      if (!this.spilling.includes(c)) this.spilling.push(c);
    }
  }

  /** Writes about `bytes` of the queued chunks to the spill; a chunk written whole leaves memory, and a freeze may be due. */
  private spillStep(bytes: number): void {
    const spillTo = this.spillTo!;
    while (bytes > 0 && this.spilling.length > 0) {
      const c = this.spilling[0]!;
      const chunk = this.chunks[c]!;
      const n = Math.min(bytes, CHUNK_BYTES - this.spillDone);
      try {
        this.spill ??= spillTo.open();
        this.spill.write(chunk.u8.subarray(this.spillDone), n, c * CHUNK_BYTES + this.spillDone);
      } catch (e) {
        this.residentFull = Number.POSITIVE_INFINITY;
        this.spilling = [];
        this.spillDone = 0;
        spillTo.refused(`ledger: transfers stay in memory from now on: ${(e as Error).message}`);
        return;
      }
      bytes -= n;
      this.spillDone += n;
      if (this.spillDone < CHUNK_BYTES) continue;
      this.chunks[c] = null;
      this.spilling.shift();
      this.spillDone = 0;
      this.freezeSpilled();
    }
  }

  /** Makes spilled chunk `c` resident again (a LIFO pop is about to change it). */
  private restore(c: number): Chunk {
    const held = this.chunks[c];
    if (held !== null && held !== undefined) {
      // A chunk queued for the spill that a pop changes stays: its next spill writes it whole.
      const q = this.spilling.indexOf(c);
      if (q === 0) this.spillDone = 0;
      if (q >= 0) this.spilling.splice(q, 1);
      return held;
    }
    const copy = newChunk(CHUNK_RECORDS);
    copy.u8.set(this.cached(c).u8);
    this.cache.delete(c);
    this.chunks[c] = copy;
    return copy;
  }

  /** The slot holding `id`, or the empty slot where it would go. */
  find(id: bigint): number {
    const fp = loadId(id);
    const hash = hashWords(fp, WORDS[HI]!);
    this.lastId = id;
    this.lastHash = hash;
    this.lastFp = fp;
    const slot = this.probe(hash, fp);
    if (this.slots[slot] !== 0 || this.frozen === null) return slot;
    const r = this.frozen.find(hash, fp, this.holdsLoaded);
    return r < 0 ? slot : this.slots.length + r;
  }

  /** Probes for the id held in WORDS. */
  private probe(hash: number, fp: number): number {
    const slots = this.slots;
    const fps = this.fps;
    const mask = this.mask;
    let i = hash & mask;
    for (;;) {
      const s = slots[i]!;
      if (s === 0 || (fps[i] === fp && this.holdsLoadedId(s - 1))) return i;
      i = (i + 1) & mask;
    }
  }

  /** holdsLoadedId bound once: a frozen lookup makes no closure. */
  private readonly holdsLoaded = (r: number): boolean => this.holdsLoadedId(r);

  /** Whether record `r`'s id is the one in WORDS. */
  private holdsLoadedId(r: number): boolean {
    const i32 = this.chunkAt(r >>> CHUNK_SHIFT).i32;
    const b = (r & CHUNK_MASK) * (RECORD_WORDS * 2);
    return i32[b] === WORDS[0] && i32[b + 1] === WORDS[1] && i32[b + 2] === WORDS[2] && i32[b + 3] === WORDS[3];
  }

  /** The index (insertion order) of the record in `slot` (from find), or -1 if the slot is empty. */
  indexAt(slot: number): number {
    const table = this.slots.length;
    return slot >= table ? slot - table : this.slots[slot]! - 1;
  }

  /** A copy of the transfer in `slot` (from find), or undefined if the slot is empty. */
  at(slot: number): Transfer | undefined {
    const r = this.indexAt(slot);
    return r < 0 ? undefined : this.read(r);
  }

  get(id: bigint): Transfer | undefined {
    return this.at(this.find(id));
  }

  has(id: bigint): boolean {
    return this.indexAt(this.find(id)) >= 0;
  }

  /** The timestamp of the transfer with `id`, or -1n if there is none (no Transfer object made). */
  timestampOf(id: bigint): bigint {
    const r = this.indexAt(this.find(id));
    if (r < 0) return -1n;
    return this.chunkAt(r >>> CHUNK_SHIFT).w64[(r & CHUNK_MASK) * RECORD_WORDS + 15]!;
  }

  /**
   * Appends a transfer with these fields into the empty `slot` that find(id) just returned.
   * Fields are passed one by one so the caller need not build a Transfer to store one.
   */
  appendAt(
    slot: number,
    id: bigint,
    debit_account_id: bigint,
    credit_account_id: bigint,
    amount: bigint,
    pending_id: bigint,
    user_data_128: bigint,
    user_data_64: bigint,
    user_data_32: number,
    timeout: number,
    ledger: number,
    code: number,
    flags: number,
    timestamp: bigint,
  ): void {
    if (slot >= this.slots.length || this.slots[slot] !== 0) throw new Error('TransferLog.appendAt: slot is taken');
    // The slot's fingerprint and hash: find(id) just computed them, as a rule.
    let fp = this.lastFp;
    let hash = this.lastHash;
    if (id !== this.lastId) {
      fp = loadId(id);
      hash = hashWords(fp, WORDS[HI]!);
    }
    const r = this.count;
    if (r === this.firstCapacity && r < CHUNK_RECORDS) this.growFirstChunk();
    else if (r >= CHUNK_RECORDS && (r & CHUNK_MASK) === 0) this.addChunk();
    const c = this.chunks[r >>> CHUNK_SHIFT]!;
    const w64 = c.w64;
    const k = (r & CHUNK_MASK) * RECORD_WORDS;
    putU128(w64, k, id);
    putU128(w64, k + 2, debit_account_id);
    putU128(w64, k + 4, credit_account_id);
    putU128(w64, k + 6, amount);
    putU128(w64, k + 8, pending_id);
    putU128(w64, k + 10, user_data_128);
    w64[k + 12] = user_data_64;
    const k32 = k * 2;
    c.u32[k32 + 26] = user_data_32;
    c.u32[k32 + 27] = timeout;
    c.u32[k32 + 28] = ledger;
    const k16 = k * 4;
    c.u16[k16 + 58] = code;
    c.u16[k16 + 59] = flags;
    w64[k + 15] = timestamp;
    this.hashes[r >>> CHUNK_SHIFT]![r & CHUNK_MASK] = hash;
    this.count = r + 1;
    this.slots[slot] = r + 1;
    this.fps[slot] = fp;
    if ((this.count - this.frozenBelow) * 2 > this.slots.length) this.grow();
    // After the slot is written: a freeze's end rebuilds the table, which find's slot points into.
    if (this.freezingTo !== 0) this.freezeStep(FREEZE_STEP_ENTRIES);
    if (this.spilling.length > 0) this.spillStep(SPILL_STEP_BYTES);
  }

  /** Inserts a copy of `t` into the empty `slot` that find(t.id) just returned. */
  insertAt(slot: number, t: Transfer): void {
    this.appendAt(
      slot,
      t.id,
      t.debit_account_id,
      t.credit_account_id,
      t.amount,
      t.pending_id,
      t.user_data_128,
      t.user_data_64,
      t.user_data_32,
      t.timeout,
      t.ledger,
      t.code,
      t.flags,
      t.timestamp,
    );
  }

  insert(t: Transfer): void {
    const slot = this.find(t.id);
    if (this.indexAt(slot) >= 0) throw new Error(`TransferLog.insert: id ${t.id} is present`);
    this.insertAt(slot, t);
  }

  /** A new Transfer object holding record `r` (0 ≤ r < size, insertion order). */
  read(r: number): Transfer {
    if (r < 0 || r >= this.count) throw new RangeError(`TransferLog.read: no record ${r}`);
    const c = this.chunkAt(r >>> CHUNK_SHIFT);
    const w64 = c.w64;
    const k = (r & CHUNK_MASK) * RECORD_WORDS;
    const k32 = k * 2;
    const k16 = k * 4;
    return {
      id: getU128(w64, k),
      debit_account_id: getU128(w64, k + 2),
      credit_account_id: getU128(w64, k + 4),
      amount: getU128(w64, k + 6),
      pending_id: getU128(w64, k + 8),
      user_data_128: getU128(w64, k + 10),
      user_data_64: w64[k + 12]!,
      user_data_32: c.u32[k32 + 26]!,
      timeout: c.u32[k32 + 27]!,
      ledger: c.u32[k32 + 28]!,
      code: c.u16[k16 + 58]!,
      flags: c.u16[k16 + 59]!,
      timestamp: w64[k + 15]!,
    };
  }

  /** Copies of records [from, to) in insertion order. */
  slice(from = 0, to = this.count): Transfer[] {
    const end = Math.min(to, this.count);
    const out: Transfer[] = [];
    for (let r = Math.max(0, from); r < end; r++) out.push(this.read(r));
    return out;
  }

  /** The id of record `r` (0 ≤ r < size), without making a Transfer. */
  idAt(r: number): bigint {
    if (r < 0 || r >= this.count) throw new RangeError(`TransferLog.idAt: no record ${r}`);
    return getU128(this.chunkAt(r >>> CHUNK_SHIFT).w64, (r & CHUNK_MASK) * RECORD_WORDS);
  }

  /** The debit account id of record `r` (0 ≤ r < size), without making a Transfer. */
  debitAt(r: number): bigint {
    if (r < 0 || r >= this.count) throw new RangeError(`TransferLog.debitAt: no record ${r}`);
    return getU128(this.chunkAt(r >>> CHUNK_SHIFT).w64, (r & CHUNK_MASK) * RECORD_WORDS + 2);
  }

  /** The credit account id of record `r` (0 ≤ r < size), without making a Transfer. */
  creditAt(r: number): bigint {
    if (r < 0 || r >= this.count) throw new RangeError(`TransferLog.creditAt: no record ${r}`);
    return getU128(this.chunkAt(r >>> CHUNK_SHIFT).w64, (r & CHUNK_MASK) * RECORD_WORDS + 4);
  }

  /** The amount of record `r` (0 ≤ r < size), without making a Transfer. */
  amountAt(r: number): bigint {
    if (r < 0 || r >= this.count) throw new RangeError(`TransferLog.amountAt: no record ${r}`);
    return getU128(this.chunkAt(r >>> CHUNK_SHIFT).w64, (r & CHUNK_MASK) * RECORD_WORDS + 6);
  }

  /** The pending_id of record `r` (0 ≤ r < size), without making a Transfer. */
  pendingIdAt(r: number): bigint {
    if (r < 0 || r >= this.count) throw new RangeError(`TransferLog.pendingIdAt: no record ${r}`);
    return getU128(this.chunkAt(r >>> CHUNK_SHIFT).w64, (r & CHUNK_MASK) * RECORD_WORDS + 8);
  }

  /** The flags of record `r` (0 ≤ r < size), without making a Transfer. */
  flagsAt(r: number): number {
    if (r < 0 || r >= this.count) throw new RangeError(`TransferLog.flagsAt: no record ${r}`);
    return this.chunkAt(r >>> CHUNK_SHIFT).u16[(r & CHUNK_MASK) * RECORD_WORDS * 4 + 59]!;
  }

  /**
   * Copies records [from, to) as they are held, which is the codec's transfer
   * layout (../ledger/codec.ts: encodeTransfer, little-endian), to `into`: record
   * from + k at `off + k * stride`. Returns the offset after the last.
   */
  copyRecords(from: number, to: number, into: Uint8Array, off: number, stride: number): number {
    if (!LITTLE_ENDIAN) throw new Error('TransferLog.copyRecords: records are held in the codec layout on little-endian hosts only');
    if (from < 0 || to > this.count || from > to) throw new RangeError(`TransferLog.copyRecords: no records [${from}, ${to})`);
    const bytes = RECORD_WORDS * 8;
    const aligned = ((into.byteOffset + off) & 3) === 0 && (stride & 3) === 0;
    const dst = aligned ? new Int32Array(into.buffer, into.byteOffset, into.byteLength >>> 2) : null;
    for (let r = from; r < to; r++, off += stride) {
      if (off + bytes > into.byteLength) throw new RangeError('TransferLog.copyRecords: past the end of the buffer');
      const c = this.chunkAt(r >>> CHUNK_SHIFT);
      const k = (r & CHUNK_MASK) * RECORD_WORDS;
      if (dst !== null) {
        const src = c.i32;
        const s = k * 2;
        const d = off >>> 2;
        for (let j = 0; j < RECORD_WORDS * 2; j++) dst[d + j] = src[s + j]!;
      } else into.set(c.u8.subarray(k * 8, k * 8 + bytes), off);
    }
    return off;
  }

  /** The code of record `r` (0 ≤ r < size), without making a Transfer. */
  codeAt(r: number): number {
    if (r < 0 || r >= this.count) throw new RangeError(`TransferLog.codeAt: no record ${r}`);
    return this.chunkAt(r >>> CHUNK_SHIFT).u16[(r & CHUNK_MASK) * RECORD_WORDS * 4 + 58]!;
  }

  /** hashWords of record r's id. */
  private hashOf(r: number): number {
    return this.hashes[r >>> CHUNK_SHIFT]![r & CHUNK_MASK]!;
  }

  /** Removes the most recently appended transfer and returns a copy of it. */
  popLast(): Transfer | undefined {
    if (this.count === 0) return undefined;
    const r = this.count - 1;
    // A record a freeze under way takes counts as frozen already: the freeze ends first, as it would have at once.
    if (r < this.freezingTo * CHUNK_RECORDS) this.finishFreeze();
    if (r < this.frozenBelow) throw new Error(`invariant: TransferLog.popLast reached frozen record ${r}`);
    this.restore(r >>> CHUNK_SHIFT);
    const value = this.read(r);
    const slots = this.slots;
    const fps = this.fps;
    const mask = this.mask;
    let i = this.probe(this.hashOf(r), loadId(value.id));
    if (slots[i] !== r + 1) throw new Error('invariant: TransferLog.popLast did not find its last record');
    // Clear the record: appendAt writes into all-zero records (putU128 skips zero high words).
    const c = this.chunks[r >>> CHUNK_SHIFT]!;
    const k = (r & CHUNK_MASK) * RECORD_WORDS;
    c.w64.fill(0n, k, k + RECORD_WORDS);
    this.count = r;
    if (r >= CHUNK_RECORDS && (r & CHUNK_MASK) === 0) {
      this.chunks.pop();
      this.hashes.pop();
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const s = slots[j]!;
      if (s === 0) break;
      const home = this.hashOf(s - 1) & mask;
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
    this.lastId = -1n;
    return value;
  }

  *keys(): IterableIterator<bigint> {
    for (let r = 0; r < this.count; r++) {
      const w64 = this.chunkAt(r >>> CHUNK_SHIFT).w64;
      yield getU128(w64, (r & CHUNK_MASK) * RECORD_WORDS);
    }
  }

  /** Copies of the transfers in insertion (timestamp) order; a transfer appended during iteration is included. */
  *values(): IterableIterator<Transfer> {
    for (let r = 0; r < this.count; r++) yield this.read(r);
  }

  [Symbol.iterator](): IterableIterator<Transfer> {
    return this.values();
  }

  private growFirstChunk(): void {
    const capacity = this.firstCapacity * 2;
    const next = newChunk(capacity);
    next.w64.set(this.chunks[0]!.w64);
    const hashes = newHashes(capacity);
    hashes.set(this.hashes[0]!);
    this.chunks[0] = next;
    this.hashes[0] = hashes;
    this.firstCapacity = capacity;
  }

  private addChunk(): void {
    this.chunks.push(newChunk(CHUNK_RECORDS));
    this.hashes.push(newHashes(CHUNK_RECORDS));
    if (this.residentFull !== Number.POSITIVE_INFINITY) this.spillOld();
  }

  /**
   * Begins freezing the ids of spilled chunks once FREEZE_CHUNKS of them are not yet
   * frozen (a freeze under way ends first). The work runs FREEZE_STEP_ENTRIES at a
   * time in the appends that follow; until it ends the table keeps those ids, so
   * every lookup answers as before.
   */
  private freezeSpilled(): void {
    if (this.freezeRefused || this.spillTo === undefined) return;
    const from = this.freezingTo !== 0 ? this.freezingTo : this.frozenBelow >>> CHUNK_SHIFT;
    let end = from;
    while (end < this.chunks.length && this.chunks[end] === null) end++;
    if (end - from < FREEZE_CHUNKS) return;
    if (this.freezingTo !== 0) this.freezeStep(Number.POSITIVE_INFINITY);
    if (this.freezeRefused) return;
    try {
      this.frozen ??= new FrozenIds(this.spillTo.open());
      this.frozen.beginFreeze(this.tableEntries(this.frozenBelow, end * CHUNK_RECORDS));
    } catch (e) {
      this.refuseFreeze(e as Error);
      return;
    }
    this.freezingTo = end;
  }

  /** Ends the freeze under way now, if there is one (its ids leave the table). */
  finishFreeze(): void {
    if (this.freezingTo !== 0) this.freezeStep(Number.POSITIVE_INFINITY);
  }

  /** Does about `entries` entries' worth of the freeze under way; at its end the frozen ids leave the table. */
  private freezeStep(entries: number): void {
    let done: boolean;
    try {
      done = this.frozen!.step(entries);
    } catch (e) {
      this.freezingTo = 0;
      this.refuseFreeze(e as Error);
      return;
    }
    if (!done) return;
    this.frozen!.commitFreeze();
    const end = this.freezingTo;
    this.freezingTo = 0;
    for (let c = this.frozenBelow >>> CHUNK_SHIFT; c < end; c++) this.hashes[c] = null;
    this.frozenBelow = end * CHUNK_RECORDS;
    let capacity = INITIAL_CAPACITY;
    while ((this.count - this.frozenBelow) * 2 > capacity) capacity *= 2;
    this.rehash(capacity);
  }

  private refuseFreeze(e: Error): void {
    this.freezeRefused = true;
    this.spillTo?.refused(`ledger: transfer ids stay in the table from now on: ${e.message}`);
  }

  /** The table's entries (hash, fingerprint, record) for records [from, to): every one of them is in the table. */
  private tableEntries(from: number, to: number): FrozenEntries {
    const entries = newFrozenEntries(to - from);
    let n = 0;
    for (let k = 0; k < this.slots.length; k++) {
      const r = this.slots[k]! - 1;
      if (r < from || r >= to) continue;
      entries.hashes[n] = this.hashOf(r);
      entries.fps[n] = this.fps[k]!;
      entries.records[n] = r;
      n++;
    }
    if (n !== to - from) throw new Error(`invariant: TransferLog table holds ${n} of records ${from}-${to}`);
    return entries;
  }

  private grow(): void {
    // Quadruple while small, double after: fewer rehashes without a large idle table.
    const capacity = this.slots.length * (this.slots.length < GROW_FAST_BELOW ? 4 : 2);
    if (capacity > CAPACITY_MAX) throw new Error('TransferLog: capacity limit reached');
    this.rehash(capacity);
  }

  /** Moves the table's entries for records not frozen into a table of `capacity` slots. */
  private rehash(capacity: number): void {
    const slots = new Int32Array(ledgerMemory(capacity * 4));
    const fps = new Int32Array(ledgerMemory(capacity * 4));
    const mask = capacity - 1;
    const oldSlots = this.slots;
    const oldFps = this.fps;
    // In old slot order: runs of neighbouring ids stay neighbours, so the writes stay local too.
    for (let k = 0; k < oldSlots.length; k++) {
      const s = oldSlots[k]!;
      if (s <= this.frozenBelow) continue;
      let i = this.hashOf(s - 1) & mask;
      while (slots[i] !== 0) i = (i + 1) & mask;
      slots[i] = s;
      fps[i] = oldFps[k]!;
    }
    this.slots = slots;
    this.fps = fps;
    this.mask = mask;
  }
}
