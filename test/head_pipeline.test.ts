// Head record pipelining (#18, stop 54): the SQLite commit worker writes an
// append's head record after its COMMIT, tells the main thread (`committed`), and
// answers only once an fdatasync begun after that line was written returned; the
// durable ledger hands over its next append at the note, so that COMMIT overlaps
// the head's fdatasync. What must hold: no append is answered before its head
// record is durable; head records are written in COMMIT order, each after its
// COMMIT; a failed head write or sync fails the append (and the later ones); the
// ledger answers callers in order and only after their own append resolved.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import { emptyAccount, emptyTransfer } from '../src/ledger/types.js';
import { SqliteStore } from '../src/store/sqlite.js';
import { HEAD_RECORD_CODE, HeadSync, type HeadFs, type WorkerReply } from '../src/store/sqlite_worker.js';
import type { AppendOptions, JournalEntry } from '../src/store/types.js';
import { randomEntry } from './support/journal_entries.js';

const DIST_SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** A file system whose fdatasyncs are held until the test lets them return; every call logged in order. */
function heldFs(): { fs: HeadFs; log: string[]; syncs: Array<(err: NodeJS.ErrnoException | null) => void> } {
  const log: string[] = [];
  const syncs: Array<(err: NodeJS.ErrnoException | null) => void> = [];
  const fs: HeadFs = {
    writeSync: (_fd, line) => log.push(`write ${line.trim()}`),
    fdatasync: (_fd, cb) => {
      log.push('sync begun');
      syncs.push((err) => {
        log.push(err === null ? 'sync returned' : 'sync failed');
        cb(err);
      });
    },
    fdatasyncSync: () => {
      log.push('sync (this thread)');
    },
  };
  return { fs, log, syncs };
}

function headSync(fs: HeadFs, log: string[]): HeadSync {
  return new HeadSync((r: WorkerReply) => log.push(r.ok ? `reply ${r.id}` : `reply ${r.id} failed ${r.code}`), fs);
}

describe('HeadSync: the worker answers an append only once its head record is durable', () => {
  it('a reply follows an fdatasync begun after its line was written; lines in order; one fdatasync in flight', () => {
    const { fs, log, syncs } = heldFs();
    const heads = headSync(fs, log);
    heads.push(1, { fd: 9, line: 'h1\n' });
    heads.push(2, { fd: 9, line: 'h2\n' });
    // The first fdatasync began before line 2 was written: it answers append 1 only.
    assert.deepEqual(log, ['write h1', 'sync begun', 'write h2']);
    assert.equal(syncs.length, 1, 'one fdatasync in flight');
    assert.ok(heads.busy);
    syncs[0]!(null);
    assert.deepEqual(log.slice(3), ['sync returned', 'reply 1', 'sync begun']);
    heads.push(3, { fd: 9, line: 'h3\n' });
    assert.equal(syncs.length, 2);
    syncs[1]!(null);
    assert.deepEqual(log.slice(6), ['write h3', 'sync returned', 'reply 2', 'sync begun']);
    assert.ok(heads.busy, 'busy while append 3 waits');
    syncs[2]!(null);
    assert.deepEqual(log.slice(10), ['sync returned', 'reply 3']);
    assert.equal(heads.busy, false);
  });

  it('flush (before an index write): the waiting records synced on this thread and answered; the pool sync in flight answers nothing more', () => {
    const { fs, log, syncs } = heldFs();
    const heads = headSync(fs, log);
    heads.push(1, { fd: 9, line: 'h1\n' });
    heads.push(2, { fd: 9, line: 'h2\n' });
    heads.flush();
    assert.deepEqual(log, ['write h1', 'sync begun', 'write h2', 'sync (this thread)', 'reply 1', 'reply 2']);
    syncs[0]!(null);
    assert.deepEqual(log.slice(6), ['sync returned']);
    assert.equal(heads.busy, false);
  });

  it('a failed fdatasync fails every waiting append, and later appends before their COMMIT', () => {
    const { fs, log, syncs } = heldFs();
    const heads = headSync(fs, log);
    heads.push(1, { fd: 9, line: 'h1\n' });
    heads.push(2, { fd: 9, line: 'h2\n' });
    syncs[0]!(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    assert.deepEqual(log.slice(3), ['sync failed', `reply 1 failed ${HEAD_RECORD_CODE}`, `reply 2 failed ${HEAD_RECORD_CODE}`]);
    assert.throws(
      () => heads.check(),
      (err: Error & { code?: string }) => err.code === HEAD_RECORD_CODE,
    );
    assert.throws(
      () => heads.push(3, { fd: 9, line: 'h3\n' }),
      (err: Error & { code?: string }) => err.code === HEAD_RECORD_CODE,
    );
    assert.ok(!log.includes('write h3'), 'nothing written after the failure');
    assert.equal(syncs.length, 1);
  });

  it('a failed write fails its append (thrown) and the waiting ones', () => {
    const { fs, log, syncs } = heldFs();
    let writes = 0;
    const failing: HeadFs = {
      ...fs,
      writeSync: (fd, line) => {
        if (++writes === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        return fs.writeSync(fd, line);
      },
    };
    const heads = headSync(failing, log);
    heads.push(1, { fd: 9, line: 'h1\n' });
    assert.throws(
      () => heads.push(2, { fd: 9, line: 'h2\n' }),
      (err: Error & { code?: string }) => err.code === HEAD_RECORD_CODE && /ENOSPC/.test(err.message),
    );
    assert.deepEqual(log, ['write h1', 'sync begun', `reply 1 failed ${HEAD_RECORD_CODE}`]);
    // The fdatasync that was in flight returning later answers nothing more.
    syncs[0]!(null);
    assert.deepEqual(log.slice(3), ['sync returned']);
  });

  it('inline (between an index write entries): no fdatasync on the pool; one on this thread answers them all before it returns', () => {
    const { fs, log, syncs } = heldFs();
    const heads = headSync(fs, log);
    heads.inline(() => {
      heads.push(1, { fd: 9, line: 'h1\n' });
      heads.push(2, { fd: 9, line: 'h2\n' });
    });
    assert.deepEqual(log, ['write h1', 'write h2', 'sync (this thread)', 'reply 1', 'reply 2']);
    assert.equal(syncs.length, 0);
    assert.equal(heads.busy, false);
  });
});

function entry(seq: number): JournalEntry {
  return randomEntry(seq, { body_bytes: 200 });
}

describe('the SQLite store with its commit worker', () => {
  it('tells `committed` before it answers, for every append, in order; the head file reads back in order, cut to its last record meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-head-pipeline-'));
    try {
      const path = join(dir, 'p.db');
      // About 8 records a file: cut (rewritten) several times while appends are pipelined.
      const store = new SqliteStore(path, { head_file_bytes_max: 1500 });
      await store.acquireWriter();
      const log: string[] = [];
      // As the durable ledger does: the next append is posted at the note of the one before it.
      const next = (seq: number): Promise<void> => {
        let after: Promise<void> = Promise.resolve();
        const done = store
          .appendJournal([entry(seq)], {
            committed: () => {
              log.push(`committed ${seq}`);
              if (seq < 60) after = next(seq + 1);
            },
          })
          .then(() => {
            log.push(`answered ${seq}`);
          });
        return done.then(async () => {
          await after;
        });
      };
      await next(1);
      for (let seq = 1; seq <= 60; seq++) {
        assert.ok(log.indexOf(`committed ${seq}`) >= 0 && log.indexOf(`committed ${seq}`) < log.indexOf(`answered ${seq}`), `append ${seq}: ${log.join(', ')}`);
        if (seq > 1) assert.ok(log.indexOf(`answered ${seq - 1}`) < log.indexOf(`answered ${seq}`), `answers in order at ${seq}`);
      }
      // Pipelined at least once: an append committed before the one before it was answered.
      assert.ok(
        Array.from({ length: 59 }, (_, i) => i + 1).some((s) => log.indexOf(`committed ${s + 1}`) < log.indexOf(`answered ${s}`)),
        log.join(', '),
      );
      await store.close();
      assert.ok(statSync(`${path}.head`).size < 3000, `the head file was cut: ${statSync(`${path}.head`).size} bytes`);
      const again = new SqliteStore(path);
      try {
        const head = await again.recordedHead();
        assert.equal(head.state, 'recorded', JSON.stringify(head));
        assert.equal(head.state === 'recorded' ? head.seq : -1, 60);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('appends one at a time (no head record in flight at each): the head file is cut again and again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-head-pipeline-cut-'));
    try {
      const path = join(dir, 'c.db');
      const store = new SqliteStore(path, { head_file_bytes_max: 1500 });
      await store.acquireWriter();
      for (let seq = 1; seq <= 40; seq++) await store.appendJournal([entry(seq)]);
      await store.close();
      assert.ok(statSync(`${path}.head`).size < 3000, `the head file was cut: ${statSync(`${path}.head`).size} bytes`);
      const again = new SqliteStore(path);
      try {
        const head = await again.recordedHead();
        assert.equal(head.state === 'recorded' ? head.seq : -1, 40, JSON.stringify(head));
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('killed at random points: every answered seq is at or below the head record, which is at or below the journal head', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-head-pipeline-kill-'));
    try {
      for (let round = 0; round < 4; round++) {
        const path = join(dir, `k${round}.db`);
        const script = `
          const { SqliteStore } = await import(${JSON.stringify(join(DIST_SRC, 'store/sqlite.js'))});
          const { randomBytes } = await import('node:crypto');
          const store = new SqliteStore(${JSON.stringify(path)});
          await store.acquireWriter();
          const entry = (seq) => ({ seq, op: 2, clock_ns: 1n + BigInt(seq), count: 1, body: randomBytes(200), results: Buffer.alloc(0), checksum: randomBytes(32), prev_hash: randomBytes(32), hash: randomBytes(32) });
          const next = (seq) => store.appendJournal([entry(seq)], { committed: () => void next(seq + 1) }).then(() => process.stdout.write('ACK ' + seq + '\\n'));
          next(1);
        `;
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        const killAfter = 20 + Math.floor(Math.random() * 200);
        await new Promise<void>((resolve) => {
          child.stdout.on('data', (b: Buffer) => {
            out += b.toString();
            if (out.split('\n').length > killAfter) child.kill('SIGKILL');
          });
          child.on('exit', () => resolve());
        });
        const acked = out
          .split('\n')
          .filter((l) => l.startsWith('ACK '))
          .map((l) => Number(l.slice(4)));
        assert.ok(acked.length >= killAfter - 1, `${acked.length} answers before the kill`);
        const store = new SqliteStore(path);
        try {
          const head = await store.recordedHead();
          const journal = await store.journalHead();
          assert.equal(head.state, 'recorded', JSON.stringify(head));
          const headSeq = head.state === 'recorded' ? head.seq : -1;
          assert.ok(Math.max(...acked) <= headSeq, `answered ${Math.max(...acked)}, head record ${headSeq}`);
          assert.ok(headSeq <= (journal?.seq ?? 0), `head record ${headSeq} leads the journal ${journal?.seq}`);
        } finally {
          await store.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the durable ledger over a store that tells `committed`', () => {
  /** A SQLite store whose appends start `delayMs` late and resolve `delayMs` after they would; `fail`: the n-th append rejects after its note (a head write that failed). */
  async function ledgerOver(dir: string, delayMs: number, fail?: number) {
    const store = new SqliteStore(join(dir, 'l.db'));
    const log: string[] = [];
    const append = store.appendJournal.bind(store);
    let n = 0;
    let resolvedEvents = 0;
    store.appendJournal = (entries: readonly JournalEntry[], options?: AppendOptions): Promise<void> => {
      const k = ++n;
      log.push(`append ${k}`);
      // Slow before the note too, so requests are queued when it comes (the ledger hands over what is queued then).
      return new Promise<void>((r) => setTimeout(r, delayMs))
        .then(() => append(entries, options))
        .then(() => new Promise<void>((r) => setTimeout(r, delayMs)))
        .then(() => {
          if (k === fail) {
            log.push(`failed ${k}`);
            throw new Error('the head record could not be written (planted)');
          }
          log.push(`resolved ${k}`);
          resolvedEvents += entries.length;
        });
    };
    let t = 1n;
    const ledger = await DurableLedger.open(store, { clock: () => (t += 1000n), index_idle_ms: 600_000, snapshot_min_events: 1e9 });
    await ledger.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
    return { ledger, log, resolved: () => resolvedEvents };
  }

  it('hands over the next append at the note, and answers a caller only after its own append resolved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-head-pipeline-ledger-'));
    try {
      const { ledger, log, resolved } = await ledgerOver(dir, 20);
      const base = resolved();
      let answered = 0;
      let id = 100n;
      const pay = async (): Promise<void> => {
        await ledger.createTransfers([{ ...emptyTransfer(id++), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 }]);
        answered++;
        // One journal entry a request: no more callers answered than entries whose append resolved.
        assert.ok(answered <= resolved() - base, `${answered} answered, ${resolved() - base} entries resolved`);
      };
      const work: Promise<void>[] = [];
      for (let i = 0; i < 12; i++) {
        work.push(pay());
        await new Promise((r) => setTimeout(r, 6));
      }
      await Promise.all(work);
      await ledger.close();
      // Some append began while the one before it had not resolved yet.
      const overlapped = log.some((l, i) => {
        if (!l.startsWith('append ')) return false;
        const k = Number(l.slice(7));
        return k > 1 && !log.slice(0, i).includes(`resolved ${k - 1}`);
      });
      assert.ok(overlapped, log.join(', '));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an append that fails after its note fails its callers and those of the append handed over after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-head-pipeline-ledger-'));
    try {
      // Append 1 is the accounts'; the third fails, after its note, with the fourth handed over.
      const { ledger, log } = await ledgerOver(dir, 20, 3);
      let id = 100n;
      const outcomes: string[] = [];
      const work: Promise<void>[] = [];
      for (let i = 0; i < 12; i++) {
        work.push(
          ledger.createTransfers([{ ...emptyTransfer(id++), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 }]).then(
            () => void outcomes.push(`ok ${i}`),
            () => void outcomes.push(`failed ${i}`),
          ),
        );
        await new Promise((r) => setTimeout(r, 6));
      }
      await Promise.all(work);
      const firstFailed = outcomes.findIndex((o) => o.startsWith('failed'));
      assert.ok(firstFailed >= 0, outcomes.join(', '));
      // Nothing answered after the failure, though the append handed over after it went on.
      assert.ok(
        outcomes.slice(firstFailed).every((o) => o.startsWith('failed')),
        `${outcomes.join(', ')} / ${log.join(', ')}`,
      );
      assert.ok(
        log.includes('append 4') && log.indexOf('append 4') < log.indexOf('failed 3'),
        `the next append was handed over before the failure: ${log.join(', ')}`,
      );
      assert.ok(!outcomes.includes('ok 11'));
      await ledger.close().catch(() => undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
