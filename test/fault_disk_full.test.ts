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
// On PostgreSQL the schema's tables are created in a tablespace of their own on
// such a tmpfs (the connection's default_tablespace), so the server's inserts hit
// a real ENOSPC ("could not extend file") while its WAL and every other database
// stay on their own disk; the tablespace is dropped and unmounted after.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pg from 'pg';
import { LedgerError } from '../src/journal/durable_ledger.js';
import { PostgresStore } from '../src/store/postgres.js';
import { SqliteStore } from '../src/store/sqlite.js';
import type { Platform } from '../src/platform/platform.js';
import { makeBackend, POSTGRES_URL, postgresSkipReason } from './support/backends.js';
import { cause, faultRow, journalReader, type LoadResult, type Readiness, readiness, recover, runLoad, seededPlatform } from './support/faults.js';

const pgSkip = await postgresSkipReason();

const TMPFS_BYTES = 3 * 1024 * 1024;
/** Room left after the ballast: a few dozen batches. */
const ROOM_BYTES = 600 * 1024;

function mountSmall(dir: string, owner = ''): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_BYTES}${owner}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `cannot mount a small tmpfs (needs root or CAP_SYS_ADMIN): ${(err as Error).message.split('\n')[0]}`;
  }
}

/** A ballast file takes all but ROOM_BYTES of the tmpfs. */
function fillUp(dir: string): void {
  const fs = statfsSync(dir);
  writeFileSync(join(dir, 'ballast'), Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - ROOM_BYTES)));
}

/** The ledger stopped and says why: the batch's error, health, /readyz, and every later write. */
async function assertStopped(p: Platform, ready: Readiness, load: LoadResult, why: RegExp): Promise<LedgerError> {
  assert.ok(load.first_error !== null, `the disk filled up (${load.batches_acked} batches acknowledged)`);
  assert.ok(load.batches_acked > 0, 'some batches went through before the disk filled');
  const err = load.first_error;
  assert.ok(err instanceof LedgerError && err.code === 'ledger_failed', `${err?.name} ${err?.code}: ${err?.message}`);
  assert.match(err.message, why, 'the error names the full disk');
  assert.equal(p.health().writable, false);
  const answer = await ready.probe();
  await ready.close();
  assert.equal(answer.status, 503);
  assert.equal(answer.body.code, 'unavailable');
  assert.match(answer.body.message!, /failed journal write/);
  assert.match(answer.body.message!, why);
  await assert.rejects(
    p.run({ type: 'fund', participant: 'BKCHCNBJ', currency: 'CNY', amount: '1.00' }),
    (e: unknown) => (e as LedgerError).code === 'ledger_failed',
  );
  return err;
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
    fillUp(dir);
    const load = await runLoad(p, reader, { batches: 400, per: 40, concurrency: 4 });
    await reader.close();
    const err = await assertStopped(p, ready, load, /full|ENOSPC|no space/i);
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
      `${after.durable_payments - load.acked.length} durable but unacknowledged; ${err.code}: ${cause(err)}`,
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

describe('disk full on PostgreSQL', { skip: pgSkip ?? false }, () => {
  it('a tablespace on a small tmpfs fills up mid-batch: the same guarantees', { timeout: 60_000 }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-fault-pgdisk-'));
    const skip = mountSmall(dir, ',uid=postgres,gid=postgres,mode=0700');
    if (skip !== null) {
      rmSync(dir, { recursive: true, force: true });
      return t.skip(skip);
    }
    const space = `sco_fault_${process.pid}_${Date.now().toString(36)}`;
    const backend = makeBackend('postgres');
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    let p: Platform | null = null;
    try {
      await admin.query(`CREATE TABLESPACE ${space} LOCATION '${dir}'`);
      // Only the store's connection creates its tables there.
      const url = `${backend.url!}&options=${encodeURIComponent(`-c default_tablespace=${space}`)}`;
      p = await seededPlatform(await PostgresStore.connect(url));
      const ready = await readiness(p);
      const reader = await journalReader(backend.url!);
      fillUp(dir);
      const load = await runLoad(p, reader, { batches: 400, per: 40, concurrency: 4 });
      await reader.close();
      const err = await assertStopped(p, ready, load, /space|full/i);
      await p.close().catch(() => undefined);
      p = null;
      execFileSync('mount', ['-o', `remount,size=${8 * TMPFS_BYTES}`, dir]);
      const after = await recover(() => PostgresStore.connect(backend.url!), load.acked);
      assert.equal(after.lost, 0, 'every acknowledged payment is in the store');
      assert.equal(after.verify, 'ok');
      faultRow(
        'disk full mid-batch (PostgreSQL, tablespace on a 3 MiB tmpfs)',
        load.acked.length,
        after.lost,
        after.verify,
        `${after.durable_payments - load.acked.length} durable but unacknowledged; ${err.code}: ${cause(err)}`,
      );
    } finally {
      await p?.close().catch(() => undefined);
      await backend.cleanup().catch(() => undefined);
      await admin.query(`DROP TABLESPACE IF EXISTS ${space}`).catch(() => undefined);
      await admin.end();
      try {
        execFileSync('umount', [dir]);
      } catch {
        // already unmounted
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
