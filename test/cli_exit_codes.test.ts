// Every exit status of `sco-settle`, each reached through the real CLI on a real
// SQLite file: 0 ok, 2 usage, 3 not found, 4 invalid input, 5 verification
// failed, 6 store busy, 7 refused, 1 internal; --version; --json (one document on
// stdout, the error as one JSON document on stderr with the same exit status);
// init and the refusal of a missing store; demo --file replacing only its own
// stores. The table itself (src/cli/exit_codes.ts) is checked in process.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXIT, PLATFORM_EXIT, exitCodeFor } from '../src/cli/exit_codes.js';
import { Platform } from '../src/platform/platform.js';

const BIN = resolve('bin/sco-settle.js');
const PKG = JSON.parse(readFileSync(resolve('package.json'), 'utf8')) as { version: string };
const dir = mkdtempSync(join(tmpdir(), 'sco-settle-exit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], input = ''): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    input,
    encoding: 'utf8',
    cwd: dir,
    timeout: 120_000,
    env: { ...process.env, SCO_SETTLE_STORE: '', SCO_SETTLE_DEBUG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

let n = 0;
function storeUrl(): string {
  return `sqlite:${join(dir, `s${n++}.db`)}`;
}

/** A store with one central bank and one bank, created through the CLI. */
function seeded(): string {
  const url = storeUrl();
  for (const args of [
    ['init'],
    ['participants', 'add', '--id', 'PBOCCNBJ', '--kind', 'central_bank', '--name', 'PBOC', '--country', 'CN', '--currencies', 'CNY'],
    ['participants', 'add', '--id', 'BKCHCNBJ', '--kind', 'bank', '--name', 'Bank of China', '--country', 'CN', '--currencies', 'CNY'],
  ]) {
    const r = run(['--store', url, ...args]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  return url;
}

/** The error document of a --json run: one line on stderr, its exit_code the process's. */
function jsonError(r: Run): { code: string; field: string; message: string; exit_code: number } {
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('{'));
  assert.equal(lines.length, 1, r.stderr);
  const e = (JSON.parse(lines[0]!) as { error: { code: string; field: string; message: string; exit_code: number } }).error;
  assert.equal(e.exit_code, r.code);
  return e;
}

describe('sco-settle exit statuses', () => {
  it('--version prints the package version; 0', () => {
    for (const flag of ['--version', '-V']) {
      const r = run([flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, `sco-settle ${PKG.version} (node ${process.versions.node})\n`);
    }
  });

  it('usage errors: 2, as text and under --json', () => {
    const unknown = run(['--no-such-option']);
    assert.equal(unknown.code, EXIT.usage);
    assert.match(unknown.stderr, /unknown option '--no-such-option'/);
    const missing = run(['payments', 'show']);
    assert.equal(missing.code, 2);
    const j = run(['--json', 'payments', 'show']);
    assert.equal(j.code, 2);
    assert.equal(jsonError(j).code, 'usage');
    assert.equal(run(['no-such-command']).code, 2);
  });

  it('a missing store is refused, not created (3); init creates it; a second init is refused (7)', () => {
    const url = storeUrl();
    const path = url.slice('sqlite:'.length);
    for (const args of [['participants', 'list'], ['verify'], ['ledger', 'lookup-accounts', '1'], ['screen', 'lists'], ['serve', '--port', '0']]) {
      const r = run(['--store', url, ...args]);
      assert.equal(r.code, EXIT.not_found, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^sco-settle: store_not_found: no store at sqlite:.*; create one with: sco-settle init/m);
      assert.equal(existsSync(path), false, `${args.join(' ')} created nothing`);
    }
    const j = run(['--json', '--store', url, 'participants', 'list']);
    assert.equal(j.code, 3);
    assert.equal(jsonError(j).code, 'store_not_found');
    const init = run(['--store', url, 'init']);
    assert.equal(init.code, 0, init.stderr);
    assert.deepEqual(JSON.parse(init.stdout), { created: url });
    const again = run(['--store', url, 'init']);
    assert.equal(again.code, EXIT.refused);
    assert.match(again.stderr, /store_exists: a store exists at .*init never replaces one/);
    const list = run(['--json', '--store', url, 'participants', 'list']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, '[]\n');
  });

  it('not found (3), invalid input (4) and refused (7) from platform commands, text and --json', () => {
    const url = seeded();
    const show = run(['--store', url, 'payments', 'show', '3f2504e0-4f89-41d3-9a0c-0305e82c3301']);
    assert.equal(show.code, EXIT.not_found);
    assert.match(show.stderr, /^sco-settle: not_found: no payment/);
    const badAmount = run(['--json', '--store', url, 'fund', '--participant', 'BKCHCNBJ', '--currency', 'CNY', '--amount', '1.2.3']);
    assert.equal(badAmount.code, EXIT.invalid_input, badAmount.stderr);
    const e = jsonError(badAmount);
    assert.equal(e.code, 'invalid_field');
    assert.equal(e.field, 'amount');
    assert.equal(badAmount.stdout, '');
    const malformed = run(['--store', url, 'ledger', 'create-accounts', '-'], '{"id": \n');
    assert.equal(malformed.code, EXIT.invalid_input);
    assert.match(malformed.stderr, /invalid_input: stdin: line 1: malformed JSON/);
    // More than the bank holds: refused by the platform's rules.
    const defund = run(['--store', url, 'defund', '--participant', 'BKCHCNBJ', '--currency', 'CNY', '--amount', '5.00']);
    assert.equal(defund.code, EXIT.refused, defund.stderr);
    assert.match(defund.stderr, /^sco-settle: insufficient_funds: amount: /);
    const dup = run([
      '--json',
      '--store',
      url,
      'participants',
      'add',
      '--id',
      'BKCHCNBJ',
      '--kind',
      'bank',
      '--name',
      'Again',
      '--country',
      'CN',
      '--currencies',
      'CNY',
    ]);
    assert.equal(dup.code, 7);
    assert.equal(jsonError(dup).code, 'participant_exists');
    const badUrl = run(['--store', 'ftp://nowhere', 'participants', 'list']);
    assert.equal(badUrl.code, EXIT.invalid_input);
    assert.match(badUrl.stderr, /bad_url/);
  });

  it('--json: every result is one JSON document on one line', () => {
    const url = seeded();
    const list = run(['--json', '--store', url, 'participants', 'list']);
    assert.equal(list.code, 0);
    assert.equal(list.stdout.split('\n').length, 2, 'one line and its newline');
    assert.deepEqual((JSON.parse(list.stdout) as Array<{ id: string }>).map((p) => p.id).sort(), ['BKCHCNBJ', 'PBOCCNBJ']);
    const payments = run(['--store', url, '--json', 'payments', 'list']);
    assert.equal(payments.stdout, '[]\n');
    const verify = run(['--store', url, 'verify', '--json']);
    assert.equal(verify.code, 0);
    assert.equal(JSON.parse(verify.stdout).ok, true);
    const day = run(['--json', '--store', url, 'day', 'show']);
    assert.equal(day.stdout, 'null\n');
  });

  it('verification failed: 5 (a head file that does not read)', () => {
    const url = seeded();
    writeFileSync(`${url.slice('sqlite:'.length)}.head`, 'not a head file\n');
    const r = run(['--store', url, 'verify']);
    assert.equal(r.code, EXIT.verification_failed, r.stderr);
    assert.match(r.stderr, /head_record_corrupt/);
    const j = run(['--json', '--store', url, 'verify']);
    assert.equal(j.code, 5);
    assert.equal(JSON.parse(j.stdout).ok, false, 'the report is the result');
    assert.equal(jsonError(j).code, 'head_record_corrupt');
  });

  it('store busy: 6 while another process holds the writer', async () => {
    const url = seeded();
    const holder = await Platform.open(url);
    try {
      const r = await new Promise<Run>((done) => {
        const child = spawn(
          process.execPath,
          [BIN, '--store', url, 'participants', 'add', '--id', 'ICBKCNBJ', '--kind', 'bank', '--name', 'ICBC', '--country', 'CN', '--currencies', 'CNY'],
          {
            env: { ...process.env, SCO_SETTLE_STORE: '' },
          },
        );
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        child.on('close', (code) => done({ code, stdout, stderr }));
      });
      assert.equal(r.code, EXIT.store_busy, r.stderr);
      assert.match(r.stderr, /writer_busy: another sco-settle process is writing/);
    } finally {
      await holder.close();
    }
  });

  it('the table: every documented status is distinct; an unknown code is internal (1)', () => {
    const values = Object.values(EXIT);
    assert.equal(new Set(values).size, values.length);
    assert.equal(exitCodeFor(undefined), EXIT.internal);
    assert.equal(exitCodeFor('something_unforeseen'), 1);
    assert.equal(exitCodeFor('writer_busy'), 6);
    assert.equal(exitCodeFor('journal_truncated'), 5);
    assert.equal(exitCodeFor('ENOENT'), 3);
  });

  it('every code the platform can throw has its own status, never internal (1) or usage (2)', () => {
    const codes = Object.keys(PLATFORM_EXIT);
    assert.ok(codes.length >= 40, `${codes.length} platform codes`);
    for (const code of codes) assert.ok(![EXIT.internal, EXIT.usage].includes(exitCodeFor(code) as 1 | 2), `${code}: ${exitCodeFor(code)}`);
    // A name Object.prototype carries is not a code.
    assert.equal(exitCodeFor('toString'), EXIT.internal);
    assert.equal(exitCodeFor('constructor'), EXIT.internal);
    // Through the real CLI: a store without a scheme has no scheme to show (not found, 3; was internal, 1).
    const url = storeUrl();
    assert.equal(run(['--store', url, 'init']).code, 0);
    const r = run(['--store', url, '--json', 'scheme', 'show']);
    assert.equal(r.code, EXIT.not_found, r.stderr);
    assert.equal(jsonError(r).code, 'no_scheme');
  });

  it('ledger commands under --json: one document on one line (snapshot too, which printed nothing)', () => {
    const url = storeUrl();
    assert.equal(run(['--store', url, 'init']).code, 0);
    assert.equal(run(['--store', url, 'ledger', 'create-accounts', '-'], '[{"id":"1","ledger":156,"code":1}]').code, 0);
    const snap = run(['--store', url, '--json', 'ledger', 'snapshot']);
    assert.equal(snap.code, 0, snap.stderr);
    assert.deepEqual(JSON.parse(snap.stdout), { snapshot_at_journal_seq: 1 });
    const found = run(['--store', url, '--json', 'ledger', 'lookup-accounts', '1']);
    assert.equal(found.code, 0, found.stderr);
    assert.equal(found.stdout.trimEnd().split('\n').length, 1, found.stdout);
    assert.equal((JSON.parse(found.stdout) as Array<{ id: string }>)[0]!.id, '1');
  });

  it('demo --file refuses a file the demo did not make (7, left as it was) and replaces its own store', () => {
    const foreign = join(dir, 'precious.db');
    writeFileSync(foreign, 'my own data');
    const r = run(['demo', '--file', foreign, '--exit', '--banks', '10', '--payments', '5', '--reports', join(dir, 'reports')]);
    assert.equal(r.code, EXIT.refused, r.stderr);
    assert.match(r.stderr, /not_a_demo_store: .*precious\.db exists and is not a store the demo made/);
    assert.equal(readFileSync(foreign, 'utf8'), 'my own data');
    // A real store that is not a demo store is refused too.
    const real = seeded();
    const realPath = real.slice('sqlite:'.length);
    const before = readFileSync(realPath);
    assert.equal(run(['demo', '--file', realPath, '--exit', '--banks', '10', '--payments', '5', '--reports', join(dir, 'reports')]).code, 7);
    assert.ok(readFileSync(realPath).equals(before));
    // The demo's own store is replaced, run after run.
    const own = join(dir, 'demo.db');
    for (let i = 0; i < 2; i++) {
      const d = run(['demo', '--file', own, '--json', '--banks', '10', '--payments', '5', '--reports', join(dir, 'reports')]);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(JSON.parse(d.stdout).store, `sqlite:${own}`);
    }
  });
});
