// Stores outlive releases: every store a release wrote (test/fixtures/stores, one
// per release, gzip'd SQLite) must open, verify and keep settling under this
// build; a store or journal entry written by a newer release is refused naming
// both versions; a snapshot in another release's state format is replayed past.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Database } from '../src/store/sqlite_driver.js';
import { Platform } from '../src/platform/platform.js';
import { PlatformStateMachine } from '../src/platform/state_machine.js';
import { openStore } from '../src/store/open.js';
import { MemoryStore } from '../src/store/memory.js';
import { STORE_FORMAT_CURRENT } from '../src/store/format.js';
import { OP_COMMAND, OP_COMMAND_VERSIONED, StoreError } from '../src/store/types.js';
import { buildCommandEntry } from '../src/journal/entry.js';
import { outputDigest } from '../src/journal/command.js';
import { LedgerError } from '../src/journal/durable_ledger.js';
import { decodeSnapshot, encodeSnapshot } from '../src/journal/snapshot.js';
import { makeBackend, postgresSkipReason } from './support/backends.js';
import { setupScheme, TestClock, BANKS, payment } from './support/platform.js';

const CURRENT_RULES = new PlatformStateMachine().rules_versions.current;
const FIXTURES = new URL('../../test/fixtures/stores/', import.meta.url);
const files = readdirSync(FIXTURES);
const fixtures = files.filter((f) => f.endsWith('.db.gz')).sort();
const heads = files.filter((f) => f.endsWith('.db.head.gz'));

/** Unpacks a fixture store, with its head file (`<name>.db.head.gz`, stores from releases that keep one) beside it. */
function unpack(name: string): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-upgrade-'));
  const path = join(dir, name.replace(/\.gz$/, ''));
  writeFileSync(path, gunzipSync(readFileSync(new URL(name, FIXTURES))));
  const head = name.replace(/\.db\.gz$/, '.db.head.gz');
  if (heads.includes(head)) writeFileSync(`${path}.head`, gunzipSync(readFileSync(new URL(head, FIXTURES))));
  return { dir, path };
}

/** A clock on a business day after every fixture's, moving 1 µs a reading. */
function laterDay(date: string): () => bigint {
  let now = BigInt(Date.parse(`${date}T08:00:00Z`)) * 1_000_000n;
  return () => (now += 1_000n);
}

test('there is a fixture store for every release so far', () => {
  assert.ok(fixtures.includes('fbfd236-demo.db.gz'), 'the store written by fbfd236 (first platform release)');
  assert.ok(fixtures.includes('fbfd236-demo-snapshot.db.gz'), "the same with a snapshot in that release's state format");
  assert.ok(fixtures.includes('749a0bc-demo-rules10.db.gz'), 'the store written by 749a0bc (rules 10, store format 2, the head file)');
  assert.ok(heads.includes('749a0bc-demo-rules10.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('749a0bc-demo-rules10-snapshot.db.gz'), 'the same with a snapshot written by that release');
  assert.ok(fixtures.includes('809266e-demo-rules11.db.gz'), 'the store written by 809266e (rules 11, the last before rules 12)');
  assert.ok(heads.includes('809266e-demo-rules11.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('5cb7ff0-demo-rules12.db.gz'), 'the store written by 5cb7ff0 (rules 12, the last before rules 13)');
  assert.ok(heads.includes('5cb7ff0-demo-rules12.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('22e71e8-demo-rules13.db.gz'), 'the store written by 22e71e8 (rules 13, the last before rules 14)');
  assert.ok(heads.includes('22e71e8-demo-rules13.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('023c17f-demo-rules14.db.gz'), 'the store written by 023c17f (rules 14, the last before rules 15)');
  assert.ok(heads.includes('023c17f-demo-rules14.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('76fc044-demo-rules15.db.gz'), 'the store written by 76fc044 (rules 15, the last before rules 16)');
  assert.ok(heads.includes('76fc044-demo-rules15.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('634bfce-demo-rules16.db.gz'), 'the store written by 634bfce (rules 16, the last before rules 17)');
  assert.ok(heads.includes('634bfce-demo-rules16.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('fdf447b-demo-rules17.db.gz'), 'the store written by fdf447b (rules 17, the last before rules 18)');
  assert.ok(heads.includes('fdf447b-demo-rules17.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('639a2fd-demo-rules18.db.gz'), 'the store written by 639a2fd (rules 18, the last before rules 19)');
  assert.ok(heads.includes('639a2fd-demo-rules18.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('f347c2e-demo-rules19.db.gz'), 'the store written by f347c2e (rules 19, the last before rules 20)');
  assert.ok(heads.includes('f347c2e-demo-rules19.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('64ed8e1-demo-rules20.db.gz'), 'the store written by 64ed8e1 (rules 20, the last before rules 21)');
  assert.ok(heads.includes('64ed8e1-demo-rules20.db.head.gz'), 'with its head file');
  assert.ok(fixtures.includes('b76ea09-demo-rules21.db.gz'), 'the store written by b76ea09 (rules 21, the last before rules 22)');
  assert.ok(heads.includes('b76ea09-demo-rules21.db.head.gz'), 'with its head file');
});

for (const name of fixtures) {
  test(`${name}: opens, verifies, settles new payments and verifies again under this build`, async () => {
    const { dir, path } = unpack(name);
    try {
      const before = new Database(path, { readonly: true });
      const legacy = before.prepare('SELECT count(*) FROM journal WHERE op = ?').pluck().get(OP_COMMAND) as number;
      const versioned = before.prepare('SELECT count(*) FROM journal WHERE op = ?').pluck().get(OP_COMMAND_VERSIONED) as number;
      const hashes = before.prepare('SELECT seq, hash FROM journal ORDER BY seq').all() as Array<{ seq: number; hash: Buffer }>;
      const format = Number(before.prepare(`SELECT value FROM meta WHERE key = 'format'`).pluck().get());
      before.close();
      assert.ok(legacy + versioned > 0, 'the fixture holds commands of the old release');
      assert.ok(format >= 1 && format <= STORE_FORMAT_CURRENT, `format ${format}`);
      if (name.startsWith('fbfd236-')) assert.equal(format, 1);
      // What the old release's commands replay under, counted by this build before anything is added.
      const old = await openStore(`sqlite:${path}`);
      let oldVersions: Record<string, number>;
      try {
        const report = await Platform.verify(old);
        assert.equal(report.ok, true, report.problem ?? '');
        oldVersions = report.rules_versions;
      } finally {
        await old.close();
      }
      if (name.startsWith('fbfd236-')) assert.deepEqual({ ...oldVersions }, { '1': legacy }, 'the first release journaled rules 1 only');
      if (name.startsWith('749a0bc-')) assert.deepEqual(Object.keys(oldVersions), ['10'], 'that release journaled rules 10');
      if (name.startsWith('809266e-')) assert.deepEqual(Object.keys(oldVersions), ['11'], 'that release journaled rules 11');
      if (name.startsWith('5cb7ff0-')) assert.deepEqual(Object.keys(oldVersions), ['12'], 'that release journaled rules 12');
      if (name.startsWith('22e71e8-')) assert.deepEqual(Object.keys(oldVersions), ['13'], 'that release journaled rules 13');
      if (name.startsWith('023c17f-')) assert.deepEqual(Object.keys(oldVersions), ['14'], 'that release journaled rules 14');
      if (name.startsWith('76fc044-')) assert.deepEqual(Object.keys(oldVersions), ['15'], 'that release journaled rules 15');
      if (name.startsWith('634bfce-')) assert.deepEqual(Object.keys(oldVersions), ['16'], 'that release journaled rules 16');
      if (name.startsWith('fdf447b-')) assert.deepEqual(Object.keys(oldVersions), ['17'], 'that release journaled rules 17');
      if (name.startsWith('639a2fd-')) assert.deepEqual(Object.keys(oldVersions), ['18'], 'that release journaled rules 18');
      if (name.startsWith('f347c2e-')) assert.deepEqual(Object.keys(oldVersions), ['19'], 'that release journaled rules 19');
      if (name.startsWith('64ed8e1-')) assert.deepEqual(Object.keys(oldVersions), ['20'], 'that release journaled rules 20');
      if (name.startsWith('b76ea09-')) assert.deepEqual(Object.keys(oldVersions), ['21'], 'that release journaled rules 21');

      const p = await Platform.open(`sqlite:${path}`, { clock: laterDay('2025-09-02') });
      try {
        const banks = p.participants().filter((x) => x.kind === 'bank' && x.currencies.includes('CNY'));
        assert.ok(banks.length >= 2, 'the demo scheme has CNY banks');
        const [a, b] = [banks[0]!, banks[1]!];
        await p.run({ type: 'open_day', date: '2025-09-02', default_cutoff: '17:00' });
        await p.run({ type: 'fund', participant: a.id, currency: 'CNY', amount: '1000.00' });
        const out = await p.execute({
          type: 'submit_payments',
          payments: [payment(a.id, b.id, 'CNY', '250.00'), payment(a.id, b.id, 'CNY', '5000000000000.00')],
        });
        const results = (out.result as { payments: Array<{ state: string }> }).payments;
        assert.equal(results[0]!.state, 'settled', 'a covered payment settles at once on the old store');
        assert.equal(results[1]!.state, 'queued', 'an uncovered one queues');
        await p.run({ type: 'close_day' });
      } finally {
        await p.close();
      }

      const store = await openStore(`sqlite:${path}`);
      try {
        assert.equal(await store.formatVersion(), STORE_FORMAT_CURRENT);
        const report = await Platform.verify(store);
        assert.equal(report.ok, true, report.problem ?? '');
        assert.equal(report.store_format, STORE_FORMAT_CURRENT);
        const expected = { ...oldVersions, [String(CURRENT_RULES)]: (oldVersions[String(CURRENT_RULES)] ?? 0) + 4 };
        assert.deepEqual(report.rules_versions, expected, 'the old commands replayed under the versions they recorded, the new ones under the current rules');
        const entries = await store.readJournal(0, 100_000);
        assert.equal(entries.filter((e) => e.op === OP_COMMAND).length, legacy, 'old entries are kept as they were');
        assert.equal(entries.filter((e) => e.op === OP_COMMAND_VERSIONED).length, versioned + 4, 'new commands record their rules version');
        for (const { seq, hash } of hashes) assert.ok(entries[seq - 1]!.hash.equals(hash), `journal entry ${seq} unchanged`);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a SQLite store of a newer format is refused naming both formats, and left untouched', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-upgrade-'));
  try {
    const path = join(dir, 'new.db');
    const store = await openStore(`sqlite:${path}`);
    await store.close();
    const db = new Database(path);
    db.prepare(`UPDATE meta SET value = '99' WHERE key = 'format'`).run();
    db.close();
    await assert.rejects(openStore(`sqlite:${path}`), (err: unknown) => {
      assert.ok(err instanceof StoreError);
      assert.equal(err.code, 'store_too_new');
      assert.match(err.message, /format 99/);
      assert.match(err.message, new RegExp(`formats 1 to ${STORE_FORMAT_CURRENT}`));
      return true;
    });
    const after = new Database(path, { readonly: true });
    assert.equal(after.prepare(`SELECT value FROM meta WHERE key = 'format'`).pluck().get(), '99');
    after.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a PostgreSQL store of a newer format is refused naming both formats', async (t) => {
  const skip = await postgresSkipReason();
  if (skip !== null) return t.skip(skip);
  const backend = makeBackend('postgres');
  try {
    const store = await backend.open();
    await store.close();
    const pg = (await import('pg')).default;
    const schema = new URL(backend.url!.replace(/^postgres:/, 'http:')).searchParams.get('schema')!;
    const client = new pg.Client({ connectionString: backend.url!.split('?')[0] });
    await client.connect();
    await client.query(`UPDATE "${schema}".meta SET value = '7' WHERE key = 'format'`);
    await client.end();
    await assert.rejects(
      backend.open(),
      (err: unknown) =>
        err instanceof StoreError && err.code === 'store_too_new' && /format 7/.test(err.message) && new RegExp(`to ${STORE_FORMAT_CURRENT}`).test(err.message),
    );
  } finally {
    await backend.cleanup();
  }
});

test('a journal entry from newer rules is refused on open and by verify, naming both versions', async () => {
  const store = new MemoryStore();
  const clock = new TestClock();
  const p = await Platform.open(store, { clock: clock.read });
  await setupScheme(p);
  await p.close();
  const head = (await store.journalHead())!;
  const command = Buffer.from(JSON.stringify({ type: 'fund', by: 'test', participant: BANKS[0], currency: 'CNY', amount: '1.00' }));
  const digest = outputDigest({ text: '{}' });
  const newer = CURRENT_RULES + 1;
  await store.appendJournal([buildCommandEntry(head.seq + 1, clock.read(), command, digest, newer, head.hash)]);
  await assert.rejects(Platform.open(store, { clock: clock.read }), (err: unknown) => {
    assert.ok(err instanceof LedgerError);
    assert.equal(err.code, 'rules_too_new');
    assert.match(err.message, new RegExp(`journal entry ${head.seq + 1}`));
    assert.match(err.message, new RegExp(`rules version ${newer}`));
    assert.match(err.message, new RegExp(`\\(1 to ${CURRENT_RULES}\\)`));
    return true;
  });
  const report = await Platform.verify(store);
  assert.equal(report.ok, false);
  assert.equal(report.first_bad_seq, head.seq + 1);
  assert.match(report.problem!, new RegExp(`rules version ${newer}`));
});

test("a snapshot in another release's state format is not used: the journal replays from its start", async () => {
  const { dir, path } = unpack('fbfd236-demo-snapshot.db.gz');
  try {
    const store = await openStore(`sqlite:${path}`);
    const snap = (await store.loadSnapshot())!;
    const state = decodeSnapshot(snap.body);
    const foreign = Buffer.from(`{"magic":"sco-settle platform state 0","x":1}\n`);
    await store.saveSnapshot({ seq: snap.seq, body: encodeSnapshot(state.seq, state.hash, state.machine, foreign) });
    const report = await Platform.verify(store);
    assert.equal(report.ok, true, report.problem ?? '');
    assert.ok(
      report.notes.some((n) => /another release's format/.test(n)),
      report.notes.join('; '),
    );
    await store.close();
    const progress: string[] = [];
    const p = await Platform.open(`sqlite:${path}`, { clock: laterDay('2025-09-02'), onProgress: (m) => progress.push(m) });
    try {
      assert.ok(
        progress.some((m) => /replaying the journal from its start/.test(m)),
        progress.join('; '),
      );
      assert.ok(p.participants().length > 20, 'the state was rebuilt by replay');
    } finally {
      await p.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every release fixture is named <commit>-<what>.db.gz', () => {
  for (const f of fixtures) assert.match(f, /^[0-9a-f]{7,40}-[a-z0-9-]+\.db\.gz$/);
});
