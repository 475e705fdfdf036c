// `sco-settle demo --json` and the banks' liquidity policy on a real (small) day:
// one JSON document on stdout with every figure of the summary, progress on
// stderr, the counts adding up, value per liquidity equal to value / liquidity and
// never above the ceiling of the day's traffic, no cut-off or funds rejection,
// conservation and verify still checked by the demo; and a policy without
// borrowing places nothing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { runDay } from '../src/demo/day.js';
import { summarize } from '../src/demo/report.js';
import { DEFAULT_LIQUIDITY_POLICY, liquidityPolicy } from '../src/sim/index.js';

const KEYS = [
  'payments',
  'settled',
  'rejected',
  'rejected_by_reason',
  'warehoused',
  'value_settled_usd',
  'liquidity_usd',
  'value_per_liquidity',
  'lsm_released_value_usd',
  'dns_saving_share',
  'queue_time_s',
  'wall_s',
  'payments_per_s',
];

test('demo --json prints one JSON document whose figures add up; progress stays on stderr', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-json-'));
  try {
    const r = spawnSync(
      process.execPath,
      [
        resolve('bin/sco-settle.js'),
        'demo',
        '--json',
        '--seed',
        '5',
        '--payments',
        '600',
        '--banks',
        '12',
        '--file',
        join(dir, 'd.db'),
        '--reports',
        join(dir, 'r'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /day closed/, 'progress on stderr');
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'one line on stdout');
    // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, checked field by field below
    const j = JSON.parse(lines[0]!) as Record<string, any>;
    for (const k of KEYS) assert.ok(k in j, `key ${k}`);
    assert.deepEqual(Object.keys(j.queue_time_s).sort(), ['median', 'p99']);
    assert.equal(j.settled + j.rejected + j.warehoused + j.held + j.queued, j.payments);
    assert.equal(
      Object.values(j.rejected_by_reason as Record<string, number>).reduce((a, b) => a + b, 0),
      j.rejected,
    );
    assert.ok(j.liquidity_usd > 0 && j.value_settled_usd > 0);
    assert.ok(Math.abs(j.value_per_liquidity - j.value_settled_usd / j.liquidity_usd) < 1e-9 * j.value_per_liquidity);
    // The ceiling bounds any policy: liquidity put in is at least the end-of-day net debits.
    assert.ok(j.value_per_liquidity <= j.ceiling + 1e-9, `${j.value_per_liquidity} > ceiling ${j.ceiling}`);
    // All traffic: the trade value plus the interbank payments, bounded by its own ceiling.
    const ib = Object.values(j.interbank as Record<string, { count: number; value_usd: number }>);
    assert.deepEqual(Object.keys(j.interbank).sort(), ['fx_squaring', 'placement', 'repayment']);
    assert.ok(Math.abs(j.value_settled_all_usd - j.value_settled_usd - ib.reduce((a, k) => a + k.value_usd, 0)) < 1e-6 * j.value_settled_all_usd);
    assert.ok(Math.abs(j.value_per_liquidity_all - j.value_settled_all_usd / j.liquidity_usd) < 1e-9 * j.value_per_liquidity_all);
    assert.ok(j.value_per_liquidity_all <= j.ceiling_all + 1e-9, `${j.value_per_liquidity_all} > ceiling ${j.ceiling_all}`);
    assert.ok(ib.reduce((a, k) => a + k.count, 0) <= j.payments - j.traffic_payments, 'interbank payments settled are among those sent besides the traffic');
    assert.ok(j.payments >= j.traffic_payments && j.traffic_payments === 600);
    assert.equal((j.rejected_by_reason.AM04 ?? 0) + (j.rejected_by_reason.CUTO ?? 0), 0, JSON.stringify(j.rejected_by_reason));
    assert.ok(Math.abs(j.payments_per_s - j.payments / j.wall_s) < 1e-6 * j.payments_per_s);
    // Where the liquidity went: funding per phase of the day, plus credit and swap drawings, is the liquidity put in.
    const fp = j.funding_by_phase_usd as Record<string, number>;
    assert.deepEqual(Object.keys(fp), ['opening', 'intraday', 'window', 'close', 'credit_repayment']);
    const phases = Object.values(fp).reduce((a, b) => a + b, 0);
    assert.ok((fp.opening ?? 0) > 0 && Object.values(fp).every((v) => v >= 0), JSON.stringify(fp));
    assert.ok(Math.abs(phases + j.credit_drawn_usd + j.swap_drawn_usd - j.liquidity_usd) < 1e-9 * j.liquidity_usd, JSON.stringify(fp));
    assert.match(j.verify, /^verify: /, 'the demo verified the store (conservation and replay)');
    // The windows: the default routing (every eligible payment of at most USD 100,000), what they took and saved.
    assert.deepEqual(Object.keys(j.dns), ['max_usd', 'share', 'payments', 'gross_usd', 'net_usd']);
    assert.equal(j.dns.max_usd, 100_000);
    assert.equal(j.dns.share, 1);
    assert.ok(j.dns.payments > 0 && j.dns.payments < j.traffic_payments, JSON.stringify(j.dns));
    assert.ok(j.dns.net_usd <= j.dns.gross_usd && j.dns.gross_usd < j.value_settled_usd, JSON.stringify(j.dns));
    assert.ok(Math.abs(j.dns_saving_share - (1 - j.dns.net_usd / j.dns.gross_usd)) < 1e-9, JSON.stringify(j.dns));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('demo refuses a --dns-max-usd that is not a whole USD amount or "none", before making a store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-dns-'));
  try {
    for (const bad of ['-5', '1.5', '1e6', '1000000001', 'all']) {
      const r = spawnSync(process.execPath, [resolve('bin/sco-settle.js'), 'demo', '--exit', '--dns-max-usd', bad, '--file', join(dir, 'd.db')], {
        encoding: 'utf8',
      });
      assert.notEqual(r.status, 0, bad);
      assert.match(r.stderr, /--dns-max-usd: must be an integer from 0 to 1000000000 \(USD\) or "none"/, bad);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the policy in a day: placements happen only when borrowing is allowed, and the day is the same for the same seed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-policy-'));
  try {
    const base = { seed: 9, banks: 12, payments: 500, dns_share: 0.3, screen: null, onProgress: () => {} };
    const digests: string[] = [];
    const summaries = [];
    for (const [name, policy] of [
      ['a', DEFAULT_LIQUIDITY_POLICY],
      ['b', DEFAULT_LIQUIDITY_POLICY],
      ['c', liquidityPolicy({ borrow_first: false })],
    ] as const) {
      const run = await runDay({ ...base, store: `sqlite:${join(dir, `${name}.db`)}`, policy });
      // Every unit funded from home is in exactly one phase of the day, exactly (minor units, per currency).
      for (const [ccy, minor] of run.funding_minor) {
        let phases = 0n;
        for (const m of run.funding_by_phase.values()) phases += m.get(ccy) ?? 0n;
        assert.equal(phases, minor, `${name} ${ccy}: funding by phase adds up to the funding`);
      }
      digests.push(run.platform.stateDigest());
      const s = summarize(run);
      summaries.push(s);
      for (const c of run.platform.conservation()) assert.equal(c.issued_minor, c.held_minor, `conserved ${c.currency}`);
      await run.platform.close();
    }
    assert.equal(digests[0], digests[1], 'same seed, same day');
    assert.ok(summaries[0]!.placements > 0, 'banks with a surplus lend to banks short of it');
    assert.equal(summaries[2]!.placements, 0, 'no borrowing, no placements');
    // Placements recycle liquidity: the day with them needs no more than the day without.
    assert.ok(summaries[0]!.liquidity_usd <= summaries[2]!.liquidity_usd * 1.0001, `${summaries[0]!.liquidity_usd} vs ${summaries[2]!.liquidity_usd}`);
    const s0 = summaries[0]!;
    const ib = s0.interbank.placement.value_usd + s0.interbank.repayment.value_usd + s0.interbank.fx_squaring.value_usd;
    assert.equal(s0.value_settled_usd, s0.gross_settled_usd - ib, 'interbank payments are not counted in the trade value');
    assert.equal(s0.value_settled_all_usd, s0.gross_settled_usd, 'all traffic counts every settled payment');
    assert.equal(s0.interbank.placement.count, s0.placements);
    assert.ok(s0.value_per_liquidity_all <= s0.ceiling_all + 1e-9, `${s0.value_per_liquidity_all} > ceiling ${s0.ceiling_all}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('interbank business in a day: loans repaid with interest and FX squaring legs settle; without them none are sent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-demo-interbank-'));
  try {
    const base = { seed: 4, banks: 12, payments: 800, dns_share: 0.3, screen: null, onProgress: () => {} };
    const on = await runDay({ ...base, store: `sqlite:${join(dir, 'on.db')}` });
    const s = summarize(on);
    // Every repayment pays back a placement of the same day, lender and borrower swapped, with interest.
    const byE2e = (prefix: string) => [...on.platform.everyPayment()].filter((p) => p.instruction.end_to_end_id.startsWith(prefix) && p.state === 'settled');
    const repayments = byE2e('RPY-');
    assert.ok(repayments.length > 0 && s.interbank.repayment.count === repayments.length, 'some loans are repaid within the day');
    const pairs = new Set(byE2e('PLC-').map((p) => `${p.instruction.payer}>${p.instruction.payee}:${p.instruction.currency}`));
    for (const r of repayments) assert.ok(pairs.has(`${r.instruction.payee}>${r.instruction.payer}:${r.instruction.currency}`), 'a repayment returns a loan');
    const legs = byE2e('FXS-');
    assert.equal(legs.length % 2, 0, 'squaring trades settle both legs');
    assert.ok(s.interbank.fx_squaring.count > 0, 'positions are squared');
    for (const c of on.platform.conservation()) assert.equal(c.issued_minor, c.held_minor, `conserved ${c.currency}`);
    await on.platform.close();
    const off = await runDay({ ...base, store: `sqlite:${join(dir, 'off.db')}`, squaring: null, money_market: null });
    const t = summarize(off);
    assert.equal(t.interbank.repayment.count + t.interbank.fx_squaring.count, 0);
    assert.equal(t.traffic_payments, s.traffic_payments);
    await off.platform.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
