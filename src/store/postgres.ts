// The PostgreSQL store: the platform's tables in one schema of a server database,
// reached through one dedicated connection (the platform has a single writer).
//
// Durability: journal appends are one INSERT statement, i.e. one transaction,
// committed with the server's default synchronous_commit, so they are durable when
// the promise resolves. The query tables are written with synchronous_commit off:
// they are rebuilt from the journal after a crash.
//
// Speed: bulk writes ship each column as ONE binary parameter (fixed-width keys and
// records concatenated) that the server slices with substring(), so a batch of 8,189
// transfers is one statement with no per-row parameters and no hex encoding. The
// statements of an index batch are queued without waiting, so the server inserts
// one chunk while this process encodes the next. Operations are serialised (one
// connection: see serial()).
//
// This module owns the URL's ?schema= parameter, the schema's DDL, the writer's
// advisory lock, and dropping a schema (for tests and benchmarks).

import { createHash } from 'node:crypto';
import pg from 'pg';
import { decodeAccount, decodeTransfer, encodeAccount, encodeTransfer, RECORD_SIZE, u128Key } from '../ledger/codec.js';
import type { Account, AccountBalance, Transfer } from '../ledger/types.js';
import { BALANCE_RECORD_SIZE, decodeBalance, encodeBalance } from './balance_codec.js';
import { StoreError, type AccountFilter, type IndexBatch, type JournalEntry, type RecordedHead, type Snapshot, type Store } from './types.js';
import { migrationsFor, STORE_FORMAT_CURRENT } from './format.js';
import { HEAD_GENESIS, headRecordProblem, nextHeadRecord, type HeadRecord } from './head_record.js';

export const DEFAULT_PG_SCHEMA = 'sco_settle';
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const SNAPSHOT_PART_BYTES = 16 * 1024 * 1024;
const INT8_MAX = (1n << 63n) - 1n;
/** Rows per bulk statement: bounds message size (records are 128 bytes) while amortising round trips. */
const INDEX_CHUNK_ROWS = 8192;
const KEY_SIZE = 16;
const PG_UNIQUE_VIOLATION = '23505';
/** How long a new writer waits for a previous one's lock (e.g. a killed process's session to end). */
const WRITER_WAIT_MS = 5000;
const WRITER_RETRY_MS = 100;

/** The URL with any password replaced (as open.ts's redactUrl; kept here to avoid loading the SQLite driver). */
function redact(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

export interface PostgresTarget {
  /** The URL to hand to pg: ?schema= removed. */
  url: string;
  schema: string;
  /** The redacted URL (without ?schema=), for messages. */
  display: string;
}

/** Splits `?schema=NAME` off a postgres:// URL and validates the name. */
export function parsePostgresUrl(url: string, defaultSchema = DEFAULT_PG_SCHEMA): PostgresTarget {
  const hashAt = url.indexOf('#');
  const base = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const q = base.indexOf('?');
  let schema = defaultSchema;
  let stripped = base;
  if (q >= 0) {
    const params = new URLSearchParams(base.slice(q + 1));
    const names = params.getAll('schema');
    if (names.length > 1) throw new StoreError('bad_url', `store "${redact(url)}": ?schema= given more than once`);
    if (names.length === 1) schema = names[0]!;
    params.delete('schema');
    const rest = params.toString();
    stripped = base.slice(0, q) + (rest.length > 0 ? `?${rest}` : '');
  }
  checkSchemaName(schema, url);
  return { url: stripped, schema, display: redact(stripped) };
}

/** Throws StoreError('bad_url') unless `schema` is a plain lower-case identifier (it is interpolated into SQL). */
export function checkSchemaName(schema: string, url: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new StoreError('bad_url', `store "${redact(url)}": schema "${schema}" must match [a-z_][a-z0-9_]{0,62} (lower-case letters, digits, underscore)`);
  }
}

/** A stable signed 64-bit advisory-lock key for a purpose and schema. */
function lockKey(purpose: string, schema: string): string {
  return createHash('sha256').update(`sco-settle:${purpose}:${schema}`).digest().readBigInt64BE(0).toString();
}

async function connectClient(target: PostgresTarget): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 10_000 });
  // A dropped connection must not crash the process; the next query rejects instead.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => {});
    throw new StoreError('unreachable', `cannot connect to ${target.display}: ${(err as Error).message}`);
  }
  return client;
}

/** Drops the URL's schema and everything in it. For tests and benchmarks. */
export async function dropPostgresSchema(url: string): Promise<void> {
  const target = parsePostgresUrl(url);
  const client = await connectClient(target);
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${target.schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

function ddl(s: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${s}.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.journal (
  seq int8 PRIMARY KEY, op int4 NOT NULL, clock_ns int8 NOT NULL, count int4 NOT NULL,
  body bytea NOT NULL, results bytea NOT NULL, checksum bytea NOT NULL, prev_hash bytea NOT NULL, hash bytea NOT NULL);
CREATE TABLE IF NOT EXISTS ${s}.snapshot (part int4 PRIMARY KEY, seq int8 NOT NULL, body bytea NOT NULL);
-- Accounts are rewritten at every batch that moves them: free space per page lets
-- those updates stay HOT (no new primary-key entry), over twice as fast as packed pages.
CREATE TABLE IF NOT EXISTS ${s}.accounts (id bytea PRIMARY KEY, record bytea NOT NULL) WITH (fillfactor = 70);
-- debit_key/credit_key fold the account id to int8 (see accountKey): the per-account
-- indexes are then two int8s, smaller and cheaper to maintain than bytea; queries
-- recheck the full id, so a fold collision costs a skipped row, never a wrong one.
CREATE TABLE IF NOT EXISTS ${s}.transfers (
  timestamp int8 PRIMARY KEY, id bytea NOT NULL UNIQUE,
  debit_account_id bytea NOT NULL, credit_account_id bytea NOT NULL,
  debit_key int8 NOT NULL, credit_key int8 NOT NULL, record bytea NOT NULL);
CREATE INDEX IF NOT EXISTS transfers_debit ON ${s}.transfers (debit_key, timestamp);
CREATE INDEX IF NOT EXISTS transfers_credit ON ${s}.transfers (credit_key, timestamp);
CREATE TABLE IF NOT EXISTS ${s}.account_balances (
  account_id bytea NOT NULL, timestamp int8 NOT NULL, record bytea NOT NULL,
  PRIMARY KEY (account_id, timestamp));
${documentsDdl(s)}
${headDdl(s)}
`;
}

/**
 * The journal head outside the journal table (./head_record.ts): one row, replaced
 * in the same statement as each journal append; also created on its own in schemas
 * made before it existed.
 */
function headDdl(s: string): string {
  return `CREATE TABLE IF NOT EXISTS ${s}.journal_head (
  id int2 PRIMARY KEY CHECK (id = 1), seq int8 NOT NULL, hash bytea NOT NULL, prev_chain bytea NOT NULL, chain bytea NOT NULL);`;
}

/** The documents table (named blobs); also created on its own in schemas made before it existed. */
function documentsDdl(s: string): string {
  return `CREATE TABLE IF NOT EXISTS ${s}.documents (name text PRIMARY KEY, body bytea NOT NULL, updated_at timestamptz NOT NULL DEFAULT now());`;
}

interface JournalRow {
  seq: string;
  op: number;
  clock_ns: string;
  count: number;
  body: Buffer;
  results: Buffer;
  checksum: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

type Sql = Record<
  | 'insertJournal'
  | 'insertJournalAndHead'
  | 'readHead'
  | 'readJournal'
  | 'head'
  | 'indexSeq'
  | 'setIndexSeq'
  | 'upsertAccounts'
  | 'insertTransfers'
  | 'insertBalances'
  | 'accounts'
  | 'transfers'
  | 'allAccounts'
  | 'countTransfers'
  | 'snapshotParts'
  | 'insertSnapshotPart'
  | 'transfersDebitsAsc'
  | 'transfersCreditsAsc'
  | 'transfersBothAsc'
  | 'transfersDebitsDesc'
  | 'transfersCreditsDesc'
  | 'transfersBothDesc'
  | 'balancesAsc'
  | 'balancesDesc',
  string
>;

/** $1..$4 scalar columns as arrays; $5 all byte columns concatenated; $6 offsets and $7 lengths, 5 per entry. */
function insertJournal(s: string): string {
  return `INSERT INTO ${s}.journal (seq, op, clock_ns, count, body, results, checksum, prev_hash, hash)
      SELECT u.seq, u.op, u.clock_ns, u.count,
        substring($5::bytea FROM p.o[k + 1] + 1 FOR p.l[k + 1]),
        substring($5::bytea FROM p.o[k + 2] + 1 FOR p.l[k + 2]),
        substring($5::bytea FROM p.o[k + 3] + 1 FOR p.l[k + 3]),
        substring($5::bytea FROM p.o[k + 4] + 1 FOR p.l[k + 4]),
        substring($5::bytea FROM p.o[k + 5] + 1 FOR p.l[k + 5])
      FROM (SELECT $6::int4[] AS o, $7::int4[] AS l) AS p,
        unnest($1::int8[], $2::int4[], $3::int8[], $4::int4[]) WITH ORDINALITY AS u(seq, op, clock_ns, count, n),
        LATERAL (SELECT (u.n::int4 - 1) * 5 AS k) AS kk`;
}

function statements(s: string): Sql {
  // Row i of a concatenated binary column of fixed width w.
  const fixed = (param: string, w: number): string => `substring(${param} FROM i * ${w} + 1 FOR ${w})`;
  // $1 account id, $2..$3 inclusive time range, $4 limit, $5 the id's int8 fold.
  const side = (which: 'debit' | 'credit', dir: string): string =>
    `SELECT record, timestamp FROM ${s}.transfers WHERE ${which}_key = $5 AND ${which}_account_id = $1
       AND timestamp BETWEEN $2 AND $3 ORDER BY timestamp ${dir} LIMIT $4`;
  const both = (dir: string): string => `(${side('debit', dir)}) UNION ALL (${side('credit', dir)}) ORDER BY timestamp ${dir} LIMIT $4`;
  return {
    insertJournal: insertJournal(s),
    // The same, and the journal_head row replaced by $8..$11 (seq, hash, prev_chain, chain), in one statement.
    insertJournalAndHead: `WITH appended AS (${insertJournal(s)})
      INSERT INTO ${s}.journal_head (id, seq, hash, prev_chain, chain) VALUES (1, $8, $9, $10, $11)
      ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, prev_chain = excluded.prev_chain, chain = excluded.chain`,
    readHead: `SELECT seq, hash, prev_chain, chain FROM ${s}.journal_head WHERE id = 1`,
    readJournal: `SELECT seq, op, clock_ns, count, body, results, checksum, prev_hash, hash
      FROM ${s}.journal WHERE seq > $1 ORDER BY seq LIMIT $2`,
    head: `SELECT seq, hash FROM ${s}.journal ORDER BY seq DESC LIMIT 1`,
    indexSeq: `SELECT value FROM ${s}.meta WHERE key = 'index_seq'`,
    setIndexSeq: `INSERT INTO ${s}.meta (key, value) VALUES ('index_seq', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    // ids $1 (16 bytes each), records $2 (128 bytes each), row count $3.
    upsertAccounts: `INSERT INTO ${s}.accounts (id, record)
      SELECT ${fixed('$1::bytea', KEY_SIZE)}, ${fixed('$2::bytea', RECORD_SIZE)} FROM generate_series(0, $3::int4 - 1) AS i
      ON CONFLICT (id) DO UPDATE SET record = excluded.record`,
    // timestamps $1, ids $2, debit ids $3, credit ids $4, records $5, debit keys $6, credit keys $7.
    insertTransfers: `INSERT INTO ${s}.transfers (timestamp, id, debit_account_id, credit_account_id, debit_key, credit_key, record)
      SELECT u.ts, ${fixed('$2::bytea', KEY_SIZE)}, ${fixed('$3::bytea', KEY_SIZE)}, ${fixed('$4::bytea', KEY_SIZE)},
        u.dk, u.ck, ${fixed('$5::bytea', RECORD_SIZE)}
      FROM unnest($1::int8[], $6::int8[], $7::int8[]) WITH ORDINALITY AS u(ts, dk, ck, n),
        LATERAL (SELECT u.n::int4 - 1 AS i) AS ii`,
    // timestamps $1, account ids $2, records $3.
    insertBalances: `INSERT INTO ${s}.account_balances (account_id, timestamp, record)
      SELECT ${fixed('$2::bytea', KEY_SIZE)}, u.ts, ${fixed('$3::bytea', BALANCE_RECORD_SIZE)}
      FROM unnest($1::int8[]) WITH ORDINALITY AS u(ts, n), LATERAL (SELECT u.n::int4 - 1 AS i) AS ii`,
    // Keys $1 concatenated, count $2: one row per key found, in input order.
    accounts: `SELECT a.record FROM generate_series(0, $2::int4 - 1) AS i
      JOIN ${s}.accounts a ON a.id = ${fixed('$1::bytea', KEY_SIZE)} ORDER BY i`,
    transfers: `SELECT t.record FROM generate_series(0, $2::int4 - 1) AS i
      JOIN ${s}.transfers t ON t.id = ${fixed('$1::bytea', KEY_SIZE)} ORDER BY i`,
    allAccounts: `SELECT record FROM ${s}.accounts ORDER BY id`,
    countTransfers: `SELECT count(*) AS n FROM ${s}.transfers`,
    snapshotParts: `SELECT seq, body FROM ${s}.snapshot ORDER BY part`,
    insertSnapshotPart: `INSERT INTO ${s}.snapshot (part, seq, body) VALUES ($1, $2, $3)`,
    transfersDebitsAsc: side('debit', 'ASC'),
    transfersCreditsAsc: side('credit', 'ASC'),
    transfersBothAsc: both('ASC'),
    transfersDebitsDesc: side('debit', 'DESC'),
    transfersCreditsDesc: side('credit', 'DESC'),
    transfersBothDesc: both('DESC'),
    balancesAsc: `SELECT record FROM ${s}.account_balances
      WHERE account_id = $1 AND timestamp BETWEEN $2 AND $3 ORDER BY timestamp ASC LIMIT $4`,
    balancesDesc: `SELECT record FROM ${s}.account_balances
      WHERE account_id = $1 AND timestamp BETWEEN $2 AND $3 ORDER BY timestamp DESC LIMIT $4`,
  };
}

export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  readonly display: string;
  readonly schema: string;
  private readonly target: PostgresTarget;
  private readonly client: pg.Client;
  private readonly sql: Sql;
  private closed = false;
  private closing: Promise<void> | null = null;
  /** The tail of the operation queue: see serial(). */
  private lane: Promise<unknown> = Promise.resolve();
  /** The writer's last journal_head record; null: appends do not record the head (not the writer, or the record is missing or bad). */
  private headLast: HeadRecord | null = null;

  private constructor(target: PostgresTarget, client: pg.Client) {
    this.target = target;
    this.client = client;
    this.schema = target.schema;
    this.display = target.schema === DEFAULT_PG_SCHEMA ? target.display : `${target.display} (schema ${target.schema})`;
    this.sql = statements(`"${target.schema}"`);
  }

  static async connect(url: string): Promise<PostgresStore> {
    const target = parsePostgresUrl(url);
    const client = await connectClient(target);
    const store = new PostgresStore(target, client);
    try {
      await store.init();
    } catch (err) {
      await client.end().catch(() => {});
      throw err;
    }
    return store;
  }

  /** Drops the URL's schema CASCADE (tests use a schema each). */
  static async dropSchema(url: string): Promise<void> {
    await dropPostgresSchema(url);
  }

  private async init(): Promise<void> {
    const s = `"${this.schema}"`;
    const c = this.client;
    // Journal bodies (up to 1 MiB) are TOASTed: pglz costs ~15 ms per MiB on the commit
    // path, lz4 a fraction of that at similar size. Servers built without lz4 keep pglz.
    await c.query(`SET default_toast_compression = 'lz4'`).catch(() => {});
    // Serialise DDL across processes: CREATE ... IF NOT EXISTS races on the catalogs.
    await c.query('BEGIN');
    try {
      await c.query(`SELECT pg_advisory_xact_lock(${lockKey('ddl', this.schema)})`);
      // DDL only when missing (it is all created in one transaction), so a role without
      // CREATE privileges can open an existing schema.
      const exists = await c.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`${s}.meta`]);
      let found: string | undefined;
      if (exists.rows[0]?.t !== null) {
        const res = await c.query<{ value: string }>(`SELECT value FROM ${s}.meta WHERE key = 'format'`);
        found = res.rows[0]?.value;
      }
      // Refuses a newer format before anything is created or changed.
      const steps = migrationsFor(this.display, found);
      if (exists.rows[0]?.t === null) {
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        await c.query(ddl(s));
      } else {
        const docs = await c.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`${s}.documents`]);
        if (docs.rows[0]?.t === null) await c.query(documentsDdl(s));
        const head = await c.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`${s}.journal_head`]);
        if (head.rows[0]?.t === null) await c.query(headDdl(s));
      }
      for (const m of steps) for (const sql of m.sql) await c.query(sql.replaceAll('{s}', `${s}.`));
      await c.query(`INSERT INTO ${s}.meta (key, value) VALUES ('format', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [
        String(STORE_FORMAT_CURRENT),
      ]);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /**
   * Runs operations one at a time. They share one connection, so a statement issued while
   * another operation's transaction is open would run inside it (a journal append inside a
   * non-durable index transaction, a read seeing half a batch).
   */
  private serial<T>(op: () => Promise<T>): Promise<T> {
    const result = this.lane.then(op);
    this.lane = result.catch(() => {});
    return result;
  }

  /** Runs a named (server-side prepared) statement: parsed once per connection. */
  private q<R extends pg.QueryResultRow>(name: keyof Sql, values: unknown[]): Promise<pg.QueryResult<R>> {
    if (this.closed) return Promise.reject(new Error(`${this.display}: store is closed`));
    return this.client.query<R>({ name, text: this.sql[name], values });
  }

  acquireWriter(wait_ms = WRITER_WAIT_MS): Promise<void> {
    return this.serial(async () => {
      // Session-level: held until this connection ends, released by the server if the process dies.
      // A writer that just died may still hold it until the server notices the lost connection,
      // so keep trying for a short while before calling the store busy.
      const deadline = Date.now() + wait_ms;
      for (;;) {
        const res = await this.client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${lockKey('writer', this.schema)}) AS ok`);
        if (res.rows[0]?.ok === true) return this.beginHead();
        if (Date.now() >= deadline) {
          throw new StoreError('writer_busy', `another sco-settle process is writing to ${this.target.display} (schema ${this.schema})`);
        }
        await new Promise((resolve) => setTimeout(resolve, WRITER_RETRY_MS));
      }
    });
  }

  appendJournal(entries: readonly JournalEntry[]): Promise<void> {
    return this.serial(async () => {
      if (entries.length === 0) return;
      const seqs: string[] = [];
      const ops: number[] = [];
      const clocks: string[] = [];
      const counts: number[] = [];
      const parts: Buffer[] = [];
      const offsets: number[] = [];
      const lengths: number[] = [];
      let off = 0;
      for (const e of entries) {
        seqs.push(String(e.seq));
        ops.push(e.op);
        clocks.push(e.clock_ns.toString());
        counts.push(e.count);
        for (const b of [e.body, e.results, e.checksum, e.prev_hash, e.hash]) {
          parts.push(b);
          offsets.push(off);
          lengths.push(b.length);
          off += b.length;
        }
      }
      const values: unknown[] = [seqs, ops, clocks, counts, Buffer.concat(parts, off), offsets, lengths];
      const last = entries[entries.length - 1]!;
      const head = this.headLast === null ? null : nextHeadRecord(this.headLast, last.seq, last.hash);
      if (head !== null) values.push(String(head.seq), head.hash, head.prev_chain, head.chain);
      try {
        // A single statement is its own transaction: all entries (and the head record) commit, durably, or none do.
        await this.q(head === null ? 'insertJournal' : 'insertJournalAndHead', values);
        if (head !== null) this.headLast = head;
      } catch (err) {
        if ((err as { code?: string }).code === PG_UNIQUE_VIOLATION) {
          throw new StoreError('journal_conflict', `${this.display}: another writer appended journal entry ${entries[0]!.seq}`);
        }
        throw err;
      }
    });
  }

  readJournal(after_seq: number, limit: number): Promise<JournalEntry[]> {
    return this.serial(async () => {
      const res = await this.q<JournalRow>('readJournal', [after_seq, limit]);
      return res.rows.map((r) => ({
        seq: Number(r.seq),
        op: r.op,
        clock_ns: BigInt(r.clock_ns),
        count: r.count,
        body: r.body,
        results: r.results,
        checksum: r.checksum,
        prev_hash: r.prev_hash,
        hash: r.hash,
      }));
    });
  }

  journalHead(): Promise<{ seq: number; hash: Buffer } | null> {
    return this.serial(async () => {
      const row = (await this.q<{ seq: string; hash: Buffer }>('head', [])).rows[0];
      return row === undefined ? null : { seq: Number(row.seq), hash: row.hash };
    });
  }

  /**
   * Inside the writer's lock: continues the journal_head record, or begins it at
   * the journal's current head for a store that has none (meta 'head_record' =
   * 'table', 'head_since' = that seq). A record that is missing or bad is left for
   * the durable ledger to refuse and for verify to name.
   */
  private async beginHead(): Promise<void> {
    const s = `"${this.schema}"`;
    const meta = await this.headMeta();
    if (meta.expected) {
      const read = await this.readHeadRow(meta.since_seq);
      if (read.head.state === 'recorded') this.headLast = read.last;
      return;
    }
    await this.transaction(async () => {
      const j = (await this.q<{ seq: string; hash: Buffer }>('head', [])).rows[0];
      const seq = j === undefined ? 0 : Number(j.seq);
      const r = nextHeadRecord(null, seq, j?.hash ?? HEAD_GENESIS);
      await this.client.query(
        `INSERT INTO ${s}.journal_head (id, seq, hash, prev_chain, chain) VALUES (1, $1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, prev_chain = excluded.prev_chain, chain = excluded.chain`,
        [String(seq), r.hash, r.prev_chain, r.chain],
      );
      await this.client.query(
        `INSERT INTO ${s}.meta (key, value) VALUES ('head_since', $1), ('head_record', 'table') ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [String(seq)],
      );
      this.headLast = r;
    });
  }

  private async headMeta(): Promise<{ expected: boolean; since_seq: number }> {
    const rows = (
      await this.client.query<{ key: string; value: string }>(`SELECT key, value FROM "${this.schema}".meta WHERE key IN ('head_record', 'head_since')`)
    ).rows;
    const since = rows.find((r) => r.key === 'head_since')?.value;
    return { expected: rows.some((r) => r.key === 'head_record'), since_seq: since === undefined ? 0 : Number(since) };
  }

  private async readHeadRow(since_seq: number): Promise<{ head: RecordedHead; last: HeadRecord | null }> {
    const where = `table "${this.schema}".journal_head`;
    const exists = await this.client.query<{ t: string | null }>(`SELECT to_regclass($1) AS t`, [`"${this.schema}".journal_head`]);
    if (exists.rows[0]?.t === null) return { head: { state: 'missing', where }, last: null };
    const row = (await this.q<{ seq: string; hash: Buffer; prev_chain: Buffer; chain: Buffer }>('readHead', [])).rows[0];
    if (row === undefined) return { head: { state: 'missing', where }, last: null };
    const r: HeadRecord = { seq: Number(row.seq), hash: row.hash, prev_chain: row.prev_chain, chain: row.chain };
    const problem = headRecordProblem(r);
    if (problem !== null) return { head: { state: 'corrupt', where, problem }, last: null };
    return { head: { state: 'recorded', where, seq: r.seq, hash: r.hash, since_seq, notes: [] }, last: r };
  }

  recordedHead(): Promise<RecordedHead> {
    return this.serial(async () => {
      const meta = await this.headMeta();
      if (!meta.expected) return { state: 'not_recorded' };
      return (await this.readHeadRow(meta.since_seq)).head;
    });
  }

  saveSnapshot(snapshot: Snapshot): Promise<void> {
    return this.serial(async () => {
      await this.transaction(async () => {
        await this.client.query(`DELETE FROM "${this.schema}".snapshot`);
        let part = 0;
        for (let off = 0; off < snapshot.body.length || part === 0; off += SNAPSHOT_PART_BYTES) {
          await this.q('insertSnapshotPart', [part, snapshot.seq, snapshot.body.subarray(off, off + SNAPSHOT_PART_BYTES)]);
          part++;
        }
      });
    });
  }

  loadSnapshot(): Promise<Snapshot | null> {
    return this.serial(async () => {
      const rows = (await this.q<{ seq: string; body: Buffer }>('snapshotParts', [])).rows;
      if (rows.length === 0) return null;
      return { seq: Number(rows[0]!.seq), body: Buffer.concat(rows.map((r) => r.body)) };
    });
  }

  indexPosition(): Promise<number> {
    return this.serial(async () => {
      const v = (await this.q<{ value: string }>('indexSeq', [])).rows[0]?.value;
      return v === undefined ? 0 : Number(v);
    });
  }

  applyIndex(batch: IndexBatch): Promise<void> {
    return this.serial(async () => {
      if (this.closed) throw new Error(`${this.display}: store is closed`);
      // ON CONFLICT DO UPDATE may touch a row once per statement: keep each account's last state.
      const accounts = new Map<bigint, Account>();
      for (const a of batch.accounts) accounts.set(a.id, a);
      const accountList = [...accounts.values()];
      // Statements are queued without waiting: pg sends each as the previous completes, so the
      // server executes one chunk while this thread encodes the next.
      const pending: Array<Promise<unknown>> = [];
      const send = (p: Promise<unknown>): void => {
        p.catch(() => {}); // examined below, once all have settled
        pending.push(p);
      };
      send(this.client.query('BEGIN; SET LOCAL synchronous_commit = off'));
      for (let start = 0; start < accountList.length; start += INDEX_CHUNK_ROWS) {
        const chunk = accountList.slice(start, start + INDEX_CHUNK_ROWS);
        const ids = Buffer.allocUnsafe(chunk.length * KEY_SIZE);
        const records = Buffer.allocUnsafe(chunk.length * RECORD_SIZE);
        for (let i = 0; i < chunk.length; i++) {
          writeKey(ids, i * KEY_SIZE, chunk[i]!.id);
          encodeAccount(chunk[i]!, records, i * RECORD_SIZE);
        }
        send(this.q('upsertAccounts', [ids, records, chunk.length]));
      }
      for (let start = 0; start < batch.transfers.length; start += INDEX_CHUNK_ROWS) {
        const chunk = batch.transfers.slice(start, start + INDEX_CHUNK_ROWS);
        const n = chunk.length;
        const timestamps: string[] = new Array(n);
        const debitKeys: string[] = new Array(n);
        const creditKeys: string[] = new Array(n);
        const ids = Buffer.allocUnsafe(n * KEY_SIZE);
        const debits = Buffer.allocUnsafe(n * KEY_SIZE);
        const credits = Buffer.allocUnsafe(n * KEY_SIZE);
        const records = Buffer.allocUnsafe(n * RECORD_SIZE);
        for (let i = 0; i < n; i++) {
          const t = chunk[i]!;
          timestamps[i] = t.timestamp.toString();
          debitKeys[i] = accountKey(t.debit_account_id);
          creditKeys[i] = accountKey(t.credit_account_id);
          writeKey(ids, i * KEY_SIZE, t.id);
          writeKey(debits, i * KEY_SIZE, t.debit_account_id);
          writeKey(credits, i * KEY_SIZE, t.credit_account_id);
          encodeTransfer(t, records, i * RECORD_SIZE);
        }
        send(this.q('insertTransfers', [timestamps, ids, debits, credits, records, debitKeys, creditKeys]));
      }
      for (let start = 0; start < batch.balances.length; start += INDEX_CHUNK_ROWS) {
        const chunk = batch.balances.slice(start, start + INDEX_CHUNK_ROWS);
        const timestamps: string[] = new Array(chunk.length);
        const ids = Buffer.allocUnsafe(chunk.length * KEY_SIZE);
        const records = Buffer.allocUnsafe(chunk.length * BALANCE_RECORD_SIZE);
        for (let i = 0; i < chunk.length; i++) {
          const h = chunk[i]!;
          timestamps[i] = h.balance.timestamp.toString();
          writeKey(ids, i * KEY_SIZE, h.account_id);
          encodeBalance(h.balance).copy(records, i * BALANCE_RECORD_SIZE);
        }
        send(this.q('insertBalances', [timestamps, ids, records]));
      }
      send(this.q('setIndexSeq', [String(batch.through_seq)]));
      const failed = (await Promise.allSettled(pending)).find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed !== undefined) {
        await this.client.query('ROLLBACK').catch(() => {});
        throw failed.reason;
      }
      await this.client.query('COMMIT');
    });
  }

  lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
    return this.serial(async () => {
      if (ids.length === 0) return [];
      const rows = (await this.q<{ record: Buffer }>('accounts', [keys(ids), ids.length])).rows;
      return rows.map((r) => decodeAccount(r.record, 0));
    });
  }

  lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
    return this.serial(async () => {
      if (ids.length === 0) return [];
      const rows = (await this.q<{ record: Buffer }>('transfers', [keys(ids), ids.length])).rows;
      return rows.map((r) => decodeTransfer(r.record, 0));
    });
  }

  accountTransfers(f: AccountFilter): Promise<Transfer[]> {
    return this.serial(async () => {
      if (!f.debits && !f.credits) return [];
      const side = f.debits && f.credits ? 'Both' : f.debits ? 'Debits' : 'Credits';
      const name = `transfers${side}${f.reversed ? 'Desc' : 'Asc'}` as keyof Sql;
      const rows = (await this.q<{ record: Buffer }>(name, [...filterParams(f), accountKey(f.account_id)])).rows;
      return rows.map((r) => decodeTransfer(r.record, 0));
    });
  }

  accountBalances(f: AccountFilter): Promise<AccountBalance[]> {
    return this.serial(async () => {
      const rows = (await this.q<{ record: Buffer }>(f.reversed ? 'balancesDesc' : 'balancesAsc', filterParams(f))).rows;
      return rows.map((r) => decodeBalance(r.record));
    });
  }

  allAccounts(): Promise<Account[]> {
    return this.serial(async () => {
      return (await this.q<{ record: Buffer }>('allAccounts', [])).rows.map((r) => decodeAccount(r.record, 0));
    });
  }

  countTransfers(): Promise<number> {
    return this.serial(async () => {
      return Number((await this.q<{ n: string }>('countTransfers', [])).rows[0]?.n ?? 0);
    });
  }

  putDocument(name: string, body: Buffer): Promise<void> {
    return this.serial(async () => {
      if (this.closed) throw new Error(`${this.display}: store is closed`);
      // One statement: its own transaction, durable at the default synchronous_commit.
      await this.client.query(
        `INSERT INTO "${this.schema}".documents (name, body, updated_at) VALUES ($1, $2, now())
         ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
        [name, body],
      );
    });
  }

  getDocument(name: string): Promise<Buffer | null> {
    return this.serial(async () => {
      if (this.closed) throw new Error(`${this.display}: store is closed`);
      const res = await this.client.query<{ body: Buffer }>(`SELECT body FROM "${this.schema}".documents WHERE name = $1`, [name]);
      return res.rows[0]?.body ?? null;
    });
  }

  listDocuments(prefix: string): Promise<string[]> {
    return this.serial(async () => {
      if (this.closed) throw new Error(`${this.display}: store is closed`);
      const res = await this.client.query<{ name: string }>(`SELECT name FROM "${this.schema}".documents WHERE left(name, $1) = $2 ORDER BY name COLLATE "C"`, [
        prefix.length,
        prefix,
      ]);
      return res.rows.map((r) => r.name);
    });
  }

  async formatVersion(): Promise<number> {
    return STORE_FORMAT_CURRENT;
  }

  close(): Promise<void> {
    // Queued like any operation, so work already submitted finishes first.
    this.closing ??= this.serial(async () => {
      this.closed = true;
      await this.client.end();
    });
    return this.closing;
  }

  /** BEGIN … COMMIT around `body`. */
  private async transaction(body: () => Promise<void>): Promise<void> {
    await this.client.query('BEGIN');
    try {
      await body();
      await this.client.query('COMMIT');
    } catch (err) {
      await this.client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }
}

function writeKey(buf: Buffer, off: number, v: bigint): void {
  buf.writeBigUInt64BE(v >> 64n, off);
  buf.writeBigUInt64BE(v & 0xffff_ffff_ffff_ffffn, off + 8);
}

function keys(ids: readonly bigint[]): Buffer {
  return Buffer.concat(ids.map(u128Key), ids.length * KEY_SIZE);
}

/** The int8 the per-account transfer indexes use: the id's two 64-bit halves XORed (ids below 2^63 map to themselves). */
function accountKey(id: bigint): string {
  return BigInt.asIntN(64, (id >> 64n) ^ (id & 0xffff_ffff_ffff_ffffn)).toString();
}

function clampInt8(v: bigint): bigint {
  return v > INT8_MAX ? INT8_MAX : v;
}

function filterParams(f: AccountFilter): unknown[] {
  const max = f.timestamp_max === 0n ? INT8_MAX : clampInt8(f.timestamp_max);
  return [u128Key(f.account_id), clampInt8(f.timestamp_min).toString(), max.toString(), f.limit];
}
