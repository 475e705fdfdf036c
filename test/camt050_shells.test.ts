// camt.050 liquidity transfers through the shells: the API's XML routes (the
// operator on POST /v1/payments, the currency's central bank on
// POST /v1/participants/:id/funding; a bank may not fund itself, a central bank
// only in its own currency) and the CLI (`iso validate`, `iso submit`).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Platform } from '../src/platform/platform.js';
import { startApi } from './support/api.js';
import { makeBackend } from './support/backends.js';
import { accountOf, camt050, cnyFunding } from './support/camt050.js';
import { BANKS, CB, setupScheme } from './support/platform.js';

const [A, B, RU1] = BANKS;
const XML = { 'content-type': 'application/xml' };

test('API: the operator and the central bank fund by camt.050, answered by a pacs.002; a bank, another currency, another account are refused', async () => {
  const fx = await startApi('sqlite');
  try {
    const p = fx.platform;
    const balance = (bic: string, ccy: string) => fx.platform.balance(fx.platform.participant(bic)!, ccy).available_minor;
    const a0 = balance(A, 'CNY');
    const op = await fx.request('POST', '/v1/payments', { raw: cnyFunding(p, A, 'API-1', '100.00'), headers: XML });
    assert.equal(op.status, 200, JSON.stringify(op.body));
    assert.equal(op.body.liquidity_transfers[0].status, 'ACSC');
    assert.match(op.body.status_reports[0], /<TxSts>ACSC<\/TxSts>/);
    assert.equal(balance(A, 'CNY'), a0 + 10_000n);
    // A bank does not fund itself.
    const bank = await fx.request('POST', '/v1/payments', { user: 'bankA', raw: cnyFunding(p, A, 'API-2', '100.00'), headers: XML });
    assert.equal(bank.status, 403, JSON.stringify(bank.body));
    // The PBoC on the funding route of the bank it credits.
    const cb = await fx.request('POST', `/v1/participants/${A}/funding`, { user: 'cb', raw: cnyFunding(p, A, 'API-3', '50.00'), headers: XML });
    assert.equal(cb.status, 200, JSON.stringify(cb.body));
    assert.equal(cb.body.liquidity_transfers[0].status, 'ACSC');
    assert.equal(balance(A, 'CNY'), a0 + 15_000n);
    // The route's participant must be the one credited.
    const other = await fx.request('POST', `/v1/participants/${B}/funding`, { user: 'cb', raw: cnyFunding(p, A, 'API-4', '50.00'), headers: XML });
    assert.deepEqual([other.status, other.body.code, other.body.path], [422, 'invalid_field', 'id']);
    // The PBoC does not fund in roubles.
    const rub = camt050({
      e2e: 'API-5',
      creditor: RU1,
      creditorAccount: accountOf(p, RU1, 'RUB'),
      ccy: 'RUB',
      amount: '10.00',
      debtor: CB.RUB,
      debtorAccount: accountOf(p, CB.RUB, 'RUB'),
    });
    const r0 = balance(RU1, 'RUB');
    const cross = await fx.request('POST', `/v1/participants/${RU1}/funding`, { user: 'cb', raw: rub, headers: XML });
    assert.equal(cross.status, 403, JSON.stringify(cross.body)); // a central bank acts in its own currency only
    assert.equal(balance(RU1, 'RUB'), r0);
    // A repeated id is answered RJCT DUPL; a message that does not read, 422.
    const dup = await fx.request('POST', `/v1/participants/${A}/funding`, {
      user: 'cb',
      raw: cnyFunding(p, A, 'API-3', '50.00', { msgId: 'AGAIN' }),
      headers: XML,
    });
    assert.deepEqual([dup.status, dup.body.accepted, dup.body.liquidity_transfers[0].reason, dup.body.errors[0].code], [200, false, 'DUPL', 'DUPL']);
    const broken = await fx.request('POST', `/v1/participants/${A}/funding`, {
      user: 'cb',
      raw: '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.050.001.05"/>',
      headers: XML,
    });
    assert.deepEqual([broken.status, broken.body.code], [422, 'invalid_message']);
    const pacs = await fx.request('POST', `/v1/participants/${A}/funding`, {
      user: 'cb',
      raw: '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/>',
      headers: XML,
    });
    assert.deepEqual([pacs.status, pacs.body.errors[0].code], [422, 'MESSAGE_UNSUPPORTED']);
    assert.equal(balance(A, 'CNY'), a0 + 15_000n);
  } finally {
    await fx.close();
  }
});

test('CLI: iso validate reads a camt.050 structurally; iso submit funds and prints the pacs.002, a repeat exits non-zero with DUPL', async () => {
  const BIN = fileURLToPath(new URL('../../bin/sco-settle.js', import.meta.url));
  const backend = makeBackend('sqlite');
  try {
    const p = await Platform.open(backend.url!);
    await setupScheme(p);
    // No settlement date: the CLI runs on the wall clock.
    const xml = cnyFunding(p, A, 'CLI-1', '12.34', { date: undefined });
    await p.close();
    const file = join(dirname(backend.url!.slice('sqlite:'.length)), 'camt050.xml');
    writeFileSync(file, xml);
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, '--store', backend.url!, ...args], { encoding: 'utf8', env: { ...process.env, SCO_SETTLE_XSD_DIR: '' } });
    const v = run('iso', 'validate', file);
    assert.equal(v.status, 0, v.stderr + v.stdout);
    assert.match(v.stdout, /"message_type":"camt\.050\.001\.05"/);
    const s = run('iso', 'submit', file);
    assert.equal(s.status, 0, s.stderr);
    assert.match(s.stdout, /<OrgnlMsgNmId>camt\.050\.001\.05<\/OrgnlMsgNmId>/);
    assert.match(s.stdout, /<TxSts>ACSC<\/TxSts>/);
    const summary = JSON.parse(s.stderr.split('\n').find((l) => l.startsWith('{'))!) as { liquidity_transfers: Array<{ status: string; participant: string }> };
    assert.deepEqual([summary.liquidity_transfers[0]!.status, summary.liquidity_transfers[0]!.participant], ['ACSC', A]);
    const again = run('iso', 'submit', file);
    assert.notEqual(again.status, 0);
    assert.match(again.stderr, /"reason":"DUPL"/);
    // Reconciliation's bad input names its field in the JSON error document.
    for (const [args, field] of [
      [['--central-bank', A, '--date', '2025-09-01'], 'central_bank'],
      [['--central-bank', CB.CNY, '--date', '2025-13-01'], 'date'],
      [['--central-bank', CB.CNY, '--date', '2025-09-01', '--home-balance', '1.234'], 'home_balance'],
    ] as const) {
      const bad = run('--json', 'reconcile', ...args);
      assert.equal(bad.status, 4, bad.stderr);
      assert.equal((JSON.parse(bad.stderr.trim().split('\n').at(-1)!) as { error: { field: string } }).error.field, field);
    }
    const q = await Platform.open(backend.url!);
    assert.equal(q.balance(q.participant(A)!, 'CNY').available_minor, 1_234n);
    await q.close();
  } finally {
    await backend.cleanup();
  }
});
