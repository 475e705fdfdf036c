// The benchmark's baseline: a ledger written the way most application ledgers are,
// one SQL transaction per transfer against balance rows in PostgreSQL. It owns its
// tables in its own schema (created fresh, dropped at the end) and shares nothing
// with the platform's store. Each transfer: BEGIN; lock both accounts FOR UPDATE
// in id order (no deadlocks); check the debit account's limit in the application;
// UPDATE both balances; INSERT the transfer; COMMIT, durably.

import { Prng } from '../sim/prng.js';
import pg from 'pg';
import { checkSchemaName, parsePostgresUrl } from '../store/postgres.js';
import { StoreError } from '../store/types.js';

export interface NaiveOptions {
  accounts: number;
  transfers: number;
  seed: number;
  onProgress?: (done: number) => void;
  /** Defaults to naive_bench; ?schema= in the URL is ignored. */
  schema?: string;
  /** Leave the schema in place afterwards (tests inspect it). */
  keep?: boolean;
  /** What each account is funded with at the start (default 1,000,000; amounts are 1..1,000). */
  funding?: number;
}

export interface NaiveResult {
  transfers_per_s: number;
  /** Transfers attempted, each its own transaction (committed or rolled back). */
  transfers: number;
  elapsed_ms: number;
  /** Transfers refused by the balance check (rolled back). */
  rejected: number;
}

const FUNDING_ID = 1n;
const FIRST_ACCOUNT_ID = 1000n;
const DEFAULT_FUNDING = 1_000_000;
const AMOUNT_MAX = 1000;
const PROGRESS_EVERY = 1000;
const FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS = 2;

export async function runNaivePostgres(url: string, opts: NaiveOptions): Promise<NaiveResult> {
  if (!Number.isInteger(opts.accounts) || opts.accounts < 2) throw new RangeError('naive benchmark needs at least 2 accounts');
  if (!Number.isInteger(opts.transfers) || opts.transfers < 0) throw new RangeError('transfers must be a non-negative integer');
  // The URL's own ?schema= (perhaps the platform's) is deliberately not used: this schema is dropped.
  const target = parsePostgresUrl(url);
  const name = opts.schema ?? 'naive_bench';
  checkSchemaName(name, url);
  const schema = `"${name}"`;
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (err) {
    throw new StoreError('unreachable', `cannot connect to ${target.display}: ${(err as Error).message}`);
  }
  try {
    await setUp(client, schema, opts.accounts, BigInt(opts.funding ?? DEFAULT_FUNDING));
    const rng = new Prng(opts.seed);
    const statements = naiveStatements(schema);
    let rejected = 0;
    const started = process.hrtime.bigint();
    for (let i = 0; i < opts.transfers; i++) {
      const d = rng.below(opts.accounts);
      let c = rng.below(opts.accounts - 1);
      if (c >= d) c++;
      const debitId = (FIRST_ACCOUNT_ID + BigInt(d)).toString();
      const creditId = (FIRST_ACCOUNT_ID + BigInt(c)).toString();
      const amount = String(1 + rng.below(AMOUNT_MAX));
      if (!(await naiveTransfer(client, statements, [String(opts.accounts + 1 + i), debitId, creditId, amount]))) rejected++;
      if ((i + 1) % PROGRESS_EVERY === 0 || i + 1 === opts.transfers) opts.onProgress?.(i + 1);
    }
    const elapsed_ms = Number(process.hrtime.bigint() - started) / 1e6;
    return {
      transfers_per_s: elapsed_ms > 0 ? (opts.transfers * 1000) / elapsed_ms : 0,
      transfers: opts.transfers,
      elapsed_ms,
      rejected,
    };
  } finally {
    if (opts.keep !== true) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client.end().catch(() => {});
  }
}

interface NaiveStatements {
  lockBoth: pg.QueryConfig;
  debit: pg.QueryConfig;
  credit: pg.QueryConfig;
  insert: pg.QueryConfig;
}

/** The prepared statements of one naive transfer. */
function naiveStatements(schema: string): NaiveStatements {
  return {
    lockBoth: {
      name: 'naive_lock',
      text: `SELECT id, debits_posted, credits_posted, flags FROM ${schema}.accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE`,
    },
    debit: { name: 'naive_debit', text: `UPDATE ${schema}.accounts SET debits_posted = debits_posted + $2 WHERE id = $1` },
    credit: { name: 'naive_credit', text: `UPDATE ${schema}.accounts SET credits_posted = credits_posted + $2 WHERE id = $1` },
    insert: {
      name: 'naive_insert',
      text: `INSERT INTO ${schema}.transfers (id, debit_account_id, credit_account_id, amount, created_at) VALUES ($1, $2, $3, $4, now())`,
    },
  };
}

/** One transfer in its own transaction: lock both rows, check the balance limit, update, insert. False when rejected. */
async function naiveTransfer(client: pg.Client, st: NaiveStatements, [id, debitId, creditId, amount]: [string, string, string, string]): Promise<boolean> {
  const { lockBoth, debit, credit, insert } = st;
  await client.query('BEGIN');
  try {
    const rows = (
      await client.query<{ id: string; debits_posted: string; credits_posted: string; flags: number }>({
        ...lockBoth,
        values: [debitId, creditId],
      })
    ).rows;
    const from = rows.find((r) => r.id === debitId);
    if (from === undefined || rows.length !== 2) throw new Error(`naive benchmark: account ${debitId} or ${creditId} missing`);
    const limited = (from.flags & FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS) !== 0;
    if (limited && BigInt(from.debits_posted) + BigInt(amount) > BigInt(from.credits_posted)) {
      await client.query('ROLLBACK');
      return false;
    }
    await client.query({ ...debit, values: [debitId, amount] });
    await client.query({ ...credit, values: [creditId, amount] });
    await client.query({ ...insert, values: [id, debitId, creditId, amount] });
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Fresh tables; every account funded from one unlimited funding account, in one transaction (not timed). */
async function setUp(client: pg.Client, schema: string, accounts: number, funding: bigint): Promise<void> {
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.query(`
    CREATE TABLE ${schema}.accounts (
      id numeric(39) PRIMARY KEY, debits_posted numeric NOT NULL DEFAULT 0, credits_posted numeric NOT NULL DEFAULT 0,
      flags int4 NOT NULL);
    CREATE TABLE ${schema}.transfers (
      id numeric(39) PRIMARY KEY, -- funding transfers 1..accounts, then the benchmark's
      debit_account_id numeric(39) NOT NULL REFERENCES ${schema}.accounts (id),
      credit_account_id numeric(39) NOT NULL REFERENCES ${schema}.accounts (id), amount numeric NOT NULL,
      created_at timestamptz NOT NULL);
    CREATE INDEX ON ${schema}.transfers (debit_account_id, created_at);
    CREATE INDEX ON ${schema}.transfers (credit_account_id, created_at);`);
  const total = (funding * BigInt(accounts)).toString();
  await client.query('BEGIN');
  await client.query(`INSERT INTO ${schema}.accounts (id, debits_posted, credits_posted, flags) VALUES ($1, $2, 0, 0)`, [FUNDING_ID.toString(), total]);
  await client.query(
    `INSERT INTO ${schema}.accounts (id, debits_posted, credits_posted, flags)
     SELECT $1::numeric + g, 0, $2::numeric, $3 FROM generate_series(0, $4::int4 - 1) AS g`,
    [FIRST_ACCOUNT_ID.toString(), funding.toString(), FLAG_DEBITS_MUST_NOT_EXCEED_CREDITS, accounts],
  );
  await client.query(
    `INSERT INTO ${schema}.transfers (id, debit_account_id, credit_account_id, amount, created_at)
     SELECT 1 + g, $1::numeric, $2::numeric + g, $3::numeric, now() FROM generate_series(0, $4::int4 - 1) AS g`,
    [FUNDING_ID.toString(), FIRST_ACCOUNT_ID.toString(), funding.toString(), accounts],
  );
  await client.query('COMMIT');
  await client.query(`ANALYZE ${schema}.accounts`);
}
