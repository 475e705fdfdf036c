// The SQLite store's checkpoints run on a thread of their own (issue #18): a
// PASSIVE checkpoint took 15 to 170 ms on the commit thread, and every append
// posted meanwhile waited for it. Here a checkpoint is held on its thread (a test
// option, as a slow disk would) while appends commit; none waits for it, none is
// lost after close and reopen, close waits for the checkpoint and leaves no
// checkpoint thread, and the WAL is checkpointed on close as before.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { IndexBatch, JournalEntry } from '../src/store/types.js';

const HOLD_MS = 1_500;

function entry(seq: number): JournalEntry {
  return {
    seq,
    op: 2,
    clock_ns: 1_700_000_000_000_000_000n + BigInt(seq),
    count: 1,
    body: randomBytes(128),
    results: Buffer.alloc(0),
    checksum: randomBytes(32),
    prev_hash: randomBytes(32),
    hash: randomBytes(32),
  };
}

function batch(seq: number): IndexBatch {
  const t = emptyTransfer(BigInt(seq));
  t.debit_account_id = 1n;
  t.credit_account_id = 2n;
  t.amount = 1n;
  t.timestamp = BigInt(seq);
  return { through_seq: seq, accounts: [emptyAccount(1n, 156, 1), emptyAccount(2n, 156, 1)], transfers: [t], balances: [] };
}

test('appends commit while a checkpoint holds its thread; close waits for it, ends the thread, and nothing is lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-ckpt-thread-'));
  const path = join(dir, 's.db');
  try {
    const store = new SqliteStore(path, { checkpoint_hold_ms: HOLD_MS });
    await store.acquireWriter();
    let closed = false;
    try {
      assert.equal(store.commitOnWorker, true);
      await store.appendJournal([entry(1)]);
      // The first index write requests a checkpoint (none ran yet): it is held on its thread for HOLD_MS.
      await store.applyIndex(batch(1));
      assert.equal(store.checkpointsRequested, 1);
      assert.equal(store.checkpointBusy, true, 'the checkpoint runs on its thread');
      const t0 = performance.now();
      for (let seq = 2; seq <= 41; seq++) await store.appendJournal([entry(seq)]);
      const appendsMs = performance.now() - t0;
      assert.equal(store.checkpointBusy, true, `40 appends in ${appendsMs.toFixed(0)} ms, while the checkpoint still ran`);
      assert.ok(appendsMs < HOLD_MS / 2, `40 appends took ${appendsMs.toFixed(0)} ms beside a checkpoint held ${HOLD_MS} ms`);
      // Index writes go on beside it too (they share the commit thread, not the checkpoint's).
      await store.applyIndex(batch(2));
      assert.equal(await store.indexPosition(), 2);
      const c0 = performance.now();
      await store.close();
      closed = true;
      assert.ok(performance.now() - c0 >= HOLD_MS / 4, 'close waited for the running checkpoint');
      assert.equal((store as unknown as { checkpointer: unknown }).checkpointer, null, 'no checkpoint thread left');
      assert.equal(store.checkpointBusy, false);
    } finally {
      if (!closed) await store.close();
    }
    // Checkpointed on close: the WAL is gone or empty.
    assert.ok(!existsSync(`${path}-wal`) || statSync(`${path}-wal`).size === 0, 'the WAL was checkpointed on close');
    const reopened = new SqliteStore(path);
    try {
      const rows = await reopened.readJournal(0, 100);
      assert.deepEqual(
        rows.map((r) => r.seq),
        Array.from({ length: 41 }, (_, i) => i + 1),
      );
      assert.equal((await reopened.journalHead())?.seq, 41);
      assert.equal(await reopened.indexPosition(), 2);
      assert.equal(await reopened.countTransfers(), 2);
    } finally {
      await reopened.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a checkpoint requested while one runs follows it (one at a time), and without the worker checkpoints stay on the main thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-ckpt-thread-'));
  try {
    const store = new SqliteStore(join(dir, 's.db'), { checkpoint_hold_ms: 300 });
    await store.acquireWriter();
    try {
      await store.applyIndex(batch(1));
      assert.equal(store.checkpointBusy, true);
      // Past the interval: a second checkpoint is requested while the first is held; it runs after it.
      (store as unknown as { lastCheckpointMs: number }).lastCheckpointMs = Number.NEGATIVE_INFINITY;
      await store.applyIndex(batch(2));
      assert.equal(store.checkpointsRequested, 2);
      const t0 = performance.now();
      while (store.checkpointBusy && performance.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 20));
      assert.ok(performance.now() - t0 >= 400, 'the second checkpoint ran after the first, on the same thread');
      assert.equal(store.checkpointBusy, false);
    } finally {
      await store.close();
    }
    const inline = new SqliteStore(join(dir, 'inline.db'), { inline_commit: true });
    await inline.acquireWriter();
    try {
      await inline.appendJournal([entry(1)]);
      await inline.applyIndex(batch(1));
      assert.equal(inline.checkpointsRequested, 1);
      assert.equal(inline.checkpointBusy, false, 'no checkpoint thread without the commit worker');
      assert.equal((inline as unknown as { checkpointer: unknown }).checkpointer, null);
    } finally {
      await inline.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
