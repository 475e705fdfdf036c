// Fault: the disk fills up in the middle of a load (issue 20, campaign item 2).
// The SQLite store lives on a real, small tmpfs mounted for the test (this needs
// root or CAP_SYS_ADMIN; without it the test is skipped, saying so), filled with a
// ballast file until little room is left. Payment batches are submitted until a
// journal write fails (SQLITE_FULL, or ENOSPC on the head record). Then: no batch
// was acknowledged that another connection could not already read; the ledger
// stopped (health not writable, /readyz 503 naming the failure, every later write
// refused with ledger_failed); after room is made (the tmpfs is grown) the store
// reopens with every acknowledged payment and `verify` passes.
//
// PostgreSQL is not filled: its disk is the machine's shared server's.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { LedgerError } from '../src/journal/durable_ledger.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { faultRow, journalReader, readiness, recover, runLoad, seededPlatform } from './support/faults.js';

const TMPFS_BYTES = 3 * 1024 * 1024;
/** Room left after the ballast: a few dozen batches. */
const ROOM_BYTES = 600 * 1024;

function mountSmall(dir: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `cannot mount a small tmpfs (needs root or CAP_SYS_ADMIN): ${(err as Error).message.split('\n')[0]}`;
  }
}

it('disk full mid-batch on SQLite: nothing unacknowledged is claimed, the ledger stops and says why, recovery keeps every acknowledged payment', {
  timeout: 60_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-fault-disk-'));
  const skip = mountSmall(dir);
  if (skip !== null) {
    rmSync(dir, { recursive: true, force: true });
    return t.skip(skip);
  }
  const path = join(dir, 'ledger.db');
  try {
    const p = await seededPlatform(new SqliteStore(path));
    const ready = await readiness(p);
    assert.equal((await ready.probe()).status, 200, 'ready before the fault');
    const reader = await journalReader(`sqlite:${path}`);
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    writeFileSync(join(dir, 'ballast'), Buffer.alloc(Math.max(0, free - ROOM_BYTES)));
    const load = await runLoad(p, reader, { batches: 400, per: 40, concurrency: 4 });
    await reader.close();
    assert.ok(load.first_error !== null, `the disk filled up (${load.batches_acked} batches acknowledged)`);
    assert.ok(load.batches_acked > 0, 'some batches went through before the disk filled');
    const err = load.first_error;
    assert.ok(err instanceof LedgerError && err.code === 'ledger_failed', `${err?.name} ${err?.code}: ${err?.message}`);
    assert.match(err.message, /full|ENOSPC|no space/i, 'the error names the full disk');

    const health = p.health();
    assert.equal(health.writable, false);
    const answer = await ready.probe();
    await ready.close();
    assert.equal(answer.status, 503);
    assert.equal(answer.body.code, 'unavailable');
    assert.match(answer.body.message!, /failed journal write .*(full|ENOSPC|no space)/i);
    await assert.rejects(
      p.run({ type: 'fund', participant: 'BKCHCNBJ', currency: 'CNY', amount: '1.00' }),
      (e: unknown) => (e as LedgerError).code === 'ledger_failed',
    );
    await p.close().catch(() => undefined);

    execFileSync('mount', ['-o', `remount,size=${8 * TMPFS_BYTES}`, dir]);
    const after = await recover(async () => new SqliteStore(path), load.acked);
    assert.equal(after.lost, 0, 'every acknowledged payment is in the store');
    assert.equal(after.verify, 'ok');
    faultRow(
      'disk full mid-batch (SQLite, 3 MiB tmpfs)',
      load.acked.length,
      after.lost,
      after.verify,
      `${after.durable_payments - load.acked.length} durable but unacknowledged; error ${err.code}: ${err.message.slice(0, 80)}`,
    );
  } finally {
    try {
      execFileSync('umount', [dir]);
    } catch {
      // already unmounted
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
