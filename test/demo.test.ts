// The demo day at small scale, seeded: it completes, verify passes on the store,
// value is conserved per currency, the report's per-currency settled totals equal
// the ledger's, and the HTML report is self-contained; the banks send their
// low-value payments to the deferred-net windows and the rest to RTGS, by value.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDay } from '../src/demo/day.js';
import { ledgerSettledTotals, reportHtml, summarize } from '../src/demo/report.js';
import { verifyStore } from '../src/platform/verify_tools.js';
import { isInterbank } from '../src/demo/day.js';
import { netThresholdMinor } from '../src/sim/net_routing.js';

test('a small seeded demo day completes, verifies, conserves value and reports what the ledger holds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-'));
  const path = join(dir, 'demo.db');
  try {
    const run = await runDay({ store: `sqlite:${path}`, seed: 7, banks: 20, payments: 1500, dns_share: 0.3, screen: null, onProgress: () => {} });
    const s = summarize(run);
    assert.equal(s.traffic_payments, 1500);
    // The rest are the treasuries' overnight placements, each one a payment too (s.placements counts those settled).
    assert.ok(s.payments - 1500 >= s.placements);
    assert.equal(s.message_errors, 0);
    assert.equal(s.queued_at_close, 0, 'the close leaves nothing queued');
    assert.ok(s.settled > 0 && s.pvp_settled > 0);
    assert.equal(s.settled + s.rejected + s.held + s.warehoused, s.payments);
    const ledger = ledgerSettledTotals(run.platform);
    for (const c of s.by_currency) assert.equal(ledger.get(c.currency) ?? 0n, c.settled_value_minor, `settled ${c.currency}`);
    for (const c of run.platform.conservation()) assert.equal(c.issued_minor, c.held_minor, `conserved ${c.currency}`);
    // Nothing outstanding after the close: intraday credit repaid (or reported).
    for (const f of run.platform.facilities()) assert.equal(f.outstanding_minor, 0n);
    const html = reportHtml(s);
    assert.match(html, /uPlot/);
    assert.doesNotMatch(html, /<script[^>]+src=/, 'no external scripts');
    await run.platform.close();
    const { report } = await verifyStore(`sqlite:${path}`);
    assert.equal(report.ok, true, report.problem ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same seed gives the same day', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-'));
  try {
    const states: string[] = [];
    for (const name of ['a', 'b']) {
      const run = await runDay({
        store: `sqlite:${join(dir, `${name}.db`)}`,
        seed: 3,
        banks: 12,
        payments: 300,
        dns_share: 0.3,
        screen: null,
        onProgress: () => {},
      });
      states.push(run.platform.stateDigest());
      await run.platform.close();
    }
    assert.equal(states[0], states[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a demo interrupted with Ctrl-C stops between commands and leaves a store that verify accepts', async () => {
  const { spawn, spawnSync } = await import('node:child_process');
  const { resolve } = await import('node:path');
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-int-'));
  const bin = resolve('bin/sco-settle.js');
  try {
    const child = spawn(
      process.execPath,
      [bin, 'demo', '--exit', '--payments', '200000', '--banks', '20', '--file', join(dir, 'd.db'), '--reports', join(dir, 'r')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      // Interrupt once payments are flowing.
      if (/payments \d+\/200000/.test(err) && child.exitCode === null && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((res) => child.on('close', (c) => res(c)));
    assert.equal(code, 130, `exit code (stderr: ${err.slice(-400)})`);
    assert.match(err, /interrupted/);
    const v = spawnSync(process.execPath, [bin, '--store', `sqlite:${join(dir, 'd.db')}`, 'verify'], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    assert.match(v.stdout, /^ok: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the windows get every eligible payment at or below the USD cap and nothing above it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-dns-'));
  try {
    // USD 50,000: about two thirds of the eligible payments by count, so both sides of the cap are well populated.
    const max_usd = 50_000;
    const run = await runDay({
      store: `sqlite:${join(dir, 'd.db')}`,
      seed: 5,
      banks: 20,
      payments: 1200,
      dns_share: 1,
      dns_max_usd: max_usd,
      screen: null,
      onProgress: () => {},
    });
    const p = run.platform;
    const inWindow = new Set<string>();
    for (const w of p.windows()) for (const u of w.uetrs) inWindow.add(u);
    let low = 0;
    let high = 0;
    for (const pay of p.everyPayment()) {
      const ins = pay.instruction;
      const eligible = ins.priority === 'normal' && ins.payee_currency === ins.currency && !isInterbank(ins.end_to_end_id);
      const under = ins.amount_minor <= netThresholdMinor(max_usd, ins.currency)!;
      if (eligible && under) low++;
      if (eligible && !under) high++;
      assert.equal(ins.settlement === 'dns', eligible && under, `${ins.uetr}: ${ins.amount_minor} ${ins.currency}, ${ins.priority}, ${ins.end_to_end_id}`);
      assert.equal(inWindow.has(ins.uetr), eligible && under, `${ins.uetr} in a window`);
    }
    assert.ok(low > 200 && high > 100, `both sides of the cap populated: ${low} under, ${high} over`);
    const s = summarize(run);
    assert.equal(s.dns_payments, low, 'every window payment settled and counted');
    assert.deepEqual(s.dns_routing, { max_usd, share: 1 });
    assert.ok(s.netting_saving > 0 && s.netting_saving < 1);
    await p.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
