// `bench all`'s table: every figure beside its target, met or not, and a suite
// that could not run shown with its reason (benchmarks never fail a run).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownTable, SUITES, takePeakRss, TARGETS } from '../src/bench/all.js';

test('the table marks each figure against its target and names suites that did not run', () => {
  const md = markdownTable(
    [
      { suite: 'fx', ok: true, seconds: 1, rss_mb: 95, metrics: { conversions_per_s: 2_000_000, quote_selections_per_s: 100 } },
      { suite: 'clearing', ok: true, seconds: 1, rss_mb: null, metrics: { netting_1m_payments_ms: 20, lsm_value_vs_optimal: 0.99, lsm_median_ms: 51 } },
      { suite: 'screening', ok: false, seconds: 0, rss_mb: 40, metrics: {}, reason: 'lists_not_found: no ../shared/sanctions' },
    ],
    'now',
  );
  assert.match(md, /\| fx \| conversions_per_s \| 2000000 \| >= 1000000 \| yes \|/);
  assert.match(md, /\| fx \| quote_selections_per_s \| 100 \| >= 500000 \| no \|/);
  assert.match(md, /\| clearing \| lsm_value_vs_optimal \| 0.99 \| >= 0.99 \| yes \|/);
  assert.match(md, /\| clearing \| lsm_median_ms \| 51 \| <= 50 \| no \|/);
  assert.match(md, /\| screening \| — \| not run: lists_not_found/);
  assert.match(md, /\| fx \| rss_mb \(peak, suite process\) \| 95 \|/);
  assert.match(md, /\| clearing \| rss_mb \(peak, suite process\) \| n\/a \|/);
  for (const s of SUITES) assert.ok(TARGETS[s].length > 0, `${s} has targets`);
});

test('the peak RSS line a suite process writes on exit is read and removed from its stderr', () => {
  // The suite's process and the launcher that started it both report: the larger is the suite's.
  const got = takePeakRss('ledger: warming up\nsco-settle: oops\n\nbench-all-peak-rss-kib:524288\n\nbench-all-peak-rss-kib:44000\n');
  assert.equal(got.rss_mb, 512);
  assert.ok(!got.rest.includes('bench-all'));
  assert.ok(got.rest.includes('sco-settle: oops'));
  assert.equal(takePeakRss('no figure here\n').rss_mb, null);
});

test('a suite process really reports its peak RSS through the exit hook', async () => {
  const { spawnSync } = await import('node:child_process');
  const { RSS_HOOK } = await import('../src/bench/all.js');
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, '-e', 'globalThis.keep = new Array(4e6).fill(1.5)'], { encoding: 'utf8' });
  const { rss_mb } = takePeakRss(r.stderr);
  assert.ok(rss_mb !== null && rss_mb >= 30, `peak RSS ${rss_mb} MiB should include the 32 MB array`);
});
