// A follower's lag window (src/replication/lag.ts): its percentiles are those of the
// last 10,000 samples, sorted, whether the summary was asked for before or not —
// the summary is kept between samples, and a new sample must be seen at once.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LagWindow } from '../src/replication/lag.js';

function naive(all: readonly number[]): { p50: number; p99: number; max: number; samples: number } {
  if (all.length === 0) return { p50: 0, p99: 0, max: 0, samples: 0 };
  const kept = all.slice(-10_000).map((v) => Math.max(0, v));
  const sorted = [...kept].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: Math.max(0, ...all.map((v) => Math.max(0, v))), samples: kept.length };
}

test('lag percentiles are those of the window, however adds and summaries interleave', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: -5, max: 5_000 }), fc.double({ min: 0, max: 1e6, noNaN: true })), { maxLength: 300 }),
      fc.array(fc.boolean(), { maxLength: 300 }),
      (values, askAfter) => {
        const w = new LagWindow();
        const seen: number[] = [];
        assert.deepEqual(w.summary(), naive(seen));
        values.forEach((v, i) => {
          w.add(v);
          seen.push(v);
          if (askAfter[i] === true) assert.deepEqual(w.summary(), naive(seen));
        });
        assert.deepEqual(w.summary(), naive(seen));
        assert.deepEqual(w.summary(), naive(seen), 'asked twice without a sample between');
      },
    ),
    { numRuns: 200 },
  );
});

test('past 10,000 samples the oldest leave the percentiles (the max is of every sample)', () => {
  const w = new LagWindow();
  const seen: number[] = [];
  for (let i = 0; i < 10_000; i++) {
    w.add(1_000);
    seen.push(1_000);
  }
  assert.equal(w.summary().p99, 1_000);
  for (let i = 0; i < 10_000; i++) {
    w.add(i % 100);
    seen.push(i % 100);
    if (i % 2_500 === 0) assert.deepEqual(w.summary(), naive(seen));
  }
  const s = w.summary();
  assert.deepEqual(s, naive(seen));
  assert.equal(s.p99, 99);
  assert.equal(s.max, 1_000);
  s.p50 = -1;
  assert.notEqual(w.summary().p50, -1, 'a caller cannot change the kept summary');
});
