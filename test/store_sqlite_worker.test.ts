// The SQLite store's commit worker (src/store/sqlite_worker.ts): appends made on
// the worker's connection are visible to reads on the main connection as soon
// as they resolve; errors come back as the same errors an inline commit throws;
// close waits for appends in flight; many small appends in flight keep their
// order and interleave safely with index writes (on the worker too) and document
// puts; index rows written on the worker equal those written inline; an unclosed store does not keep its process alive;
// a packed index batch holds the bytes the layout says, written one field at a time.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { Database } from '../src/store/sqlite_driver.js';
import { DurableLedger, LedgerError } from '../src/journal/durable_ledger.js';
import { emptyAccount, emptyTransfer, type Transfer } from '../src/ledger/types.js';
import { TransferLog } from '../src/ledger/transfer_log.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { packEntries, packIndex, packIndexPortable, unpackEntries } from '../src/store/sqlite_worker.js';
import { RECORD_SIZE, encodeAccount, encodeTransfer, u128Key } from '../src/ledger/codec.js';
import { encodeBalance } from '../src/store/balance_codec.js';
import type { IndexBatch } from '../src/store/types.js';
import fc from 'fast-check';
import { arbAccountRecord, arbTransferRecord } from './support/arbitraries.js';
import { StoreError, type JournalEntry } from '../src/store/types.js';
import { randomEntry } from './support/journal_entries.js';

function entry(seq: number, events = 1): JournalEntry {
  return randomEntry(seq, { events, results: seq % 3 === 0 ? Buffer.from([0, 0, 0, 0, 7]) : Buffer.alloc(0) });
}

function sameEntry(a: JournalEntry, b: JournalEntry): void {
  assert.equal(a.seq, b.seq);
  assert.equal(a.op, b.op);
  assert.equal(a.clock_ns, b.clock_ns);
  assert.equal(a.count, b.count);
  for (const k of ['body', 'results', 'checksum', 'prev_hash', 'hash'] as const) {
    assert.ok(Buffer.from(a[k]).equals(Buffer.from(b[k])), `${k} of entry ${a.seq}`);
  }
}

/** A packed index batch as its layout reads, built field by field (keys by u128Key, records by the unaligned codec path). */
function packIndexReference(batch: IndexBatch): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(batch.accounts.length, 0);
  header.writeUInt32LE(batch.transfers.length, 4);
  header.writeUInt32LE(batch.balances.length, 8);
  header.writeDoubleLE(batch.through_seq, 16);
  parts.push(header);
  const record = (write: (b: Buffer, off: number) => void): Buffer => {
    const b = Buffer.alloc(RECORD_SIZE + 1);
    write(b, 1); // odd offset: the codec's Buffer-method path
    return b.subarray(1);
  };
  const u64 = (v: bigint): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(v);
    return b;
  };
  for (const a of batch.accounts)
    parts.push(
      u128Key(a.id),
      record((b, o) => encodeAccount(a, b, o)),
    );
  for (const t of batch.transfers)
    parts.push(
      u64(t.timestamp),
      u128Key(t.id),
      u128Key(t.debit_account_id),
      u128Key(t.credit_account_id),
      record((b, o) => encodeTransfer(t, b, o)),
    );
  for (const h of batch.balances) parts.push(u128Key(h.account_id), u64(h.balance.timestamp), encodeBalance(h.balance));
  return Buffer.concat(parts);
}

const U64_MAX = (1n << 64n) - 1n;
const U128_MAX = (1n << 128n) - 1n;
const u128 = fc.oneof(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: 0n, max: U128_MAX }), fc.constantFrom(0n, U64_MAX, U64_MAX + 1n, U128_MAX));
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: U64_MAX }), fc.constantFrom(0n, U64_MAX));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const fields = { u128, u64, u32, u16 };
const accountArb = arbAccountRecord(fields);
const transferArb = arbTransferRecord(fields);
const balanceArb = fc.record({
  account_id: u128,
  balance: fc.record({ debits_pending: u128, debits_posted: u128, credits_pending: u128, credits_posted: u128, timestamp: u64 }),
});
const indexBatchArb = fc.record({
  through_seq: fc.integer({ min: 0, max: 2 ** 40 }),
  accounts: fc.array(accountArb, { maxLength: 6 }),
  transfers: fc.array(transferArb, { maxLength: 6 }),
  balances: fc.array(balanceArb, { maxLength: 6 }),
});

async function withDir<T>(fn: (path: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-worker-'));
  try {
    return await fn(join(dir, 'ledger.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function readAll(store: SqliteStore): Promise<JournalEntry[]> {
  const out: JournalEntry[] = [];
  for (;;) {
    const page = await store.readJournal(out.length === 0 ? 0 : out[out.length - 1]!.seq, 100);
    if (page.length === 0) return out;
    out.push(...page);
  }
}

async function rejectsWithCode(p: Promise<unknown>, code: string): Promise<Error> {
  let caught: unknown = null;
  try {
    await p;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof Error, `expected a rejection with ${code}`);
  assert.equal((caught as { code?: string }).code, code, (caught as Error).message);
  return caught as Error;
}

describe('SQLite commit worker', () => {
  it('packs and unpacks journal entries exactly', () => {
    const list = [entry(1), entry(2, 0), entry(3, 5), entry(2 ** 40)];
    const back = unpackEntries(packEntries(list));
    assert.equal(back.length, list.length);
    list.forEach((e, i) => {
      sameEntry(back[i]!, e);
    });
    assert.deepEqual(unpackEntries(packEntries([])), []);
  });

  it('packs an index batch into the bytes of its layout, written field by field (typed-array writes, keys from the records)', () => {
    fc.assert(
      fc.property(indexBatchArb, (batch) => {
        const want = packIndexReference(batch);
        assert.ok(Buffer.from(packIndex(batch)).equals(want));
        assert.ok(Buffer.from(packIndexPortable(batch)).equals(want));
      }),
      { numRuns: 500 },
    );
  });

  it('packs a batch whose transfers come as records copied from the transfer log into the same bytes, never reading its Transfer objects', () => {
    fc.assert(
      fc.property(indexBatchArb, fc.array(transferArb, { maxLength: 6 }), (batch, earlier) => {
        const want = packIndexReference(batch);
        // The log holds other transfers before the batch's: its records are a range in the middle.
        const log = new TransferLog();
        const seen = new Set<bigint>();
        const unique = (list: Transfer[]): Transfer[] => list.filter((t) => !seen.has(t.id) && seen.add(t.id) !== undefined);
        for (const t of unique(earlier)) log.insert(t);
        const from = log.size;
        const mine = unique(batch.transfers);
        if (mine.length < batch.transfers.length) return; // ids repeated within the batch: not a log's rows
        for (const t of mine) log.insert(t);
        const byRecords: IndexBatch = {
          through_seq: batch.through_seq,
          accounts: batch.accounts,
          balances: batch.balances,
          get transfers(): Transfer[] {
            throw new Error('packIndex read the Transfer objects');
          },
          transfer_records: {
            count: mine.length,
            writeTo: (into, off, stride) => {
              log.copyRecords(from, log.size, into, off, stride);
            },
          },
        };
        assert.ok(Buffer.from(packIndex(byRecords)).equals(want));
      }),
      { numRuns: 500 },
    );
  });

  it('copies transfer log records in the codec layout, at any offset and stride', () => {
    fc.assert(
      fc.property(
        fc.array(transferArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: 128, max: 140 }),
        (list, pad, stride) => {
          const log = new TransferLog();
          const seen = new Set<bigint>();
          const ts = list.filter((t) => !seen.has(t.id) && seen.add(t.id) !== undefined);
          for (const t of ts) log.insert(t);
          const into = Buffer.alloc(pad + ts.length * stride + 3);
          const end = log.copyRecords(0, ts.length, into, pad, stride);
          assert.equal(end, pad + ts.length * stride);
          ts.forEach((t, k) => {
            const rec = Buffer.alloc(RECORD_SIZE);
            encodeTransfer(t, rec, 0);
            assert.ok(into.subarray(pad + k * stride, pad + k * stride + RECORD_SIZE).equals(rec), `record ${k}`);
          });
          assert.throws(() => log.copyRecords(0, ts.length + 1, into, 0, RECORD_SIZE), RangeError);
          assert.throws(() => log.copyRecords(0, ts.length, Buffer.alloc(ts.length * RECORD_SIZE - 1), 0, RECORD_SIZE), RangeError);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('commits on the worker by default, inline when asked or for :memory:', async () => {
    await withDir(async (path) => {
      const a = new SqliteStore(path);
      assert.equal(a.commitOnWorker, true);
      await a.close();
      const b = new SqliteStore(path, { inline_commit: true });
      assert.equal(b.commitOnWorker, false);
      await b.close();
      const m = new SqliteStore(':memory:');
      assert.equal(m.commitOnWorker, false);
      await m.close();
    });
  });

  it('appends are visible to reads on the main connection once they resolve', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path);
      await store.acquireWriter();
      try {
        assert.equal(await store.journalHead(), null);
        const written: JournalEntry[] = [];
        for (let seq = 1; seq <= 20; seq++) {
          const e = entry(seq, seq);
          await store.appendJournal([e]);
          written.push(e);
          const head = await store.journalHead();
          assert.equal(head?.seq, seq);
          assert.ok(head!.hash.equals(e.hash));
        }
        const group = [entry(21), entry(22), entry(23)];
        await store.appendJournal(group);
        written.push(...group);
        const all = await readAll(store);
        assert.equal(all.length, written.length);
        all.forEach((e, i) => {
          sameEntry(e, written[i]!);
        });
      } finally {
        await store.close();
      }
    });
  });

  it('writes rows identical to an inline commit', async () => {
    await withDir(async (path) => {
      const list = [entry(1, 3), entry(2), entry(3, 0)];
      const worker = new SqliteStore(path);
      await worker.appendJournal(list);
      await worker.close();
      const inlinePath = `${path}.inline.db`;
      const inline = new SqliteStore(inlinePath, { inline_commit: true });
      await inline.appendJournal(list);
      await inline.close();
      const rows = (p: string): unknown[] => {
        const db = new Database(p, { readonly: true });
        try {
          return db.prepare('SELECT * FROM journal ORDER BY seq').safeIntegers(true).all();
        } finally {
          db.close();
        }
      };
      assert.deepEqual(rows(path), rows(inlinePath));
    });
  });

  it('writes query index rows on the worker identical to an inline index write', async () => {
    await withDir(async (path) => {
      // Big values in every u128 half and u64 timestamps near 2^63 catch a wrong byte order or width.
      const big = (1n << 127n) + 12_345n;
      const accounts = [emptyAccount(big, 156, 1), emptyAccount(7n, 840, 2)];
      accounts[0]!.credits_posted = (1n << 100n) + 3n;
      const transfers = [1n, 2n, 3n].map((k) => {
        const t = emptyTransfer(big - k);
        t.debit_account_id = big;
        t.credit_account_id = 7n;
        t.amount = (1n << 90n) + k;
        t.timestamp = (1n << 62n) + k;
        return t;
      });
      const balances = transfers.map((t) => ({
        account_id: big,
        balance: { debits_pending: 0n, debits_posted: t.amount, credits_pending: 1n << 70n, credits_posted: 5n, timestamp: t.timestamp },
      }));
      const batch = { through_seq: 42, accounts, transfers, balances };
      const worker = new SqliteStore(path);
      await worker.acquireWriter();
      await worker.applyIndex(batch);
      // Visible on the main connection as soon as it resolves.
      assert.equal(await worker.indexPosition(), 42);
      assert.deepEqual(await worker.lookupAccounts([big, 7n]), accounts);
      assert.deepEqual(await worker.lookupTransfers(transfers.map((t) => t.id)), transfers);
      const f = { account_id: big, timestamp_min: 0n, timestamp_max: 0n, limit: 10, debits: true, credits: true, reversed: false };
      assert.deepEqual(await worker.accountTransfers(f), transfers);
      assert.deepEqual(
        await worker.accountBalances(f),
        balances.map((h) => h.balance),
      );
      await worker.close();
      const inlinePath = `${path}.inline.db`;
      const inline = new SqliteStore(inlinePath, { inline_commit: true });
      await inline.applyIndex(batch);
      await inline.close();
      const rows = (p: string): unknown[] => {
        const db = new Database(p, { readonly: true });
        try {
          return ['accounts', 'transfers', 'account_balances'].map((t) => db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).safeIntegers(true).all());
        } finally {
          db.close();
        }
      };
      const w = rows(path);
      assert.equal((w[1] as unknown[]).length, 3);
      assert.deepEqual(w, rows(inlinePath));
    });
  });

  for (const inline_commit of [false, true]) {
    it(`maps errors as an inline commit does (${inline_commit ? 'inline' : 'worker'})`, async () => {
      await withDir(async (path) => {
        const store = new SqliteStore(path, { inline_commit });
        try {
          await store.appendJournal([entry(1), entry(2)]);
          // A duplicate seq: another writer's entry.
          const conflict = await rejectsWithCode(store.appendJournal([entry(3), entry(2)]), 'journal_conflict');
          assert.ok(conflict instanceof StoreError);
          assert.match(conflict.message, /entry 3/);
          await rejectsWithCode(store.appendJournal([entry(1)]), 'journal_conflict');
          // The failed transaction left nothing behind, and the connection still works.
          assert.equal((await store.journalHead())?.seq, 2);
          await store.appendJournal([entry(3)]);
          assert.equal((await store.journalHead())?.seq, 3);
          // Any other failure (here a trigger standing in for a full disk) keeps SQLite's code and message.
          const raw = new Database(path);
          raw.exec(`CREATE TRIGGER refuse BEFORE INSERT ON journal WHEN NEW.seq = 5 BEGIN SELECT RAISE(ABORT, 'simulated disk full'); END`);
          raw.close();
          const failed = await rejectsWithCode(store.appendJournal([entry(4), entry(5)]), 'SQLITE_CONSTRAINT_TRIGGER');
          assert.ok(failed instanceof Database.SqliteError);
          assert.match(failed.message, /simulated disk full/);
          assert.equal((await store.journalHead())?.seq, 3);
        } finally {
          await store.close();
        }
      });
    });
  }

  it('queues index writes without waiting; reads wait for them; a failed one is written again before later ones', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path);
      await store.acquireWriter();
      const raw = new Database(path);
      try {
        // Account 2's row fails (a trigger standing in for a full disk) until the trigger goes.
        raw.exec(`CREATE TRIGGER refuse BEFORE INSERT ON accounts WHEN NEW.id = x'${'00'.repeat(15)}02' BEGIN SELECT RAISE(ABORT, 'simulated disk full'); END`);
        const batch = (seq: number) => ({ through_seq: seq, accounts: [emptyAccount(BigInt(seq), 156, 1)], transfers: [], balances: [] });
        // Each resolves once queued: the failure of batch 2 is not this caller's.
        for (let seq = 1; seq <= 5; seq++) await store.applyIndex(batch(seq));
        // A read waits for the queue and writes batch 2 again: it still fails, so the read does.
        await rejectsWithCode(store.indexPosition(), 'SQLITE_CONSTRAINT_TRIGGER');
        // Batches 3 to 5 were refused after it, so the tables never skip batch 2.
        assert.equal(raw.prepare(`SELECT value FROM meta WHERE key = 'index_seq'`).pluck().get(), '1');
        assert.equal(raw.prepare('SELECT count(*) FROM accounts').pluck().get(), 1);
        // A later batch is refused too while batch 2 cannot be written (the durable ledger keeps it for later).
        await rejectsWithCode(store.applyIndex(batch(6)), 'SQLITE_CONSTRAINT_TRIGGER');
        raw.exec('DROP TRIGGER refuse');
        assert.equal(await store.indexPosition(), 5);
        await store.applyIndex(batch(6));
        assert.deepEqual(
          (await store.allAccounts()).map((a) => a.id),
          [1n, 2n, 3n, 4n, 5n, 6n],
        );
        assert.equal(await store.indexPosition(), 6);
      } finally {
        raw.close();
        await store.close();
      }
    });
  });

  it('close waits for the appends in flight', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path);
      await store.acquireWriter();
      const appends: Promise<void>[] = [];
      for (let seq = 1; seq <= 200; seq++) appends.push(store.appendJournal([entry(seq, 4)]));
      const closed = store.close();
      const outcomes = await Promise.allSettled(appends);
      await closed;
      assert.deepEqual(
        outcomes.map((o) => o.status),
        appends.map(() => 'fulfilled'),
      );
      await rejectsWithCode(store.appendJournal([entry(201)]), 'unreachable');
      const again = new SqliteStore(path);
      try {
        assert.equal((await again.journalHead())?.seq, 200);
        assert.equal((await readAll(again)).length, 200);
      } finally {
        await again.close();
      }
    });
  });

  it('keeps many small appends in flight in order, beside index writes, documents and reads', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path);
      await store.acquireWriter();
      try {
        const written: JournalEntry[] = [];
        const work: Promise<unknown>[] = [];
        let heads = 0;
        for (let seq = 1; seq <= 1000; seq++) {
          const e = entry(seq);
          written.push(e);
          work.push(store.appendJournal([e]));
          if (seq % 50 === 0) {
            // Writes on the main connection wait for the worker; SQLite would otherwise report SQLITE_BUSY or block.
            work.push(store.applyIndex({ through_seq: seq, accounts: [emptyAccount(BigInt(seq), 156, 1)], transfers: [], balances: [] }));
            work.push(store.putDocument(`test/doc/${seq}`, Buffer.from(`document ${seq}`)));
            work.push(store.saveSnapshot({ seq, body: randomBytes(1000) }));
            work.push(
              store.journalHead().then((h) => {
                assert.ok(h === null || h.seq <= 1000);
                heads++;
              }),
            );
          }
        }
        await Promise.all(work);
        assert.equal(heads, 20);
        const all = await readAll(store);
        assert.equal(all.length, 1000);
        all.forEach((e, i) => {
          sameEntry(e, written[i]!);
        });
        assert.equal(await store.indexPosition(), 1000);
        assert.equal((await store.allAccounts()).length, 20);
        assert.equal((await store.listDocuments('test/doc/')).length, 20);
        assert.equal((await store.getDocument('test/doc/1000'))?.toString(), 'document 1000');
        assert.equal((await store.loadSnapshot())?.seq, 1000);
      } finally {
        await store.close();
      }
    });
  });

  it("commits bulk batches on the main connection, in order with the worker's appends", async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path);
      await store.acquireWriter();
      try {
        const list = [entry(1), entry(2, 5000), entry(3), entry(4, 4096), entry(5, 4095)];
        await Promise.all(list.map((e) => store.appendJournal([e])));
        const all = await readAll(store);
        assert.equal(all.length, list.length);
        all.forEach((e, i) => {
          sameEntry(e, list[i]!);
        });
        // The same error mapping on that path.
        await rejectsWithCode(store.appendJournal([entry(6), entry(5, 5000)]), 'journal_conflict');
        assert.equal((await store.journalHead())?.seq, 5);
      } finally {
        await store.close();
      }
    });
  });

  it('a worker that dies fails every later append, and close still works', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path);
      await store.acquireWriter();
      await store.appendJournal([entry(1)]);
      const worker = (store as unknown as { worker: { terminate(): Promise<number> } }).worker;
      await worker.terminate();
      await rejectsWithCode(store.appendJournal([entry(2)]), 'unreachable');
      await rejectsWithCode(store.putDocument('x', Buffer.from('y')), 'unreachable');
      assert.equal((await store.journalHead())?.seq, 1);
      await store.close();
    });
  });

  it('a conflicting append from another writer stops the durable ledger', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path);
      const ledger = await DurableLedger.open(store, { clock: () => 1_000_000_000_000n + process.hrtime.bigint() });
      await ledger.createAccounts([emptyAccount(1n, 156, 1), emptyAccount(2n, 156, 1)]);
      // Another process's writer appended the next entry behind this one's back.
      const raw = new Database(path);
      raw
        .prepare("INSERT INTO journal (seq, op, clock_ns, count, body, results, checksum, prev_hash, hash) VALUES (2, 2, 0, 0, x'', x'', x'', x'', x'')")
        .run();
      raw.close();
      const t = { ...emptyTransfer(10n), debit_account_id: 1n, credit_account_id: 2n, amount: 5n, ledger: 156, code: 1 };
      await rejectsWithCode(ledger.createTransfers([t]), 'ledger_failed');
      const later = await rejectsWithCode(ledger.createTransfers([{ ...t, id: 11n }]), 'ledger_failed');
      assert.ok(later instanceof LedgerError);
      assert.match(later.message, /another writer appended journal entry 2/);
      await ledger.close();
    });
  });

  it('an unclosed store does not keep its process alive', async () => {
    await withDir(async (path) => {
      const mod = pathToFileURL(join(import.meta.dirname, '../src/store/sqlite.js')).href;
      const script = `
        import { SqliteStore } from ${JSON.stringify(mod)};
        const s = new SqliteStore(${JSON.stringify(path)});
        await s.acquireWriter();
        const e = (seq) => ({ seq, op: 2, clock_ns: 1n, count: 0, body: Buffer.alloc(0), results: Buffer.alloc(0), checksum: Buffer.alloc(32), prev_hash: Buffer.alloc(32), hash: Buffer.alloc(32) });
        await s.appendJournal([e(1)]);
        await s.appendJournal([e(2)]);
        console.log('appended');
      `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.error, undefined);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), 'appended');
      const store = new SqliteStore(path);
      try {
        assert.equal((await store.journalHead())?.seq, 2);
      } finally {
        await store.close();
      }
    });
  });
});
