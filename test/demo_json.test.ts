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
import { summarize, summaryJson } from '../src/demo/report.js';
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
    assert.ok(j.payments >= j.traffic_payments && j.traffic_payments === 600);
    assert.equal((j.rejected_by_reason.AM04 ?? 0) + (j.rejected_by_reason.CUTO ?? 0), 0, JSON.stringify(j.rejected_by_reason));
    assert.ok(Math.abs(j.payments_per_s - j.payments / j.wall_s) < 1e-6 * j.payments_per_s);
    assert.match(j.verify, /^verify: /, 'the demo verified the store (conservation and replay)');
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
    const j = summaryJson(summaries[0]!);
    assert.equal(j.value_settled_usd, summaries[0]!.gross_settled_usd - summaries[0]!.placements_value_usd, 'placements are not counted as value');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
