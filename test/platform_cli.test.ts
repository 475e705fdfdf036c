// The platform's command line end to end on a real SQLite file: participants,
// a business day, funding, a queued payment released by liquidity, a bad input
// refused with its code, financing, the close of day, and verify.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/sco-settle.js');

test('participants, day, funding, payments, financing and close through the CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-pcli-'));
  const store = `sqlite:${join(dir, 'p.db')}`;
  const run = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, '--store', store, '--by', 'tester', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SCO_SETTLE_STORE: '' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = (args: string[]): string => {
    const r = run(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  try {
    // Before init, the store does not exist, and every command says so (exit 3).
    const missing = run(['participants', 'list']);
    assert.equal(missing.code, 3, missing.stderr);
    assert.match(missing.stderr, /store_not_found: no store at sqlite:.*p\.db; create one with: sco-settle init/);
    assert.match(ok(['init']), /"created"/);
    ok(['participants', 'add', '--id', 'PBOCCNBJ', '--kind', 'central_bank', '--name', '中国人民银行', '--country', 'CN', '--currencies', 'CNY']);
    ok(['participants', 'add', '--id', 'BKCHCNBJ', '--kind', 'bank', '--name', 'Bank of China', '--country', 'CN', '--currencies', 'CNY']);
    ok(['participants', 'add', '--id', 'ICBKCNBJ', '--kind', 'bank', '--name', 'ICBC', '--country', 'CN', '--currencies', 'CNY']);
    const today = new Date().toISOString().slice(0, 10);
    ok(['day', 'open', '--date', today, '--default-cutoff', '23:59']);
    ok(['fund', '--participant', 'BKCHCNBJ', '--currency', 'CNY', '--amount', '100.00']);
    const file = join(dir, 'pay.ndjson');
    writeFileSync(
      file,
      JSON.stringify({
        uetr: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
        end_to_end_id: 'E1',
        payer: 'BKCHCNBJ',
        payee: 'ICBKCNBJ',
        currency: 'CNY',
        amount: '150.00',
      }) + '\n',
    );
    assert.equal(JSON.parse(ok(['payments', 'submit', file])).state, 'queued');
    ok(['fund', '--participant', 'BKCHCNBJ', '--currency', 'CNY', '--amount', '60.00']);
    const shown = JSON.parse(ok(['payments', 'show', '3f2504e0-4f89-41d3-9a0c-0305e82c3301']));
    assert.equal(shown.state, 'settled');
    assert.deepEqual(
      shown.history.map((h: { state: string }) => h.state),
      ['received', 'validated', 'screened', 'queued', 'settled'],
    );
    const bad = run(['fund', '--participant', 'NOPEXXXX', '--currency', 'CNY', '--amount', '1.00']);
    assert.equal(bad.code, 3); // not found
    assert.match(bad.stderr, /unknown_participant: participant/);
    const fac = JSON.parse(ok(['financing', 'collateral', '--participant', 'BKCHCNBJ', '--currency', 'CNY', '--item', 'B1:government_bond:CNY:1000.00:500']));
    assert.equal(fac.line_minor, '95000');
    const close = JSON.parse(ok(['day', 'close']));
    assert.equal(close.day.state, 'closed');
    const noSuch = run(['users', 'create', '--role', 'participant', '--participant', 'NOPEXXXX', 'eve']);
    assert.equal(noSuch.code, 3); // not found
    assert.match(noSuch.stderr, /NOPEXXXX is not a participant/);
    const wrongKind = run(['users', 'create', '--role', 'participant', '--participant', 'PBOCCNBJ', 'eve']);
    assert.match(wrongKind.stderr, /is a central_bank/);
    assert.equal(JSON.parse(ok(['users', 'create', '--role', 'participant', '--participant', 'BKCHCNBJ', 'eve'])).participant, 'BKCHCNBJ');
    assert.match(ok(['verify']), /^ok: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
