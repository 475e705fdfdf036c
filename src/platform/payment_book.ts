// Every payment the platform knows, in arrival order: PlatformState.payments.
// Payments still moving are objects; once a payment is finished (settled,
// rejected, cancelled, returned) and more than `recent_finished` payments have
// finished after it, it is held as a compact record (./payment_codec.ts) in
// append-only byte chunks, found by its UETR through a hash table of 16-byte
// keys, and decoded when read. The form is invisible to the rules: every read
// gives the same payment (a command that reads an archived one gets it back as
// a live object, since it may change it: a return), iteration is in arrival
// order as before, and the snapshot writes the same JSON lines, so states,
// digests and replays do not depend on which payments were archived when.
// SCO_SETTLE_RECENT_FINISHED (a whole number) overrides `recent_finished` (0 by
// default: every finished payment archived after its command); a larger value
// keeps that many recently finished payments as objects, which changes no answer
// and no digest (test/payment_book_recent.test.ts runs a day both ways).
//
// Full record chunks leave the process's memory for a spill file (../store/spill_file.ts),
// read back synchronously (so no rule changes) through a small cache of chunks: the
// memory a finished payment holds is then its key, hash slot and columns (~40 bytes).
// SCO_SETTLE_PAYMENT_CHUNK_BYTES shrinks the chunks so a test spills after a few
// payments; SCO_SETTLE_PAYMENT_SPILL=0 keeps every chunk in memory,
// SCO_SETTLE_PAYMENT_SPILL_DIR names the spill file's folder and
// SCO_SETTLE_PAYMENT_SPILL_MAX_BYTES bounds it.
//
// Frozen positions: once two blocks of `freeze_positions` positions are past the
// oldest unfrozen one, that block freezes (./payment_columns.ts): its locators,
// columns and key bytes go to a second spill file, and the table entries of its
// archived UETRs go to sorted runs in a third (../ledger/frozen_ids.ts: a Bloom
// filter and page fences in memory); the table is rebuilt for the rest. A lookup
// that misses the table asks the frozen runs and confirms a candidate against the
// key bytes in the file (hash and fingerprint may collide). What an old payment
// keeps in memory is then its state byte and ~1.3 bytes of filter, and the table
// and column arrays follow the recent positions, not all of them. A UETR is in
// the table or the runs exactly when it was before (its first archived position),
// so every lookup answers as before. SCO_SETTLE_PAYMENT_FREEZE_POSITIONS (a power
// of two, at least 16) shrinks the blocks so a test freezes after a few payments.

import type { Payment, PaymentState } from '../clearing/types.js';
import { PAYMENT_STATES } from '../clearing/types.js';
import { ChunkCache } from '../ledger/chunk_cache.js';
import { FrozenIds, newFrozenEntries, type FrozenEntries } from '../ledger/frozen_ids.js';
import { PaymentColumns } from './payment_columns.js';
import { CodecTables, PaymentCodec, PaymentReader, uuidInto } from './payment_codec.js';
import { SpillFile, spillSettings } from '../store/spill_file.js';

const RECENT_OVERRIDE = Number.parseInt(process.env.SCO_SETTLE_RECENT_FINISHED ?? '', 10);
const CHUNK_OVERRIDE = Number.parseInt(process.env.SCO_SETTLE_PAYMENT_CHUNK_BYTES ?? '', 10);
const FREEZE_OVERRIDE = Number.parseInt(process.env.SCO_SETTLE_PAYMENT_FREEZE_POSITIONS ?? '', 10);
/** The book's spill; by default as large as the book's 32-bit locators address (4 GiB). */
const PAYMENT_SPILL = spillSettings('PAYMENT', 'sco-settle-payments', 0xffff_fffe);

export const PAYMENT_BOOK_LIMITS = Object.freeze({
  /**
   * Finished payments kept as objects (the most recently finished), for the reads that follow a settlement.
   * None by default: each one held past a young-generation collection is copied by it (and again when
   * promoted). With 4,096 (2 s of payments at 2,000 requests/s) the payment objects were about half of
   * what single-payment requests left alive; with 256 they were still ~0.5 MB of the ~2 MB each scavenge
   * copied at 1,000 requests/s, and archiving at once took a third off (scripts/api_gc_survivors.mjs)
   * and the API's fixed-rate p99 with it (docs/benchmarks.md, issue #18). A read of a just-finished
   * payment decodes its record instead.
   */
  recent_finished: Number.isSafeInteger(RECENT_OVERRIDE) && RECENT_OVERRIDE >= 0 ? RECENT_OVERRIDE : 0,
  /** Bytes per record chunk (a record never spans two); at least 4 KiB. */
  chunk_bytes: Number.isSafeInteger(CHUNK_OVERRIDE) && CHUNK_OVERRIDE >= 4096 && CHUNK_OVERRIDE <= 1 << 30 ? CHUNK_OVERRIDE : 1 << 20,
  /** Spilled chunks kept in memory after a read (the most recently used). */
  cached_chunks: 4,
  /** Positions frozen together (a power of two): their columns and keys leave memory. */
  freeze_positions:
    Number.isSafeInteger(FREEZE_OVERRIDE) && FREEZE_OVERRIDE >= 16 && FREEZE_OVERRIDE <= 1 << 24 && (FREEZE_OVERRIDE & (FREEZE_OVERRIDE - 1)) === 0
      ? FREEZE_OVERRIDE
      : 1 << 16,
});

/** Positions a scan (PaymentBook.select) decodes ahead at a time: the decoded copies it holds at most. */
const SCAN_BLOCK = 8_192;
const ANY = (): boolean => true;

const FINISHED: ReadonlySet<PaymentState> = new Set<PaymentState>(['settled', 'rejected', 'cancelled', 'returned']);
const STATE_CODE = new Map<PaymentState, number>(PAYMENT_STATES.map((s, i) => [s, i]));
/** What a list query asks of a payment, checked on an archived payment's columns before it is decoded. */
export interface PaymentProbe {
  /** Payer, payee or FX provider. */
  involves?: string;
  /** Payer or payee. */
  counterparty?: string;
  end_to_end_id?: string;
  state?: PaymentState;
}

/** Party strings numbered for the columns, at most this many (later ones: 0, which matches anything). */
const PARTIES_MAX = 65_535;

/** Slots of the smallest UETR table. */
const TABLE_MIN = 2048;
/**
 * Frozen-UETR work a command does while a freeze is under way (../ledger/frozen_ids.ts):
 * a block of 65,536 ends within ~80 commands, where done at once it held one command
 * for ~40-160 ms (docs/benchmarks.md, issue #18).
 */
const FREEZE_STEP_ENTRIES = 4_096;

/** Chunks addressable by a 32-bit locator (chunk * chunk_bytes + offset, +1 so 0 means live). */
const CHUNKS_MAX = Math.floor(0xffff_fffe / PAYMENT_BOOK_LIMITS.chunk_bytes);

/** Whether a payment in `state` is finished (nothing but a return changes it any more). */
export function isFinished(state: PaymentState): boolean {
  return FINISHED.has(state);
}

export class PaymentBook {
  /** Live payments by arrival position, and their positions by UETR. */
  private liveAt = new Map<number, Payment>();
  private livePos = new Map<string, number>();
  /** Whether liveAt iterates in position order (a payment brought back to life is appended). */
  private liveOrdered = true;
  private count = 0;
  /**
   * Per position: the payment's state (an index of PAYMENT_STATES); 0 while live, else
   * the record's locator + 1; per archived position, party numbers of payer, payee and
   * FX provider (0: not numbered) and a hash of the end-to-end id; the UETR's 16 bytes
   * (written when it enters the table).
   */
  private columns: PaymentColumns;
  private readonly parties = new Map<string, number>();
  /** Open-addressing hash table of position + 1 (0: empty), keyed by the UETR bytes; positions frozen since they entered it are not in it. */
  private slots = new Int32Array(TABLE_MIN);
  /** Each slot's key hash and fingerprint, kept so that a rehash or a freeze reads no key bytes. */
  private slotHashes = new Uint32Array(TABLE_MIN);
  private slotFps = new Uint32Array(TABLE_MIN);
  private slotsUsed = 0;
  /** Record chunks; null: spilled (read back through `cache`). The last one is being filled and never spilled. */
  private chunks: Array<Buffer | null> = [];
  /** Bytes filled in each full chunk (what the spill file holds of it). */
  private chunkFills: number[] = [];
  private chunkFill = 0;
  /** Spilled chunks read back, least recently used first. */
  private readonly cache = new ChunkCache<Buffer>(PAYMENT_BOOK_LIMITS.cached_chunks);
  private spill: SpillFile | null = null;
  private spillRefused = false;
  /** The table's entries for frozen positions, and the file of frozen columns and keys. */
  private frozen: FrozenIds | null = null;
  private columnFile: SpillFile | null = null;
  private freezeRefused = false;
  /** The end of the block a freeze under way takes (0: none under way). */
  private freezingTo = 0;
  /** Table entries the freeze under way takes. */
  private freezingEntries = 0;
  /** Positions below freezingTo that entered the table since that freeze began (not in its runs). */
  private joinedWhileFreezing: number[] = [];
  private tables = new CodecTables();
  private codec = new PaymentCodec(this.tables);
  private reader = new PaymentReader(this.tables);
  /** Whether archiveFinished archived a payment since the last compact. */
  private archivedSinceCompact = false;
  /** Positions of payments in the order they finished (may repeat; checked when archived). */
  private finishedQueue: number[] = [];
  private finishedHead = 0;
  /** A scan's sort keys for one block (select). */
  private readonly scanOrder = new Float64Array(SCAN_BLOCK);
  /** The UETR bytes of the key being looked up or archived (every submission looks its UETR up: no allocation). */
  private readonly key = Buffer.alloc(16);
  /**
   * The UETR `has` found last in neither form, until the next `set`: a submission asks `has` and
   * then `set`s the same UETR, and only `set` adds one (`clear` only removes), so `set` need not
   * look it up again.
   */
  private absent: string | null = null;

  /**
   * @param reviving whether a read must hand back the live object (true while a command runs: it may change the payment).
   * @param freezePositions positions frozen together (a power of two, at least 16).
   * @param freezeStepEntries frozen-UETR work a command does while a freeze is under way (tests make it small).
   */
  constructor(
    private readonly reviving: () => boolean,
    private readonly freezePositions = PAYMENT_BOOK_LIMITS.freeze_positions,
    private readonly freezeStepEntries = FREEZE_STEP_ENTRIES,
  ) {
    if (freezePositions < 16 || (freezePositions & (freezePositions - 1)) !== 0)
      throw new Error(`PaymentBook: ${freezePositions} positions do not make a block`);
    this.columns = this.newColumns();
  }

  private newColumns(): PaymentColumns {
    return new PaymentColumns(31 - Math.clz32(this.freezePositions), () => {
      this.columnFile ??= SpillFile.create(PAYMENT_SPILL.place);
      return this.columnFile;
    });
  }

  get size(): number {
    return this.count;
  }

  /** How many payments are held as records. */
  get archived(): number {
    return this.count - this.liveAt.size;
  }

  /** Bytes the archived payments' records fill in their chunks (the key, index and column arrays aside). */
  get recordBytes(): number {
    let n = this.chunkFill;
    for (const f of this.chunkFills) n += f;
    return n;
  }

  /** Bytes of record chunks in the process's memory: the chunk being filled, chunks not spilled, and the read cache. */
  get residentRecordBytes(): number {
    let n = 0;
    for (const c of this.chunks) if (c !== null) n += c.length;
    for (const c of this.cache.values()) n += c.length;
    return n;
  }

  /** Bytes of records in the spill file. */
  get spilledBytes(): number {
    return this.spill?.size ?? 0;
  }

  /** Where the spill file was created (it is unlinked at once; null: nothing spilled). */
  get spillPath(): string | null {
    return this.spill?.path ?? null;
  }

  /** Positions whose columns and keys are frozen (out of memory). */
  get frozenPositions(): number {
    return this.columns.frozenBelow;
  }

  /** Bytes the per-position columns, the UETR table and the frozen ids' filters hold in memory. */
  get indexBytes(): number {
    return this.columns.residentBytes + this.slots.byteLength + this.slotHashes.byteLength + this.slotFps.byteLength + (this.frozen?.residentBytes ?? 0);
  }

  /** Bytes of frozen columns, keys and ids in their spill files. */
  get frozenFileBytes(): number {
    return (this.columnFile?.size ?? 0) + (this.frozen?.fileBytes ?? 0);
  }

  /** Gives back the spill files; spilled records cannot be read afterwards (the platform is closed). */
  close(): void {
    this.spill?.close();
    this.frozen?.close();
    this.columnFile?.close();
  }

  has(uetr: string): boolean {
    if (this.livePos.has(uetr) || this.archivedPos(uetr) >= 0) return true;
    this.absent = uetr;
    return false;
  }

  get(uetr: string): Payment | undefined {
    const live = this.livePos.get(uetr);
    if (live !== undefined) return this.liveAt.get(live);
    const pos = this.archivedPos(uetr);
    if (pos < 0) return undefined;
    return this.reviving() ? this.revive(pos) : this.decode(pos);
  }

  /** Adds a new payment at the end (a known UETR keeps its position and takes the new object, as Map.set does). */
  set(uetr: string, p: Payment): this {
    const known = uetr !== this.absent;
    this.absent = null;
    let pos = known ? this.livePos.get(uetr) : undefined;
    if (pos === undefined && !known) pos = this.count++;
    else if (pos === undefined) {
      const old = this.archivedPos(uetr);
      if (old >= 0) this.revive(old);
      pos = old >= 0 ? old : this.count++;
    }
    if (pos >= this.columns.capacity) this.columns.grow();
    this.liveAt.set(pos, p);
    this.livePos.set(uetr, pos);
    this.columns.setState(pos, STATE_CODE.get(p.state) ?? 0);
    if (isFinished(p.state)) this.finishedQueue.push(pos);
    return this;
  }

  /** A payment changed state (CommandContext.change): a finished one becomes a candidate for its record form. */
  changed(p: Payment): void {
    const pos = this.livePos.get(p.instruction.uetr);
    if (pos === undefined) return;
    this.columns.setState(pos, STATE_CODE.get(p.state) ?? 0);
    if (isFinished(p.state)) this.finishedQueue.push(pos);
  }

  /** The arrival position of the payment with this UETR, or -1 (nothing is decoded: a live lookup or the archive's key table). */
  positionOf(uetr: string): number {
    return this.livePos.get(uetr) ?? this.archivedPos(uetr);
  }

  /** The payment at arrival position `i` (0-based), decoded when archived. */
  at(i: number): Payment | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.columns.loc(i) === 0 ? this.liveAt.get(i) : this.decode(i);
  }

  /** False when the payment at position `i` cannot match `q` (judged without decoding it); true means: read it and check. */
  mayMatch(i: number, q: PaymentProbe): boolean {
    if (this.columns.loc(i) === 0) return true;
    if (q.state !== undefined && PAYMENT_STATES[this.columns.state(i)] !== q.state) return false;
    const cols = this.columns.colsOf(i);
    const c = this.columns.colsOffset(i);
    if (q.end_to_end_id !== undefined && cols[c + 3] !== textHash(q.end_to_end_id)) return false;
    const party = (s: string, n: number): boolean => {
      const id = this.parties.get(s) ?? 0;
      for (let k = 0; k < n; k++) if (cols[c + k] === 0 || cols[c + k] === id) return true;
      return false;
    };
    if (q.involves !== undefined && !party(q.involves, 3)) return false;
    return q.counterparty === undefined || party(q.counterparty, 2);
  }

  /** Every payment in arrival order; archived ones are decoded copies. */
  *values(): IterableIterator<Payment> {
    for (const [, p] of this.select(ANY)) yield p;
  }

  /** The state of the payment at arrival position `i` (0-based), read without decoding it. */
  stateAt(i: number): PaymentState | undefined {
    return i >= 0 && i < this.count ? PAYMENT_STATES[this.columns.state(i)] : undefined;
  }

  /**
   * The payments, in arrival order with their positions, whose position and state
   * `wanted` accepts (asked before any is decoded; it must not change the book).
   * Archived ones are decoded copies, as `at` gives them. A scan in arrival order
   * over records kept in the order payments finished (a window's payments finish
   * together hours after they arrived) would read a spilled chunk back for nearly
   * every such payment; so the records of SCAN_BLOCK positions at a time are
   * decoded ahead in record order, each chunk read once per block, and handed out
   * in arrival order. A payment revived or archived meanwhile is read as it is
   * when handed out, so the scan gives what reading each position then would.
   */
  *select(wanted: (i: number, state: PaymentState) => boolean): IterableIterator<[number, Payment]> {
    for (let start = 0; start < this.count; ) {
      const end = Math.min(this.count, start + SCAN_BLOCK);
      const ahead = this.decodeAhead(start, end, wanted);
      for (let i = start; i < end && i < this.count; i++) {
        const state = PAYMENT_STATES[this.columns.state(i)]!;
        if (!wanted(i, state)) continue;
        const l = this.columns.loc(i);
        let p: Payment | undefined;
        if (l === 0) p = this.liveAt.get(i);
        else if (ahead !== null && ahead.locs[i - start] === l) p = ahead.payments[i - start];
        else p = this.decode(i);
        if (ahead !== null) ahead.payments[i - start] = undefined;
        if (p !== undefined) yield [i, p];
      }
      start = end;
    }
  }

  /** The archived payments `wanted` accepts at positions start..end-1, decoded in record order (null: none archived there). */
  private decodeAhead(
    start: number,
    end: number,
    wanted: (i: number, state: PaymentState) => boolean,
  ): { locs: Uint32Array; payments: Array<Payment | undefined> } | null {
    let n = 0;
    const order = this.scanOrder;
    for (let i = start; i < end; i++) {
      const l = this.columns.loc(i);
      // A record's locator times the block size plus its place in the block: exact in a double (< 2^45).
      if (l !== 0 && wanted(i, PAYMENT_STATES[this.columns.state(i)]!)) order[n++] = l * SCAN_BLOCK + (i - start);
    }
    if (n === 0) return null;
    const sorted = order.subarray(0, n).sort();
    const locs = new Uint32Array(end - start);
    const payments = new Array<Payment | undefined>(end - start);
    for (let k = 0; k < n; k++) {
      const j = sorted[k]! % SCAN_BLOCK;
      locs[j] = this.columns.loc(start + j);
      payments[j] = this.decode(start + j);
    }
    return { locs, payments };
  }

  /** The payments held as objects, in arrival order: every unfinished payment is among them. */
  live(): IterableIterator<Payment> {
    if (!this.liveOrdered) {
      const entries = [...this.liveAt].sort((a, b) => a[0] - b[0]);
      this.liveAt.clear();
      for (const [k, v] of entries) this.liveAt.set(k, v);
      this.liveOrdered = true;
    }
    return this.liveAt.values();
  }

  /** How many payments are in each state. */
  countsByState(): Map<PaymentState, number> {
    const n = new Array<number>(PAYMENT_STATES.length).fill(0);
    this.columns.countStates(this.count, n);
    const out = new Map<PaymentState, number>();
    PAYMENT_STATES.forEach((s, i) => {
      if (n[i]! > 0) out.set(s, n[i]!);
    });
    return out;
  }

  clear(): void {
    this.liveAt.clear();
    this.livePos.clear();
    this.liveOrdered = true;
    this.count = 0;
    this.frozen?.close();
    this.frozen = null;
    this.columnFile?.close();
    this.columnFile = null;
    this.freezeRefused = false;
    this.freezingTo = 0;
    this.joinedWhileFreezing = [];
    this.columns = this.newColumns();
    this.parties.clear();
    this.slots = new Int32Array(TABLE_MIN);
    this.slotHashes = new Uint32Array(TABLE_MIN);
    this.slotFps = new Uint32Array(TABLE_MIN);
    this.slotsUsed = 0;
    this.chunks = [];
    this.chunkFills = [];
    this.chunkFill = 0;
    this.cache.clear();
    this.spill?.close();
    this.spill = null;
    this.spillRefused = false;
    this.tables = new CodecTables();
    this.codec = new PaymentCodec(this.tables);
    this.reader = new PaymentReader(this.tables);
    this.finishedQueue = [];
    this.finishedHead = 0;
    this.archivedSinceCompact = false;
  }

  /**
   * Turns finished payments into records, all but the `recent_finished` most recently finished, in the
   * order they finished: compact's first step, also taken between a batch's payments (submitPayments),
   * while the payment just finished is still in the processor's caches. Read after its command, its
   * objects had left them: loading them was most of archiving's time. Only the time of the step moves:
   * the same payments in the same order make the same records, numbers and table entries, and a
   * command that reads an archived payment gets it back live, as before.
   */
  archiveFinished(): void {
    const q = this.finishedQueue;
    while (q.length - this.finishedHead > PAYMENT_BOOK_LIMITS.recent_finished) {
      const pos = q[this.finishedHead++]!;
      const p = this.liveAt.get(pos);
      if (p !== undefined && isFinished(p.state)) {
        this.archive(pos, p);
        this.archivedSinceCompact = true;
      }
    }
  }

  /** Turns finished payments into records (archiveFinished), then gives up emptied maps and takes freeze steps. */
  compact(): void {
    this.archiveFinished();
    const q = this.finishedQueue;
    const archived = this.archivedSinceCompact;
    this.archivedSinceCompact = false;
    if (archived && this.liveAt.size === 0 && this.livePos.size === 0) {
      // Emptied (every payment of the command finished): new maps, not the old ones set and deleted from again.
      // A Map whose entries come and go rehashes into a new table every few commands, and its old table keeps a
      // pointer to the new one and the entries it had. Once one such table was promoted, every table after it,
      // with the payments (instruction, history, fields) they had held, stayed reachable from it at each
      // young-generation collection until the next full one: on a follower most of what a scavenge copied and
      // promoted (docs/scaling.md, "Follower survivors, stop 48"). Same entries, same order: no answer changes.
      this.liveAt = new Map();
      this.livePos = new Map();
    }
    if (this.finishedHead === q.length) {
      // All archived (with recent_finished 0, after every command): the queue starts again empty, so it never
      // grows to tens of thousands of positions whose backing stores each young-generation collection promotes.
      q.length = 0;
      this.finishedHead = 0;
    } else if (this.finishedHead >= 65_536 && this.finishedHead * 2 >= q.length) {
      this.finishedQueue = q.slice(this.finishedHead);
      this.finishedHead = 0;
    }
    if (this.freezingTo !== 0) this.freezeStep(this.freezeStepEntries);
    while (!this.freezeRefused && this.count - (this.freezingTo || this.columns.frozenBelow) >= 2 * this.freezePositions) {
      // The next block is due while one is under way (a command of more payments than a block): that one ends first.
      if (this.freezingTo !== 0) this.freezeStep(Number.POSITIVE_INFINITY);
      if (!this.freezeRefused) this.beginFreeze();
    }
  }

  /**
   * Begins freezing the oldest unfrozen block of positions: its table entries go to the
   * frozen runs a step at a time (freezeStep, in the commands that follow), then its
   * columns and keys to a file. Until it ends the table and the columns answer for it.
   */
  private beginFreeze(): void {
    if (!PAYMENT_SPILL.enabled) {
      this.freezeRefused = true;
      return;
    }
    const to = this.columns.frozenBelow + this.freezePositions;
    try {
      this.frozen ??= new FrozenIds(SpillFile.create(PAYMENT_SPILL.place));
      const entries = this.tableEntries(to);
      this.frozen.beginFreeze(entries);
      this.freezingEntries = entries.hashes.length;
    } catch (e) {
      this.refuseFreeze(e as Error);
      return;
    }
    this.freezingTo = to;
    this.joinedWhileFreezing = [];
    // A small freeze ends here, as at once.
    this.freezeStep(this.freezeStepEntries);
  }

  /**
   * Does about `entries` entries' worth of the freeze under way. At its end the block's
   * columns and keys are written and leave memory, and its table entries leave the
   * table; a UETR that entered the table below the block's end while it ran is not in
   * the runs, so its key stays in memory as a late one (and its entry in the table)
   * until the next freeze. A refusal leaves the block, and every lookup, as they were.
   */
  private freezeStep(entries: number): void {
    const frozen = this.frozen!;
    try {
      if (!frozen.step(entries)) return;
      this.columns.writeBlock();
    } catch (e) {
      // Refused (the size limit, no space): this and later positions stay in memory.
      frozen.abandonFreeze();
      this.freezingTo = 0;
      this.refuseFreeze(e as Error);
      return;
    }
    frozen.commitFreeze();
    this.freezingTo = 0;
    const late = this.joinedWhileFreezing.map((pos) => [pos, Uint8Array.from(this.columns.keyOf(pos)!)] as const);
    this.joinedWhileFreezing = [];
    this.columns.commitFreeze();
    for (const [pos, key] of late) this.columns.setKey(pos, key);
    let capacity = TABLE_MIN;
    while ((this.slotsUsed - this.freezingEntries) * 2 > capacity) capacity *= 2;
    this.rehash(capacity);
  }

  private refuseFreeze(e: Error): void {
    this.freezeRefused = true;
    process.emitWarning(`payment book: payments' columns and UETRs stay in memory from now on: ${e.message}`);
  }

  /** The table's entries (hash, fingerprint, position) for positions below `to`. */
  private tableEntries(to: number): FrozenEntries {
    const slots = this.slots;
    let n = 0;
    for (let s = 0; s < slots.length; s++) {
      const v = slots[s]!;
      if (v !== 0 && v <= to) n++;
    }
    const entries = newFrozenEntries(n);
    n = 0;
    for (let s = 0; s < slots.length; s++) {
      const v = slots[s]!;
      if (v === 0 || v > to) continue;
      entries.hashes[n] = this.slotHashes[s]!;
      entries.fps[n] = this.slotFps[s]!;
      entries.records[n] = v - 1;
      n++;
    }
    return entries;
  }

  private archive(pos: number, p: Payment): void {
    const key = this.key;
    if (!uuidInto(p.instruction.uetr, key, 0)) return; // Not a canonical UUID: stays an object.
    // Written straight into the chunk being filled when it fits there (the bytes after its fill are unused);
    // else a view of the codec's buffer, copied into a new chunk below, before the next encode.
    const last = this.chunks.length === 0 ? null : this.chunks[this.chunks.length - 1]!;
    let len = last === null ? -1 : this.codec.encodeInto(p, last, this.chunkFill);
    if (len < 0) {
      // The writer's room checks ask for more than some values take: a record near the chunk's end may still fit.
      const rec = last === null ? this.codec.encode(p) : this.codec.last();
      if (rec.length > PAYMENT_BOOK_LIMITS.chunk_bytes) return;
      if (last === null || this.chunkFill + rec.length > PAYMENT_BOOK_LIMITS.chunk_bytes) {
        if (this.chunks.length >= CHUNKS_MAX) return;
        if (this.chunks.length > 0) this.spillLast();
        this.chunks.push(Buffer.allocUnsafeSlow(PAYMENT_BOOK_LIMITS.chunk_bytes));
        this.chunkFill = 0;
      }
      // Uint8Array's set: the bytes rec.copy wrote, without Buffer.copy's argument handling.
      this.chunks[this.chunks.length - 1]!.set(rec, this.chunkFill);
      len = rec.length;
    }
    const c = this.chunks.length - 1;
    const loc = c * PAYMENT_BOOK_LIMITS.chunk_bytes + this.chunkFill + 1;
    this.chunkFill += len;
    const ins = p.instruction;
    const payee = this.partyNo(ins.payee);
    // No FX provider: the payee's number again, so "involves" asks nothing more of it.
    const fx = p.fx === null ? payee : this.partyNo(p.fx.provider);
    this.columns.setArchived(pos, loc, this.partyNo(ins.payer), payee, fx, textHash(ins.end_to_end_id));
    // A UETR enters the table once, with its first archived position (in the table or frozen since). A UETR
    // has one position (set finds it live or archived), so only a position below the frozen ones may be in the runs.
    // The key's hash once for the lookup and the insert.
    const h = hash(key);
    if (this.archivedSlot(key, h) < 0 && (pos >= this.columns.frozenBelow || this.frozenPos(key) < 0)) {
      this.columns.setKey(pos, key);
      this.insertSlot(h, fingerprint(key), pos);
    }
    this.liveAt.delete(pos);
    this.livePos.delete(p.instruction.uetr);
  }

  private partyNo(s: string): number {
    let n = this.parties.get(s);
    if (n === undefined) {
      if (this.parties.size >= PARTIES_MAX) return 0;
      n = this.parties.size + 1;
      this.parties.set(s, n);
    }
    return n;
  }

  private decode(pos: number): Payment {
    const l = this.columns.loc(pos) - 1;
    const size = PAYMENT_BOOK_LIMITS.chunk_bytes;
    return this.reader.decode(this.chunk(Math.floor(l / size)), l % size) as Payment;
  }

  /** Chunk `c`, read back from the spill file when it is not in memory. */
  private chunk(c: number): Buffer {
    const held = this.chunks[c];
    if (held !== null && held !== undefined) return held;
    return this.cache.get(
      c,
      (into) => this.spill!.read(into, this.chunkFills[c]!, c * PAYMENT_BOOK_LIMITS.chunk_bytes),
      () => Buffer.allocUnsafeSlow(PAYMENT_BOOK_LIMITS.chunk_bytes),
    );
  }

  /** The chunk just filled goes to the spill file (and into the cache, as the most recently used); it stays in memory when the file refuses it. */
  private spillLast(): void {
    const c = this.chunks.length - 1;
    this.chunkFills[c] = this.chunkFill;
    if (this.spillRefused || !PAYMENT_SPILL.enabled) return;
    const b = this.chunks[c]!;
    try {
      this.spill ??= SpillFile.create(PAYMENT_SPILL.place);
      this.spill.write(b, this.chunkFill, c * PAYMENT_BOOK_LIMITS.chunk_bytes);
    } catch (e) {
      // Refused (the size limit, no space, no temporary folder): this and later chunks stay in memory.
      this.spillRefused = true;
      process.emitWarning(`payment book: finished payments' records stay in memory from now on: ${(e as Error).message}`);
      return;
    }
    this.chunks[c] = null;
    this.cache.put(c, b);
  }

  /** The archived payment at `pos` as a live object again (its record's bytes stay behind, unused). */
  private revive(pos: number): Payment {
    const p = this.decode(pos);
    this.columns.set(pos, 0);
    this.liveAt.set(pos, p);
    this.livePos.set(p.instruction.uetr, pos);
    this.liveOrdered = false;
    this.finishedQueue.push(pos);
    return p;
  }

  /** The position of an archived payment, or -1. */
  private archivedPos(uetr: string): number {
    const key = this.key;
    if (!uuidInto(uetr, key, 0)) return -1;
    const s = this.archivedSlot(key, hash(key));
    const pos = s >= 0 ? this.slots[s]! - 1 : this.frozenPos(key);
    return pos < 0 || this.columns.loc(pos) === 0 ? -1 : pos;
  }

  /** The frozen position whose UETR is `key` (this.key), or -1. */
  private frozenPos(key: Buffer): number {
    return this.frozen === null ? -1 : this.frozen.find(hash(key), fingerprint(key), this.holdsKey);
  }

  /** Whether the frozen candidate `pos` holds this.key (bound once: a frozen lookup makes no closure). */
  private readonly holdsKey = (pos: number): boolean => this.columns.keyEquals(pos, this.key);

  /**
   * The slot holding `key` (whose hash is `h`), or -1. A slot whose kept hash differs holds another key:
   * its key bytes (in the columns, elsewhere in memory) are read only when the hashes agree, so a new
   * UETR's lookup (every submission makes one) reads no key at all, nearly always.
   */
  private archivedSlot(key: Buffer, h: number): number {
    const mask = this.slots.length - 1;
    const hashes = this.slotHashes;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const v = this.slots[s]!;
      if (v === 0) return -1;
      if (hashes[s] === h && this.keyAt(v - 1, key)) return s;
    }
  }

  /** Whether table entry `pos` holds `key` (a table entry's key is in memory). */
  private keyAt(pos: number, key: Buffer): boolean {
    const k = this.columns.keyArray(pos)!;
    const o = this.columns.keyOffset(pos);
    for (let i = 0; i < 16; i++) if (k[o + i] !== key[i]) return false;
    return true;
  }

  /** Enters `pos`, whose key's hash is `h` and fingerprint `fp`, into the table. */
  private insertSlot(h: number, fp: number, pos: number): void {
    if (pos < this.freezingTo) this.joinedWhileFreezing.push(pos);
    if ((this.slotsUsed + 1) * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = pos + 1;
    this.slotHashes[s] = h;
    this.slotFps[s] = fp;
    this.slotsUsed++;
  }

  /** Moves the table's entries for positions not frozen into a table of `capacity` slots. */
  private rehash(capacity: number): void {
    const old = this.slots;
    const oldHashes = this.slotHashes;
    const oldFps = this.slotFps;
    const slots = new Int32Array(capacity);
    const hashes = new Uint32Array(capacity);
    const fps = new Uint32Array(capacity);
    let used = 0;
    const mask = capacity - 1;
    for (let k = 0; k < old.length; k++) {
      const v = old[k]!;
      if (v === 0) continue;
      // A frozen position's entry is in the runs, except a late one (archived after its block froze, its key
      // still in memory): that one stays in the table until the next freeze takes it.
      if (this.columns.keyArray(v - 1) === null) continue;
      const h = oldHashes[k]!;
      let s = h & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = v;
      hashes[s] = h;
      fps[s] = oldFps[k]!;
      used++;
    }
    this.slots = slots;
    this.slotHashes = hashes;
    this.slotFps = fps;
    this.slotsUsed = used;
  }
}

/** FNV-1a over a string's UTF-16 code units. */
function textHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** FNV-1a over the 16 bytes (from `at`): UETRs from some senders share long prefixes or suffixes. */
function hash(k: Uint8Array, at = 0): number {
  let h = 0x811c9dc5;
  for (let i = at; i < at + 16; i++) h = Math.imul(h ^ k[i]!, 0x01000193);
  return h >>> 0;
}

/** A second hash of the 16 bytes (murmur3's mix over four words): the frozen runs' fingerprint. */
function fingerprint(k: Uint8Array): number {
  let h = 0x9747b28c;
  for (let i = 0; i < 16; i += 4) {
    let w = k[i]! | (k[i + 1]! << 8) | (k[i + 2]! << 16) | (k[i + 3]! << 24);
    w = Math.imul(w, 0xcc9e2d51);
    w = Math.imul((w << 15) | (w >>> 17), 0x1b873593);
    h ^= w;
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h ^ (h >>> 16)) >>> 0;
}
