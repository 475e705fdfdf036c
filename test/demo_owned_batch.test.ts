// The demo day hands each batch over to the platform (Platform.execute's `owned`,
// issue #18: no copy of every payment on the main thread): the state machine runs
// the day's own objects, and the store is the same, table for table, as a day whose
// batches are copied (owned forced off), which was the day before.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runDay } from '../src/demo/day.js';
import { demoScreen } from '../src/demo/screener.js';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import type { CommandGiven } from '../src/journal/command.js';
import { Platform } from '../src/platform/platform.js';
import { initStore } from '../src/platform/store_tools.js';

const Database = createRequire(import.meta.url)('better-sqlite3');

/** Row count and digest of every table, rows in the order of their first two columns (scripts/sqlite_table_digests.mjs). */
function tableDigests(file: string): string[] {
  const db = new Database(file, { readonly: true });
  db.defaultSafeIntegers(true);
  const cell = (v: unknown): unknown => (Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'bigint' ? v.toString() : v);
  const out: string[] = [];
  for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]) {
    const h = createHash('sha256');
    let n = 0;
    for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY 1, 2`).raw().iterate() as Iterable<unknown[]>) {
      h.update(`${JSON.stringify(row.map(cell))}\n`);
      n++;
    }
    out.push(`${name} ${n} ${h.digest('hex')}`);
  }
  db.close();
  return out;
}

test("a day's batches handed over journal and settle the same as copied ones, and the executor runs the day's own objects", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-owned-'));
  const execute = Platform.prototype.execute;
  const submit = DurableLedger.prototype.submitCommand;
  try {
    const digests: string[][] = [];
    for (const copied of [true, false]) {
      let batches = 0;
      let ran = 0;
      let payments: unknown = null;
      Platform.prototype.execute = function (input, by, owned) {
        if (input.type === 'submit_payments' && by === 'gateway') {
          batches++;
          payments = input.payments;
        } else payments = null;
        return execute.call(this, input, by, copied ? false : owned);
      };
      DurableLedger.prototype.submitCommand = function (command: Buffer, given?: CommandGiven) {
        if (payments !== null && (given?.value as { payments?: unknown } | undefined)?.payments === payments) ran++;
        return submit.call(this, command, given);
      };
      const file = join(dir, `day-${copied}.db`);
      await initStore(`sqlite:${file}`, 'demo');
      const run = await runDay({
        store: `sqlite:${file}`,
        seed: 3,
        banks: 20,
        payments: 800,
        dns_share: 1,
        screen: demoScreen(),
        workers: 1,
        onProgress: () => {},
      });
      await run.platform.close();
      assert.ok(batches > 10);
      // Copied: the executor runs a copy; handed over: every batch's own list (its objects are plain JSON data).
      assert.equal(ran, copied ? 0 : batches);
      digests.push(tableDigests(file));
    }
    assert.ok(digests[0]!.some((t) => t.startsWith('journal ')));
    assert.deepEqual(digests[1], digests[0]);
  } finally {
    Platform.prototype.execute = execute;
    DurableLedger.prototype.submitCommand = submit;
    rmSync(dir, { recursive: true, force: true });
  }
});
