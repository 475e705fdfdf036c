// Ids of old records, found again without a hash-table slot each. Owns: the sorted
// runs of (id hash, fingerprint, record index) entries that a log writes out for records it
// no longer keeps in its table, and the Bloom filter and page fences that find
// them with at most a page read. What a frozen record costs in memory is then
// about 1.3 bytes (10 filter bits and a fence per 512 records), not the 12-36
// bytes of a table slot, a fingerprint and a kept hash.
//
// A lookup gives candidate record indices (every record whose id has that hash
// and fingerprint); the caller compares the full id, as its table does. Without
// the fingerprint a new id whose hash met an old one's (0.2 % of inserts with two
// million frozen) read a 4 MiB record chunk back to tell them apart.
//
// A miss (the common case: a new id) is answered by the filters alone about 99 %
// of the time per run (10 bits, 7 probes, all in one 64-byte block, so a probe of
// a run is one cache miss). Runs are merged size-tiered (RUN_FAN_IN runs of one
// tier make one of the next), so a lookup probes O(log n) filters; a merge reads
// and rewrites the runs it merges. The space a merged run held goes to a free list
// and later runs are written into it (first fit), so the file stays near twice the
// entries it holds instead of growing with every tier an entry passes through.
//
// A freeze is all or nothing: the new run and any merges are written to space no
// run uses, and the runs change only once every write has succeeded. A refused
// write leaves the runs, and what a lookup finds, as they were.
//
// No I/O of its own: pages go to and come from the caller's RecordSpill (the
// transfer log's second spill file). Deterministic: the same records frozen in
// the same order give the same runs.

import type { RecordSpill } from './record_spill.js';

/** Entries per page: 512 × 12 bytes = 6 KiB, one read per lookup that passes a filter. */
const PAGE_ENTRIES = 512;
/** u32 words per entry: hash, fingerprint, record. */
const ENTRY_WORDS = 3;
const ENTRY_BYTES = ENTRY_WORDS * 4;
const PAGE_BYTES = PAGE_ENTRIES * ENTRY_BYTES;
/**
 * Pages written (and read back for a merge) in one call: 192 KiB, few calls for a
 * run yet short enough that a freeze run a step at a time holds its caller for one
 * such write (~0.1-2 ms), not 1.5 MiB's (up to 20 ms on a shared host).
 */
const WRITE_PAGES = 32;
const BLOOM_BITS_PER_ID = 10;
const BLOOM_PROBES = 7;
/** A filter block: 512 bits, one cache line; an id's probes all fall in its block. */
const BLOCK_WORDS = 16;
const BLOCK_BITS = BLOCK_WORDS * 32;
/** Runs of one tier merged into one of the next. */
const RUN_FAN_IN = 4;
/** Records one run may hold: 2^31 record indices would not fit a page's u32 anyway. */
const RUN_RECORDS_MAX = 2 ** 31;
/**
 * Entries a freeze's step handles between two yields: ~50-100 µs of sorting,
 * filter bits or page copies, so a caller that runs a freeze a few steps at a
 * time (beginFreeze, step) holds its thread that long, not for the whole freeze.
 */
const STEP_ENTRIES = 4_096;

interface Run {
  /** Byte position of the run's first page in the spill. */
  readonly position: number;
  readonly count: number;
  /** The hash of each page's first entry. */
  readonly fences: Uint32Array;
  readonly bloom: Uint32Array;
  /** 32 - log2(blocks): the block of a hash is the top bits of its mix. */
  readonly blockShift: number;
  readonly tier: number;
}

/** A second hash of an id hash: the probes' step, odd so every probe differs. */
function step(hash: number): number {
  let h = Math.imul(hash ^ (hash >>> 16), 0x7feb352d);
  h ^= h >>> 15;
  return (Math.imul(h, 0x846ca68b) ^ (h >>> 16)) | 1;
}

/** The first word of hash `h`'s block in a filter. */
function blockOf(h: number, blockShift: number): number {
  return (Math.imul(h ^ (h >>> 13), 0x9e3779b1) >>> blockShift) * BLOCK_WORDS;
}

/** Whether every probe bit of `h` is set in its block (or, with `set`, sets them). */
function probeBlock(bloom: Uint32Array, base: number, h: number, set: boolean): boolean {
  const inc = step(h);
  let a = Math.imul(h, 0x85ebca6b) ^ (h >>> 11);
  for (let p = 0; p < BLOOM_PROBES; p++) {
    const bit = a >>> 23;
    const word = base + (bit >>> 5);
    const mask = 1 << (bit & 31);
    if (set) bloom[word]! |= mask;
    else if ((bloom[word]! & mask) === 0) return false;
    a = (a + inc) | 0;
  }
  return true;
}

/** Frozen entries as three columns: the id's hash, its fingerprint, the record. */
export interface FrozenEntries {
  hashes: Uint32Array;
  fps: Uint32Array;
  records: Uint32Array;
}

export function newFrozenEntries(n: number): FrozenEntries {
  return { hashes: new Uint32Array(n), fps: new Uint32Array(n), records: new Uint32Array(n) };
}

/** A byte range of the spill: a run's pages, or space no run uses. */
interface Extent {
  position: number;
  bytes: number;
}

/** Entries sorted by hash, stably (records keep their order within a hash): LSD radix sort, two 16-bit passes. */
export function sortByHash(entries: FrozenEntries): FrozenEntries {
  return drain(sortSteps(entries));
}

/** Runs a freeze's steps to their end at once. */
function drain<T>(steps: Generator<number, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
  }
}

/** sortByHash's work, yielding the entries handled after every STEP_ENTRIES of them. */
function* sortSteps(entries: FrozenEntries): Generator<number, FrozenEntries> {
  const n = entries.hashes.length;
  let from = entries;
  let to = newFrozenEntries(n);
  const counts = new Uint32Array(1 << 16);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i0 = 0; i0 < n; i0 += STEP_ENTRIES) {
      const i1 = Math.min(n, i0 + STEP_ENTRIES);
      for (let i = i0; i < i1; i++) counts[(from.hashes[i]! >>> shift) & 0xffff]!++;
      yield i1 - i0;
    }
    let sum = 0;
    for (let b = 0; b < counts.length; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i0 = 0; i0 < n; i0 += STEP_ENTRIES) {
      const i1 = Math.min(n, i0 + STEP_ENTRIES);
      for (let i = i0; i < i1; i++) {
        const h = from.hashes[i]!;
        const at = counts[(h >>> shift) & 0xffff]!++;
        to.hashes[at] = h;
        to.fps[at] = from.fps[i]!;
        to.records[at] = from.records[i]!;
      }
      yield i1 - i0;
    }
    [from, to] = [to, from];
  }
  return from;
}

/** A freeze under way (FrozenIds.beginFreeze): its steps, and the spill space it has taken or will free. */
interface FreezeJob {
  readonly steps: Generator<number, Run[]>;
  readonly taken: Extent[];
  readonly merged: Extent[];
  /** The runs that result, once the steps are done. */
  runs: Run[] | null;
}

export class FrozenIds {
  /** Newest last. */
  private runs: readonly Run[] = [];
  /** The end of the last byte any run or free extent covers. */
  private end = 0;
  /** Space no run uses, by position, neighbours joined; an extent never reaches `end`. */
  private free: Extent[] = [];
  private readonly page = new Uint32Array(PAGE_ENTRIES * ENTRY_WORDS);
  private readonly pageBytes = new Uint8Array(this.page.buffer);
  private job: FreezeJob | null = null;

  constructor(private readonly spill: RecordSpill) {}

  /** Records frozen in all runs. */
  get size(): number {
    let n = 0;
    for (const r of this.runs) n += r.count;
    return n;
  }

  /** Bytes the runs hold in memory (filters and fences). */
  get residentBytes(): number {
    let n = 0;
    for (const r of this.runs) n += r.bloom.byteLength + r.fences.byteLength;
    return n;
  }

  get runCount(): number {
    return this.runs.length;
  }

  /** Bytes of the spill the runs' pages take. */
  get runBytes(): number {
    let n = 0;
    for (const r of this.runs) n += runBytes(r.count);
    return n;
  }

  /** Bytes written to the spill (free space included). */
  get fileBytes(): number {
    return this.spill.size;
  }

  close(): void {
    this.spill.close();
  }

  /**
   * Freezes these entries (any order). Throws (with nothing changed that a lookup
   * sees) when the spill refuses a write.
   */
  freeze(entries: FrozenEntries): void {
    this.beginFreeze(entries);
    this.step(Number.POSITIVE_INFINITY);
    this.commitFreeze();
  }

  /** Whether a freeze is under way: begun, its runs not yet seen by lookups. */
  get freezing(): boolean {
    return this.job !== null;
  }

  /**
   * Begins freezing these entries (any order); `step` does the work and
   * `commitFreeze` ends it. Until then lookups see the runs as they were, so the
   * caller keeps answering for these entries itself (its table still holds
   * them). One at a time.
   */
  beginFreeze(entries: FrozenEntries): void {
    if (this.job !== null) throw new Error('FrozenIds: a freeze is already under way');
    const taken: Extent[] = [];
    const merged: Extent[] = [];
    this.job = { steps: this.freezeSteps(entries, taken, merged), taken, merged, runs: null };
  }

  /**
   * Does about `entries` entries' worth of the freeze under way (all of it with
   * Infinity); returns true once its work is done (or none is under way), for
   * commitFreeze. A refused spill write ends the freeze with nothing changed that
   * a lookup sees, the space it took given back, and throws.
   */
  step(entries: number): boolean {
    const job = this.job;
    if (job === null) return true;
    if (job.runs !== null) return true;
    let done = 0;
    try {
      for (;;) {
        const r = job.steps.next();
        if (r.done === true) {
          job.runs = r.value;
          return true;
        }
        done += r.value;
        if (done >= entries) return false;
      }
    } catch (e) {
      this.abandonFreeze();
      throw e;
    }
  }

  /** Ends the freeze whose work is done: lookups now see its runs. */
  commitFreeze(): void {
    const job = this.job;
    if (job === null) return;
    if (job.runs === null) throw new Error("FrozenIds: commitFreeze before the freeze's work is done");
    this.job = null;
    this.runs = job.runs;
    for (const x of job.merged) this.release(x);
  }

  /** Drops the freeze under way: the space it took is given back, and lookups see what they saw. */
  abandonFreeze(): void {
    const job = this.job;
    if (job === null) return;
    this.job = null;
    for (const x of job.taken) this.release(x);
  }

  /** A freeze's work: the new run written, then merged with its tier's as far as they fill; the runs that result. */
  private *freezeSteps(entries: FrozenEntries, taken: Extent[], merged: Extent[]): Generator<number, Run[]> {
    if (entries.hashes.length === 0) return [...this.runs];
    const runs = [...this.runs, yield* this.writeSteps(yield* sortSteps(entries), 0, taken)];
    yield* this.mergeTiers(runs, taken, merged);
    return runs;
  }

  /**
   * Calls `visit` with each frozen record whose id has this hash and fingerprint,
   * newest run first, until it returns true; returns the record it stopped at, or -1.
   */
  find(hash: number, fp: number, visit: (record: number) => boolean): number {
    const h = hash >>> 0;
    const f = fp >>> 0;
    for (let k = this.runs.length - 1; k >= 0; k--) {
      const run = this.runs[k]!;
      if (!probeBlock(run.bloom, blockOf(h, run.blockShift), h, false)) continue;
      const found = this.scan(run, h, f, visit);
      if (found >= 0) return found;
    }
    return -1;
  }

  /** The pages of `run` that may hold hash `h`: from the last page whose fence is below it, while fences are not above it. */
  private scan(run: Run, h: number, f: number, visit: (record: number) => boolean): number {
    const fences = run.fences;
    let lo = 0;
    let hi = fences.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (fences[mid]! < h) lo = mid;
      else hi = mid - 1;
    }
    for (let p = lo; p < fences.length && fences[p]! <= h; p++) {
      const n = this.readPage(run, p);
      for (let k = 0; k < n; k++) {
        const ph = this.page[ENTRY_WORDS * k]!;
        if (ph < h) continue;
        if (ph > h) return -1;
        if (this.page[ENTRY_WORDS * k + 1] !== f) continue;
        const record = this.page[ENTRY_WORDS * k + 2]!;
        if (visit(record)) return record;
      }
    }
    return -1;
  }

  private readPage(run: Run, p: number): number {
    const n = Math.min(PAGE_ENTRIES, run.count - p * PAGE_ENTRIES);
    this.spill.read(this.pageBytes, n * ENTRY_BYTES, run.position + p * PAGE_BYTES);
    return n;
  }

  /** Writes sorted entries as a run into space no run uses (recorded in `taken`), with its filter and fences. */
  private *writeSteps(entries: FrozenEntries, tier: number, taken: Extent[]): Generator<number, Run> {
    const count = entries.hashes.length;
    if (count > RUN_RECORDS_MAX) throw new Error(`FrozenIds: a run of ${count} records is past the limit`);
    const pages = Math.ceil(count / PAGE_ENTRIES);
    const fences = new Uint32Array(pages);
    let blocks = 2;
    let blockShift = 31;
    while (blocks * BLOCK_BITS < count * BLOOM_BITS_PER_ID) {
      blocks *= 2;
      blockShift--;
    }
    const bloom = new Uint32Array(blocks * BLOCK_WORDS);
    const space = this.allocate(runBytes(count));
    taken.push(space);
    const position = space.position;
    // Pages go out WRITE_PAGES at a time: one write of 1.5 MiB, not 256 of 6 KiB.
    const out = new Uint32Array(Math.min(pages, WRITE_PAGES) * PAGE_ENTRIES * ENTRY_WORDS);
    for (let p0 = 0; p0 < pages; p0 += WRITE_PAGES) {
      const from = p0 * PAGE_ENTRIES;
      const to = Math.min(count, (p0 + WRITE_PAGES) * PAGE_ENTRIES);
      for (let i = from; i < to; i++) {
        const h = entries.hashes[i]!;
        const o = ENTRY_WORDS * (i - from);
        out[o] = h;
        out[o + 1] = entries.fps[i]!;
        out[o + 2] = entries.records[i]!;
        probeBlock(bloom, blockOf(h, blockShift), h, true);
        if ((i & (PAGE_ENTRIES - 1)) === 0) fences[i / PAGE_ENTRIES] = h;
        if (((i + 1 - from) & (STEP_ENTRIES - 1)) === 0) yield STEP_ENTRIES;
      }
      this.spill.write(new Uint8Array(out.buffer), (to - from) * ENTRY_BYTES, position + p0 * PAGE_BYTES);
      yield (to - from) & (STEP_ENTRIES - 1);
    }
    return { position, count, fences, bloom, blockShift, tier };
  }

  /**
   * While the newest RUN_FAN_IN runs of `runs` share a tier, merges them into one run
   * of the next tier; the merged runs' space goes to `merged`, freed once the freeze holds.
   */
  private *mergeTiers(runs: Run[], taken: Extent[], merged: Extent[]): Generator<number, void> {
    for (;;) {
      const n = runs.length;
      if (n < RUN_FAN_IN) return;
      const tier = runs[n - 1]!.tier;
      const group = runs.slice(n - RUN_FAN_IN);
      if (!group.every((r) => r.tier === tier)) return;
      const run = yield* this.writeSteps(yield* sortSteps(yield* this.readRuns(group)), tier + 1, taken);
      runs.splice(n - RUN_FAN_IN, RUN_FAN_IN, run);
      for (const r of group) merged.push({ position: r.position, bytes: runBytes(r.count) });
    }
  }

  /** Every entry of these runs, in run order. */
  private *readRuns(group: readonly Run[]): Generator<number, FrozenEntries> {
    let total = 0;
    for (const r of group) total += r.count;
    const entries = newFrozenEntries(total);
    const block = new Uint32Array(WRITE_PAGES * PAGE_ENTRIES * ENTRY_WORDS);
    let i = 0;
    for (const r of group) {
      for (let from = 0; from < r.count; from += WRITE_PAGES * PAGE_ENTRIES) {
        const m = Math.min(WRITE_PAGES * PAGE_ENTRIES, r.count - from);
        this.spill.read(new Uint8Array(block.buffer), m * ENTRY_BYTES, r.position + from * ENTRY_BYTES);
        for (let k = 0; k < m; k++, i++) {
          entries.hashes[i] = block[ENTRY_WORDS * k]!;
          entries.fps[i] = block[ENTRY_WORDS * k + 1]!;
          entries.records[i] = block[ENTRY_WORDS * k + 2]!;
          if (((k + 1) & (STEP_ENTRIES - 1)) === 0) yield STEP_ENTRIES;
        }
        yield m & (STEP_ENTRIES - 1);
      }
    }
    return entries;
  }

  /** `bytes` of space no run uses: the first free extent large enough, else past the end. */
  private allocate(bytes: number): Extent {
    for (let k = 0; k < this.free.length; k++) {
      const x = this.free[k]!;
      if (x.bytes < bytes) continue;
      const got = { position: x.position, bytes };
      if (x.bytes === bytes) this.free.splice(k, 1);
      else this.free[k] = { position: x.position + bytes, bytes: x.bytes - bytes };
      return got;
    }
    const got = { position: this.end, bytes };
    this.end += bytes;
    return got;
  }

  /** Gives `x` back: joined with free neighbours, and taken off the end when it reaches it. */
  private release(x: Extent): void {
    let k = 0;
    while (k < this.free.length && this.free[k]!.position < x.position) k++;
    let { position, bytes } = x;
    const before = this.free[k - 1];
    if (before !== undefined && before.position + before.bytes === position) {
      position = before.position;
      bytes += before.bytes;
      this.free.splice(--k, 1);
    }
    const after = this.free[k];
    if (after !== undefined && position + bytes === after.position) {
      bytes += after.bytes;
      this.free.splice(k, 1);
    }
    if (position + bytes === this.end) this.end = position;
    else this.free.splice(k, 0, { position, bytes });
  }
}

/** Spill bytes of a run of `count` entries: whole pages. */
function runBytes(count: number): number {
  return Math.ceil(count / PAGE_ENTRIES) * PAGE_BYTES;
}
