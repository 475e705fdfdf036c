// The ledger benchmark: a workload shaped like TigerBeetle's default benchmark
// (10,000 accounts, 1,000,000 transfers, batches of 8,189, uniformly random
// account pairs, seeded), run in memory, durably on SQLite and on PostgreSQL, and
// against the naive one-transaction-per-transfer PostgreSQL baseline, all in one
// process run so the ratios are side by side.
//
// Durable figures count a transfer once the batch holding it is committed
// (fsync / COMMIT). The query index is written after the timed run and reported
// separately (`*_index_transfers_per_s`): it is off the commit path by design.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableLedger } from '../journal/durable_ledger.js';
import { LedgerStateMachine } from '../ledger/state_machine.js';
import { BATCH_EVENTS_MAX, emptyAccount, emptyTransfer, RESULT_CODES, type Account, type Transfer } from '../ledger/types.js';
import { MemoryStore } from '../store/memory.js';
import { SqliteStore } from '../store/sqlite.js';
import type { Store } from '../store/types.js';
import { Prng } from '../sim/prng.js';
import { median, percentile, round } from './stats.js';

export interface LedgerBenchOptions {
  accounts: number;
  transfers: number;
  batch: number;
  seed: number;
  /** null: skip the PostgreSQL figures. */
  postgres_url: string | null;
  naive_transfers: number;
  /** Batches in flight at once against a durable store (group commit shares fsyncs between them). */
  concurrency: number;
  progress: (message: string) => void;
}

export interface LedgerBenchResult {
  suite: 'ledger';
  metrics: {
    memory_transfers_per_s: number;
    memory_journaled_transfers_per_s: number;
    sqlite_transfers_per_s: number;
    postgres_transfers_per_s: number | null;
    naive_postgres_transfers_per_s: number | null;
    sqlite_batch_p99_ms: number;
    postgres_batch_p99_ms: number | null;
    sqlite_index_transfers_per_s: number;
    postgres_index_transfers_per_s: number | null;
    sqlite_vs_naive_postgres: number | null;
    rss_mb: number;
  };
  workload: { accounts: number; transfers: number; batch: number; seed: number; concurrency: number };
  notes: string[];
}

const LEDGER = 156; // CNY's ISO 4217 numeric code, as a representative currency ledger.
const ACCOUNT_CODE = 1;
const TRANSFER_CODE = 1;
const WARM_UP_TRANSFERS = 100_000;

export function makeWorkload(o: Pick<LedgerBenchOptions, 'accounts' | 'transfers' | 'batch' | 'seed'>): {
  accounts: Account[][];
  transfers: Transfer[][];
} {
  const accounts: Account[][] = [];
  for (let start = 0; start < o.accounts; start += o.batch) {
    const batch: Account[] = [];
    for (let i = start; i < Math.min(start + o.batch, o.accounts); i++) batch.push(emptyAccount(BigInt(i + 1), LEDGER, ACCOUNT_CODE));
    accounts.push(batch);
  }
  const rng = new Prng(o.seed);
  const transfers: Transfer[][] = [];
  for (let start = 0; start < o.transfers; start += o.batch) {
    const batch: Transfer[] = [];
    for (let i = start; i < Math.min(start + o.batch, o.transfers); i++) {
      const dr = rng.below(o.accounts);
      let cr = rng.below(o.accounts - 1);
      if (cr >= dr) cr++;
      const t = emptyTransfer(BigInt(i + 1));
      t.debit_account_id = BigInt(dr + 1);
      t.credit_account_id = BigInt(cr + 1);
      t.amount = BigInt(1 + rng.below(1_000_000));
      t.ledger = LEDGER;
      t.code = TRANSFER_CODE;
      batch.push(t);
    }
    transfers.push(batch);
  }
  return { accounts, transfers };
}

/** A clock that advances 1 ms per reading: deterministic, and never the bottleneck. */
function fakeClock(): () => bigint {
  let now = 1_700_000_000_000_000_000n;
  return () => (now += 1_000_000n);
}

function checkAllOk(results: Uint8Array, what: string): void {
  for (let i = 0; i < results.length; i++) {
    if (results[i] !== 0) throw new Error(`${what}: event ${i} failed with ${RESULT_CODES[results[i]!]}`);
  }
}

/** Runs a small workload on a throwaway state machine so the timed run measures optimised code. */
function warmUp(o: Pick<LedgerBenchOptions, 'accounts' | 'seed'>): void {
  const work = makeWorkload({ accounts: o.accounts, transfers: WARM_UP_TRANSFERS, batch: BATCH_EVENTS_MAX, seed: o.seed + 1 });
  const sm = new LedgerStateMachine({ accounts_max: 1_000_000, transfers_max: WARM_UP_TRANSFERS + 1 });
  const clock = fakeClock();
  for (const b of work.accounts) checkAllOk(sm.execute('create_accounts', b, clock()).results, 'warm-up accounts');
  for (const b of work.transfers) checkAllOk(sm.execute('create_transfers', b, clock()).results, 'warm-up transfers');
}

function benchStateMachine(work: ReturnType<typeof makeWorkload>, total: number): number {
  const sm = new LedgerStateMachine({ accounts_max: 1_000_000, transfers_max: total + 1 });
  const clock = fakeClock();
  for (const b of work.accounts) checkAllOk(sm.execute('create_accounts', b, clock()).results, 'accounts');
  const t0 = performance.now();
  for (const b of work.transfers) checkAllOk(sm.execute('create_transfers', b, clock()).results, 'transfers');
  return total / ((performance.now() - t0) / 1000);
}

interface DurableRun {
  transfers_per_s: number;
  batch_p99_ms: number;
  index_transfers_per_s: number;
}

async function benchDurable(store: Store, work: ReturnType<typeof makeWorkload>, total: number, o: LedgerBenchOptions, label: string): Promise<DurableRun> {
  const ledger = await DurableLedger.open(store, {
    clock: fakeClock(),
    limits: { accounts_max: 1_000_000, transfers_max: total + 1 },
    // The timed run measures the commit path; indexing is timed on its own below.
    index_backlog_max_events: Number.MAX_SAFE_INTEGER,
    index_idle_ms: 60_000,
    snapshot_min_events: Number.MAX_SAFE_INTEGER,
  });
  try {
    for (const b of work.accounts) checkAllOk(await ledger.createAccounts(b), `${label} accounts`);
    await ledger.catchUpIndex();
    const latencies: number[] = [];
    let next = 0;
    let done = 0;
    let lastReport = performance.now();
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (next < work.transfers.length) {
        const batch = work.transfers[next++]!;
        const s = performance.now();
        checkAllOk(await ledger.createTransfers(batch), `${label} transfers`);
        latencies.push(performance.now() - s);
        done += batch.length;
        if (performance.now() - lastReport > 2000) {
          lastReport = performance.now();
          o.progress(`${label}: ${done}/${total} transfers durable`);
        }
      }
    };
    await Promise.all(Array.from({ length: o.concurrency }, worker));
    const elapsed_s = (performance.now() - t0) / 1000;
    o.progress(`${label}: ${total} transfers durable in ${elapsed_s.toFixed(2)} s; writing the query index`);
    const i0 = performance.now();
    await ledger.catchUpIndex();
    const index_s = (performance.now() - i0) / 1000;
    return {
      transfers_per_s: total / elapsed_s,
      batch_p99_ms: percentile(latencies, 99),
      index_transfers_per_s: total / index_s,
    };
  } finally {
    await ledger.close();
  }
}

export async function runLedgerBench(o: LedgerBenchOptions): Promise<LedgerBenchResult> {
  if (o.batch < 1 || o.batch > BATCH_EVENTS_MAX) throw new Error(`--batch must be 1..${BATCH_EVENTS_MAX}`);
  if (o.accounts < 2) throw new Error('--accounts must be at least 2');
  const notes: string[] = [];
  let rssMax = 0;
  const sampleRss = (): void => {
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
  };
  o.progress(`generating ${o.accounts} accounts and ${o.transfers} transfers (seed ${o.seed})`);
  const work = makeWorkload(o);
  const total = o.transfers;

  o.progress(`memory: warming up on ${WARM_UP_TRANSFERS} transfers, then the state machine alone`);
  warmUp(o);
  // The shortest phase, so the most exposed to a noisy host: take the median of three passes.
  const passes = [benchStateMachine(work, total), benchStateMachine(work, total), benchStateMachine(work, total)];
  const memory = median(passes);
  notes.push(`memory_transfers_per_s is the median of 3 passes: ${passes.map((x) => Math.round(x)).join(', ')}`);
  sampleRss();
  o.progress(`memory: ${Math.round(memory)} transfers/s; now with journal encoding and hashing`);
  const journaled = await benchDurable(new MemoryStore(), work, total, o, 'memory+journal');
  sampleRss();

  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-bench-'));
  let sqlite: DurableRun;
  try {
    sqlite = await benchDurable(new SqliteStore(join(dir, 'bench.db')), work, total, o, 'sqlite');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  sampleRss();

  const { postgres, naive } = o.postgres_url === null ? noPostgres(notes) : await benchPostgres(o, o.postgres_url, work, total, notes, sampleRss);

  return {
    suite: 'ledger',
    metrics: {
      memory_transfers_per_s: Math.round(memory),
      memory_journaled_transfers_per_s: Math.round(journaled.transfers_per_s),
      sqlite_transfers_per_s: Math.round(sqlite.transfers_per_s),
      postgres_transfers_per_s: postgres === null ? null : Math.round(postgres.transfers_per_s),
      naive_postgres_transfers_per_s: naive === null ? null : Math.round(naive),
      sqlite_batch_p99_ms: round(sqlite.batch_p99_ms, 2),
      postgres_batch_p99_ms: postgres === null ? null : round(postgres.batch_p99_ms, 2),
      sqlite_index_transfers_per_s: Math.round(sqlite.index_transfers_per_s),
      postgres_index_transfers_per_s: postgres === null ? null : Math.round(postgres.index_transfers_per_s),
      sqlite_vs_naive_postgres: naive === null ? null : round(sqlite.transfers_per_s / naive, 1),
      rss_mb: Math.round(rssMax / (1024 * 1024)),
    },
    workload: { accounts: o.accounts, transfers: o.transfers, batch: o.batch, seed: o.seed, concurrency: o.concurrency },
    notes,
  };
}

/** Why the server cannot be used, or null when it answers. */
async function postgresUnavailable(url: string): Promise<string | null> {
  const pg = await import('pg');
  const client = new pg.default.Client({ connectionString: url.replace(/[?&]schema=[^&]*/, ''), connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (err) {
    return `cannot reach PostgreSQL: ${(err as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withSchema(url: string, schema: string): string {
  const base = url.replace(/[?&]schema=[^&]*/, '');
  return `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
}

function noPostgres(notes: string[]): { postgres: null; naive: null } {
  notes.push('postgres figures are null: no --postgres URL given');
  return { postgres: null, naive: null };
}

/** PostgreSQL durable, then the naive one-transaction-per-transfer baseline; null figures when the server is unavailable. */
async function benchPostgres(
  o: LedgerBenchOptions,
  url: string,
  work: ReturnType<typeof makeWorkload>,
  total: number,
  notes: string[],
  sampleRss: () => void,
): Promise<{ postgres: DurableRun | null; naive: number | null }> {
  let postgres: DurableRun | null = null;
  let naive: number | null = null;
  const reason = await postgresUnavailable(url);
  if (reason !== null) {
    notes.push(`postgres figures are null: ${reason}`);
    o.progress(`postgres skipped: ${reason}`);
  } else {
    const { PostgresStore } = await import('../store/postgres.js');
    const schemaUrl = withSchema(url, `bench_${process.pid}`);
    await PostgresStore.dropSchema(schemaUrl);
    try {
      postgres = await benchDurable(await PostgresStore.connect(schemaUrl), work, total, o, 'postgres');
    } finally {
      await PostgresStore.dropSchema(schemaUrl);
    }
    sampleRss();
    o.progress(`naive postgres: one transaction per transfer, ${o.naive_transfers} transfers`);
    const { runNaivePostgres } = await import('./naive_postgres.js');
    let lastNaiveReport = 0;
    const r = await runNaivePostgres(url, {
      accounts: o.accounts,
      transfers: o.naive_transfers,
      seed: o.seed,
      onProgress: (n) => {
        if (performance.now() - lastNaiveReport < 2000 && n < o.naive_transfers) return;
        lastNaiveReport = performance.now();
        o.progress(`naive postgres: ${n}/${o.naive_transfers}`);
      },
    });
    naive = r.transfers_per_s;
  }
  return { postgres, naive };
}
