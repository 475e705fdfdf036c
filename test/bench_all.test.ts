// `bench all`'s table: every figure beside its target, met or not, and a suite
// that could not run shown with its reason (benchmarks never fail a run).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markdownTable, SUITES, TARGETS } from '../src/bench/all.js';

test('the table marks each figure against its target and names suites that did not run', () => {
  const md = markdownTable(
    [
      { suite: 'fx', ok: true, seconds: 1, metrics: { conversions_per_s: 2_000_000, quote_selections_per_s: 100 } },
      { suite: 'clearing', ok: true, seconds: 1, metrics: { netting_1m_payments_ms: 20, lsm_value_vs_optimal: 0.99, lsm_median_ms: 51 } },
      { suite: 'screening', ok: false, seconds: 0, metrics: {}, reason: 'lists_not_found: no ../shared/sanctions' },
    ],
    'now',
  );
  assert.match(md, /\| fx \| conversions_per_s \| 2000000 \| >= 1000000 \| yes \|/);
  assert.match(md, /\| fx \| quote_selections_per_s \| 100 \| >= 500000 \| no \|/);
  assert.match(md, /\| clearing \| lsm_value_vs_optimal \| 0.99 \| >= 0.99 \| yes \|/);
  assert.match(md, /\| clearing \| lsm_median_ms \| 51 \| <= 50 \| no \|/);
  assert.match(md, /\| screening \| — \| not run: lists_not_found/);
  for (const s of SUITES) assert.ok(TARGETS[s].length > 0, `${s} has targets`);
});
