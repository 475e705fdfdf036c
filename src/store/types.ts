// The contract every store adapter (memory, SQLite, PostgreSQL) fulfils: an
// append-only journal with durable group commit, snapshots, and the query index
// that serves lookups. Adapters know their SQL dialect and nothing of the ledger's
// rules; the journal layer above decides what to write.

import type { Account, AccountBalance, Transfer } from '../ledger/types.js';

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

/** One accepted batch as it is kept on disk. */
export interface JournalEntry {
  /** 1, 2, 3, … with no gaps. */
  seq: number;
  /** 1 = create_accounts, 2 = create_transfers, 3 = pulse (expiry only), 4 = command. */
  op: number;
  /** The clock reading the batch was executed at, in nanoseconds. */
  clock_ns: bigint;
  count: number;
  /** The events as submitted, `count` records of 128 bytes. */
  body: Buffer;
  /** The non-ok results: 5 bytes each, u32 LE event index then u8 result number. */
  results: Buffer;
  /** sha256 over the header fields, body and results. */
  checksum: Buffer;
  /** The previous entry's hash (32 zero bytes for seq 1). */
  prev_hash: Buffer;
  /** sha256(prev_hash || checksum): the chain link. */
  hash: Buffer;
}

export interface HistoryRecord {
  account_id: bigint;
  balance: AccountBalance;
}

/** Changes to the query tables that bring the index up to `through_seq`. */
export interface IndexBatch {
  through_seq: number;
  /** Accounts created or whose balances changed: their state as of `through_seq`. */
  accounts: Account[];
  transfers: Transfer[];
  balances: HistoryRecord[];
  /**
   * The same transfers, in the same order, as their 128-byte records (the
   * codec's layout, ../ledger/codec.ts: encodeTransfer), where the producer holds
   * them so: a store that writes records may take these and leave `transfers`
   * unread (the producer may make those objects only when read).
   */
  transfer_records?: TransferRecords;
  /**
   * The journal entries the batch holds, in order, with their rows' counts (the
   * transfers and balance rows of each, in the order of `transfers` and
   * `balances`; they sum to those lengths, and the last seq is `through_seq`). A
   * store may then commit the rows entry by entry, its index position moving to
   * each entry's seq, so a commit waiting for the writer need not wait for the
   * whole batch (./sqlite_worker.ts). Absent: the batch is written as one.
   */
  parts?: readonly IndexPart[];
}

/** One journal entry's share of an IndexBatch (IndexBatch.parts). */
export interface IndexPart {
  seq: number;
  transfers: number;
  balances: number;
}

/** A batch's transfers as records (IndexBatch.transfer_records). */
export interface TransferRecords {
  readonly count: number;
  /** Writes transfer k's record (0 ≤ k < count, in order) at `off + k * stride` of `into`. */
  writeTo(into: Uint8Array, off: number, stride: number): void;
}

export interface AccountFilter {
  account_id: bigint;
  /** Inclusive bounds in nanoseconds; 0n means unbounded. */
  timestamp_min: bigint;
  timestamp_max: bigint;
  /** At most this many rows (1..8189). */
  limit: number;
  /** Include transfers where the account is on the debit side. */
  debits: boolean;
  /** Include transfers where the account is on the credit side. */
  credits: boolean;
  /** Newest first. */
  reversed: boolean;
}

export interface Snapshot {
  seq: number;
  body: Buffer;
}

/** One writer per store: the process that holds it is the only one that appends. */
export interface WriterLock {
  /**
   * Makes this process the only writer (PostgreSQL: an advisory lock; SQLite: a
   * write transaction held on PATH-writer.lock). Throws `StoreError('writer_busy')` if
   * another process holds it.
   */
  acquireWriter(): Promise<void>;
}

/** How an append is made durable (JournalStore.appendJournal). */
export interface AppendOptions {
  /** false: the caller's durability is elsewhere (the replicated log); no flush, no head record. Default true. */
  sync?: boolean;
}

/** The append-only, hash-chained journal. */
export interface JournalStore {
  /**
   * Appends entries in one durable transaction; resolves only once it is durable.
   * After the writer's append commits, the store records the new head outside the
   * journal (HeadStore).
   *
   * With `{ sync: false }` (a cluster follower, whose entries are durable in the
   * replicated log already) the store may commit without flushing to disk and
   * leaves the head record where it is: a power cut may then lose a tail of
   * these entries, never corrupt the store, and the next synced append flushes
   * them and records the head past them. A store may ignore it (PostgreSQL does).
   */
  appendJournal(entries: readonly JournalEntry[], options?: AppendOptions): Promise<void>;
  /** Entries with seq > after_seq, in order, at most `limit`. */
  readJournal(after_seq: number, limit: number): Promise<JournalEntry[]>;
  journalHead(): Promise<{ seq: number; hash: Buffer } | null>;
}

/**
 * The journal's head as recorded outside the journal table (SQLite: the file
 * PATH.head beside the store; PostgreSQL: the journal_head table), written after
 * every durable append, so that deleting the journal's last rows is seen (./head_record.ts).
 */
export type RecordedHead =
  /** A store that no writer of store format 3 or later has opened yet: nothing to compare against. */
  | { state: 'not_recorded' }
  /** The store says it keeps a head record, and there is none: removed. */
  | { state: 'missing'; where: string }
  /** The record is there but does not read or its checksum chain is broken. */
  | { state: 'corrupt'; where: string; problem: string }
  | {
      state: 'recorded';
      where: string;
      seq: number;
      hash: Buffer;
      /** The journal position the store began recording its head at (0 for a store created so). */
      since_seq: number;
      /** What the reader tolerated (a torn last record after a crash). */
      notes: string[];
    };

/** Where the store keeps its journal head outside the journal. */
export interface HeadStore {
  recordedHead(): Promise<RecordedHead>;
}

/** At most one snapshot of the state, at a journal position. */
export interface SnapshotStore {
  /** Replaces the snapshot (there is one at most). */
  saveSnapshot(snapshot: Snapshot): Promise<void>;
  loadSnapshot(): Promise<Snapshot | null>;
}

/** The query tables: derived from the journal, written off the commit path, rebuilt after a crash. */
export interface LedgerIndex {
  /** The journal seq the query tables reflect. */
  indexPosition(): Promise<number>;
  /**
   * Applies an index batch in one transaction; need not be fsynced (it is rebuilt
   * from the journal). A store may resolve once the batch is queued for writing,
   * in order: every read below then waits until the batches queued before it
   * are written (what the query tables answer is never older than the batches
   * applied), and a queued write that fails is written again before the next
   * batch or read, or rejects that one.
   */
  applyIndex(batch: IndexBatch): Promise<void>;
  lookupAccounts(ids: readonly bigint[]): Promise<Account[]>;
  lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]>;
  accountTransfers(filter: AccountFilter): Promise<Transfer[]>;
  accountBalances(filter: AccountFilter): Promise<AccountBalance[]>;
  /** Every indexed account, by id; for verification. */
  allAccounts(): Promise<Account[]>;
  countTransfers(): Promise<number>;
}

/**
 * Documents: small named blobs beside the ledger (users and keys, idempotency
 * records, sanctions list versions and their "active version" pointers). A put
 * replaces the named document atomically (readers see the old body or the new
 * one, never a mix); names are flat strings, grouped by prefix by convention
 * ("compliance/lists/…").
 */
export interface DocumentStore {
  putDocument(name: string, body: Buffer): Promise<void>;
  getDocument(name: string): Promise<Buffer | null>;
  /** Names starting with `prefix`, sorted. */
  listDocuments(prefix: string): Promise<string[]>;
}

/** A whole store as an adapter implements it; each layer takes the narrow part it needs. */
export interface Store extends WriterLock, JournalStore, HeadStore, SnapshotStore, LedgerIndex, DocumentStore {
  readonly kind: StoreKind;
  /** The location, with any password removed, for messages. */
  readonly display: string;
  /** The store format it holds (store/format.ts), after any migration on open. */
  formatVersion(): Promise<number>;
  close(): Promise<void>;
}

/** What the durable ledger needs of a store: everything but the documents. */
export type LedgerStore = WriterLock & JournalStore & HeadStore & SnapshotStore & LedgerIndex & Pick<Store, 'kind' | 'display' | 'close'>;

export type StoreErrorCode = 'writer_busy' | 'journal_conflict' | 'bad_url' | 'unreachable' | 'corrupt' | 'store_too_new';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(code: StoreErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'StoreError';
  }
}

export const OP_CREATE_ACCOUNTS = 1;
export const OP_CREATE_TRANSFERS = 2;
export const OP_PULSE = 3;
/** A platform command of store format 1: body = the command's bytes, results = the digest of its output; rules version 1. */
export const OP_COMMAND = 4;
/** A platform command: body = the command's bytes, results = the digest of its output then the rules version (u32 LE). */
export const OP_COMMAND_VERSIONED = 5;
