// The simulator's HTTP mode (`sco-settle sim run --server URL`, issue 19): a
// real `sco-settle serve` process (test/support/served.ts), and the CLI in
// another process drives a short simulated day into it through the typed
// client — scheme set-up, payments in batches, LSM runs, the day's close.
// What the simulator reports must be what the server itself says: the
// dashboard overview's counts by state and settled count and value per
// currency, and, after the server stops, the store read directly (every
// payment of the day there, the same number settled). A second run of the same
// day changes nothing (idempotency keys, UETRs). Its failures have the CLI's
// exit codes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ScoSettleClient } from '../src/client/client.js';
import { Platform } from '../src/platform/platform.js';
import { defaultProfile, generatePayments } from '../src/sim/index.js';
import type { HttpRunReport } from '../src/cli/sim_http.js';
import { serveTestStore } from './support/served.js';

const BIN = resolve('bin/sco-settle.js');

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, SCO_SETTLE_API_KEY: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', rej);
    child.once('exit', (code) => res({ code: code ?? -1, stdout, stderr }));
  });
}

const sum = (counts: Record<string, number | undefined>): number => Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);

/** The dashboard overview (all of today's payments are the simulator's) says what the report says. */
async function sameAsServer(op: ScoSettleClient, report: HttpRunReport): Promise<void> {
  const overview = await op.call<{ states: Record<string, number>; settled_by_currency: Array<{ currency: string; count: number; value_minor: string }> }>(
    'getOverview',
  );
  assert.deepEqual(overview.states, report.final);
  const byCcy = Object.fromEntries(overview.settled_by_currency.map((r) => [r.currency, { count: r.count, value_minor: String(r.value_minor) }]));
  assert.deepEqual(byCcy, report.settled_by_currency);
  assert.equal(
    Object.values(report.settled_by_currency).reduce((a, r) => a + r.count, 0),
    report.final.settled ?? 0,
  );
}

const DAY = ['--seed', '11', '--banks', '10', '--payments', '240', '--batch', '40', '--lsm-every', '80'];

test('sim run drives a short day over HTTP through the client; its counts are the server’s own', async () => {
  const srv = await serveTestStore('simhttp');
  try {
    const run = await cli(['sim', 'run', '--server', srv.base, '--api-key', srv.keys.op!, '--setup', '--json', ...DAY]);
    assert.equal(run.code, 0, run.stderr);
    const first = JSON.parse(run.stdout) as HttpRunReport;
    assert.equal(first.mode, 'http');
    assert.equal(first.payments, 240);
    assert.equal(first.requests, 6);
    assert.ok(first.setup !== null && first.setup.participants_registered > 0 && first.setup.accounts_funded > 0);
    assert.equal(first.setup.day_opened, false, 'the served store had today open already');
    // Cross-currency payments price at the rates the set-up dated today, not refused as stale.
    assert.ok(first.setup.rates_imported > 0);
    assert.equal(sum(first.at_submit), 240);
    assert.equal(sum(first.final), 240);
    assert.equal(first.unlisted, 0);
    assert.ok(first.lsm_runs > 0);
    const op = new ScoSettleClient({ baseUrl: srv.base, apiKey: srv.keys.op! });
    await sameAsServer(op, first);

    // The same day again, then the close: nothing is submitted twice (the same answers), the server's view still agrees.
    const again = await cli(['sim', 'run', '--server', srv.base, '--api-key', srv.keys.op!, '--close-day', '--json', ...DAY]);
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as HttpRunReport;
    assert.deepEqual(report.at_submit, first.at_submit);
    assert.equal(report.day_closed, true);
    assert.equal(sum(report.final), 240);
    await sameAsServer(op, report);
    const settled = report.final.settled ?? 0;
    assert.ok(settled > 0, `some payments settle: ${JSON.stringify(report.final)}`);

    // The store itself, read after the server stopped: every payment of the day there, as many settled.
    await srv.stop('SIGTERM');
    const platform = await Platform.open(srv.store);
    try {
      const day = [...generatePayments(defaultProfile({ banks: 10, traffic: { payments: 240 } }), { seed: 11, payments: 240 })];
      const states = day.map((p) => platform.payment(p.uetr)?.state);
      assert.equal(states.filter((s) => s === undefined).length, 0, 'every submitted payment is on the platform');
      assert.equal(states.filter((s) => s === 'settled').length, settled);
    } finally {
      await platform.close();
    }
  } finally {
    await srv.cleanup();
  }
});

const THIN = ['--seed', '5', '--payments', '240', '--batch', '40', '--lsm-every', '80', '--watchlist-every', '20'];

test('sim run --server screens with the server’s lists and its treasury tops queued shortfalls up; the report states its limits', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-simhttp-thin-'));
  const [listed, plain] = await Promise.all([serveTestStore('simhttp-listed'), serveTestStore('simhttp-treasury')]);
  try {
    // A profile funded for a 10-payment day, so a 240-payment day queues.
    const profile = await cli(['sim', 'profile', '--banks', '10', '--payments', '10']);
    assert.equal(profile.code, 0, profile.stderr);
    writeFileSync(join(dir, 'thin.json'), profile.stdout);
    // The demo's watch-list on the first server's store (loaded while it is stopped, as an operator would).
    const list = await cli(['sim', 'watchlist']);
    assert.equal(list.code, 0, list.stderr);
    writeFileSync(join(dir, 'watch.ndjson'), list.stdout);
    await listed.stop('SIGTERM');
    const load = await cli(['screen', 'load', '--format', 'opensanctions', '--store', listed.store, join(dir, 'watch.ndjson')]);
    assert.equal(load.code, 0, load.stderr);
    await listed.start();

    const run = (srv: typeof listed, extra: string[]) =>
      cli(['sim', 'run', '--server', srv.base, '--api-key', srv.keys.op!, '--setup', '--json', '--profile', join(dir, 'thin.json'), ...THIN, ...extra]);
    const [a, b] = await Promise.all([run(listed, []), run(plain, ['--treasury'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const held = JSON.parse(a.stdout) as HttpRunReport;
    const covered = JSON.parse(b.stdout) as HttpRunReport;

    // Screening is the server's: 12 renamed debtors, held where the list is loaded, none held where it is not.
    assert.equal(held.screening.renamed, 12);
    assert.ok(held.screening.held_at_submit > 0, JSON.stringify(held.screening));
    assert.ok((held.screening.cases ?? 0) >= held.screening.held_at_submit);
    assert.equal(covered.screening.held_at_submit, 0);
    assert.ok(held.limits.some((l) => /screening is the server's/.test(l)));

    // Without a treasury the thin day leaves payments queued; with it the banks top up and fewer stay queued.
    assert.equal(held.treasury, null);
    assert.ok((held.final.queued ?? 0) > 0, JSON.stringify(held.final));
    assert.ok(covered.treasury !== null && covered.treasury.top_ups > 0, JSON.stringify(covered.treasury));
    assert.ok((covered.final.queued ?? 0) < (held.final.queued ?? 0), `${JSON.stringify(covered.final)} vs ${JSON.stringify(held.final)}`);
    assert.ok((covered.final.settled ?? 0) > (held.final.settled ?? 0));
    // The top-ups are on the server: the funded value shows in the audit trail's funding commands.
    const op = new ScoSettleClient({ baseUrl: plain.base, apiKey: plain.keys.op! });
    let funded = 0n;
    for await (const e of op.each(
      (cursor) => op.listAudit({ action: 'fund', limit: 1000, ...(cursor ? { cursor } : {}) }),
      (p) => p.audit,
    ))
      if (e.ok) funded += 1n;
    assert.ok(funded >= BigInt(covered.treasury.top_ups + (covered.setup?.accounts_funded ?? 0)), `${funded} funding commands audited`);
  } finally {
    await Promise.all([listed.cleanup(), plain.cleanup()]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sim run: the failures have the CLI’s exit codes', async () => {
  const srv = await serveTestStore('simhttp-exit');
  try {
    const noKey = await cli(['sim', 'run', '--server', srv.base, '--json', '--payments', '5']);
    assert.equal(noKey.code, 4, noKey.stderr);
    assert.equal(JSON.parse(noKey.stderr).error.code, 'invalid_input');

    const badServer = await cli(['sim', 'run', '--server', 'ftp://x', '--api-key', 'k', '--payments', '5']);
    assert.equal(badServer.code, 4, badServer.stderr);

    const badSeed = await cli(['sim', 'run', '--server', srv.base, '--api-key', srv.keys.op!, '--seed', 'abc']);
    assert.equal(badSeed.code, 4, badSeed.stderr);
    assert.match(badSeed.stderr, /--seed/);

    // A bank's key cannot set up the scheme.
    const notOperator = await cli(['sim', 'run', '--server', srv.base, '--api-key', srv.keys.bankA!, '--setup', '--json', '--payments', '5']);
    assert.equal(notOperator.code, 7, notOperator.stderr);
    assert.equal(JSON.parse(notOperator.stderr).error.code, 'forbidden');

    // A key the server does not know.
    const unknownKey = await cli(['sim', 'run', '--server', srv.base, '--api-key', 'sco_0000000000000000_nope', '--json', '--payments', '5']);
    assert.equal(unknownKey.code, 7, unknownKey.stderr);
    assert.equal(JSON.parse(unknownKey.stderr).error.code, 'unauthenticated');

    // Nothing listening: unreachable, retry later (6).
    const base = srv.base;
    await srv.stop('SIGTERM');
    const down = await cli(['sim', 'run', '--server', base, '--api-key', srv.keys.op!, '--json', '--payments', '5']);
    assert.equal(down.code, 6, down.stderr);
    assert.equal(JSON.parse(down.stderr).error.code, 'unreachable');
  } finally {
    await srv.cleanup();
  }
});

test('sim generate and sim profile: bad options are invalid input (exit 4), naming the option', async () => {
  for (const args of [
    ['sim', 'generate', '--seed', 'abc'],
    ['sim', 'generate', '--payments', '99999999999'],
    ['sim', 'generate', '--urgent-share', '2'],
    ['sim', 'profile', '--banks', '3'],
  ]) {
    const r = await cli([...args, '--json']);
    assert.equal(r.code, 4, `${args.join(' ')}: ${r.stderr}`);
    const e = JSON.parse(r.stderr).error;
    assert.equal(e.code, 'invalid_input');
    assert.match(e.field, /^--/);
  }
});
