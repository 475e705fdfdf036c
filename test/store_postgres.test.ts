// PostgresStore and the naive PostgreSQL baseline against a real server.
// URL: $SCO_SETTLE_TEST_POSTGRES, else postgres://postgres@127.0.0.1:5432/test.
// Unreachable server: skipped when the variable is unset, a failure when it is set.
// Every test works in a random schema and drops it afterwards.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import { runNaivePostgres } from '../src/bench/naive_postgres.js';
import { PostgresStore } from '../src/store/postgres.js';
import { StoreError, type AccountFilter, type HistoryRecord, type JournalEntry } from '../src/store/types.js';
import { AccountFlags, emptyAccount, emptyTransfer, type Account, type AccountBalance, type Transfer } from '../src/ledger/types.js';
import { randomEntry } from './support/journal_entries.js';

const ENV_URL = process.env.SCO_SETTLE_TEST_POSTGRES;
const BASE_URL = ENV_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: BASE_URL, connectionTimeoutMillis: 3000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    const why = `PostgreSQL at ${BASE_URL.replace(/:[^:@/]*@/, ':***@')} is unreachable (${(err as Error).message})`;
    if (ENV_URL !== undefined) throw new Error(`SCO_SETTLE_TEST_POSTGRES is set but ${why}`);
    return `${why}; set SCO_SETTLE_TEST_POSTGRES to require these tests`;
  } finally {
    await client.end().catch(() => {});
  }
}

const unavailable = await probe();
if (unavailable !== undefined) console.log(`# skipping PostgreSQL tests: ${unavailable}`);
const needsServer = { skip: unavailable ?? false };

function randomSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

function urlFor(schema: string): string {
  return `${BASE_URL}${BASE_URL.includes('?') ? '&' : '?'}schema=${schema}`;
}

async function withStore(fn: (store: PostgresStore, url: string) => Promise<void>): Promise<void> {
  const url = urlFor(randomSchema());
  const store = await PostgresStore.connect(url);
  try {
    await fn(store, url);
  } finally {
    await store.close();
    await PostgresStore.dropSchema(url);
  }
}

function entry(seq: number, bodyBytes = 128 * 3): JournalEntry {
  return randomEntry(seq, { events: bodyBytes / 128, body_bytes: bodyBytes, results: randomBytes(5 * (seq % 3)) });
}

async function rejectsWith(p: Promise<unknown>, code: string, message?: RegExp): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (message !== undefined) assert.match(err.message, message);
    return err;
  }
  assert.fail(`expected StoreError('${code}')`);
}

test('journal: append several entries at once, read back, head', needsServer, async () => {
  await withStore(async (store) => {
    assert.equal(await store.journalHead(), null);
    assert.deepEqual(await store.readJournal(0, 10), []);
    const first = [entry(1), entry(2, 0), entry(3, 128 * 100)];
    await store.appendJournal(first);
    const second = [entry(4), entry(5)];
    await store.appendJournal(second);
    await store.appendJournal([]);
    const all = [...first, ...second];
    assert.deepEqual(await store.readJournal(0, 100), all);
    assert.deepEqual(await store.readJournal(2, 2), all.slice(2, 4));
    assert.deepEqual(await store.readJournal(5, 10), []);
    assert.deepEqual(await store.journalHead(), { seq: 5, hash: all[4]!.hash });
  });
});

test('journal: a duplicate seq is journal_conflict and the whole append is rolled back', needsServer, async () => {
  await withStore(async (store) => {
    await store.appendJournal([entry(1), entry(2)]);
    await rejectsWith(store.appendJournal([entry(3), entry(2)]), 'journal_conflict');
    await rejectsWith(store.appendJournal([entry(2)]), 'journal_conflict');
    assert.equal((await store.readJournal(0, 10)).length, 2);
    assert.equal((await store.journalHead())?.seq, 2);
    // The connection is still usable after the failed statement.
    await store.appendJournal([entry(3)]);
    assert.equal((await store.journalHead())?.seq, 3);
  });
});

test('acquireWriter: a second store on the same schema is writer_busy until the first closes', needsServer, async () => {
  await withStore(async (first, url) => {
    await first.acquireWriter();
    await first.acquireWriter(); // re-entrant for the holder
    const second = await PostgresStore.connect(url);
    try {
      await rejectsWith(second.acquireWriter(300), 'writer_busy', new RegExp(`another sco-settle process is writing to .*schema ${second.schema}`));
      // A different schema is an independent writer.
      await withStore(async (other) => {
        await other.acquireWriter();
      });
      await first.close();
      // The server releases a session lock when the backend exits, shortly after the client disconnects.
      // acquireWriter waits up to its default 5 s for exactly this.
      let acquired = false;
      try {
        await second.acquireWriter();
        acquired = true;
      } catch (err) {
        if (!(err instanceof StoreError && err.code === 'writer_busy')) throw err;
      }
      assert.ok(acquired, 'the lock was not released after the first store closed');
    } finally {
      await second.close();
    }
  });
});

test('snapshot: round trip, bodies larger than one part, replacement', needsServer, async () => {
  await withStore(async (store) => {
    assert.equal(await store.loadSnapshot(), null);
    const big = randomBytes(16 * 1024 * 1024 * 2 + 12345);
    await store.saveSnapshot({ seq: 42, body: big });
    const loaded = await store.loadSnapshot();
    assert.equal(loaded?.seq, 42);
    assert.ok(loaded?.body.equals(big));
    const small = randomBytes(1000);
    await store.saveSnapshot({ seq: 43, body: small });
    assert.deepEqual(await store.loadSnapshot(), { seq: 43, body: small });
    await store.saveSnapshot({ seq: 44, body: Buffer.alloc(0) });
    assert.deepEqual(await store.loadSnapshot(), { seq: 44, body: Buffer.alloc(0) });
  });
});

// --- query index ---------------------------------------------------------------

const T0 = 1_700_000_000_000_000_000n;

function account(id: bigint, i: number): Account {
  const a = emptyAccount(id, 840, 10 + i, i % 2 === 0 ? AccountFlags.history : AccountFlags.debits_must_not_exceed_credits);
  a.timestamp = T0 + BigInt(i);
  a.user_data_128 = (1n << 127n) + BigInt(i);
  a.user_data_64 = 0xffff_ffff_ffff_ffffn;
  a.user_data_32 = 0xffff_ffff;
  return a;
}

/** Expected result of a filter over rows in ascending timestamp order. */
function expected<T extends { timestamp: bigint }>(rows: readonly T[], f: AccountFilter): T[] {
  const inRange = rows.filter((r) => (f.timestamp_min === 0n || r.timestamp >= f.timestamp_min) && (f.timestamp_max === 0n || r.timestamp <= f.timestamp_max));
  if (f.reversed) inRange.reverse();
  return inRange.slice(0, f.limit);
}

test('applyIndex, lookups, account transfers and balances, all accounts, count', needsServer, async () => {
  await withStore(async (store) => {
    assert.equal(await store.indexPosition(), 0);
    // Ids beyond 64 bits check that the big-endian keys sort numerically; (2^64 + 4) folds
    // to the same int8 index key as 5 (hi XOR lo), so the queries' recheck is exercised.
    const ids = [5n, 3n, (1n << 64n) + 1n, 1n << 100n, 255n, (1n << 128n) - 2n, (1n << 64n) + 4n];
    const accounts = ids.map(account);
    const byId = new Map(accounts.map((a) => [a.id, a]));
    const transfers: Transfer[] = [];
    const balances: HistoryRecord[] = [];
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    // Over two batches, 10,050 transfers: more than one bulk chunk.
    const N = 10_050;
    for (let i = 0; i < N; i++) {
      const d = next(ids.length);
      const c = (d + 1 + next(ids.length - 1)) % ids.length;
      const t = emptyTransfer((1n << 90n) + BigInt(i) * 7919n);
      t.debit_account_id = ids[d]!;
      t.credit_account_id = ids[c]!;
      t.amount = BigInt(1 + next(1000)) + (i === 7 ? 1n << 100n : 0n);
      t.ledger = 840;
      t.code = 1;
      t.user_data_64 = BigInt(i);
      t.timestamp = T0 + 1000n + BigInt(i) * 10n;
      transfers.push(t);
      for (const [id, side] of [
        [t.debit_account_id, 'd'],
        [t.credit_account_id, 'c'],
      ] as const) {
        const a = byId.get(id)!;
        if (side === 'd') a.debits_posted += t.amount;
        else a.credits_posted += t.amount;
        if ((a.flags & AccountFlags.history) !== 0) {
          balances.push({
            account_id: id,
            balance: {
              debits_pending: 0n,
              debits_posted: a.debits_posted,
              credits_pending: 0n,
              credits_posted: a.credits_posted,
              timestamp: t.timestamp,
            },
          });
        }
      }
    }
    const snapshotOf = (list: Account[]): Account[] => list.map((a) => ({ ...a }));
    // Batch 1: the accounts as first created (zero balances) and the first 3,000 transfers.
    const created = ids.map(account);
    await store.applyIndex({
      through_seq: 2,
      accounts: created,
      transfers: transfers.slice(0, 3000),
      balances: balances.filter((b) => b.balance.timestamp <= transfers[2999]!.timestamp),
    });
    assert.equal(await store.indexPosition(), 2);
    assert.equal(await store.countTransfers(), 3000);
    assert.deepEqual(await store.lookupAccounts([ids[0]!]), [created[0]]);
    // Batch 2: the rest, with the final account states (upserts), one account listed twice.
    const finalAccounts = snapshotOf(accounts);
    await store.applyIndex({
      through_seq: 7,
      accounts: [{ ...finalAccounts[0]!, debits_posted: 1n }, ...finalAccounts],
      transfers: transfers.slice(3000),
      balances: balances.filter((b) => b.balance.timestamp > transfers[2999]!.timestamp),
    });
    assert.equal(await store.indexPosition(), 7);
    assert.equal(await store.countTransfers(), N);
    await store.applyIndex({ through_seq: 8, accounts: [], transfers: [], balances: [] });
    assert.equal(await store.indexPosition(), 8);

    const sorted = [...finalAccounts].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    assert.deepEqual(await store.allAccounts(), sorted);
    // Lookups: input order, missing ids skipped, duplicates repeated.
    assert.deepEqual(await store.lookupAccounts([ids[3]!, 999n, ids[0]!, ids[3]!]), [finalAccounts[3], finalAccounts[0], finalAccounts[3]]);
    assert.deepEqual(await store.lookupAccounts([]), []);
    assert.deepEqual(await store.lookupTransfers([transfers[9000]!.id, 1n, transfers[7]!.id]), [transfers[9000], transfers[7]]);
    assert.equal((await store.lookupTransfers([transfers[7]!.id]))[0]?.amount, transfers[7]!.amount);

    const mid = transfers[5000]!.timestamp;
    const filters: Array<Partial<AccountFilter>> = [
      { debits: true, credits: false },
      { debits: false, credits: true },
      { debits: true, credits: true },
      { debits: true, credits: true, reversed: true },
      { debits: true, credits: false, reversed: true },
      { debits: false, credits: true, reversed: true, limit: 3 },
      { debits: true, credits: true, timestamp_min: mid, timestamp_max: mid + 500n },
      { debits: true, credits: true, timestamp_min: mid, reversed: true, limit: 17 },
      { debits: true, credits: true, timestamp_max: mid, reversed: true },
      { debits: true, credits: false, timestamp_min: transfers[N - 1]!.timestamp + 1n },
      { debits: false, credits: false },
      { debits: true, credits: true, limit: 1 },
    ];
    for (const target of ids) {
      for (const partial of filters) {
        const f: AccountFilter = {
          account_id: target,
          timestamp_min: 0n,
          timestamp_max: 0n,
          limit: 8189,
          debits: true,
          credits: true,
          reversed: false,
          ...partial,
        };
        const sides = transfers.filter((t) => (f.debits && t.debit_account_id === target) || (f.credits && t.credit_account_id === target));
        const want = expected(sides, f);
        const got = await store.accountTransfers(f);
        assert.equal(
          got.length,
          want.length,
          JSON.stringify(f, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
        );
        assert.deepEqual(got, want);
        if (partial.debits === true && partial.credits === true && partial.limit === undefined && partial.timestamp_min === undefined) {
          assert.ok(want.length > 1000, 'the account should have many transfers');
        }
      }
    }

    // Balances: only for accounts with the history flag (even indexes).
    for (const [i, id] of ids.entries()) {
      const history: AccountBalance[] = balances.filter((b) => b.account_id === id).map((b) => b.balance);
      assert.equal(history.length > 0, i % 2 === 0);
      for (const partial of [{}, { reversed: true, limit: 5 }, { timestamp_min: mid, timestamp_max: mid + 2000n }, { timestamp_max: mid }]) {
        const f: AccountFilter = {
          account_id: id,
          timestamp_min: 0n,
          timestamp_max: 0n,
          limit: 8189,
          debits: true,
          credits: true,
          reversed: false,
          ...partial,
        };
        assert.deepEqual(await store.accountBalances(f), expected(history, f));
      }
    }
    // The last history row of an account equals its final balances.
    const last = await store.accountBalances({
      account_id: ids[0]!,
      timestamp_min: 0n,
      timestamp_max: 0n,
      limit: 1,
      debits: true,
      credits: true,
      reversed: true,
    });
    assert.equal(last[0]?.debits_posted, finalAccounts[0]!.debits_posted);
    assert.equal(last[0]?.credits_posted, finalAccounts[0]!.credits_posted);
  });
});

test('a failed index batch leaves nothing behind', needsServer, async () => {
  await withStore(async (store) => {
    const t = emptyTransfer(10n);
    t.debit_account_id = 1n;
    t.credit_account_id = 2n;
    t.timestamp = T0;
    await store.applyIndex({ through_seq: 1, accounts: [account(1n, 0)], transfers: [t], balances: [] });
    const dup = { ...t, id: 11n }; // same timestamp: the primary key rejects it
    await assert.rejects(store.applyIndex({ through_seq: 2, accounts: [account(2n, 1)], transfers: [dup], balances: [] }));
    assert.equal(await store.indexPosition(), 1);
    assert.equal((await store.allAccounts()).length, 1);
    assert.equal(await store.countTransfers(), 1);
  });
});

test('operations issued without waiting run one at a time, in order', needsServer, async () => {
  await withStore(async (store) => {
    const transfers: Transfer[] = [];
    for (let i = 0; i < 20_000; i++) {
      const t = emptyTransfer(BigInt(i + 1));
      t.debit_account_id = 1n;
      t.credit_account_id = 2n;
      t.timestamp = T0 + BigInt(i);
      transfers.push(t);
    }
    const index = store.applyIndex({ through_seq: 1, accounts: [account(1n, 0), account(2n, 1)], transfers, balances: [] });
    const count = store.countTransfers();
    const append = store.appendJournal([entry(1)]);
    const failing = store.applyIndex({ through_seq: 2, accounts: [], transfers: [transfers[0]!], balances: [] });
    const position = store.indexPosition();
    const head = store.journalHead();
    const closed = store.close();
    const late = store.countTransfers();
    await index;
    assert.equal(await count, 20_000); // not a partial view of the index transaction
    await append;
    await assert.rejects(failing);
    assert.equal(await position, 1);
    assert.equal((await head)?.seq, 1);
    await closed;
    await assert.rejects(late, /closed/);
  });
});

test('a schema of a newer format is refused as store_too_new, an unreadable one as corrupt', needsServer, async () => {
  await withStore(async (store, url) => {
    const client = new pg.Client({ connectionString: BASE_URL });
    await client.connect();
    try {
      await client.query(`UPDATE "${store.schema}".meta SET value = '999' WHERE key = 'format'`);
    } finally {
      await client.end();
    }
    await rejectsWith(PostgresStore.connect(url), 'store_too_new', /format 999.*formats 1 to \d/);
    const again = new pg.Client({ connectionString: BASE_URL });
    await again.connect();
    try {
      await again.query(`UPDATE "${store.schema}".meta SET value = 'x1' WHERE key = 'format'`);
    } finally {
      await again.end();
    }
    await rejectsWith(PostgresStore.connect(url), 'corrupt', /unreadable format "x1"/);
  });
});

test('bad schema names are bad_url', async () => {
  for (const bad of ['Upper', '1abc', 'a-b', '', 'x'.repeat(64), 'a;drop', 'a%20b']) {
    await rejectsWith(PostgresStore.connect(`postgres://postgres@127.0.0.1:5432/test?schema=${bad}`), 'bad_url');
  }
  await rejectsWith(PostgresStore.connect('postgres://postgres@127.0.0.1:5432/test?schema=a&schema=b'), 'bad_url');
});

test('an unreachable server is unreachable, with the password redacted', async () => {
  const err = await rejectsWith(PostgresStore.connect('postgres://app:s3cret@127.0.0.1:1/test?schema=abc'), 'unreachable', /127\.0\.0\.1:1/);
  assert.doesNotMatch(err.message, /s3cret/);
});

async function checkNaive(funding: number | undefined): Promise<number> {
  const schema = randomSchema();
  const progress: number[] = [];
  const accounts = 20;
  try {
    const result = await runNaivePostgres(urlFor('ignored_platform_schema'), {
      accounts,
      transfers: 200,
      seed: 7,
      schema,
      keep: true,
      ...(funding === undefined ? {} : { funding }),
      onProgress: (done) => progress.push(done),
    });
    assert.equal(result.transfers, 200);
    assert.ok(result.transfers_per_s > 0 && result.elapsed_ms > 0);
    assert.equal(progress[progress.length - 1], 200);
    const client = new pg.Client({ connectionString: BASE_URL });
    await client.connect();
    try {
      const sums = (
        await client.query<{ d: string; c: string; n: string }>(
          `SELECT sum(debits_posted)::text AS d, sum(credits_posted)::text AS c, count(*)::text AS n FROM "${schema}".accounts`,
        )
      ).rows[0]!;
      assert.equal(sums.d, sums.c);
      assert.equal(Number(sums.n), accounts + 1);
      const moved = (await client.query<{ n: string; total: string }>(`SELECT count(*)::text AS n, sum(amount)::text AS total FROM "${schema}".transfers`))
        .rows[0]!;
      assert.equal(Number(moved.n), accounts + 200 - result.rejected);
      assert.equal(moved.total, sums.d);
      // No account with the limit flag went over its credits.
      const over = await client.query(`SELECT id FROM "${schema}".accounts WHERE flags & 2 <> 0 AND debits_posted > credits_posted`);
      assert.equal(over.rowCount, 0);
    } finally {
      await client.end();
    }
    return result.rejected;
  } finally {
    await PostgresStore.dropSchema(urlFor(schema));
  }
}

test('naive baseline: one transaction per transfer, money conserved', needsServer, async () => {
  assert.equal(await checkNaive(undefined), 0, 'well-funded accounts should pass every transfer');
  // Scarce funding: the balance check refuses some transfers, which leave no trace.
  assert.ok((await checkNaive(600)) > 0);
  // The platform schema named in the URL is neither used nor created.
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    const r = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'ignored_platform_schema'`);
    assert.equal(r.rowCount, 0);
  } finally {
    await client.end();
  }
});
