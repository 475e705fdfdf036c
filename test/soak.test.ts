// The soak's short version (the hour-long run on PostgreSQL is a benchmark:
// `sco-settle --store postgres://… bench soak`): a real server in a child
// process, API clients paced over the run, then every acknowledged payment found
// in the reopened store and the journal verified.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fundingMinor, rssPerPayment, runSoak, type SoakSample } from '../src/bench/soak_bench.js';
import { slope } from '../src/bench/stats.js';

test('a short soak: every acknowledged payment is in the store, the journal verifies, every window is sampled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-soak-test-'));
  try {
    const r = (await runSoak({ store: null, duration_s: 6, payments: 300, clients: 4, sample_s: 2, report_dir: dir, progress: () => undefined })) as {
      metrics: {
        payments_acknowledged: number;
        payments_refused: number;
        server_errors: number;
        lost: number;
        verify_ok: boolean;
        acknowledged_by_state: Record<string, number>;
      };
      samples: SoakSample[];
    };
    assert.equal(r.metrics.server_errors, 0);
    assert.equal(r.metrics.payments_acknowledged + r.metrics.payments_refused, 300);
    assert.ok(r.metrics.payments_acknowledged > 250, `most payments acknowledged: ${r.metrics.payments_acknowledged}`);
    assert.equal(r.metrics.lost, 0);
    // Every acknowledged payment is counted once, by the state the reopened store holds.
    const counted = Object.values(r.metrics.acknowledged_by_state).reduce((a, n) => a + n, 0);
    assert.equal(counted, r.metrics.payments_acknowledged, JSON.stringify(r.metrics.acknowledged_by_state));
    assert.equal(r.metrics.verify_ok, true);
    assert.ok(r.samples.length >= 3);
    assert.equal(
      r.samples.reduce((a, s) => a + s.answered, 0),
      300,
    );
    assert.ok(r.samples.every((s) => s.rss_mb > 0));
    // The server's own gauges, scraped from its /metrics beside /proc.
    assert.ok(
      r.samples.every((s) => s.heap_used_mb !== null && s.heap_used_mb > 0 && s.external_mb !== null && s.native_mb !== null),
      JSON.stringify(r.samples[0]),
    );
    assert.match(readFileSync(join(dir, 'soak.html'), 'utf8'), /<polyline/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the RSS slope per payment: exact on a line, over the whole run and its second half, none without two distinct points', () => {
  // 100 payments a window; memory 100 MB, then +1 KB a payment for the first half and +2 KB in the second.
  const samples = Array.from({ length: 10 }, (_, i) => ({
    t_s: i * 10,
    answered: 100,
    errors: 0,
    p50_ms: 1,
    p99_ms: 2,
    rss_mb: 0,
    heap_used_mb: i === 3 ? null : 50,
    external_mb: null,
    native_mb: null,
  }));
  let bytes = 100 * 1024 * 1024;
  for (const [i, s] of samples.entries()) {
    bytes += (i < 5 ? 1024 : 2048) * 100;
    s.rss_mb = bytes / (1024 * 1024);
  }
  const r = rssPerPayment(samples);
  assert.equal(r.second_half, 2048);
  assert.ok(r.whole_run !== null && r.whole_run > 1024 && r.whole_run < 2048, String(r.whole_run));
  assert.deepEqual(rssPerPayment(samples.slice(0, 1)), { whole_run: null, second_half: null });
  assert.deepEqual(
    rssPerPayment(samples, (s) => s.heap_used_mb),
    { whole_run: 0, second_half: 0 },
    'a window without a scrape is left out',
  );
  assert.deepEqual(
    rssPerPayment(samples, (s) => s.external_mb),
    { whole_run: null, second_half: null },
  );
  assert.equal(slope([1, 2, 3], [5, 5, 5]), 0);
  assert.throws(() => slope([1, 2], [1]), RangeError);
});

test('the soak funds every currency with the same value: exact at the reference rate, IRR as much as CNY', () => {
  // USD 10^10: IRR at 950,000 a dollar, 2 minor digits; CNY at 7.1063.
  assert.equal(fundingMinor('IRR'), 10n ** 10n * 950_000n * 100n);
  assert.equal(fundingMinor('CNY'), (10n ** 10n * 71_063n * 100n) / 10_000n);
  // The old single figure (10^15 minor units) was about USD 10.5 M in IRR; now a thousand times more,
  // and still within the 18 digits an amount may have.
  assert.ok(fundingMinor('IRR') >= 10n ** 15n * 900n);
  assert.ok(fundingMinor('IRR') < 10n ** 18n);
});
