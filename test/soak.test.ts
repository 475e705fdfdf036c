// The soak's short version (the hour-long run on PostgreSQL is a benchmark:
// `sco-settle --store postgres://… bench soak`): a real server in a child
// process, API clients paced over the run, then every acknowledged payment found
// in the reopened store and the journal verified.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runSoak } from '../src/bench/soak_bench.js';

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
      samples: Array<{ rss_mb: number; answered: number }>;
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
    assert.match(readFileSync(join(dir, 'soak.html'), 'utf8'), /<polyline/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
