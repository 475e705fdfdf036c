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
