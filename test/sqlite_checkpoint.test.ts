// The SQLite store checkpoints its WAL after an index write at most once per
// CHECKPOINT_INTERVAL_MS (src/store/sqlite.ts), not after every one (a follower
// writes ~15 index batches a second; each checkpoint copied the same pages again
// and fsynced twice, #15). A checkpoint is not a durability step: a process
// killed with its rows only in the WAL loses none of them, and the WAL is still
// checkpointed once the interval passes, so it does not grow without end.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { IndexBatch, JournalEntry } from '../src/store/types.js';
import { randomEntry } from './support/journal_entries.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function batch(seq: number): IndexBatch {
  const accounts = [emptyAccount(1n, 156, 1), emptyAccount(2n, 156, 1)];
  const transfers = [0, 1, 2].map((k) => {
    const t = emptyTransfer(BigInt(seq * 10 + k));
    t.debit_account_id = 1n;
    t.credit_account_id = 2n;
    t.amount = 1n;
    t.timestamp = BigInt(seq * 10 + k);
    return t;
  });
  return { through_seq: seq, accounts, transfers, balances: [] };
}

function entry(seq: number, events = 1): JournalEntry {
  return randomEntry(seq, { events });
}

/** Polls until `done()` or `ms` passed; whether it became true. */
async function eventually(done: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (!done() && performance.now() < until) await sleep(10);
  return done();
}

async function withDir(fn: (path: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sco-ckpt-'));
  try {
    await fn(join(dir, 's.db'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('SQLite checkpoints after index writes', () => {
  for (const inline_commit of [false, true]) {
    it(`checkpoints at most once per interval, and again once it passed (${inline_commit ? 'inline' : 'worker'})`, async () => {
      await withDir(async (path) => {
        const store = new SqliteStore(path, { inline_commit });
        await store.acquireWriter();
        try {
          for (let seq = 1; seq <= 40; seq++) await store.applyIndex(batch(seq));
          assert.equal(await store.indexPosition(), 40);
          // 40 index writes in well under a second: the first checkpoints, the rest wait.
          assert.ok(store.checkpointsRequested <= 2, `${store.checkpointsRequested} checkpoints for 40 index writes`);
          const before = store.checkpointsRequested;
          await sleep(1_100);
          await store.applyIndex(batch(41));
          assert.equal(store.checkpointsRequested, before + 1, 'an index write after the interval checkpoints');
          assert.equal(await store.indexPosition(), 41);
          assert.equal((await store.lookupTransfers([410n]))[0]?.id, 410n);
        } finally {
          await store.close();
        }
      });
    });
  }

  it('a process killed with its index rows and journal only in the WAL loses none of them', async () => {
    await withDir(async (path) => {
      const url = (p: string): string => pathToFileURL(join(import.meta.dirname, p)).href;
      const child = `
        const { SqliteStore } = await import(${JSON.stringify(url('../src/store/sqlite.js'))});
        const { emptyAccount, emptyTransfer } = await import(${JSON.stringify(url('../src/ledger/types.js'))});
        const store = new SqliteStore(${JSON.stringify(path)});
        await store.acquireWriter();
        for (let seq = 1; seq <= 30; seq++) {
          const t = emptyTransfer(BigInt(seq));
          t.debit_account_id = 1n; t.credit_account_id = 2n; t.amount = 1n; t.timestamp = BigInt(seq);
          await store.applyIndex({ through_seq: seq, accounts: [emptyAccount(1n, 156, 1), emptyAccount(2n, 156, 1)], transfers: [t], balances: [] });
        }
        await store.indexPosition();
        process.stdout.write(String(store.checkpointsRequested));
        process.kill(process.pid, 'SIGKILL');
      `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', child], { encoding: 'utf8' });
      assert.equal(r.signal, 'SIGKILL', r.stderr);
      assert.equal(r.stdout, '1', 'one checkpoint (the first write) before the kill');
      // The later rows were never checkpointed: they are in the WAL the kill left behind.
      assert.ok(statSync(`${path}-wal`).size > 0);
      const store = new SqliteStore(path);
      try {
        assert.equal(await store.indexPosition(), 30);
        assert.equal(await store.countTransfers(), 30);
      } finally {
        await store.close();
      }
    });
  });
});

// A checkpoint on the commit worker holds it for 25 to 70 ms, and appends that
// arrived meanwhile waited behind it (#18, stop 50): the worker holds a requested
// checkpoint until no append is queued or finished for an idle gap, runs it at once
// past a WAL ceiling (so the WAL stays bounded under a steady stream), and at close.
describe('SQLite checkpoints held off the append path (commit worker)', () => {
  it('holds a checkpoint while appends keep arriving, and runs it in the first idle gap', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path, { checkpoint_idle_gap_ms: 250, checkpointer: false });
      await store.acquireWriter();
      try {
        let seq = 0;
        await store.appendJournal([entry(++seq)]);
        await store.applyIndex(batch(1)); // the first index write requests a checkpoint
        assert.equal(store.checkpointsRequested, 1);
        const until = performance.now() + 1_000;
        while (performance.now() < until) {
          await store.appendJournal([entry(++seq)]);
          await sleep(1);
        }
        assert.equal(store.checkpointStats.run, 0, `held while ${seq} appends arrived at most a few ms apart`);
        const quiet = performance.now();
        assert.ok(await eventually(() => store.checkpointStats.run === 1, 5_000), 'runs once the appends stop');
        assert.ok(performance.now() - quiet >= 200, 'not before the idle gap passed');
        assert.equal(store.checkpointStats.forced, 0);
        assert.equal((await store.readJournal(0, 1_000_000)).length, seq);
      } finally {
        await store.close();
      }
    });
  });

  it('runs a held checkpoint past the WAL ceiling while appends keep arriving', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path, { checkpoint_idle_gap_ms: 3_000, checkpoint_ceiling_bytes: 64 * 1024, checkpointer: false });
      await store.acquireWriter();
      try {
        await store.applyIndex(batch(1));
        // 8 KiB a batch, back to back: the gap never comes, the ceiling (64 KiB) does.
        for (let seq = 1; seq <= 30; seq++) await store.appendJournal([entry(seq, 64)]);
        await store.appendJournal([entry(31)]);
        const s = store.checkpointStats;
        assert.equal(s.run, 1, 'the held checkpoint ran before the idle gap');
        assert.equal(s.forced, 1, 'forced by the ceiling');
        assert.equal((await store.readJournal(0, 100)).length, 31);
      } finally {
        await store.close();
      }
    });
  });

  it('close runs a held checkpoint and loses nothing', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path, { checkpoint_idle_gap_ms: 300, checkpointer: false });
      await store.acquireWriter();
      await store.appendJournal([entry(1)]);
      await store.applyIndex(batch(1));
      await store.appendJournal([entry(2)]);
      await store.close();
      assert.equal(store.checkpointStats.run, 1);
      const again = new SqliteStore(path);
      try {
        assert.equal((await again.readJournal(0, 100)).length, 2);
        assert.equal(await again.indexPosition(), 1);
      } finally {
        await again.close();
      }
    });
  });

  it('with the checkpointer: the bulk runs on its thread, then the commit worker checkpoints the rest and the WAL starts over', async () => {
    await withDir(async (path) => {
      const store = new SqliteStore(path, { checkpoint_idle_gap_ms: 20 });
      await store.acquireWriter();
      try {
        let seq = 0;
        for (let k = 0; k < 20; k++) await store.appendJournal([entry(++seq, 64)]);
        await store.applyIndex(batch(1));
        assert.ok(await eventually(() => store.checkpointStats.run === 1, 5_000), 'the rest ran on the commit worker');
        assert.equal(store.checkpointStats.bulk_run, 1, 'after one bulk pass');
        const walAfter = statSync(`${path}-wal`).size;
        // The WAL was fully checkpointed: the next appends write from its start, so the file does not grow.
        for (let k = 0; k < 5; k++) await store.appendJournal([entry(++seq)]);
        assert.equal(statSync(`${path}-wal`).size, walAfter, 'the WAL restarted');
        assert.equal((await store.readJournal(0, 1_000)).length, seq);
      } finally {
        await store.close();
      }
    });
  });
});
