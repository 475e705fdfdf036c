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
import type { IndexBatch } from '../src/store/types.js';

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
