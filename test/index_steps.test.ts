// The query index under steady load, and the SQLite checkpoints it triggers: what
// keeps the commit thread free for appends at a fixed request rate (issue #18).
// The durable ledger indexes, after each commit, only the entries that waited
// index_lag_max_ms (not the whole backlog behind them, which made one large
// write every half second); the SQLite store runs its checkpoints on their own
// thread, one at a time and at most one per CHECKPOINT_INTERVAL_MS.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { MemoryStore } from '../src/store/memory.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { CHECKPOINT_INTERVAL_MS, type Checkpointer } from '../src/store/sqlite_checkpointer.js';
import type { IndexBatch } from '../src/store/types.js';
import { DAY_START_NS } from './support/platform.js';

const LAG_MS = 40;

test('under steady load the index takes only the entries that waited index_lag_max_ms, not the younger ones behind them, a step at a time', async () => {
  let t = DAY_START_NS;
  const clock = (): bigint => (t += 1_000n);
  const store = new MemoryStore();
  // When each transfer's batch was acknowledged (after it joined the backlog), and how old each was when indexed.
  const acked = new Map<bigint, number>();
  const ages: number[] = [];
  let writes = 0;
  const apply = store.applyIndex.bind(store);
  store.applyIndex = async (batch: IndexBatch): Promise<void> => {
    writes++;
    const now = performance.now();
    for (const tr of batch.transfers) ages.push(now - (acked.get(tr.id) ?? now));
    return apply(batch);
  };
  // index_idle_ms far beyond the run: only the lag bound indexes.
  const ledger = await DurableLedger.open(store, { clock, index_idle_ms: 600_000, index_lag_max_ms: LAG_MS });
  try {
    await ledger.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
    for (let i = 0; i < 60; i++) {
      const id = BigInt(100 + i);
      const r = await ledger.createTransfers([{ ...emptyTransfer(id), debit_account_id: 1n, credit_account_id: 2n, amount: 5n, ledger: 156, code: 1 }]);
      assert.equal(r[0], 0);
      acked.set(id, performance.now());
      await new Promise((resolve) => setTimeout(resolve, 4));
    }
    assert.ok(ages.length >= 30, `indexed ${ages.length} transfers under load`);
    // Acknowledged a little after it joined the backlog: a margin of a few ms. The whole backlog taken at once indexes entries of 0-4 ms.
    const youngest = Math.min(...ages);
    assert.ok(youngest >= LAG_MS - 8, `a transfer was indexed ${youngest.toFixed(1)} ms after its commit (lag bound ${LAG_MS} ms)`);
    // Fewer than a step's worth come of age per commit: they wait until the oldest waited twice the lag (about 10 a write), not a write per commit.
    assert.ok(writes <= 20, `${writes} index writes for ${ages.length} transfers`);
  } finally {
    await ledger.close();
  }
});

function checkpointerOf(store: SqliteStore): Checkpointer | null {
  return (store as unknown as { checkpointer: Checkpointer | null }).checkpointer;
}

test('SQLite: checkpoints after index writes run on the checkpoint thread, at most one per interval, and reach the main file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-checkpoint-'));
  const path = join(dir, 'c.db');
  try {
    const store = new SqliteStore(path);
    const ledger = await DurableLedger.open(store, { clock: () => BigInt(Date.now()) * 1_000_000n, index_idle_ms: 20 });
    try {
      assert.ok(store.commitOnWorker);
      const size0 = statSync(path).size;
      await ledger.createAccounts(Array.from({ length: 2_000 }, (_, i) => emptyAccount(BigInt(i + 1), 156, 1, 0)));
      // The idle timer indexes; each index write asks for a checkpoint.
      const t0 = performance.now();
      await ledger.catchUpIndex();
      for (let i = 0; i < 20; i++) {
        await ledger.createAccounts([emptyAccount(BigInt(10_000 + i), 156, 1, 0)]);
        await ledger.catchUpIndex();
      }
      const elapsed = performance.now() - t0;
      const c = checkpointerOf(store);
      assert.ok(c?.running === true, 'the checkpoint thread runs');
      assert.ok(c.started >= 1, 'a checkpoint ran on it');
      // 21 index writes asked for one each: the interval lets at most one per CHECKPOINT_INTERVAL_MS through (and one in flight).
      assert.ok(c.started <= Math.ceil(elapsed / CHECKPOINT_INTERVAL_MS) + 1, `${c.started} checkpoints in ${elapsed.toFixed(0)} ms`);
      // wal_autocheckpoint is off on every connection: only a checkpoint writes pages into the main file.
      for (let i = 0; i < 50 && statSync(path).size <= size0; i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(statSync(path).size > size0, 'the main file grew: the WAL was checkpointed');
    } finally {
      await ledger.close();
    }
    assert.equal(checkpointerOf(store)?.running, false, 'closed with the store');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
