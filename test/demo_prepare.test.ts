// The demo's worker pipeline (issue #18: src/demo/prepare_pool.ts) changes
// nothing but where the work runs: a day whose payments are screened and run
// through the message path on worker threads, ahead of the main thread, journals
// exactly what the same day does with everything on the main thread; every
// traffic payment takes the worker's answer; and a failing worker fails the day
// instead of leaving it waiting.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/store/sqlite_driver.js';
import { runDay } from '../src/demo/day.js';
import { PreparePool } from '../src/demo/prepare_pool.js';
import { preparer, PREPARE_WORKER_ROLE, recycledForms } from '../src/demo/prepare_worker.js';
import { summarize, summaryJson } from '../src/demo/report.js';
import { demoScreen } from '../src/demo/screener.js';
import { WATCHLIST_VARIANTS } from '../src/demo/watchlist.js';
import { defaultProfile, generatePayments } from '../src/sim/index.js';

/** The last hash of the store's journal chain: equal heads, byte-identical journals. */
function journalHead(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    const row = db.prepare('SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: Buffer };
    return `${row.seq}:${row.hash.toString('hex')}`;
  } finally {
    db.close();
  }
}

test('a day prepared on two worker threads journals exactly what the same day does on the main thread', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-prepare-'));
  try {
    const seen: Array<{ digest: string; head: string; summary: string }> = [];
    for (const workers of [0, 2]) {
      const path = join(dir, `w${workers}.db`);
      const run = await runDay({
        store: `sqlite:${path}`,
        seed: 11,
        banks: 12,
        payments: 500,
        dns_share: 0.3,
        screen: demoScreen(),
        workers,
        watchlist_every: 40,
        watchlist_names: WATCHLIST_VARIANTS,
        onProgress: () => {},
      });
      assert.ok(run.platform.cases().length > 0, 'screening held some payments');
      // Inline: nothing prepared; with workers: most traffic payments (the interbank ones are made on the main
      // thread, and so is a recyclable payment sent in the form the workers' balance hint did not expect).
      if (workers === 0) assert.equal(run.prepared_ahead, 0);
      else assert.ok(run.prepared_ahead > run.traffic_payments * 0.7 && run.prepared_ahead < run.traffic_payments, `${run.prepared_ahead}`);
      // Those the hint did not expect are told from the worker's answer for their other form (test/demo_other_form.test.ts).
      if (workers === 0) assert.equal(run.prepared_other_form, 0);
      else assert.ok(run.prepared_other_form > 0 && run.prepared_ahead + run.prepared_other_form <= run.traffic_payments, `${run.prepared_other_form}`);
      const figures = summaryJson(summarize(run));
      delete figures.wall_s;
      delete figures.payments_per_s;
      const digest = run.platform.stateDigest();
      await run.platform.close();
      seen.push({ digest, head: journalHead(path), summary: JSON.stringify(figures) });
    }
    assert.equal(seen[1]!.digest, seen[0]!.digest);
    assert.equal(seen[1]!.head, seen[0]!.head);
    assert.equal(seen[1]!.summary, seen[0]!.summary);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a worker prepares a recyclable payment in both forms: as generated and in the payee home currency', () => {
  const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 300 } });
  const participants = profile.banks.map((b): [string, string[]] => [b.bic, Object.keys(b.liquidity)]);
  const prepare = preparer({ role: PREPARE_WORKER_ROLE, date: profile.traffic.business_date, participants, screen: null });
  let both = 0;
  for (const sp of generatePayments(profile, { seed: 5, payments: 300 })) {
    const p = prepare(sp);
    assert.equal(p.screening, null);
    assert.equal(p.forms[0]!.currency, sp.currency);
    assert.equal(p.forms[0]!.amount_minor, sp.amount_minor);
    assert.ok(p.forms[0]!.instructions !== null && p.forms[0]!.instructions.length === 1);
    if (p.forms.length === 2) {
      both++;
      const f = p.forms[1]!;
      assert.notEqual(f.currency, sp.currency);
      assert.equal(f.payee_currency, f.currency);
      assert.equal(f.instructions![0]!.currency, f.currency);
    }
  }
  assert.ok(both > 0, 'some payments may be recycled');
});

test('with the balance hint a worker prepares only the one form it says, equal field for field to that form prepared without it', () => {
  const profile = defaultProfile({ banks: 20, liquidity_ratio: 1, traffic: { payments: 600 } });
  const participants = profile.banks.map((b): [string, string[]] => [b.bic, Object.keys(b.liquidity)]);
  const prepare = preparer({ role: PREPARE_WORKER_ROLE, date: profile.traffic.business_date, participants, screen: null });
  const seen = { generated: 0, recycled: 0, both: 0 };
  for (const sp of generatePayments(profile, { seed: 9, payments: 600 })) {
    const eager = prepare(sp);
    // Balances that put each recyclable payment on either side of its converted amount in turn.
    const recycled = eager.forms[1];
    const amount = recycled?.amount_minor ?? 0n;
    for (const balance of [0n, amount - 1n, amount, amount * 100n]) {
      const held = new Map<string, bigint>();
      if (recycled !== undefined) held.set(`${sp.payer_bic}:${recycled.currency}`, balance);
      const hinted = prepare(sp, held);
      const which = recycled === undefined ? 'generated' : recycledForms(balance, amount);
      seen[which]++;
      const expected = which === 'generated' ? [eager.forms[0]] : which === 'recycled' ? [recycled] : eager.forms;
      assert.deepStrictEqual(hinted.forms, expected);
    }
  }
  assert.ok(seen.generated > 0 && seen.recycled > 0 && seen.both === 0, JSON.stringify(seen));
  // With a hint one form: recycled from the converted amount up, else as generated; both only without a hint.
  assert.equal(recycledForms(null, 100n), 'both');
  assert.equal(recycledForms(100n, 100n), 'recycled');
  assert.equal(recycledForms(10_000n, 100n), 'recycled');
  assert.equal(recycledForms(99n, 100n), 'generated');
  assert.equal(recycledForms(0n, 100n), 'generated');
});

test('a worker that cannot start fails the requests instead of leaving them waiting', async () => {
  const pool = new PreparePool(1, { date: '2025-08-29', participants: [], screen: 'no_such_list' as never });
  const profile = defaultProfile({ banks: 12, liquidity_ratio: 1, traffic: { payments: 5 } });
  try {
    await assert.rejects(pool.prepare([...generatePayments(profile, { seed: 1, payments: 5 })]), /no_such_list/);
  } finally {
    await pool.close();
  }
});
