// The SQLite store times its index writes (on the commit worker, or inline) and
// offers the recent cost per transfer row, by which the durable ledger cuts the
// writer's lag steps (issue #18; test/index_steps.test.ts checks the cut).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { IndexBatch } from '../src/store/types.js';

function batch(seq: number, n: number): IndexBatch {
  const transfers = Array.from({ length: n }, (_, k) => {
    const t = emptyTransfer(BigInt(seq * 1_000 + k));
    t.debit_account_id = 1n;
    t.credit_account_id = 2n;
    t.amount = 1n;
    t.timestamp = BigInt(seq * 1_000 + k);
    return t;
  });
  return { through_seq: seq, accounts: [emptyAccount(1n, 156, 1), emptyAccount(2n, 156, 1)], transfers, balances: [] };
}

for (const inline_commit of [false, true]) {
  test(`the store's index cost per row is measured from its index writes (${inline_commit ? 'inline' : 'worker'})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-index-cost-'));
    const store = new SqliteStore(join(dir, 's.db'), { inline_commit });
    try {
      await store.acquireWriter();
      assert.equal(store.indexRowCostMs(), null, 'nothing timed yet');
      for (let seq = 1; seq <= 5; seq++) await store.applyIndex(batch(seq, 200));
      assert.equal(await store.indexPosition(), 5);
      const cost = store.indexRowCostMs();
      assert.ok(cost !== null && cost > 0 && cost < 5, `cost per row ${cost} ms`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
