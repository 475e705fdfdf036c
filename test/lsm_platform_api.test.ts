// The liquidity optimiser's read-only doors on a real SQLite store: the API's
// GET /v1/liquidity/proposals (in the OpenAPI document) and the CLI's
// `sco-settle liquidity optimise --json`.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { startApi } from './support/api.js';
import { BANKS, LP, payment, setupScheme } from './support/platform.js';

const [A, B, S] = BANKS;

test('API and CLI: proposals for a gridlocked CNY queue, read-only', async () => {
  const fx = await startApi('sqlite', { seed: false });
  try {
    const p = fx.platform;
    await setupScheme(p);
    await p.run({ type: 'fund', participant: S, currency: 'RUB', amount: '100000.00' });
    await p.run({ type: 'fund', participant: LP, currency: 'CNY', amount: '1000.00' });
    await p.run({ type: 'fund', participant: A, currency: 'CNY', amount: '50.00' });
    await p.run({ type: 'submit_payments', payments: [payment(S, A, 'CNY', '100.00'), payment(A, B, 'CNY', '150.00')] });
    const digest = p.stateDigest();
    const r = await fx.request('GET', '/v1/liquidity/proposals?currency=CNY', { user: 'op' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.execution_allowed, false);
    const best = r.body.results[0].proposals[0];
    assert.equal(best.participant, S);
    assert.equal(best.via, LP);
    assert.equal(best.buy_minor, '10000');
    assert.equal(best.released_payments, 2);
    const all = await fx.request('GET', '/v1/liquidity/proposals', { user: 'op' });
    assert.deepEqual(
      all.body.results.map((x: { currency: string }) => x.currency),
      ['CNY'],
    );
    const bad = await fx.request('GET', '/v1/liquidity/proposals?currency=cny', { user: 'op' });
    assert.equal(bad.status, 400);
    const doc = await fx.request('GET', '/openapi.json', { user: null });
    assert.ok(doc.body.paths['/v1/liquidity/proposals']?.get !== undefined, 'the route is in the OpenAPI document');
    assert.equal(p.stateDigest(), digest, 'reading proposals changes nothing');
    await fx.api.shutdown();
    const store = fx.backend.url!;
    const cli = spawnSync(process.execPath, [resolve('bin/sco-settle.js'), 'liquidity', 'optimise', '--store', store, '--currency', 'CNY', '--json'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SCO_SETTLE_STORE: '' },
    });
    assert.equal(cli.status, 0, cli.stderr);
    const out = JSON.parse(cli.stdout) as { results: Array<{ proposals: Array<{ participant: string; buy_minor: string }> }> };
    assert.equal(out.results[0]!.proposals[0]!.participant, S);
    assert.equal(out.results[0]!.proposals[0]!.buy_minor, '10000');
    const text = spawnSync(process.execPath, [resolve('bin/sco-settle.js'), 'liquidity', 'optimise', '--store', store], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /CNY: 2 queued/);
  } finally {
    await fx.close().catch(() => undefined);
  }
});
