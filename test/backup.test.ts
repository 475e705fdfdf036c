// `sco-settle backup` and `restore` on a real SQLite file and the real PostgreSQL
// server: a store with participants, a business day, funding and payments is
// backed up while its writer keeps it open, restored into a new store, and the
// copy verifies and equals the original (every journal row, the head record, the
// documents and the platform's state digest). A backup never overwrites, a
// restore never replaces a store, and a damaged backup is refused.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Platform } from '../src/platform/platform.js';
import { openStore } from '../src/store/open.js';
import type { Store } from '../src/store/types.js';
import { makeBackend, postgresSkipReason } from './support/backends.js';
import { BANKS, CB, payment, setupScheme, TestClock, uetr } from './support/platform.js';

const BIN = resolve('bin/sco-settle.js');
const dir = mkdtempSync(join(tmpdir(), 'sco-settle-backup-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The CLI as a child process (async: the test's own writer stays open meanwhile). */
function cli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, SCO_SETTLE_STORE: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function fill(platform: Platform): Promise<void> {
  await setupScheme(platform);
  await platform.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1000.00' });
  await platform.run({ type: 'fund', participant: BANKS[2], currency: 'RUB', amount: '5000.00' });
  const payments = Array.from({ length: 40 }, (_, i) => payment(BANKS[0], BANKS[1], 'CNY', `${i + 1}.25`, { uetr: uetr() }));
  await platform.run({ type: 'submit_payments', payments });
}

/** Everything a store holds, as comparable text: every journal entry, the head record and the documents. */
async function contents(store: Store): Promise<{ journal: string[]; head: string; documents: string[] }> {
  const journal: string[] = [];
  for (let after_seq = 0; ; ) {
    const batch = await store.readJournal(after_seq, 500);
    if (batch.length === 0) break;
    for (const e of batch) journal.push(`${e.seq}:${e.op}:${e.clock_ns}:${e.body.toString('hex')}:${e.results.toString('hex')}:${e.hash.toString('hex')}`);
    after_seq = batch[batch.length - 1]!.seq;
  }
  const head = await store.recordedHead();
  const names = await store.listDocuments('');
  const documents: string[] = [];
  for (const n of names) documents.push(`${n}=${(await store.getDocument(n))?.toString('hex')}`);
  return { journal, head: head.state === 'recorded' ? `${head.seq}:${head.hash.toString('hex')}` : head.state, documents };
}

async function stateDigest(url: string): Promise<string> {
  const p = await Platform.open(url, { clock: new TestClock().read });
  try {
    return p.stateDigest();
  } finally {
    await p.close();
  }
}

async function snapshotOf(url: string): Promise<Awaited<ReturnType<typeof contents>>> {
  const store = await openStore(url);
  try {
    return await contents(store);
  } finally {
    await store.close();
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`backup and restore on ${kind}`, async () => {
    const skip = kind === 'postgres' ? await postgresSkipReason() : null;
    it('backup (live, the writer open) -> restore -> verify equals the original', { skip: skip ?? false }, async () => {
      const source = makeBackend(kind);
      const target = makeBackend(kind);
      const file = join(dir, `${kind}-backup`);
      try {
        const platform = await Platform.open(source.url!, { clock: new TestClock().read });
        await fill(platform);
        // The writer is still open: the backup is taken live.
        const b = await cli(['--store', source.url!, 'backup', '--to', file]);
        assert.equal(b.code, 0, b.stderr);
        const summary = JSON.parse(b.stdout) as { kind: string; journal_seq: number; verified: boolean };
        assert.equal(summary.kind, kind);
        assert.equal(summary.journal_seq, platform.journalHead().seq);
        await platform.close();
        if (kind === 'sqlite') assert.ok(existsSync(`${file}.head`), 'the copy has its head file');

        // A second backup to the same file is refused (exit 7), the first left as it was.
        const before = readFileSync(file);
        const again = await cli(['--store', source.url!, 'backup', '--to', file]);
        assert.equal(again.code, 7, again.stderr);
        assert.match(again.stderr, /backup_exists: .* a backup never overwrites a file/);
        assert.ok(readFileSync(file).equals(before));

        const r = await cli(['--store', target.url!, 'restore', '--from', file]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(JSON.parse(r.stdout).verified, true);
        const v = await cli(['--store', target.url!, 'verify', '--json']);
        assert.equal(v.code, 0, v.stderr);
        assert.equal(JSON.parse(v.stdout).ok, true);

        const original = await snapshotOf(source.url!);
        const restored = await snapshotOf(target.url!);
        assert.ok(original.journal.length > 10);
        assert.deepEqual(restored.journal, original.journal);
        assert.equal(restored.head, original.head);
        assert.deepEqual(restored.documents, original.documents);
        assert.equal(await stateDigest(target.url!), await stateDigest(source.url!));

        // A restore never replaces a store (exit 7).
        const over = await cli(['--store', target.url!, 'restore', '--from', file]);
        assert.equal(over.code, 7, over.stderr);
        assert.match(over.stderr, /store_exists: a store exists at .*restore never replaces one/);
      } finally {
        await source.cleanup();
        await target.cleanup();
      }
    });

    it('a damaged or foreign backup file is refused (exit 4) and leaves no store; a missing one is not found (exit 3)', { skip: skip ?? false }, async () => {
      const target = makeBackend(kind);
      try {
        const junk = join(dir, `${kind}-junk`);
        writeFileSync(junk, 'not a backup\n');
        const r = await cli(['--store', target.url!, 'restore', '--from', junk]);
        assert.equal(r.code, 4, r.stderr);
        assert.match(r.stderr, /not_a_backup: /);
        const missing = await cli(['--store', target.url!, 'restore', '--from', join(dir, 'nothing-here')]);
        assert.equal(missing.code, 3, missing.stderr);
        const list = await cli(['--store', target.url!, 'participants', 'list']);
        assert.equal(list.code, 3, 'the failed restore left no store behind');
      } finally {
        await target.cleanup();
      }
    });
  });
}

describe('a damaged PostgreSQL backup', async () => {
  const skip = await postgresSkipReason();
  it('one byte changed fails its checksum; nothing is restored', { skip: skip ?? false }, async () => {
    const source = makeBackend('postgres');
    const target = makeBackend('postgres');
    const file = join(dir, 'pg-damaged');
    try {
      const platform = await Platform.open(source.url!, { clock: new TestClock().read });
      await platform.run({ type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: 'PBOC', country: 'CN', currencies: ['CNY'] });
      await platform.close();
      assert.equal((await cli(['--store', source.url!, 'backup', '--to', file])).code, 0);
      // The header's journal position, one more: still well-formed JSON, but not what was written.
      const text = readFileSync(file, 'utf8');
      const damaged = text.replace(/"journal_seq":(\d+)/, (_m, n: string) => `"journal_seq":${Number(n) + 1}`);
      assert.notEqual(damaged, text);
      writeFileSync(file, damaged);
      const r = await cli(['--store', target.url!, 'restore', '--from', file]);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /checksum does not match/);
      assert.equal((await cli(['--store', target.url!, 'verify'])).code, 3, 'no store was created');
    } finally {
      await source.cleanup();
      await target.cleanup();
    }
  });
});
