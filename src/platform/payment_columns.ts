// The payment book's per-position columns (./payment_book.ts): each payment's
// state, its record's locator, the four query columns and the UETR's 16 key bytes.
// Owns: where they are held. Positions come in blocks of `block` positions, each
// block's arrays allocated once (nothing doubles and copies as the book grows).
// A frozen block (every position below `frozenBelow`) keeps only its states in
// memory (1 byte a position); its locators and columns are in a spill file,
// read back a page at a time through a small cache, and its key bytes are in the
// same file, read 16 bytes at a time to confirm a frozen id's candidate. A change
// to a frozen position (a late archive, a revive) is written through to the file.
// A key set for a frozen position (a payment archived after its block froze) is
// held in memory until the next block freezes, when it is written out beside the
// block's keys. No I/O without a SpillFile: the book decides when to freeze.

import { ChunkCache } from '../ledger/chunk_cache.js';
import type { SpillFile } from '../store/spill_file.js';

/** u32 words a position takes in a frozen page: the locator, then the four columns. */
const WORDS = 5;
const KEY = 16;
/** Pages of frozen columns kept in memory after a read. */
const CACHED_PAGES = 8;

export class PaymentColumns {
  readonly blockMask: number;
  readonly pageSize: number;
  private readonly pageShift: number;
  /** Per block: states (kept for ever); locators, columns and keys (null once frozen). */
  private readonly states: Uint8Array[] = [];
  private readonly locs: Array<Uint32Array | null> = [];
  private readonly cols: Array<Uint32Array | null> = [];
  private readonly keys: Array<Uint8Array | null> = [];
  /** Keys set for frozen positions since the last freeze. */
  private readonly lateKeys = new Map<number, Uint8Array>();
  frozenBelow = 0;
  private readonly pages = new ChunkCache<Uint32Array>(CACHED_PAGES);
  /** Pages whose write-through the file refused: held here for good. */
  private readonly pinned = new Map<number, Uint32Array>();
  private lastPageNo = -1;
  private lastPage: Uint32Array | null = null;
  private readonly word = new Uint32Array(WORDS);
  private readonly wordBytes = new Uint8Array(this.word.buffer);
  private readonly keyRead = new Uint8Array(KEY);

  /** @param blockShift log2 of the positions in a block. */
  constructor(
    readonly blockShift: number,
    private readonly file: () => SpillFile,
  ) {
    this.blockMask = (1 << blockShift) - 1;
    this.pageShift = Math.min(blockShift, 12);
    this.pageSize = 1 << this.pageShift;
  }

  get blockSize(): number {
    return this.blockMask + 1;
  }

  /** Positions that have room (allocated blocks). */
  get capacity(): number {
    return this.states.length << this.blockShift;
  }

  /** Bytes the columns hold in memory: states, unfrozen blocks, late keys and cached pages. */
  get residentBytes(): number {
    let n = this.states.length * this.blockSize;
    for (const a of this.locs) n += a?.byteLength ?? 0;
    for (const a of this.cols) n += a?.byteLength ?? 0;
    for (const a of this.keys) n += a?.byteLength ?? 0;
    n += this.lateKeys.size * (KEY + 48);
    for (const p of this.pages.values()) n += p.byteLength;
    for (const p of this.pinned.values()) n += p.byteLength;
    return n;
  }

  /** Adds a block of positions. */
  grow(): void {
    const n = this.blockSize;
    this.states.push(new Uint8Array(n));
    this.locs.push(new Uint32Array(n));
    this.cols.push(new Uint32Array(n * 4));
    this.keys.push(new Uint8Array(n * KEY));
  }

  state(pos: number): number {
    return this.states[pos >>> this.blockShift]![pos & this.blockMask]!;
  }

  setState(pos: number, s: number): void {
    this.states[pos >>> this.blockShift]![pos & this.blockMask] = s;
  }

  /** How many positions below `count` are in each state. */
  countStates(count: number, into: number[]): void {
    for (let b = 0; b < this.states.length && b << this.blockShift < count; b++) {
      const s = this.states[b]!;
      const n = Math.min(s.length, count - (b << this.blockShift));
      for (let i = 0; i < n; i++) into[s[i]!]!++;
    }
  }

  /** The record locator + 1 at `pos` (0: live). */
  loc(pos: number): number {
    if (pos >= this.frozenBelow) return this.locs[pos >>> this.blockShift]![pos & this.blockMask]!;
    return this.page(pos)[(pos & (this.pageSize - 1)) * WORDS]!;
  }

  /** The array holding `pos`'s four columns; they start at `colsOffset(pos)`. */
  colsOf(pos: number): Uint32Array {
    if (pos >= this.frozenBelow) return this.cols[pos >>> this.blockShift]!;
    return this.page(pos);
  }

  colsOffset(pos: number): number {
    if (pos >= this.frozenBelow) return (pos & this.blockMask) * 4;
    return (pos & (this.pageSize - 1)) * WORDS + 1;
  }

  /** Sets the locator (and with `c`, the four columns) of `pos`. */
  set(pos: number, loc: number, c?: readonly [number, number, number, number]): void {
    if (pos >= this.frozenBelow) {
      const b = pos >>> this.blockShift;
      const i = pos & this.blockMask;
      this.locs[b]![i] = loc;
      if (c !== undefined) this.cols[b]!.set(c, i * 4);
      return;
    }
    const page = this.page(pos);
    const o = (pos & (this.pageSize - 1)) * WORDS;
    page[o] = loc;
    if (c !== undefined) page.set(c, o + 1);
    this.word.set(page.subarray(o, o + WORDS));
    const p = pos >>> this.pageShift;
    try {
      this.file().write(this.wordBytes, WORDS * 4, this.pagePosition(p) + o * 4);
    } catch (e) {
      // The file refused the change: the page stays in memory, right, from now on.
      if (!this.pinned.has(p)) process.emitWarning(`payment book: a page of frozen columns stays in memory: ${(e as Error).message}`);
      this.pinned.set(p, page.slice());
      this.lastPageNo = -1;
    }
  }

  /**
   * set(pos, loc, [c0, c1, c2, c3]) without the array: what archiving a payment writes (once a payment).
   * A position not frozen (nearly always) takes them in place.
   */
  setArchived(pos: number, loc: number, c0: number, c1: number, c2: number, c3: number): void {
    if (pos < this.frozenBelow) {
      this.set(pos, loc, [c0, c1, c2, c3]);
      return;
    }
    const b = pos >>> this.blockShift;
    const i = pos & this.blockMask;
    this.locs[b]![i] = loc;
    const cols = this.cols[b]!;
    const o = i * 4;
    cols[o] = c0;
    cols[o + 1] = c1;
    cols[o + 2] = c2;
    cols[o + 3] = c3;
  }

  /** Sets the key bytes of `pos` (an archived payment whose UETR enters the table). */
  setKey(pos: number, key: Uint8Array): void {
    if (pos >= this.frozenBelow) this.keys[pos >>> this.blockShift]!.set(key, (pos & this.blockMask) * KEY);
    else this.lateKeys.set(pos, Uint8Array.from(key));
  }

  /** The key bytes of `pos` when they are in memory (every position in the table), else null. */
  keyOf(pos: number): Uint8Array | null {
    if (pos >= this.frozenBelow) {
      const o = (pos & this.blockMask) * KEY;
      return this.keys[pos >>> this.blockShift]!.subarray(o, o + KEY);
    }
    return this.lateKeys.get(pos) ?? null;
  }

  /**
   * The array holding `pos`'s key bytes in memory, at keyOffset(pos) (every position in the table), else null:
   * what keyOf gives without making a view, for the table's lookups and rehashes (one per payment and more).
   */
  keyArray(pos: number): Uint8Array | null {
    if (pos >= this.frozenBelow) return this.keys[pos >>> this.blockShift]!;
    return this.lateKeys.get(pos) ?? null;
  }

  /** Where `pos`'s key bytes start in keyArray(pos). */
  keyOffset(pos: number): number {
    return pos >= this.frozenBelow ? (pos & this.blockMask) * KEY : 0;
  }

  /** Whether `pos`'s key bytes are `key` (a frozen position's are read from the file). */
  keyEquals(pos: number, key: Uint8Array): boolean {
    let k = this.keyOf(pos);
    if (k === null) {
      const b = pos >>> this.blockShift;
      this.file().read(this.keyRead, KEY, this.blockPosition(b) + this.blockSize * WORDS * 4 + (pos & this.blockMask) * KEY);
      k = this.keyRead;
    }
    for (let i = 0; i < KEY; i++) if (k[i] !== key[i]) return false;
    return true;
  }

  /**
   * Writes the block at `frozenBelow` (and the keys set late for earlier blocks)
   * to the file; throws, with nothing changed, when the file refuses. `commitFreeze`
   * then drops them from memory.
   */
  writeBlock(): void {
    const b = this.frozenBelow >>> this.blockShift;
    const n = this.blockSize;
    const loc = this.locs[b]!;
    const cols = this.cols[b]!;
    const words = new Uint32Array(n * WORDS);
    for (let i = 0; i < n; i++) {
      words[i * WORDS] = loc[i]!;
      for (let k = 0; k < 4; k++) words[i * WORDS + 1 + k] = cols[i * 4 + k]!;
    }
    const f = this.file();
    const at = this.blockPosition(b);
    f.write(new Uint8Array(words.buffer), words.byteLength, at);
    f.write(this.keys[b]!, n * KEY, at + words.byteLength);
    for (const [pos, key] of this.lateKeys) {
      f.write(key, KEY, this.blockPosition(pos >>> this.blockShift) + n * WORDS * 4 + (pos & this.blockMask) * KEY);
    }
  }

  /** The block written by writeBlock leaves memory. */
  commitFreeze(): void {
    const b = this.frozenBelow >>> this.blockShift;
    this.locs[b] = null;
    this.cols[b] = null;
    this.keys[b] = null;
    this.lateKeys.clear();
    this.frozenBelow += this.blockSize;
  }

  private blockPosition(b: number): number {
    return b * this.blockSize * (WORDS * 4 + KEY);
  }

  /** Where frozen page `p` starts in the file. */
  private pagePosition(p: number): number {
    const b = p >>> (this.blockShift - this.pageShift);
    const inBlock = p & ((1 << (this.blockShift - this.pageShift)) - 1);
    return this.blockPosition(b) + inBlock * this.pageSize * WORDS * 4;
  }

  /** The frozen page holding `pos`. */
  private page(pos: number): Uint32Array {
    const p = pos >>> this.pageShift;
    if (p === this.lastPageNo) return this.lastPage!;
    const page =
      this.pinned.get(p) ??
      this.pages.get(
        p,
        (into) => this.file().read(new Uint8Array(into.buffer), into.byteLength, this.pagePosition(p)),
        () => new Uint32Array(this.pageSize * WORDS),
      );
    this.lastPageNo = p;
    this.lastPage = page;
    return page;
  }
}
