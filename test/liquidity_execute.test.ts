// The doors that execute a liquidity proposal by its id, on a real SQLite
// store: POST /v1/liquidity/proposals/:id/execute over loopback HTTP (roles: the
// operator, and the central bank of the currency bought; refused until the
// scheme allows execution; 409 stale_proposal once the state moved on, 404 for
// an unknown id, 400 for a malformed one) and `sco-settle liquidity execute ID`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Platform } from '../src/platform/platform.js';
import { UserDirectory } from '../src/http/auth.js';
import { startApi, USERS } from './support/api.js';
import { BANKS, LP, payment, setupScheme } from './support/platform.js';

const [A, B, S] = BANKS;

/** S (RUB and CNY) is short of the CNY it owes A, whose payment to B waits for it. */
async function gridlock(p: Platform): Promise<string[]> {
  await setupScheme(p);
  await p.run({ type: 'fund', participant: S, currency: 'RUB', amount: '100000.00' });
  await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '1000.00' });
  await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '50.00' });
  const pays = [payment(S, A, 'CNY', '100.00'), payment(A, B, 'CNY', '150.00')];
  await p.run({ type: 'submit_payments', payments: pays });
  return pays.map((x) => x.uetr as string);
}

test('API: execute a listed proposal by its id; refused until allowed, for the wrong role, and once stale', async () => {
  const fx = await startApi('sqlite', { seed: false });
  try {
    const p = fx.platform;
    const uetrs = await gridlock(p);
    // The store was empty when the fixture made its users: the CNY central bank's and bank A's come now.
    const users = await UserDirectory.load(p);
    for (const name of ['cb', 'bankA']) {
      await users.createUser(name, USERS[name]!.role, USERS[name]!.participant);
      fx.keys[name] = (await users.createKey(name)).token;
    }
    const list = await fx.request('GET', '/v1/liquidity/proposals?currency=CNY', { user: 'op' });
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const best = list.body.results[0].proposals[0];
    assert.match(best.id, /^LP-\d+-[0-9a-f]{16}$/);
    const url = `/v1/liquidity/proposals/${best.id}/execute`;
    const notYet = await fx.request('POST', url, { user: 'op', body: {} });
    assert.equal(notYet.status, 409, JSON.stringify(notYet.body));
    assert.equal(notYet.body.code, 'invalid_state');
    await p.run({ type: 'set_liquidity_execution', enabled: true }, 'op');
    // Listed again after the setting: the same proposal, the same content, a later journal position.
    const again = (await fx.request('GET', '/v1/liquidity/proposals?currency=CNY', { user: 'op' })).body.results[0].proposals[0];
    assert.equal(again.id.split('-')[2], best.id.split('-')[2]);
    const bank = await fx.request('POST', url, { user: 'bankA', body: {} });
    assert.equal(bank.status, 403);
    const malformed = await fx.request('POST', '/v1/liquidity/proposals/LP-1-xyz/execute', { user: 'op', body: {} });
    assert.equal(malformed.status, 400);
    assert.equal(malformed.body.code, 'invalid_field');
    const unknown = await fx.request('POST', '/v1/liquidity/proposals/LP-999999999-0123456789abcdef/execute', { user: 'op', body: {} });
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'not_found');
    // The id listed before the setting still names a proposal made now: the CNY central bank executes it.
    const rub = p.balance(p.participant(S)!, 'RUB').available_minor;
    const ok = await fx.request('POST', url, { user: 'cb', body: {} });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.released_payments, 2);
    for (const u of uetrs) assert.equal(p.payment(u)!.state, 'settled');
    assert.equal(String(rub - p.balance(p.participant(S)!, 'RUB').available_minor), best.sell_minor, 'S paid what the proposal said');
    const audit = p.auditTrail().filter((x) => x.action === 'execute_liquidity_proposal');
    assert.equal(audit.at(-1)!.by, 'cb', 'attributed to the caller');
    const stale = await fx.request('POST', url, { user: 'op', body: {} });
    assert.equal(stale.status, 409, JSON.stringify(stale.body));
    assert.equal(stale.body.code, 'stale_proposal');
    assert.equal(stale.body.path, 'id');
    const doc = await fx.request('GET', '/openapi.json', { user: null });
    assert.ok(doc.body.paths['/v1/liquidity/proposals/{id}/execute']?.post !== undefined, 'the route is in the OpenAPI document');
  } finally {
    await fx.close().catch(() => undefined);
  }
});

test('CLI: liquidity execute ID runs a listed proposal; a stale id is refused with its code', async () => {
  const fx = await startApi('sqlite', { seed: false });
  try {
    const p = fx.platform;
    const uetrs = await gridlock(p);
    await p.run({ type: 'set_liquidity_execution', enabled: true }, 'op');
    await fx.api.shutdown();
    const store = fx.backend.url!;
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [resolve('bin/sco-settle.js'), ...args, '--store', store], {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, SCO_SETTLE_STORE: '' },
      });
    const listed = cli('liquidity', 'optimise', '--currency', 'CNY', '--json');
    assert.equal(listed.status, 0, listed.stderr);
    const id = (JSON.parse(listed.stdout) as { results: Array<{ proposals: Array<{ id: string }> }> }).results[0]!.proposals[0]!.id;
    const text = cli('liquidity', 'optimise');
    assert.ok(text.stdout.includes(id), 'the text listing shows the ids');
    const run = cli('liquidity', 'execute', id, '--by', 'treasury-ops');
    assert.equal(run.status, 0, run.stderr);
    assert.equal((JSON.parse(run.stdout) as { released_payments: number }).released_payments, 2);
    const stale = cli('liquidity', 'execute', id);
    assert.notEqual(stale.status, 0);
    assert.match(stale.stderr, /stale_proposal/);
    const bad = cli('liquidity', 'execute', 'nonsense');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /invalid_field/);
    const { Platform: P } = await import('../src/platform/platform.js');
    const reopened = await P.open(store);
    try {
      for (const u of uetrs) assert.equal(reopened.payment(u)!.state, 'settled');
      assert.equal(
        reopened
          .auditTrail()
          .filter((x) => x.action === 'execute_liquidity_proposal')
          .at(-1)!.by,
        'treasury-ops',
      );
    } finally {
      await reopened.close();
    }
  } finally {
    await fx.close().catch(() => undefined);
  }
});
