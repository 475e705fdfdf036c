// Index batches committed entry by entry (src/store/sqlite_worker.ts: writePackedIndex
// with a yield): cut at any set of entry boundaries, the tables end equal to one
// transaction's, and at each cut the committed rows are exactly the entries up to it
// with the index position at its entry; a write that fails after some cuts leaves
// those entries committed and, written again, skips them (written without the skip
// it would fail); on the commit worker an append posted while a long index write runs
// is answered before that write ends.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { Database, type SqliteDatabase } from '../src/store/sqlite_driver.js';
import { indexStatements, indexedThrough, packIndex, writePackedIndex } from '../src/store/sqlite_worker.js';
import type { IndexBatch, JournalEntry } from '../src/store/types.js';
import { randomEntry } from './support/journal_entries.js';

const A = 11n;
const B = 22n;

/** A batch of entries seq first_seq.. with `sizes[k]` transfers each (A pays B), a balance row per transfer and side, its parts. */
function batchOf(first_seq: number, sizes: readonly number[], ts0 = 1_000n): IndexBatch {
  const transfers = [];
  const balances = [];
  const parts = [];
  let ts = ts0;
  for (let k = 0; k < sizes.length; k++) {
    for (let i = 0; i < sizes[k]!; i++) {
      ts++;
      const t = emptyTransfer(BigInt(`0x${randomBytes(16).toString('hex')}`));
      t.debit_account_id = A;
      t.credit_account_id = B;
      t.amount = ts;
      t.timestamp = ts;
      transfers.push(t);
      for (const id of [A, B])
        balances.push({ account_id: id, balance: { debits_pending: 0n, debits_posted: ts, credits_pending: 0n, credits_posted: 1n, timestamp: ts } });
    }
    parts.push({ seq: first_seq + k, transfers: sizes[k]!, balances: 2 * sizes[k]! });
  }
  return { through_seq: first_seq + sizes.length - 1, accounts: [emptyAccount(A, 156, 1), emptyAccount(B, 156, 1)], transfers, balances, parts };
}

async function withStoreFile<T>(fn: (path: string) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-index-parts-'));
  try {
    const path = join(dir, 'ledger.db');
    const s = new SqliteStore(path, { inline_commit: true });
    await s.acquireWriter();
    await s.close();
    return await fn(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tables(db: SqliteDatabase): unknown[] {
  return [
    ...['accounts', 'transfers', 'account_balances'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).safeIntegers(true).all()),
    db.prepare(`SELECT value FROM meta WHERE key = 'index_seq'`).pluck().get(),
  ];
}

function open(path: string): SqliteDatabase {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

test('an index batch cut at any entry boundaries ends equal to one transaction, each cut holding exactly the entries up to it', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 6 }),
      fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
      async (sizes, cuts) => {
        const batch = batchOf(7, sizes);
        const packed = packIndex(batch);
        const whole = await withStoreFile((path) => {
          const db = open(path);
          try {
            assert.equal(writePackedIndex(db, indexStatements(db), packed.slice(0)), batch.through_seq);
            return tables(db);
          } finally {
            db.close();
          }
        });
        const cut = await withStoreFile((path) => {
          const db = open(path);
          const reader = new Database(path, { readonly: true });
          const journal = db.prepare(`INSERT INTO documents (name, body, updated_at) VALUES (?, x'00', 'now')`);
          let boundary = 0;
          let seen = 0;
          try {
            writePackedIndex(db, indexStatements(db), packed.slice(0), {
              waiting: () => cuts[boundary++]!,
              run: () => {
                // The cut is committed (another connection sees it) and holds exactly the entries up to it.
                const k = boundary - 1;
                const upTo = sizes.slice(0, k + 1).reduce((a, n) => a + n, 0);
                assert.equal(reader.prepare(`SELECT value FROM meta WHERE key = 'index_seq'`).pluck().get(), String(7 + k));
                assert.equal(reader.prepare('SELECT count(*) FROM transfers').pluck().get(), upTo);
                assert.equal(reader.prepare('SELECT count(*) FROM account_balances').pluck().get(), 2 * upTo);
                assert.equal(db.inTransaction, false);
                // A durable write runs between the cuts, with synchronous=FULL.
                assert.equal(db.pragma('synchronous', { simple: true }), 2);
                journal.run(`between-${k}`);
                seen++;
              },
            });
            assert.equal(seen, cuts.slice(0, sizes.length - 1).filter((c) => c).length);
            assert.equal(db.pragma('synchronous', { simple: true }), 2);
            return tables(db);
          } finally {
            reader.close();
            db.close();
          }
        });
        assert.deepEqual(cut, whole);
      },
    ),
    { numRuns: 25 },
  );
});

test('a write that fails after some cuts keeps those entries; written again it skips them (and without the skip it would fail)', async () => {
  await withStoreFile((path) => {
    const batch = batchOf(20, [3, 4, 2, 5]);
    const packed = packIndex(batch);
    const db = open(path);
    const s = indexStatements(db);
    try {
      // The third entry's second transfer fails (a trigger standing in for a full disk).
      const failing = batch.transfers[3 + 4 + 1]!.timestamp;
      db.exec(`CREATE TRIGGER refuse BEFORE INSERT ON transfers WHEN NEW.timestamp = ${failing} BEGIN SELECT RAISE(ABORT, 'simulated disk full'); END`);
      const always = { waiting: () => true, run: () => undefined };
      assert.throws(() => writePackedIndex(db, s, packed.slice(0), always), /simulated disk full/);
      assert.equal(db.inTransaction, false);
      assert.equal(indexedThrough(s), 21);
      assert.equal(db.prepare('SELECT count(*) FROM transfers').pluck().get(), 7);
      db.exec('DROP TRIGGER refuse');
      // Without the skip the committed entries' rows are inserted again.
      assert.throws(() => writePackedIndex(db, s, packed.slice(0), always), /UNIQUE/);
      assert.equal(writePackedIndex(db, s, packed.slice(0), null, indexedThrough(s)), 23);
      const done = tables(db);
      db.close();
      return withStoreFile((other) => {
        const ref = open(other);
        try {
          writePackedIndex(ref, indexStatements(ref), packed.slice(0));
          assert.deepEqual(done, tables(ref));
        } finally {
          ref.close();
        }
      });
    } finally {
      if (db.open) db.close();
    }
  });
});

function entry(seq: number): JournalEntry {
  return randomEntry(seq);
}

test('on the commit worker an append posted during a long index write is answered before the write ends', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-index-parts-'));
  const store = new SqliteStore(join(dir, 'ledger.db'));
  try {
    await store.acquireWriter();
    await store.appendJournal([entry(1)]);
    // 80 entries of 250 transfers (and 500 balance rows): a write of some hundreds of milliseconds.
    const sizes = Array.from({ length: 80 }, () => 250);
    const batch = batchOf(1, sizes);
    await store.applyIndex(batch);
    await new Promise((r) => setTimeout(r, 40));
    const order: string[] = [];
    const appended = store.appendJournal([entry(2)]).then(() => order.push('append'));
    const indexed = store.indexPosition().then(() => order.push('index'));
    await Promise.all([appended, indexed]);
    assert.deepEqual(order, ['append', 'index']);
    assert.equal(await store.indexPosition(), 80);
    assert.equal((await store.journalHead())?.seq, 2);
    assert.equal((await store.lookupTransfers([batch.transfers[19_999]!.id])).length, 1);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
