// Screening a payment reads the matcher's cached name results without copying
// them (ScreeningIndex.nameMatches, issue #18): the answer must be the one an
// index without a result cache gives, and a caller changing what it was given
// must not change what later payments are told.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoScreen } from '../src/demo/screener.js';
import { demoWatchlist, WATCHLIST_VARIANTS } from '../src/demo/watchlist.js';
import { ScreeningIndex, screenPayment } from '../src/platform/screening_tools.js';
import { defaultProfile, generatePayments, withWatchlistName, type SimPayment } from '../src/sim/index.js';

function payments(seed: number, n: number): SimPayment[] {
  const profile = defaultProfile({ liquidity_ratio: 1, traffic: { payments: n } });
  return [...generatePayments(profile, { seed, payments: n })].map((p) => withWatchlistName(p, 7, WATCHLIST_VARIANTS));
}

test('screening a payment reads cached name results without copying them and gives the uncached, copied answer', () => {
  const list = demoWatchlist(new Date(0));
  const cached = new ScreeningIndex([list], { result_cache: 64 });
  const uncached = new ScreeningIndex([list], { result_cache: 0 });
  const screen = demoScreen();
  let hits = 0;
  for (const sp of payments(2, 600)) {
    const q = {
      uetr: sp.uetr,
      debtor: sp.debtor,
      creditor: sp.creditor,
      debtor_agent_bic: sp.payer_bic,
      creditor_agent_bic: sp.payee_bic,
      remittance: sp.remittance,
    };
    const a = screenPayment(cached, q);
    assert.deepStrictEqual(a, screenPayment(uncached, q));
    if (a.matches.length > 0) hits++;
    // What a caller is given is its own: changing it changes nothing cached.
    for (const m of a.matches) m.score = -1;
    assert.deepStrictEqual(screenPayment(cached, q), screenPayment(uncached, q));
    assert.equal(typeof screen(sp).score, 'number');
  }
  // The day carries watchlist names (every 7th payment): the comparison covers matches, not only misses.
  assert.ok(hits > 0, 'some payments match the list');
});

test('names screened alone are cached by the name per threshold: the answers of an index without a cache, whatever the order', () => {
  const list = demoWatchlist(new Date(0));
  // A cache of 5 turns its generations over many times in this loop.
  const cached = new ScreeningIndex([list], { result_cache: 5 });
  const uncached = new ScreeningIndex([list], { result_cache: 0 });
  const names = [...WATCHLIST_VARIANTS, 'golden crane', 'meridian', 'mineral fertilizer', 'Caspian', 'velichko arkadiy 1971'];
  let hits = 0;
  for (let round = 0; round < 6; round++) {
    for (const [i, name] of names.entries()) {
      // The same name at another threshold right after, and with no country, an empty one or one.
      for (const threshold of round % 2 === 0 ? [0.83, 0.6, 0.95, 0.83] : [[0.6, 0.83][i % 2]!]) {
        for (const country of [undefined, null, '', 'RU']) {
          const query = country === undefined ? { name } : { name, country };
          const want = uncached.screenName(query, threshold);
          assert.deepStrictEqual(cached.screenName(query, threshold), want, `${name} ${threshold} ${country}`);
          assert.deepStrictEqual(cached.nameMatches(query, threshold), want.matches);
          if (want.hit) hits++;
        }
      }
    }
  }
  assert.ok(hits > 0, 'some names match the list');
});
