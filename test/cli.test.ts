// End-to-end tests of the `sco-settle` command line: each test spawns the real
// CLI (bin/sco-settle.js, which loads the built dist/) against a real SQLite file
// in a temporary directory and checks stdout, stderr and the exit code. Expected
// outputs are computed here from the inputs, never copied from a run.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Database } from '../src/store/sqlite_driver.js';

const BIN = fileURLToPath(new URL('../../bin/sco-settle.js', import.meta.url));
const U128_MAX = (1n << 128n) - 1n;
const BATCH_EVENTS_MAX = 8189;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without anything that would redirect the CLI elsewhere. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.SCO_SETTLE_STORE;
  delete env.SCO_SETTLE_DEBUG;
  return { ...env, ...extra };
}

function run(args: string[], opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input: opts.input ?? '',
    env: cleanEnv(opts.env),
    cwd: opts.cwd ?? root,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error !== undefined) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let root = '';
let storeCounter = 0;
let fileCounter = 0;

interface TestStore {
  url: string;
  path: string;
  /** Runs `sco-settle --store URL …`. */
  cli(args: string[], input?: string): Run;
  file(name: string, text: string): string;
}

function newStore(): TestStore {
  const dir = join(root, `s${storeCounter++}`);
  const path = join(dir, 'ledger.db');
  const url = `sqlite:${path}`;
  // Commands refuse a missing store: each test's store is created first, as an operator would.
  const init = run(['--store', url, 'init']);
  assert.equal(init.code, 0, `init: ${init.stderr}`);
  return {
    url,
    path,
    cli: (args, input) => run(['--store', url, ...args], input === undefined ? {} : { input }),
    file: (name, text) => {
      const p = join(root, `f${fileCounter++}-${name}`);
      writeFileSync(p, text);
      return p;
    },
  };
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

function ndjson(events: object[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}

/** The exact stdout of create-accounts/create-transfers for these results. */
function resultsOutput(rows: Array<[string | bigint | number, string]>): string {
  return rows.map(([id, result]) => `{"id":"${String(id)}","result":"${result}"}\n`).join('');
}

function ok(r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

function account(id: bigint | number, ledger: number, flags: string[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: String(id), ledger, code: 1, flags, ...extra };
}

function transfer(
  id: bigint | number,
  dr: bigint | number,
  cr: bigint | number,
  amount: bigint | number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id: String(id), debit_account_id: String(dr), credit_account_id: String(cr), amount: String(amount), ledger: 840, code: 1, ...extra };
}

interface Balances {
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
}

/** What lookup-accounts must print for an account (timestamp checked separately). */
function accountJson(
  id: bigint | number,
  ledger: number,
  flags: string[],
  b: Partial<Balances> = {},
  extra: { user_data_128?: bigint; user_data_64?: bigint; user_data_32?: number; code?: number } = {},
): Record<string, unknown> {
  return {
    id: String(id),
    debits_pending: String(b.debits_pending ?? 0n),
    debits_posted: String(b.debits_posted ?? 0n),
    credits_pending: String(b.credits_pending ?? 0n),
    credits_posted: String(b.credits_posted ?? 0n),
    user_data_128: String(extra.user_data_128 ?? 0n),
    user_data_64: String(extra.user_data_64 ?? 0n),
    user_data_32: extra.user_data_32 ?? 0,
    ledger,
    code: extra.code ?? 1,
    flags,
  };
}

/** Drops the ledger-assigned timestamp after checking it is a positive decimal string. */
function withoutTimestamp(o: Record<string, unknown>): Record<string, unknown> {
  assert.equal(typeof o.timestamp, 'string');
  assert.match(o.timestamp as string, /^[1-9][0-9]*$/);
  const { timestamp: _ts, ...rest } = o;
  return rest;
}

function lookupAccounts(s: TestStore, ids: Array<bigint | number>): Array<Record<string, unknown>> {
  const r = ok(s.cli(['ledger', 'lookup-accounts', ...ids.map(String)]), 'lookup-accounts');
  return (JSON.parse(r.stdout) as Array<Record<string, unknown>>).map(withoutTimestamp);
}

function lookupTransfersRaw(s: TestStore, ids: Array<bigint | number>): Array<Record<string, unknown>> {
  const r = ok(s.cli(['ledger', 'lookup-transfers', ...ids.map(String)]), 'lookup-transfers');
  return JSON.parse(r.stdout) as Array<Record<string, unknown>>;
}

function verifyJson(s: TestStore): { ok: boolean; entries: number; events: number; accounts: number; transfers: number } {
  const r = ok(s.cli(['verify', '--json']), 'verify --json');
  return JSON.parse(r.stdout);
}

/** Every row of every table of a SQLite store, and its head file: equal before and after means nothing was written. */
function storeFingerprint(path: string): string {
  const h = createHash('sha256');
  const db = new Database(path, { readonly: true });
  try {
    db.defaultSafeIntegers(true);
    for (const { name } of db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>) {
      h.update(`table ${name}\n`);
      for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).raw().iterate() as Iterable<unknown[]>) {
        h.update(`${JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v))}\n`);
      }
    }
  } finally {
    db.close();
  }
  h.update(readFileSync(`${path}.head`));
  return h.digest('hex');
}

function idsOf(r: Run): string[] {
  return (JSON.parse(r.stdout) as Array<{ id: string }>).map((t) => t.id);
}

/** One clear line on stderr, a non-zero exit, nothing on stdout. */
function assertOneErrorLine(r: Run, what: string): string {
  assert.notEqual(r.code, 0, `${what}: expected a non-zero exit\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout`);
  const errLines = lines(r.stderr);
  assert.equal(errLines.length, 1, `${what}: exactly one line on stderr, got:\n${r.stderr}`);
  assert.ok(r.stderr.endsWith('\n'));
  assert.match(errLines[0]!, /^sco-settle: /);
  return errLines[0]!;
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'sco-settle-cli-'));
});

after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('sco-settle CLI', () => {
  it('--help and ledger --help exit 0 and list every command', () => {
    const top = run(['--help']);
    assert.equal(top.code, 0);
    assert.equal(top.stderr, '');
    for (const name of ['ledger', 'verify', 'bench', 'demo']) {
      assert.match(top.stdout, new RegExp(`^  ${name}\\b`, 'm'), `--help lists ${name}`);
    }
    const ledger = run(['ledger', '--help']);
    assert.equal(ledger.code, 0);
    assert.equal(ledger.stderr, '');
    for (const name of ['create-accounts', 'create-transfers', 'lookup-accounts', 'lookup-transfers', 'account-transfers', 'account-balances']) {
      assert.match(ledger.stdout, new RegExp(`^  ${name}\\b`, 'm'), `ledger --help lists ${name}`);
    }
    const unknown = run(['no-such-command']);
    assert.notEqual(unknown.code, 0);
    assert.equal(unknown.stdout, '');
    assert.match(unknown.stderr, /no-such-command/);
  });

  it('creates accounts from a JSON array file and from NDJSON on stdin', () => {
    const s = newStore();
    const big = (1n << 64n) + 7n;
    const first = [
      account(1, 840, ['debits_must_not_exceed_credits']),
      account(2, 840, ['history'], { user_data_128: String(big), user_data_64: '18446744073709551615', user_data_32: 4294967295 }),
      account(3, 978, ['linked', 'credits_must_not_exceed_debits']),
      account(4, 978, []),
    ];
    const file = s.file('accounts.json', JSON.stringify(first, null, 2));
    const r1 = ok(s.cli(['ledger', 'create-accounts', file]), 'create-accounts file');
    assert.equal(
      r1.stdout,
      resultsOutput([
        [1, 'ok'],
        [2, 'ok'],
        [3, 'ok'],
        [4, 'ok'],
      ]),
    );

    const second = [
      account(5, 643, [], { code: 7 }),
      account(1, 840, ['debits_must_not_exceed_credits']), // the same again
      account(2, 840, []), // the same id, other fields
      account(0, 840),
      account(U128_MAX, 840),
      account(6, 840, ['debits_must_not_exceed_credits', 'credits_must_not_exceed_debits']),
    ];
    const r2 = ok(s.cli(['ledger', 'create-accounts', '-'], ndjson(second)), 'create-accounts stdin');
    assert.equal(
      r2.stdout,
      resultsOutput([
        [5, 'ok'],
        [1, 'exists'],
        [2, 'exists_with_different_fields'],
        [0, 'id_must_not_be_zero'],
        [U128_MAX, 'id_must_not_be_int_max'],
        [6, 'flags_are_mutually_exclusive'],
      ]),
    );

    assert.deepEqual(lookupAccounts(s, [1, 2, 3, 4, 5]), [
      accountJson(1, 840, ['debits_must_not_exceed_credits']),
      accountJson(2, 840, ['history'], {}, { user_data_128: big, user_data_64: (1n << 64n) - 1n, user_data_32: 4294967295 }),
      accountJson(3, 978, ['linked', 'credits_must_not_exceed_debits']),
      accountJson(4, 978, []),
      accountJson(5, 643, [], {}, { code: 7 }),
    ]);
  });

  it('create-transfers prints one result line per event, in input order, with the right codes', () => {
    const s = newStore();
    ok(
      s.cli(
        ['ledger', 'create-accounts', '-'],
        ndjson([account(1, 840, ['debits_must_not_exceed_credits']), account(2, 840), account(3, 978), account(4, 840)]),
      ),
      'accounts',
    );

    const events: Array<[Record<string, unknown>, string]> = [
      [transfer(100, 2, 1, 50), 'ok'], // account 1 now has 50 of credits
      [transfer(101, 1, 2, 60), 'exceeds_credits'],
      [transfer(102, 1, 3, 1), 'ledger_must_match'],
      [transfer(100, 2, 1, 50), 'exists'],
      [transfer(100, 2, 1, 51), 'exists_with_different_fields'],
      [transfer(103, 2, 4, 5, { flags: ['linked'] }), 'linked_event_failed'],
      [transfer(104, 1, 2, 1000), 'exceeds_credits'], // ends the chain, which fails as a whole
      [transfer(0, 2, 4, 1), 'id_must_not_be_zero'],
      [transfer(U128_MAX, 2, 4, 1), 'id_must_not_be_int_max'],
      [transfer(105, 2, 2, 1), 'accounts_must_be_different'],
      [transfer(106, 4, 2, 10), 'ok'],
      [transfer(107, 1, 2, 50), 'ok'], // exactly the credits
    ];
    const file = s.file('transfers.ndjson', ndjson(events.map(([e]) => e)));
    const r = ok(s.cli(['ledger', 'create-transfers', file]), 'create-transfers');
    assert.equal(r.stdout, resultsOutput(events.map(([e, code]) => [e.id as string, code])));
    assert.equal(r.stdout.split('\n').length - 1, events.length);

    assert.deepEqual(lookupAccounts(s, [1, 2, 3, 4]), [
      accountJson(1, 840, ['debits_must_not_exceed_credits'], { credits_posted: 50n, debits_posted: 50n }),
      accountJson(2, 840, [], { debits_posted: 50n, credits_posted: 60n }),
      accountJson(3, 978, []),
      accountJson(4, 840, [], { debits_posted: 10n }),
    ]);
  });

  it('a linked chain whose last event fails applies none of it', () => {
    const s = newStore();
    ok(s.cli(['ledger', 'create-accounts', '-'], ndjson([account(1, 840, ['debits_must_not_exceed_credits']), account(2, 840), account(3, 840)])), 'accounts');
    ok(s.cli(['ledger', 'create-transfers', '-'], ndjson([transfer(10, 2, 1, 100)])), 'funding');
    const before = lookupAccounts(s, [1, 2, 3]);
    assert.deepEqual(before, [
      accountJson(1, 840, ['debits_must_not_exceed_credits'], { credits_posted: 100n }),
      accountJson(2, 840, [], { debits_posted: 100n }),
      accountJson(3, 840, []),
    ]);

    const chain = [
      transfer(20, 1, 3, 40, { flags: ['linked'] }),
      transfer(21, 3, 2, 10, { flags: ['linked'] }),
      transfer(22, 2, 3, 5, { flags: ['linked', 'pending'] }),
      transfer(23, 1, 2, 61), // 40 + 61 > 100: fails, and with it the chain
    ];
    const r = ok(s.cli(['ledger', 'create-transfers', '-'], ndjson(chain)), 'chain');
    assert.equal(
      r.stdout,
      resultsOutput([
        [20, 'linked_event_failed'],
        [21, 'linked_event_failed'],
        [22, 'linked_event_failed'],
        [23, 'exceeds_credits'],
      ]),
    );
    assert.deepEqual(lookupAccounts(s, [1, 2, 3]), before);

    const missing = s.cli(['ledger', 'lookup-transfers', '20', '21', '22', '23']);
    assert.equal(missing.code, 0);
    assert.deepEqual(JSON.parse(missing.stdout), []);
    assert.match(missing.stderr, /^transfers not found: 20 21 22 23$/m);

    // A chain left open at the end of the input is refused as a whole too.
    const open = ok(s.cli(['ledger', 'create-transfers', '-'], ndjson([transfer(30, 2, 3, 1), transfer(31, 2, 3, 1, { flags: ['linked'] })])), 'open chain');
    assert.equal(
      open.stdout,
      resultsOutput([
        [30, 'ok'],
        [31, 'linked_event_chain_open'],
      ]),
    );
    assert.deepEqual(lookupAccounts(s, [3]), [accountJson(3, 840, [], { credits_posted: 1n })]);
  });

  it('20,000 transfers on stdin: batches of 8,189, a linked chain across the boundary, results in order', () => {
    const s = newStore();
    ok(s.cli(['ledger', 'create-accounts', '-'], ndjson([account(1, 840), account(2, 840, ['credits_must_not_exceed_debits']), account(3, 840)])), 'accounts');
    const N = 20_000;
    const chainStart = BATCH_EVENTS_MAX - 6;
    const chainEnd = BATCH_EVENTS_MAX + 5; // inclusive: the chain straddles events 8,189 and 8,190
    const sameAccounts = 12_345;
    const CHAIN_AMOUNT = 50n;
    const events: Array<Record<string, unknown>> = [];
    const expected: Array<[number, string]> = [];
    let drOne = 0n;
    let drTwo = 0n;
    let crTwo = 0n;
    let crThree = 0n;
    for (let i = 0; i < N; i++) {
      const id = 1_000_000 + i;
      if (i === sameAccounts) {
        events.push(transfer(id, 3, 3, 1));
        expected.push([id, 'accounts_must_be_different']);
        continue;
      }
      if (i >= chainStart && i <= chainEnd) {
        // Account 2 may never have more credits than debits: the chain debits it
        // (2 -> 3) before each credit (1 -> 2).
        const flags = i < chainEnd ? ['linked'] : [];
        if ((i - chainStart) % 2 === 0) {
          events.push(transfer(id, 2, 3, CHAIN_AMOUNT, { flags }));
          drTwo += CHAIN_AMOUNT;
          crThree += CHAIN_AMOUNT;
        } else {
          events.push(transfer(id, 1, 2, CHAIN_AMOUNT, { flags }));
          drOne += CHAIN_AMOUNT;
          crTwo += CHAIN_AMOUNT;
        }
      } else {
        const amount = BigInt((i % 97) + 1);
        events.push(transfer(id, 1, 3, amount));
        drOne += amount;
        crThree += amount;
      }
      expected.push([id, 'ok']);
    }
    const r = ok(s.cli(['ledger', 'create-transfers', '-'], ndjson(events)), 'create-transfers 20,000');
    const out = lines(r.stdout);
    assert.equal(out.length, N);
    assert.equal(r.stdout, resultsOutput(expected));
    // Progress and the summary go to stderr.
    assert.match(r.stderr, new RegExp(`^${N} events: ${N - 1} ok, 1 accounts_must_be_different$`, 'm'));

    assert.deepEqual(lookupAccounts(s, [1, 2, 3]), [
      accountJson(1, 840, [], { debits_posted: drOne }),
      accountJson(2, 840, ['credits_must_not_exceed_debits'], { debits_posted: drTwo, credits_posted: crTwo }),
      accountJson(3, 840, [], { credits_posted: crThree }),
    ]);

    const v = verifyJson(s);
    assert.equal(v.ok, true);
    assert.equal(v.events, 3 + N);
    assert.equal(v.transfers, N - 1);
    // The chain was not split: with a cut inside it, its first part would end the
    // batch as an open chain and fail. At least three batches of transfers were needed.
    assert.ok(v.entries >= 1 + Math.ceil(N / BATCH_EVENTS_MAX), `entries ${v.entries}`);
  });

  describe('bad input is refused whole, with one line naming the input, the place, the field and the reason', () => {
    let s: TestStore;
    let baseline: Array<Record<string, unknown>> = [];
    let baselineEntries = 0;
    const valid = transfer(60, 1, 2, 3);

    before(() => {
      s = newStore();
      ok(s.cli(['ledger', 'create-accounts', '-'], ndjson([account(1, 840), account(2, 840)])), 'accounts');
      ok(s.cli(['ledger', 'create-transfers', '-'], ndjson([transfer(50, 1, 2, 7)])), 'transfer');
      baseline = lookupAccounts(s, [1, 2]);
      assert.deepEqual(baseline, [accountJson(1, 840, [], { debits_posted: 7n }), accountJson(2, 840, [], { credits_posted: 7n })]);
      baselineEntries = verifyJson(s).entries;
      assert.equal(baselineEntries, 2);
      baselineFingerprint = storeFingerprint(s.path);
    });

    let baselineFingerprint = '';

    // Read in this process rather than by three more CLI runs a case (lookups and verify: a third of this file's
    // time): every row of every table and the head file, so any write at all shows. The last test verifies once.
    function assertNothingApplied(): void {
      assert.equal(storeFingerprint(s.path), baselineFingerprint, 'no table and not the head file changed');
    }

    interface Case {
      name: string;
      /** The input text; the bad event is on line/event `place`. */
      text: string;
      place: string;
      field: string | null;
      reason: RegExp;
      stdin?: boolean;
    }

    const line2 = (bad: string): string => `${JSON.stringify(valid)}\n${bad}\n${JSON.stringify(transfer(61, 1, 2, 1))}\n`;
    const cases: Case[] = [
      { name: 'malformed JSON', text: line2('{"id":"62","amount":"5",'), place: 'line 2', field: null, reason: /malformed JSON/ },
      {
        name: 'unknown field',
        text: line2(JSON.stringify({ ...transfer(62, 1, 2, 5), amout: '5' })),
        place: 'line 2',
        field: 'amout',
        reason: /unknown field/,
      },
      {
        name: 'fractional amount "1.5" (on stdin)',
        text: line2(JSON.stringify(transfer(62, 1, 2, 5, { amount: '1.5' }))),
        place: 'line 2',
        field: 'amount',
        reason: /unsigned integer.*"1\.5"/,
        stdin: true,
      },
      {
        name: 'negative amount "-1"',
        text: line2(JSON.stringify(transfer(62, 1, 2, 5, { amount: '-1' }))),
        place: 'line 2',
        field: 'amount',
        reason: /unsigned integer.*"-1"/,
      },
      {
        name: 'amount above 2^128-1',
        text: line2(JSON.stringify(transfer(62, 1, 2, U128_MAX + 1n))),
        place: 'line 2',
        field: 'amount',
        reason: new RegExp(`at most ${U128_MAX}.*${U128_MAX + 1n}`),
      },
      {
        name: 'id as a JSON number above 2^53',
        text: line2(`{"id":9007199254740993,"debit_account_id":"1","credit_account_id":"2","amount":"5","ledger":840,"code":1}`),
        place: 'line 2',
        field: 'id',
        reason: /2\^53.*decimal string/,
      },
      {
        name: 'flags not an array',
        text: line2(JSON.stringify(transfer(62, 1, 2, 5, { flags: 'linked' }))),
        place: 'line 2',
        field: 'flags',
        reason: /array of flag names/,
      },
      {
        name: 'unknown flag name',
        text: line2(JSON.stringify(transfer(62, 1, 2, 5, { flags: ['linked', 'pendin'] }))),
        place: 'line 2',
        field: 'flags',
        reason: /unknown flag "pendin"/,
      },
      {
        name: 'a bad event in the middle of a JSON array whose earlier events are valid',
        text: JSON.stringify([valid, transfer(61, 1, 2, 1), transfer(62, 1, 2, 1, { amount: 12.5 }), transfer(63, 1, 2, 1), transfer(64, 1, 2, 1)]),
        place: 'event 3',
        field: 'amount',
        reason: /unsigned integer.*12\.5/,
      },
      {
        name: 'a bad event deep in an NDJSON file whose earlier events are valid',
        text:
          ndjson([valid, ...Array.from({ length: 998 }, (_, i) => transfer(1000 + i, 1, 2, 1))]) +
          JSON.stringify(transfer(5000, 1, 2, 1, { ledger: 4294967296 })) +
          '\n',
        place: 'line 1000',
        field: 'ledger',
        reason: /at most 4294967295/,
      },
    ];

    for (const c of cases) {
      it(c.name, () => {
        const inputName = c.stdin ? 'stdin' : s.file(`bad-${c.name.replace(/[^a-z0-9]+/gi, '_')}.json`, c.text);
        const r = c.stdin ? s.cli(['ledger', 'create-transfers', '-'], c.text) : s.cli(['ledger', 'create-transfers', inputName]);
        const line = assertOneErrorLine(r, c.name);
        assert.ok(line.includes(`${inputName}: ${c.place}: `), `names the input and ${c.place}: ${line}`);
        if (c.field !== null) assert.ok(line.includes(`field "${c.field}"`), `names the field ${c.field}: ${line}`);
        assert.match(line, c.reason);
        assertNothingApplied();
      });
    }

    it('a missing input file is one clear line', () => {
      const missing = join(root, 'no-such-file.ndjson');
      const line = assertOneErrorLine(s.cli(['ledger', 'create-transfers', missing]), 'missing file');
      assert.ok(line.includes(missing));
      assert.match(line, /ENOENT/);
      assertNothingApplied();
    });

    it('after every refusal the accounts are as before, the transfers absent and the store verifies', () => {
      assert.deepEqual(lookupAccounts(s, [1, 2]), baseline);
      const missing = s.cli(['ledger', 'lookup-transfers', '60', '61', '62']);
      assert.equal(missing.code, 0);
      assert.deepEqual(JSON.parse(missing.stdout), []);
      const v = verifyJson(s);
      assert.equal(v.ok, true);
      assert.equal(v.entries, baselineEntries, 'the journal did not grow');
    });
  });

  it('lookups print decimal strings and flag names; missing ids go to stderr; bad ids are one clear line', () => {
    const s = newStore();
    ok(s.cli(['ledger', 'create-accounts', '-'], ndjson([account(1, 840), account(2, 840, ['history'])])), 'accounts');
    ok(
      s.cli(
        ['ledger', 'create-transfers', '-'],
        ndjson([
          transfer(7, 1, 2, 25, { flags: ['pending'], timeout: 3600, user_data_64: '99', user_data_32: 5, code: 3 }),
          transfer(8, 0, 0, 0, { flags: ['post_pending_transfer'], pending_id: '7', amount: '20', ledger: 0, code: 0 }),
        ]),
      ),
      'transfers',
    );

    const found = s.cli(['ledger', 'lookup-transfers', '7', '9', '8']);
    assert.equal(found.code, 0);
    assert.match(found.stderr, /^transfer not found: 9$/m);
    const transfers = (JSON.parse(found.stdout) as Array<Record<string, unknown>>).map(withoutTimestamp);
    assert.deepEqual(transfers, [
      {
        id: '7',
        debit_account_id: '1',
        credit_account_id: '2',
        amount: '25',
        pending_id: '0',
        user_data_128: '0',
        user_data_64: '99',
        user_data_32: 5,
        timeout: 3600,
        ledger: 840,
        code: 3,
        flags: ['pending'],
      },
      {
        id: '8',
        debit_account_id: '1',
        credit_account_id: '2',
        amount: '20',
        pending_id: '7',
        user_data_128: '0',
        user_data_64: '99',
        user_data_32: 5,
        timeout: 0,
        ledger: 840,
        code: 3,
        flags: ['post_pending_transfer'],
      },
    ]);

    const accounts = s.cli(['ledger', 'lookup-accounts', '3', '2', '1', '4']);
    assert.equal(accounts.code, 0);
    assert.match(accounts.stderr, /^accounts not found: 3 4$/m);
    assert.deepEqual((JSON.parse(accounts.stdout) as Array<Record<string, unknown>>).map(withoutTimestamp), [
      accountJson(2, 840, ['history'], { credits_posted: 20n }),
      accountJson(1, 840, [], { debits_posted: 20n }),
    ]);

    for (const [cmd, arg] of [
      ['lookup-accounts', 'abc'],
      ['lookup-transfers', 'abc'],
      ['lookup-accounts', '1.5'],
      ['lookup-transfers', String(U128_MAX + 1n)],
    ] as const) {
      const line = assertOneErrorLine(s.cli(['ledger', cmd, '1', arg]), `${cmd} ${arg}`);
      assert.ok(line.includes(JSON.stringify(arg)), `names ${arg}: ${line}`);
      assert.match(line, /id/);
    }
  });

  it('account-transfers honours --limit, --reverse, --debits-only, --credits-only, --from and --to', () => {
    const s = newStore();
    ok(s.cli(['ledger', 'create-accounts', '-'], ndjson([account(10, 840), account(11, 840), account(12, 840), account(13, 840)])), 'accounts');
    // Account 10 is debited by 301, 303, 305 and credited by 302, 304; 306 does not touch it.
    ok(
      s.cli(
        ['ledger', 'create-transfers', '-'],
        ndjson([
          transfer(301, 10, 11, 1),
          transfer(302, 11, 10, 2),
          transfer(303, 10, 12, 3),
          transfer(306, 11, 12, 9),
          transfer(304, 12, 10, 4),
          transfer(305, 10, 11, 5),
        ]),
      ),
      'transfers',
    );
    const at = (...args: string[]): string[] => idsOf(ok(s.cli(['ledger', 'account-transfers', '10', ...args]), `account-transfers ${args.join(' ')}`));
    assert.deepEqual(at(), ['301', '302', '303', '304', '305']);
    assert.deepEqual(at('--limit', '2'), ['301', '302']);
    assert.deepEqual(at('--reverse'), ['305', '304', '303', '302', '301']);
    assert.deepEqual(at('--reverse', '--limit', '2'), ['305', '304']);
    assert.deepEqual(at('--debits-only'), ['301', '303', '305']);
    assert.deepEqual(at('--credits-only'), ['302', '304']);
    assert.deepEqual(at('--credits-only', '--reverse', '--limit', '1'), ['304']);
    assert.deepEqual(idsOf(ok(s.cli(['ledger', 'account-transfers', '13']), 'no transfers')), []);

    const ts = new Map(lookupTransfersRaw(s, [302, 304]).map((t) => [t.id as string, t.timestamp as string]));
    assert.deepEqual(at('--from', ts.get('302')!, '--to', ts.get('304')!), ['302', '303', '304']);

    const both = assertOneErrorLine(s.cli(['ledger', 'account-transfers', '10', '--debits-only', '--credits-only']), 'both sides');
    assert.match(both, /--debits-only/);
    assert.match(both, /--credits-only/);
    for (const limit of ['0', '8190', 'x']) {
      const line = assertOneErrorLine(s.cli(['ledger', 'account-transfers', '10', '--limit', limit]), `--limit ${limit}`);
      assert.match(line, /--limit/);
    }
    assertOneErrorLine(s.cli(['ledger', 'account-transfers', 'abc']), 'bad account id');
  });

  it('account-balances: an error without the history flag, the history with it', () => {
    const s = newStore();
    ok(s.cli(['ledger', 'create-accounts', '-'], ndjson([account(1, 840), account(2, 840, ['history'])])), 'accounts');
    ok(
      s.cli(
        ['ledger', 'create-transfers', '-'],
        ndjson([
          transfer(1, 1, 2, 10),
          transfer(2, 2, 1, 3),
          transfer(3, 1, 2, 6, { flags: ['pending'] }),
          transfer(4, 0, 0, 0, { flags: ['void_pending_transfer'], pending_id: '3', ledger: 0, code: 0 }),
        ]),
      ),
      'transfers',
    );
    const noHistory = assertOneErrorLine(s.cli(['ledger', 'account-balances', '1']), 'no history flag');
    assert.match(noHistory, /account 1 .*"history" flag/);
    const missing = assertOneErrorLine(s.cli(['ledger', 'account-balances', '99']), 'missing account');
    assert.match(missing, /account 99 not found/);

    const ts = lookupTransfersRaw(s, [1, 2, 3, 4]).map((t) => t.timestamp as string);
    const expected = [
      { debits_pending: '0', debits_posted: '0', credits_pending: '0', credits_posted: '10', timestamp: ts[0] },
      { debits_pending: '0', debits_posted: '3', credits_pending: '0', credits_posted: '10', timestamp: ts[1] },
      { debits_pending: '0', debits_posted: '3', credits_pending: '6', credits_posted: '10', timestamp: ts[2] },
      { debits_pending: '0', debits_posted: '3', credits_pending: '0', credits_posted: '10', timestamp: ts[3] },
    ];
    assert.deepEqual(JSON.parse(ok(s.cli(['ledger', 'account-balances', '2']), 'balances').stdout), expected);
    assert.deepEqual(JSON.parse(ok(s.cli(['ledger', 'account-balances', '2', '--reverse', '--limit', '2']), 'balances').stdout), [expected[3], expected[2]]);
  });

  it('ids and amounts beyond 2^64 round-trip exactly', () => {
    const s = newStore();
    const a = (1n << 64n) + 1n;
    const b = (1n << 127n) + 5n;
    const tid = (1n << 100n) + 123_456_789n;
    const amount = 1n << 100n;
    const r1 = ok(
      s.cli(['ledger', 'create-accounts', '-'], ndjson([account(a, 840), account(b, 840, [], { user_data_128: String(U128_MAX - 1n) })])),
      'accounts',
    );
    assert.equal(
      r1.stdout,
      resultsOutput([
        [a, 'ok'],
        [b, 'ok'],
      ]),
    );
    const r2 = ok(
      s.cli(
        ['ledger', 'create-transfers', '-'],
        ndjson([
          transfer(tid, a, b, amount, { user_data_128: String((1n << 120n) + 3n), user_data_64: String((1n << 64n) - 2n) }),
          // One more than what is left before debits_posted would pass 2^128-1.
          transfer(tid + 1n, a, b, U128_MAX - amount + 1n),
          transfer(tid + 2n, a, b, U128_MAX - amount),
        ]),
      ),
      'transfers',
    );
    assert.equal(
      r2.stdout,
      resultsOutput([
        [tid, 'ok'],
        [tid + 1n, 'overflows_debits_posted'],
        [tid + 2n, 'ok'],
      ]),
    );
    assert.deepEqual(lookupAccounts(s, [a, b]), [
      accountJson(a, 840, [], { debits_posted: U128_MAX }),
      accountJson(b, 840, [], { credits_posted: U128_MAX }, { user_data_128: U128_MAX - 1n }),
    ]);
    const [t] = lookupTransfersRaw(s, [tid]).map(withoutTimestamp);
    assert.deepEqual(t, {
      id: String(tid),
      debit_account_id: String(a),
      credit_account_id: String(b),
      amount: '1267650600228229401496703205376',
      pending_id: '0',
      user_data_128: String((1n << 120n) + 3n),
      user_data_64: '18446744073709551614',
      user_data_32: 0,
      timeout: 0,
      ledger: 840,
      code: 1,
      flags: [],
    });
    assert.equal(BigInt(t!.amount as string), amount);
    assert.deepEqual(idsOf(ok(s.cli(['ledger', 'account-transfers', String(b)]), 'account-transfers')), [String(tid), String(tid + 2n)]);
  });

  it('verify exits 0 and prints ok on a good store; SCO_SETTLE_STORE picks the store', () => {
    const s = newStore();
    // Only the environment variable names the store here.
    const env = { SCO_SETTLE_STORE: s.url };
    const r1 = run(['ledger', 'create-accounts', '-'], { env, input: ndjson([account(1, 840), account(2, 840)]) });
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(
      r1.stdout,
      resultsOutput([
        [1, 'ok'],
        [2, 'ok'],
      ]),
    );
    assert.ok(existsSync(s.path), 'the store is the file SCO_SETTLE_STORE names');
    const r2 = run(['ledger', 'create-transfers', '-'], { env, input: ndjson([transfer(5, 1, 2, 9), transfer(6, 2, 1, 4)]) });
    assert.equal(
      r2.stdout,
      resultsOutput([
        [5, 'ok'],
        [6, 'ok'],
      ]),
    );

    const v = run(['verify'], { env });
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout, `ok: ${s.url}: 2 journal entries, 4 events, 2 accounts, 2 transfers; hash chain, checksums and invariants hold\n`);
    assert.doesNotMatch(v.stderr, /sco-settle:/);

    // --store wins over the environment.
    const other = newStore();
    const v2 = run(['--store', other.url, 'verify'], { env });
    assert.equal(v2.code, 0, v2.stderr);
    assert.match(v2.stdout, new RegExp(`^ok: ${other.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 0 journal entries, 0 events`));
    assert.deepEqual(lookupAccounts(s, [1, 2]), [
      accountJson(1, 840, [], { debits_posted: 9n, credits_posted: 4n }),
      accountJson(2, 840, [], { debits_posted: 4n, credits_posted: 9n }),
    ]);
  });

  it('a pending transfer with timeout 1 is released by the wall clock', async () => {
    const s = newStore();
    ok(s.cli(['ledger', 'create-accounts', '-'], ndjson([account(20, 840), account(21, 840)])), 'accounts');
    const r = ok(
      s.cli(
        ['ledger', 'create-transfers', '-'],
        ndjson([
          transfer(400, 20, 21, 70, { flags: ['pending'], timeout: 1 }),
          transfer(401, 20, 21, 30, { flags: ['pending'] }), // no timeout: stays pending
        ]),
      ),
      'pending transfers',
    );
    assert.equal(
      r.stdout,
      resultsOutput([
        [400, 'ok'],
        [401, 'ok'],
      ]),
    );
    await sleep(1200);
    assert.deepEqual(lookupAccounts(s, [20, 21]), [accountJson(20, 840, [], { debits_pending: 30n }), accountJson(21, 840, [], { credits_pending: 30n })]);
    const post = ok(
      s.cli(
        ['ledger', 'create-transfers', '-'],
        ndjson([
          transfer(402, 0, 0, 0, { flags: ['post_pending_transfer'], pending_id: '400', ledger: 0, code: 0 }),
          transfer(403, 0, 0, 0, { flags: ['post_pending_transfer'], pending_id: '401', ledger: 0, code: 0 }),
        ]),
      ),
      'post',
    );
    assert.equal(
      post.stdout,
      resultsOutput([
        [402, 'pending_transfer_expired'],
        [403, 'ok'],
      ]),
    );
    assert.deepEqual(lookupAccounts(s, [20, 21]), [accountJson(20, 840, [], { debits_posted: 30n }), accountJson(21, 840, [], { credits_posted: 30n })]);
    const v = verifyJson(s);
    assert.equal(v.ok, true);
  });
});
