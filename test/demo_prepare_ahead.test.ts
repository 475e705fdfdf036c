// How far the demo's preparation reads ahead of the day (issue #18:
// src/demo/prepare_pool.ts preparedAhead, sendPayments): at most `ahead` chunks per worker are
// out at a time, every payment comes back once and in the order generated, the
// time the day waits for answers is counted, and the day is the same whatever
// the read-ahead.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDay } from '../src/demo/day.js';
import { preparedAhead, sendPayments, type AheadWaits, type PreparePool } from '../src/demo/prepare_pool.js';
import { preparer, PREPARE_WORKER_ROLE, type Prepared } from '../src/demo/prepare_worker.js';
import { summarize, summaryJson } from '../src/demo/report.js';
import { demoScreen } from '../src/demo/screener.js';
import { WATCHLIST_VARIANTS } from '../src/demo/watchlist.js';
import { defaultProfile, generatePayments, type SimPayment } from '../src/sim/index.js';

/** A stand-in for a pool of `size` workers answering after `delayMs`; records the most requests out at once. */
function stubPool(size: number, prepare: (sp: SimPayment) => Prepared, delayMs: number): PreparePool & { most: number } {
  let out = 0;
  const pool = {
    size,
    most: 0,
    prepare(chunk: SimPayment[]): Promise<Prepared[]> {
      out++;
      pool.most = Math.max(pool.most, out);
      const answers = chunk.map((sp) => prepare(sp));
      return new Promise((resolve) =>
        setTimeout(() => {
          out--;
          resolve(answers);
        }, delayMs),
      );
    },
  };
  return pool as unknown as PreparePool & { most: number };
}

test('the read-ahead keeps at most `ahead` chunks per worker out, and hands every payment back once, in order', async () => {
  const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 6_000 } });
  const participants = profile.banks.map((b): [string, string[]] => [b.bic, Object.keys(b.liquidity)]);
  const prepare = preparer({ role: PREPARE_WORKER_ROLE, date: profile.traffic.business_date, participants, screen: null });
  const payments = [...generatePayments(profile, { seed: 7, payments: 6_000 })];
  for (const [size, ahead] of [
    [1, 1],
    [1, 4],
    [2, 3],
    [1, 64],
  ] as const) {
    const pool = stubPool(size, prepare, 2);
    const waits: AheadWaits = { waits: 0, wait_ms: 0 };
    let i = 0;
    for await (const [sp, p] of preparedAhead(pool.size, sendPayments(pool), payments, ahead, waits)) {
      assert.equal(sp, payments[i], `payment ${i} in the order generated`);
      assert.equal(p.forms[0]!.amount_minor, sp.amount_minor);
      i++;
    }
    assert.equal(i, payments.length);
    // 6,000 payments are 24 chunks of 250.
    assert.equal(pool.most, Math.min(ahead * size, 24), `${size} workers, ${ahead} ahead`);
    assert.ok(waits.waits > 0 && waits.wait_ms > 0, 'answers 2 ms away are waited for');
  }
});

test('the day is the same whatever the read-ahead', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-prepare-ahead-'));
  try {
    const seen: Array<{ digest: string; summary: string }> = [];
    for (const ahead of [1, 128]) {
      const run = await runDay({
        store: `sqlite:${join(dir, `a${ahead}.db`)}`,
        seed: 11,
        banks: 12,
        payments: 2_000,
        dns_share: 0.3,
        screen: demoScreen(),
        workers: 1,
        prepare_ahead: ahead,
        watchlist_every: 40,
        watchlist_names: WATCHLIST_VARIANTS,
        onProgress: () => {},
      });
      // Most traffic payments take the worker's answer (a recyclable one sent in a form the balances did not suggest does not).
      assert.ok(run.prepared_ahead > run.traffic_payments * 0.7 && run.prepared_ahead <= run.traffic_payments, `${run.prepared_ahead}`);
      const figures = summaryJson(summarize(run));
      delete figures.wall_s;
      delete figures.payments_per_s;
      seen.push({ digest: run.platform.stateDigest(), summary: JSON.stringify(figures) });
      await run.platform.close();
    }
    assert.equal(seen[1]!.digest, seen[0]!.digest);
    assert.equal(seen[1]!.summary, seen[0]!.summary);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a read-ahead of no chunks is refused, not a day that passes no payment', async () => {
  const pool = stubPool(1, () => ({ screening: null, forms: [] }), 0);
  const payments = [...generatePayments(defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 10 } }), { seed: 7, payments: 10 })];
  for (const ahead of [0, -1, 1.5, Number.NaN]) {
    await assert.rejects(
      async () => {
        for await (const _ of preparedAhead(pool.size, sendPayments(pool), payments, ahead)) break;
      },
      (err: unknown) => err instanceof RangeError && /positive integer/.test(err.message),
      `ahead ${ahead}`,
    );
  }
});
