// The demo day's traffic generated on the prepare workers (issue #18:
// src/demo/day_traffic.ts, PreparePool.prepareGenerated, preparedAhead with
// sendPositions): a worker started with the day's recipe reads the traffic by
// position, skipping the chunks of the other workers, and prepares exactly the
// payments the main thread generated too (which it no longer copies to the
// worker) — the same values, in the same order, all of them; a worker whose
// traffic differs fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dayProfile, dayTraffic, trafficCursor, type TrafficRecipe } from '../src/demo/day_traffic.js';
import { PreparePool, preparedAhead, sendPositions, type AheadWaits } from '../src/demo/prepare_pool.js';
import { preparer, PREPARE_WORKER_ROLE, type Prepared } from '../src/demo/prepare_worker.js';
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

test('preparedAhead with sendPositions asks for every position once, in order, chunks of at most 250, and hands the payments back in order', async () => {
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
    const asked: Array<[number, number]> = [];
    const pool = {
      size,
      prepareGenerated(chunk: readonly SimPayment[], from: number): Promise<Prepared[]> {
        asked.push([from, chunk.length]);
        // The chunk is the traffic from `from`: what a worker generates there.
        assert.deepStrictEqual(chunk, all.slice(from, from + chunk.length));
        return new Promise((resolve) => setTimeout(() => resolve(chunk.map((sp) => prepare(sp))), 1));
      },
    };
    const waits: AheadWaits = { waits: 0, wait_ms: 0 };
    let i = 0;
    for await (const [sp, p] of preparedAhead(pool.size, sendPositions(pool), all, ahead, waits)) {
      assert.equal(sp, all[i], `payment ${i}`);
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

test('two real workers started with the recipe prepare, without being sent the payments, what a worker sent them answers', async () => {
  const recipe = { ...RECIPE, payments: 900 };
  const profile = dayProfile(recipe.banks, recipe.payments);
  const participants = profile.banks.map((b): [string, string[]] => [b.bic, Object.keys(b.liquidity)]);
  const date = profile.traffic.business_date;
  const pool = new PreparePool(2, { date, participants, screen: null, traffic: recipe });
  const sent = new PreparePool(1, { date, participants, screen: null });
  try {
    const all = mainThreadTraffic(recipe);
    const got: Prepared[] = [];
    let i = 0;
    for await (const [sp, prepared] of preparedAhead(pool.size, sendPositions(pool), all, 2)) {
      assert.equal(sp, all[i++]);
      got.push(prepared);
    }
    assert.equal(got.length, all.length);
    assert.deepStrictEqual(got, await sent.prepare(all));
  } finally {
    await pool.close();
    await sent.close();
  }
});

test('a worker whose payments are not the chunk it is asked for fails the request: another seed, a chunk shifted by one, a wrong position', async () => {
  const recipe = { ...RECIPE, payments: 600 };
  const profile = dayProfile(recipe.banks, recipe.payments);
  const participants = profile.banks.map((b): [string, string[]] => [b.bic, Object.keys(b.liquidity)]);
  const all = mainThreadTraffic(recipe);
  for (const [traffic, chunk, from] of [
    [{ ...recipe, seed: recipe.seed + 1 }, all.slice(0, 250), 0],
    // (The pool compares a chunk's count and its first and last UETR: it tells position and seed, not every field; a
    // recipe read differently on the two sides is caught by the day's own identity test, test/demo_prepare.)
    [recipe, all.slice(1, 251), 0],
    [recipe, all.slice(500, 600), 550],
  ] as const) {
    const pool = new PreparePool(1, { date: profile.traffic.business_date, participants, screen: null, traffic });
    try {
      await assert.rejects(pool.prepareGenerated(chunk, from), /is not the day's/);
    } finally {
      await pool.close();
    }
  }
});

test('a pool without the recipe refuses to generate, and the request fails instead of waiting', async () => {
  const pool = new PreparePool(1, { date: '2025-08-29', participants: [], screen: null });
  try {
    await assert.rejects(pool.prepareGenerated(mainThreadTraffic(RECIPE).slice(0, 10), 0), /no traffic to generate them from/);
  } finally {
    await pool.close();
  }
});
