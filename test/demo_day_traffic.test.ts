// The demo day's traffic generated on the prepare workers (issue #18:
// src/demo/day_traffic.ts, PreparePool.prepareGenerated, generatedAhead): a
// worker started with the day's recipe reads the traffic by position, skipping
// the chunks of the other workers, and hands back exactly the payments the main
// thread would have generated — the same values, in the same order, all of them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dayProfile, dayTraffic, trafficCursor, type TrafficRecipe } from '../src/demo/day_traffic.js';
import { generatedAhead, PreparePool, type AheadWaits, type PreparedChunk } from '../src/demo/prepare_pool.js';
import { preparer, PREPARE_WORKER_ROLE } from '../src/demo/prepare_worker.js';
import { WATCHLIST_VARIANTS } from '../src/demo/watchlist.js';
import { defaultProfile, generatePayments, withWatchlistName, type SimPayment } from '../src/sim/index.js';

const RECIPE: TrafficRecipe = { banks: 20, payments: 1_500, seed: 7, watchlist_every: 40, watchlist_names: WATCHLIST_VARIANTS };

/** The traffic as the day made it before this module: generated on the main thread, then renamed. */
function mainThreadTraffic(r: TrafficRecipe): SimPayment[] {
  const profile = defaultProfile({ banks: r.banks, liquidity_ratio: 1, traffic: { payments: r.payments } });
  return [...generatePayments(profile, { seed: r.seed, payments: r.payments })].map((p) => withWatchlistName(p, r.watchlist_every, r.watchlist_names));
}

test('the day traffic from its recipe is the main thread traffic: every payment, renamed every n-th', () => {
  const expected = mainThreadTraffic(RECIPE);
  const got = [...dayTraffic(dayProfile(RECIPE.banks, RECIPE.payments), RECIPE)];
  assert.equal(got.length, RECIPE.payments);
  assert.deepStrictEqual(got, expected);
  assert.ok(
    got.some((p) => WATCHLIST_VARIANTS.includes(p.debtor.name)),
    'some debtors renamed',
  );
});

test('a cursor read in increasing chunks, skipping any of them, gives each chunk its payments by position', () => {
  const recipe = { ...RECIPE, payments: 400 };
  const all = mainThreadTraffic(recipe);
  fc.assert(
    fc.property(fc.array(fc.record({ count: fc.integer({ min: 0, max: 120 }), skip: fc.boolean() }), { minLength: 1, maxLength: 12 }), (chunks) => {
      const take = trafficCursor(recipe);
      let from = 0;
      for (const { count, skip } of chunks) {
        if (!skip) assert.deepStrictEqual(take(from, count), all.slice(from, from + count), `from ${from}, count ${count}`);
        from += count;
      }
      // Past the day's end: nothing more.
      assert.deepStrictEqual(take(Math.max(from, recipe.payments), 5), all.slice(Math.max(from, recipe.payments), Math.max(from, recipe.payments) + 5));
    }),
    { numRuns: 60 },
  );
  const take = trafficCursor(recipe);
  take(0, 10);
  assert.throws(() => take(5, 1), RangeError, 'a position already passed');
});

test('generatedAhead asks for every position once, in order, chunks of at most 250, and hands the payments back in order', async () => {
  const recipe = { ...RECIPE, payments: 1_234 };
  const all = mainThreadTraffic(recipe);
  const prepare = preparer({
    role: PREPARE_WORKER_ROLE,
    date: dayProfile(recipe.banks, recipe.payments).traffic.business_date,
    participants: [],
    screen: null,
  });
  for (const [size, ahead] of [
    [1, 1],
    [2, 3],
    [1, 64],
  ] as const) {
    const takes = Array.from({ length: size }, () => trafficCursor(recipe));
    const asked: Array<[number, number]> = [];
    let n = 0;
    const pool = {
      size,
      prepareGenerated(from: number, count: number): Promise<PreparedChunk> {
        asked.push([from, count]);
        const payments = takes[n++ % size]!(from, count);
        return new Promise((resolve) => setTimeout(() => resolve({ payments, prepared: payments.map((sp) => prepare(sp)) }), 1));
      },
    };
    const waits: AheadWaits = { waits: 0, wait_ms: 0 };
    let i = 0;
    for await (const [sp, p] of generatedAhead(pool, recipe.payments, ahead, waits)) {
      assert.deepStrictEqual(sp, all[i], `payment ${i}`);
      assert.equal(p.forms[0]!.amount_minor, sp.amount_minor);
      i++;
    }
    assert.equal(i, recipe.payments);
    let next = 0;
    for (const [from, count] of asked) {
      assert.equal(from, next);
      assert.ok(count > 0 && count <= 250);
      next += count;
    }
    assert.equal(next, recipe.payments);
  }
});

test('two real workers started with the recipe generate and prepare the traffic each would have been sent', async () => {
  const recipe = { ...RECIPE, payments: 900 };
  const profile = dayProfile(recipe.banks, recipe.payments);
  const participants = profile.banks.map((b): [string, string[]] => [b.bic, Object.keys(b.liquidity)]);
  const date = profile.traffic.business_date;
  const pool = new PreparePool(2, { date, participants, screen: null, traffic: recipe });
  const sent = new PreparePool(1, { date, participants, screen: null });
  try {
    const all = mainThreadTraffic(recipe);
    const got: SimPayment[] = [];
    for await (const [sp, prepared] of generatedAhead(pool, recipe.payments, 2)) {
      got.push(sp);
      assert.equal(prepared.forms[0]!.amount_minor, sp.amount_minor);
    }
    assert.deepStrictEqual(got, all);
    // The answers equal those for the payments sent to a worker, as before.
    const chunk = await pool.prepareGenerated(recipe.payments - 50, 80);
    assert.equal(chunk.payments.length, 50, 'fewer at the end of the day');
    assert.deepStrictEqual(chunk.payments, all.slice(-50));
    assert.deepStrictEqual(chunk.prepared, await sent.prepare(all.slice(-50)));
  } finally {
    await pool.close();
    await sent.close();
  }
});

test('a pool without the recipe refuses to generate, and the request fails instead of waiting', async () => {
  const pool = new PreparePool(1, { date: '2025-08-29', participants: [], screen: null });
  try {
    await assert.rejects(pool.prepareGenerated(0, 10), /no traffic to generate them from/);
  } finally {
    await pool.close();
  }
});
