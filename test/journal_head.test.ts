// The journal's head is anchored outside the journal (issue 20, defect 3): a store
// whose last journal rows were deleted, with the snapshot and query tables that
// would betray the cut, must fail `verify` (journal_truncated) and be refused by
// the ledger on open; a member's receipt (`verify --expect-head SEQ:HASH`) catches
// the cut even when the attacker also removed the head record. Real SQLite files
// and the real PostgreSQL server (a schema per test); old fixture stores without
// a head record still verify, saying so.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { Database } from '../src/store/sqlite_driver.js';
import pg from 'pg';
import { Platform } from '../src/platform/platform.js';
import { LedgerError } from '../src/journal/durable_ledger.js';
import { parsePostgresUrl } from '../src/store/postgres.js';
import { openStore } from '../src/store/open.js';
import { makeBackend, POSTGRES_URL, postgresSkipReason, type Backend } from './support/backends.js';
import { BANKS, payment, setupScheme, TestClock } from './support/platform.js';
import { startApi } from './support/api.js';

const pgSkip = await postgresSkipReason();
const BIN = fileURLToPath(new URL('../../bin/sco-settle.js', import.meta.url));
/** As in the issue: the attacker deletes the last 1,498 journal rows. */
const CUT = 1_498;
const COMMANDS = 1_520;

function cli(url: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.SCO_SETTLE_STORE;
  const r = spawnSync(process.execPath, [BIN, '--store', url, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A platform store with more than CUT journal entries; returns the receipt of the last write. */
async function buildStore(backend: Backend): Promise<{ receipt: string; entries: number }> {
  const p = await Platform.open(await backend.open(), { clock: new TestClock().read });
  try {
    await setupScheme(p);
    // Concurrent commands share group commits: each is still one journal entry.
    await Promise.all(Array.from({ length: COMMANDS }, () => p.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1.00' })));
    const h = p.journalHead();
    return { receipt: `${h.seq}:${h.head_hash}`, entries: h.seq };
  } finally {
    await p.close();
  }
}

/** SQL straight on the store's tables, as an attacker with the database would run it. */
async function attack(backend: Backend, statements: (t: (table: string) => string) => string[]): Promise<void> {
  if (backend.name === 'sqlite') {
    const db = new Database(backend.url!.slice('sqlite:'.length));
    try {
      for (const sql of statements((t) => t)) db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const { schema } = parsePostgresUrl(backend.url!);
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const sql of statements((t) => `"${schema}".${t}`)) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Deletes the journal's last `n` rows, the snapshot, the query tables and their position: a cut that leaves nothing behind in those tables. */
function cutTail(end: number, n: number): (t: (table: string) => string) => string[] {
  return (t) => [
    `DELETE FROM ${t('journal')} WHERE seq > ${end - n}`,
    `DELETE FROM ${t('snapshot')}`,
    `DELETE FROM ${t('accounts')}`,
    `DELETE FROM ${t('transfers')}`,
    `DELETE FROM ${t('account_balances')}`,
    `DELETE FROM ${t('meta')} WHERE key = 'index_seq'`,
  ];
}

async function verifyReport(backend: Backend, expect?: string) {
  const store = await backend.open();
  try {
    const { parseHead } = await import('../src/journal/verify.js');
    return await Platform.verify(store, undefined, expect === undefined ? {} : { expect_head: parseHead(expect)! });
  } finally {
    await store.close();
  }
}

for (const name of ['sqlite', 'postgres'] as const) {
  const skip = name === 'postgres' && pgSkip !== null ? pgSkip : false;
  describe(`a cut journal tail on ${name}`, { skip }, () => {
    it(`deleting the last ${CUT} journal rows with the snapshot and query tables fails verify (journal_truncated), in process, from the CLI and on open`, async () => {
      const backend = makeBackend(name);
      try {
        const { receipt, entries } = await buildStore(backend);
        assert.ok(entries > CUT + 10, `${entries} entries`);
        const before = cli(backend.url!, ['verify', '--expect-head', receipt]);
        assert.equal(before.code, 0, `the intact store verifies against its receipt: ${before.stderr}`);
        assert.match(before.stderr, new RegExp(`journal head: ${receipt}`));

        await attack(backend, cutTail(entries, CUT));
        const report = await verifyReport(backend);
        assert.equal(report.ok, false);
        assert.equal(report.code, 'journal_truncated');
        assert.equal(report.first_bad_seq, entries - CUT + 1);
        assert.equal(report.recorded_head, receipt);
        assert.match(
          report.problem!,
          new RegExp(`journal ends at entry ${entries - CUT} .*entry ${entries} .*entries ${entries - CUT + 1} to ${entries} are missing`),
        );

        const r = cli(backend.url!, ['verify']);
        assert.equal(r.code, 5, r.stdout + r.stderr); // verification failed
        assert.equal(r.stdout, '');
        assert.match(
          r.stderr,
          new RegExp(`^sco-settle: journal_truncated: .*journal entry ${entries - CUT + 1}: the journal ends at entry ${entries - CUT}`, 'm'),
        );
        const withReceipt = cli(backend.url!, ['verify', '--expect-head', receipt]);
        assert.equal(withReceipt.code, 5);
        assert.match(withReceipt.stderr, /^sco-settle: journal_truncated: .*the receipt given \(--expect-head\) is entry/m);
        assert.ok(withReceipt.stderr.includes(receipt), 'names the expected head');

        await assert.rejects(
          Platform.open(await backend.open(), { clock: new TestClock().read }),
          (err: unknown) =>
            err instanceof LedgerError && err.code === 'journal_truncated' && err.message.includes(`entries ${entries - CUT + 1} to ${entries} are missing`),
        );

        // An attacker who also removes the head record (and the store's note that it keeps one) is still caught by the receipt.
        await attack(backend, (t) => [`DELETE FROM ${t('meta')} WHERE key IN ('head_record', 'head_since')`]);
        if (backend.name === 'sqlite') unlinkSync(`${backend.url!.slice('sqlite:'.length)}.head`);
        else await attack(backend, (t) => [`DELETE FROM ${t('journal_head')}`]);
        const blind = await verifyReport(backend);
        assert.equal(blind.ok, true, 'without a head record the cut is not visible to verify alone');
        assert.equal(blind.head_record, 'not_recorded');
        assert.ok(blind.notes.some((n) => /head not recorded/.test(n)));
        const caught = await verifyReport(backend, receipt);
        assert.equal(caught.code, 'journal_truncated');
        assert.equal(caught.expected_head, receipt);
      } finally {
        await backend.cleanup();
      }
    });

    it('a receipt the journal does not hold is head_mismatch; a removed or altered head record is refused by verify and on open', async () => {
      const backend = makeBackend(name);
      try {
        const { receipt, entries } = await buildStore(backend);
        const [seq] = receipt.split(':');
        const forged = `${seq}:${'ab'.repeat(32)}`;
        const r = cli(backend.url!, ['verify', '--expect-head', forged]);
        assert.equal(r.code, 5);
        assert.match(r.stderr, new RegExp(`^sco-settle: head_mismatch: .*expected entry ${forged} .*found ${receipt}`, 'm'));
        const bad = cli(backend.url!, ['verify', '--expect-head', '12:xyz']);
        assert.equal(bad.code, 4); // invalid input
        assert.match(bad.stderr, /^sco-settle: invalid_input: --expect-head: expected SEQ:HASH/m);
        const earlier = await verifyReport(backend, `0:${'00'.repeat(32)}`);
        assert.equal(earlier.ok, true, 'the genesis head is reached by every journal');

        if (backend.name === 'sqlite') {
          const file = `${backend.url!.slice('sqlite:'.length)}.head`;
          const text = readFileSync(file, 'latin1');
          // A torn last record (a crash mid-write) is tolerated and noted.
          appendFileSync(file, `${entries + 1} 00ab`);
          const torn = await verifyReport(backend);
          assert.equal(torn.ok, true, torn.problem ?? '');
          assert.ok(torn.notes.some((n) => /torn last record/.test(n)));
          writeFileSync(
            file,
            text.replace(/\n(\d+) /, (_m, s: string) => `\n${Number(s) + 1} `),
            'latin1',
          );
          const altered = await verifyReport(backend);
          assert.equal(altered.code, 'head_record_corrupt', altered.problem ?? '');
          unlinkSync(file);
        } else {
          await attack(backend, (t) => [`UPDATE ${t('journal_head')} SET seq = seq + 1`]);
          assert.equal((await verifyReport(backend)).code, 'head_record_corrupt');
          await attack(backend, (t) => [`DELETE FROM ${t('journal_head')}`]);
        }
        const missing = await verifyReport(backend);
        assert.equal(missing.code, 'head_record_missing');
        const m = cli(backend.url!, ['verify']);
        assert.match(m.stderr, /^sco-settle: head_record_missing: .*the head record: /m);
        await assert.rejects(
          Platform.open(await backend.open(), { clock: new TestClock().read }),
          (err: unknown) => err instanceof LedgerError && err.code === 'head_record_missing',
        );
      } finally {
        await backend.cleanup();
      }
    });
  });
}

describe('stores from before head records', () => {
  it('the fixture stores verify without a head record, saying so, and record one from the first writer on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-head-'));
    try {
      const path = join(dir, 'demo.db');
      writeFileSync(path, gunzipSync(readFileSync(new URL('../../test/fixtures/stores/fbfd236-demo.db.gz', import.meta.url))));
      const store = await openStore(`sqlite:${path}`);
      const report = await Platform.verify(store);
      await store.close();
      assert.equal(report.ok, true, report.problem ?? '');
      assert.equal(report.head_record, 'not_recorded');
      assert.equal(report.recorded_head, null);
      assert.ok(report.notes.some((n) => /^head not recorded/.test(n)));
      const v = cli(`sqlite:${path}`, ['verify']);
      assert.equal(v.code, 0, v.stderr);
      assert.match(v.stderr, /note: head not recorded/);

      const p = await Platform.open(`sqlite:${path}`, { clock: new TestClock().read });
      const head = p.journalHead();
      await p.close();
      const again = await openStore(`sqlite:${path}`);
      const after = await Platform.verify(again);
      await again.close();
      assert.equal(after.ok, true, after.problem ?? '');
      assert.equal(after.head_record, 'recorded');
      assert.equal(after.recorded_head, `${head.seq}:${head.head_hash}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('receipts', () => {
  it('every API write answers with the Journal-Head it is durable at; reads do not', async () => {
    const fx = await startApi('sqlite');
    try {
      const res = await fx.request('POST', '/v1/payments', { user: 'bankA', body: payment(BANKS[0], BANKS[1], 'CNY', '5.00') });
      assert.ok(res.status < 300, JSON.stringify(res.body));
      const header = res.headers.get('journal-head');
      assert.match(header ?? '', /^\d+:[0-9a-f]{64}$/);
      const h = fx.platform.journalHead();
      assert.equal(header, `${h.seq}:${h.head_hash}`);
      const get = await fx.request('GET', '/v1/payments', { user: 'op' });
      assert.equal(get.headers.get('journal-head'), null);
      const report = await Platform.verify(Platform.internals(fx.platform).store, undefined, {
        expect_head: (await import('../src/journal/verify.js')).parseHead(header!)!,
      });
      assert.equal(report.ok, true, report.problem ?? '');
    } finally {
      await fx.close();
    }
  });
});
