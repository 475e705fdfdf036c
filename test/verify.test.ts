// `verifyStore` and `sco-settle verify` on stores built legitimately and on stores
// tampered with behind the ledger's back (SQL run directly on the SQLite file with
// better-sqlite3, and on the PostgreSQL schema with pg). Every tampering must make
// verify fail naming the right journal entry, the CLI exit non-zero with one line
// naming it, and (for the journal) DurableLedger.open refuse with journal_corrupt.

import { STORE_FORMAT_CURRENT } from '../src/store/format.js';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Database } from '../src/store/sqlite_driver.js';
import pg from 'pg';
import { Prng } from '../src/sim/prng.js';
import { DurableLedger, LedgerError } from '../src/journal/durable_ledger.js';
import { buildEntry, decodeEvents, decodeResults, opName } from '../src/journal/entry.js';
import { verifyStore, type VerifyReport } from '../src/journal/verify.js';
import { u128Key } from '../src/ledger/codec.js';
import { AccountFlags, emptyAccount, emptyTransfer, RESULT_CODES, RESULT_NUMBER, TransferFlags, type Account, type Transfer } from '../src/ledger/types.js';
import { parsePostgresUrl } from '../src/store/postgres.js';
import { makeBackend, POSTGRES_URL, postgresSkipReason, type Backend } from './support/backends.js';

const pgSkip = await postgresSkipReason();
const BIN = fileURLToPath(new URL('../../bin/sco-settle.js', import.meta.url));
const S = 1_000_000_000n;

// ---- helpers ------------------------------------------------------------------------------

function fakeClock(start = 1_700_000_000n * S, step = 1_000_000n): { now: () => bigint; advance: (ns: bigint) => void } {
  let t = start;
  return {
    now: () => (t += step),
    advance: (ns) => {
      t += ns;
    },
  };
}

function acct(id: number, flags = 0, ledger = 156): Account {
  return emptyAccount(BigInt(id), ledger, 1, flags);
}

function xfer(id: number, dr: number, cr: number, amount: bigint, extra: Partial<Transfer> = {}): Transfer {
  return { ...emptyTransfer(BigInt(id)), debit_account_id: BigInt(dr), credit_account_id: BigInt(cr), amount, ledger: 156, code: 1, ...extra };
}

function resolve(id: number, pendingId: number, flag: number, amount = 0n): Transfer {
  return { ...emptyTransfer(BigInt(id)), pending_id: BigInt(pendingId), flags: flag, amount };
}

function codes(results: Uint8Array): string[] {
  return [...results].map((r) => RESULT_CODES[r]!);
}

function cliVerify(url: string, json = false): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.SCO_SETTLE_STORE;
  delete env.SCO_SETTLE_DEBUG;
  const r = spawnSync(process.execPath, [BIN, '--store', url, 'verify', ...(json ? ['--json'] : [])], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cli(url: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env };
  delete env.SCO_SETTLE_STORE;
  const r = spawnSync(process.execPath, [BIN, '--store', url, ...args], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Direct SQL on a backend's tables, bypassing the store. Placeholders are $1, $2, … in order. */
interface Raw {
  t(table: string): string;
  q(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

async function rawFor(backend: Backend): Promise<Raw> {
  if (backend.name === 'sqlite') {
    const db = new Database(backend.url!.slice('sqlite:'.length));
    return {
      t: (table) => table,
      q: async (sql, params = []) => {
        const stmt = db.prepare(sql.replace(/\$\d+/g, '?'));
        if (stmt.reader) return stmt.all(...params) as Array<Record<string, unknown>>;
        stmt.run(...params);
        return [];
      },
      close: async () => {
        db.close();
      },
    };
  }
  const { schema } = parsePostgresUrl(backend.url!);
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  return {
    t: (table) => `"${schema}".${table}`,
    q: async (sql, params = []) => (await client.query(sql, params)).rows as Array<Record<string, unknown>>,
    close: async () => {
      await client.end();
    },
  };
}

async function withRaw<T>(backend: Backend, fn: (raw: Raw) => Promise<T>): Promise<T> {
  const raw = await rawFor(backend);
  try {
    return await fn(raw);
  } finally {
    await raw.close();
  }
}

async function blob(raw: Raw, table: string, column: string, where: string, value: unknown): Promise<Buffer> {
  const rows = await raw.q(`SELECT ${column} AS v FROM ${raw.t(table)} WHERE ${where} = $1`, [value]);
  assert.equal(rows.length, 1, `one ${table} row where ${where} = ${String(value)}`);
  return Buffer.from(rows[0]!.v as Buffer);
}

function flipByte(buf: Buffer, at: number): Buffer {
  const copy = Buffer.from(buf);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

async function verifyOn(backend: Backend): Promise<VerifyReport> {
  const store = await backend.open();
  try {
    return await verifyStore(store);
  } finally {
    await store.close();
  }
}

/** The CLI refuses the store with one line naming `where` (and nothing else but progress on stderr). */
function assertCliFails(url: string, where: string, problem: RegExp): void {
  const r = cliVerify(url);
  assert.equal(r.code, 5, `verify exits 5 (verification failed)\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const all = r.stderr.split('\n').filter((l) => l.length > 0);
  const errors = all.filter((l) => !/^verified journal to entry \d+ \(\d+ events\)$/.test(l));
  assert.equal(errors.length, 1, `one line on stderr besides progress:\n${r.stderr}`);
  const line = errors[0]!;
  assert.match(line, /^sco-settle: verify_failed: /);
  assert.ok(line.includes(`: ${where}: `), `names ${where}: ${line}`);
  assert.match(line, problem);
}

async function assertOpenRefuses(backend: Backend, message: RegExp): Promise<void> {
  const store = await backend.open();
  try {
    await assert.rejects(DurableLedger.open(store, { clock: fakeClock().now }), (err: unknown) => {
      assert.ok(err instanceof LedgerError, `a LedgerError, got ${String(err)}`);
      assert.equal(err.code, 'journal_corrupt');
      assert.match(err.message, message);
      return true;
    });
  } finally {
    await store.close();
  }
}

// ---- a small store with six journal entries ------------------------------------------------

interface Built {
  entries: number;
  events: number;
  accounts: number;
  transfers: number;
}

/**
 * Journal entries: 1 accounts; 2 funding; 3 linked chains (one failing), pending transfers;
 * 4 post, void, balancing; 5 the expiry of transfer 115 (a pulse); 6 more transfers.
 * With `snapshotAt4`, a snapshot is written after entry 4.
 */
async function buildSmall(backend: Backend, snapshotAt4 = false): Promise<Built> {
  const clock = fakeClock();
  const ledger = await DurableLedger.open(await backend.open(), { clock: clock.now, index_idle_ms: 5, snapshot_min_events: 1_000_000 });
  const built: Built = { entries: 0, events: 0, accounts: 0, transfers: 0 };
  const count = (results: Uint8Array, isTransfers: boolean): string[] => {
    built.entries++;
    built.events += results.length;
    const ok = results.filter((r) => r === 0).length;
    if (isTransfers) built.transfers += ok;
    else built.accounts += ok;
    return codes(results);
  };
  try {
    assert.deepEqual(
      count(
        await ledger.createAccounts([
          acct(1, AccountFlags.history),
          acct(2, AccountFlags.debits_must_not_exceed_credits),
          acct(3),
          acct(4, AccountFlags.credits_must_not_exceed_debits),
          acct(5),
          acct(6, 0, 840),
          acct(7, 0, 840),
        ]),
        false,
      ),
      ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'],
    );
    assert.deepEqual(count(await ledger.createTransfers([xfer(100, 1, 2, 1000n), xfer(101, 4, 3, 300n), xfer(102, 3, 4, 200n)]), true), ['ok', 'ok', 'ok']);
    assert.deepEqual(
      count(
        await ledger.createTransfers([
          xfer(110, 2, 5, 100n, { flags: TransferFlags.linked }),
          xfer(111, 5, 1, 50n),
          xfer(112, 2, 5, 700n, { flags: TransferFlags.linked }),
          xfer(113, 2, 5, 201n), // 100 + 700 + 201 > 1000
          xfer(114, 6, 7, 77n, { ledger: 840 }),
          xfer(115, 1, 3, 60n, { flags: TransferFlags.pending, timeout: 1 }),
          xfer(116, 3, 1, 40n, { flags: TransferFlags.pending }),
          xfer(120, 5, 3, 10n, { flags: TransferFlags.pending }),
        ]),
        true,
      ),
      ['ok', 'ok', 'linked_event_failed', 'exceeds_credits', 'ok', 'ok', 'ok', 'ok'],
    );
    assert.deepEqual(
      count(
        await ledger.createTransfers([
          resolve(117, 116, TransferFlags.post_pending_transfer, 30n),
          resolve(118, 120, TransferFlags.void_pending_transfer),
          xfer(121, 2, 3, 1_000_000n, { flags: TransferFlags.balancing_debit }), // capped at 2's 900 available
        ]),
        true,
      ),
      ['ok', 'ok', 'ok'],
    );
    if (snapshotAt4) await ledger.snapshot();
    clock.advance(2n * S);
    await ledger.pulse(); // expires 115
    built.entries++;
    assert.equal(ledger.journal_seq, 5);
    assert.deepEqual(count(await ledger.createTransfers([xfer(130, 1, 3, 5n), resolve(131, 115, TransferFlags.post_pending_transfer)]), true), [
      'ok',
      'pending_transfer_expired',
    ]);
    const [two] = await ledger.lookupAccounts([2n]);
    assert.equal(two!.debits_posted, 1000n);
  } finally {
    await ledger.close();
  }
  return built;
}

// ---- tamperings --------------------------------------------------------------------------

interface Tampering {
  name: string;
  snapshot?: boolean;
  tamper(raw: Raw): Promise<void>;
  /** What verify must name: a journal entry, or null for the query index. */
  first_bad_seq: number | null;
  problem: RegExp;
  /** What DurableLedger.open must say, when the tampering is in the journal it replays. */
  open?: RegExp;
}

const TAMPERINGS: Tampering[] = [
  {
    name: "one byte of entry 3's body flipped",
    tamper: async (raw) => {
      const body = await blob(raw, 'journal', 'body', 'seq', 3);
      await raw.q(`UPDATE ${raw.t('journal')} SET body = $1 WHERE seq = $2`, [flipByte(body, 128 + 48), 3]); // event 2's amount
    },
    first_bad_seq: 3,
    problem: /checksum mismatch/,
    open: /journal entry 3: checksum mismatch/,
  },
  {
    name: "entry 3's results altered",
    tamper: async (raw) => {
      const results = await blob(raw, 'journal', 'results', 'seq', 3);
      assert.ok(results.length > 0, 'entry 3 recorded failures');
      const altered = Buffer.from(results);
      altered[4] = RESULT_NUMBER.exceeds_debits; // the first failure's code, still a valid code
      await raw.q(`UPDATE ${raw.t('journal')} SET results = $1 WHERE seq = $2`, [altered, 3]);
    },
    first_bad_seq: 3,
    problem: /checksum mismatch/,
    open: /journal entry 3: checksum mismatch/,
  },
  {
    name: 'prev_hash of entries 3 and 4 swapped',
    tamper: async (raw) => {
      const p3 = await blob(raw, 'journal', 'prev_hash', 'seq', 3);
      const p4 = await blob(raw, 'journal', 'prev_hash', 'seq', 4);
      await raw.q(`UPDATE ${raw.t('journal')} SET prev_hash = $1 WHERE seq = $2`, [p4, 3]);
      await raw.q(`UPDATE ${raw.t('journal')} SET prev_hash = $1 WHERE seq = $2`, [p3, 4]);
    },
    first_bad_seq: 3,
    problem: /hash chain broken: prev_hash/,
    open: /journal entry 3: hash chain broken/,
  },
  {
    name: 'entry 3 deleted',
    tamper: async (raw) => {
      await raw.q(`DELETE FROM ${raw.t('journal')} WHERE seq = $1`, [3]);
    },
    first_bad_seq: 3,
    problem: /expected journal entry 3, found 4/,
    open: /expected journal entry 3, found 4/,
  },
  {
    name: "the snapshot's body altered",
    snapshot: true,
    tamper: async (raw) => {
      const rows = await raw.q(`SELECT part, seq, body FROM ${raw.t('snapshot')} ORDER BY part`);
      assert.equal(rows.length, 1);
      assert.equal(Number(rows[0]!.seq), 4);
      const body = Buffer.from(rows[0]!.body as Buffer);
      await raw.q(`UPDATE ${raw.t('snapshot')} SET body = $1 WHERE part = $2`, [flipByte(body, body.length >> 1), 0]);
    },
    first_bad_seq: 4,
    problem: /snapshot at entry 4 differs/,
  },
  {
    name: 'an indexed account record altered after the index caught up',
    tamper: async (raw) => {
      const key = u128Key(2n);
      const record = await blob(raw, 'accounts', 'record', 'id', key);
      const altered = Buffer.from(record);
      altered.writeBigUInt64LE(altered.readBigUInt64LE(64) + 1n, 64); // credits_posted + 1
      await raw.q(`UPDATE ${raw.t('accounts')} SET record = $1 WHERE id = $2`, [altered, key]);
    },
    first_bad_seq: null,
    problem: /query index disagrees with the journal on account 2$/,
  },
];

/** Rewrites entry `seq` and every later one with correct checksums and chain, changing entry `seq`'s results. */
async function forgeResults(backend: Backend, raw: Raw, seq: number, change: (results: Uint8Array) => void): Promise<void> {
  const store = await backend.open();
  let entries: Awaited<ReturnType<typeof store.readJournal>>;
  try {
    entries = await store.readJournal(seq - 1, 1000);
  } finally {
    await store.close();
  }
  let prev = entries[0]!.prev_hash;
  for (const e of entries) {
    const results = decodeResults(e.results, e.count);
    if (e.seq === seq) change(results);
    const forged = buildEntry(e.seq, opName(e.op), e.clock_ns, decodeEvents(e), results, prev);
    await raw.q(`UPDATE ${raw.t('journal')} SET results = $1, checksum = $2, prev_hash = $3, hash = $4 WHERE seq = $5`, [
      forged.results,
      forged.checksum,
      forged.prev_hash,
      forged.hash,
      e.seq,
    ]);
    prev = forged.hash;
  }
}

// ---- the suites --------------------------------------------------------------------------

for (const name of ['sqlite', 'postgres'] as const) {
  const skip = name === 'postgres' && pgSkip !== null ? pgSkip : false;

  describe(`verify on ${name}`, { skip }, () => {
    it('a legitimately built store verifies ok, in process and from the CLI', async () => {
      for (const snapshot of [false, true]) {
        const backend = makeBackend(name);
        try {
          const built = await buildSmall(backend, snapshot);
          const report = await verifyOn(backend);
          assert.match(report.head, new RegExp(`^${built.entries}:[0-9a-f]{64}$`));
          assert.deepEqual(report, {
            ok: true,
            code: null,
            head: report.head,
            head_record: 'recorded',
            recorded_head: report.head,
            expected_head: null,
            entries: built.entries,
            events: built.events,
            accounts: built.accounts,
            transfers: built.transfers,
            snapshot_seq: snapshot ? 4 : null,
            index_seq: built.entries,
            first_bad_seq: null,
            problem: null,
            notes: [],
            store_format: STORE_FORMAT_CURRENT,
            rules_versions: {},
          });
          const r = cliVerify(backend.url!);
          assert.equal(r.code, 0, r.stderr);
          assert.match(
            r.stdout,
            new RegExp(`^ok: .*: ${built.entries} journal entries, ${built.events} events, ${built.accounts} accounts, ${built.transfers} transfers; `),
          );
          const j = cliVerify(backend.url!, true);
          assert.equal(j.code, 0, j.stderr);
          assert.deepEqual(JSON.parse(j.stdout), report);
        } finally {
          await backend.cleanup();
        }
      }
    });

    for (const t of TAMPERINGS) {
      it(`detects: ${t.name}`, async () => {
        const backend = makeBackend(name);
        try {
          await buildSmall(backend, t.snapshot === true);
          assert.equal((await verifyOn(backend)).ok, true, 'ok before tampering');
          await withRaw(backend, t.tamper);

          const report = await verifyOn(backend);
          assert.equal(report.ok, false);
          assert.equal(report.first_bad_seq, t.first_bad_seq, `first bad entry; problem: ${report.problem}`);
          assert.match(report.problem ?? '', t.problem);

          assertCliFails(backend.url!, t.first_bad_seq === null ? 'the query index' : `journal entry ${t.first_bad_seq}`, t.problem);
          const j = cliVerify(backend.url!, true);
          assert.equal(j.code, 5);
          assert.deepEqual(JSON.parse(j.stdout), report);

          if (t.open !== undefined) await assertOpenRefuses(backend, t.open);
        } finally {
          await backend.cleanup();
        }
      });
    }

    it('detects results forged with consistent checksums and hash chain (by replay)', async () => {
      const backend = makeBackend(name);
      try {
        await buildSmall(backend);
        await withRaw(backend, (raw) =>
          forgeResults(backend, raw, 3, (results) => {
            assert.equal(results[3], RESULT_NUMBER.exceeds_credits);
            results[3] = RESULT_NUMBER.exceeds_debits;
          }),
        );
        const report = await verifyOn(backend);
        assert.equal(report.ok, false);
        assert.equal(report.first_bad_seq, 3);
        assert.match(
          report.problem!,
          new RegExp(`^event 3: replay gives result ${RESULT_NUMBER.exceeds_credits}, journal recorded ${RESULT_NUMBER.exceeds_debits}$`),
        );
        assertCliFails(backend.url!, 'journal entry 3', /replay gives result/);
        await assertOpenRefuses(backend, /journal entry 3: replay gave different results/);
      } finally {
        await backend.cleanup();
      }
    });

    it('the ledger commands refuse a tampered journal with one line', async () => {
      const backend = makeBackend(name);
      try {
        await buildSmall(backend);
        await withRaw(backend, TAMPERINGS[0]!.tamper);
        const r = cli(backend.url!, ['ledger', 'lookup-accounts', '1']);
        assert.equal(r.code, 5); // a journal that does not verify
        assert.equal(r.stdout, '');
        assert.deepEqual(r.stderr.split('\n').filter((l) => l.length > 0).length, 1, r.stderr);
        assert.match(r.stderr, /^sco-settle: journal_corrupt: journal entry 3: checksum mismatch/);
      } finally {
        await backend.cleanup();
      }
    });

    it('a tampered snapshot stops DurableLedger.open', async () => {
      const backend = makeBackend(name);
      try {
        await buildSmall(backend, true);
        await withRaw(backend, TAMPERINGS.find((t) => t.snapshot === true)!.tamper);
        const store = await backend.open();
        try {
          await assert.rejects(DurableLedger.open(store, { clock: fakeClock().now }), /snapshot/);
        } finally {
          await store.close();
        }
      } finally {
        await backend.cleanup();
      }
    });

    it('a store built with many batches (chains, pending/post/void, expiry, balancing, snapshot, restart) verifies ok', async () => {
      const backend = makeBackend(name);
      const rng = new Prng(0x5c0_5e77);
      const clock = fakeClock();
      const ACCOUNTS = 24;
      const built: Built = { entries: 0, events: 0, accounts: 0, transfers: 0 };
      const pendingIds: number[] = [];
      const seen = new Map<string, number>();
      let nextId = 1000;
      const tally = (results: Uint8Array, isTransfers: boolean): void => {
        built.events += results.length;
        for (const r of results) {
          seen.set(RESULT_CODES[r]!, (seen.get(RESULT_CODES[r]!) ?? 0) + 1);
          if (r === 0) {
            if (isTransfers) built.transfers++;
            else built.accounts++;
          }
        }
      };
      const randomTransfer = (): Transfer => {
        const dr = 1 + rng.below(ACCOUNTS);
        let cr = 1 + rng.below(ACCOUNTS);
        if (cr === dr) cr = (cr % ACCOUNTS) + 1;
        const kind = rng.below(10);
        const id = nextId++;
        if (kind < 2 && pendingIds.length > 0) {
          const p = pendingIds.splice(rng.below(pendingIds.length), 1)[0]!;
          return resolve(id, p, rng.below(2) === 0 ? TransferFlags.post_pending_transfer : TransferFlags.void_pending_transfer);
        }
        if (kind < 4) {
          pendingIds.push(id);
          return xfer(id, dr, cr, BigInt(1 + rng.below(500)), { flags: TransferFlags.pending, timeout: rng.below(3) });
        }
        if (kind === 4)
          return xfer(id, dr, cr, BigInt(1 + rng.below(5000)), { flags: rng.below(2) === 0 ? TransferFlags.balancing_debit : TransferFlags.balancing_credit });
        return xfer(id, dr, cr, BigInt(1 + rng.below(1000)));
      };
      const batch = (): Transfer[] => {
        const out: Transfer[] = [];
        const n = 1 + rng.below(40);
        while (out.length < n) {
          if (rng.below(6) === 0) {
            const len = 2 + rng.below(4);
            for (let i = 0; i < len; i++) {
              const t = randomTransfer();
              out.push({ ...t, flags: t.flags | (i < len - 1 ? TransferFlags.linked : 0) });
            }
          } else {
            out.push(randomTransfer());
          }
        }
        return out;
      };
      try {
        for (let round = 0; round < 2; round++) {
          // A restart between the rounds: the second round replays the journal after the snapshot.
          const ledger = await DurableLedger.open(await backend.open(), { clock: clock.now, index_idle_ms: 5, snapshot_min_events: 1_000_000 });
          try {
            if (round === 0) {
              const accounts = Array.from({ length: ACCOUNTS }, (_, i) =>
                acct(
                  i + 1,
                  i % 5 === 0
                    ? AccountFlags.debits_must_not_exceed_credits
                    : i % 5 === 1
                      ? AccountFlags.credits_must_not_exceed_debits | AccountFlags.history
                      : i % 5 === 2
                        ? AccountFlags.history
                        : 0,
                ),
              );
              tally(await ledger.createAccounts(accounts), false);
              built.entries++;
            }
            for (let b = 0; b < 25; b++) {
              // Several batches submitted together share a commit (group commit).
              const group = Array.from({ length: 1 + rng.below(3) }, batch);
              const results = await Promise.all(group.map((g) => ledger.createTransfers(g)));
              for (const r of results) tally(r, true);
              built.entries += group.length;
              if (rng.below(4) === 0) {
                clock.advance(BigInt(1 + rng.below(2)) * S);
                const before = ledger.journal_seq;
                await ledger.pulse();
                built.entries += ledger.journal_seq - before;
              }
              if (round === 0 && b === 12) await ledger.snapshot();
            }
          } finally {
            await ledger.close();
          }
        }
        // The workload exercised what it claims to.
        for (const code of ['ok', 'linked_event_failed', 'pending_transfer_expired', 'exceeds_credits']) {
          assert.ok((seen.get(code) ?? 0) > 0, `some ${code} results (${JSON.stringify([...seen])})`);
        }
        assert.ok(built.entries > 64, `more than two verify pages of entries (${built.entries})`);

        const report = await verifyOn(backend);
        assert.equal(report.problem, null);
        assert.equal(report.ok, true);
        assert.equal(report.entries, built.entries);
        assert.equal(report.events, built.events);
        assert.equal(report.accounts, built.accounts);
        assert.equal(report.transfers, built.transfers);
        assert.ok(report.snapshot_seq !== null && report.snapshot_seq > 1 && report.snapshot_seq < built.entries);
        const r = cliVerify(backend.url!);
        assert.equal(r.code, 0, r.stderr);
        assert.match(
          r.stdout,
          new RegExp(`^ok: .*: ${built.entries} journal entries, ${built.events} events, ${built.accounts} accounts, ${built.transfers} transfers; `),
        );
      } finally {
        await backend.cleanup();
      }
    });
  });
}
