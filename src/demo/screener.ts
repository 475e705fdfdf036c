// How the demo screens a simulated payment: its parties, agents and remittance
// against a screening index, recorded as the platform's ScreeningOutcome. The
// demo's own screener (the fictitious watch-list of ./watchlist.ts) carries the
// recipe it was made from, so a worker thread preparing payments ahead
// (./prepare_pool.ts) can build the same screener for itself.

import { SCREENING_RESULT_CACHE, ScreeningIndex, screenPayment } from '../platform/screening_tools.js';
import type { ScreeningOutcome } from '../platform/types.js';
import type { SimPayment } from '../sim/index.js';
import { demoWatchlist } from './watchlist.js';

/** A screener of simulated payments; `recipe` names one a worker thread can rebuild (absent: main thread only). */
export type DemoScreener = ((p: SimPayment) => ScreeningOutcome) & { readonly recipe?: ScreenerRecipe };

/** The screeners a worker can rebuild: the demo's watch-list. */
export type ScreenerRecipe = 'demo_watchlist';

/** Screening against the demo's fictitious watch-list (./watchlist.ts). */
export function demoScreen(): DemoScreener {
  const list = demoWatchlist(new Date(0));
  const screen = screenerOver(new ScreeningIndex([list], { result_cache: SCREENING_RESULT_CACHE }), list.version.version_id);
  return Object.assign(screen, { recipe: 'demo_watchlist' as const });
}

/** The screener a recipe names. */
export function screenerOf(recipe: ScreenerRecipe): DemoScreener {
  if (recipe === 'demo_watchlist') return demoScreen();
  throw new Error(`unknown screener recipe ${String(recipe)}`);
}

/** A simulated payment screened on `index`, as the demo records the outcome. */
export function screenerOver(index: ScreeningIndex, list_version: string): (p: SimPayment) => ScreeningOutcome {
  return (p) => {
    const r = screenPayment(index, {
      uetr: p.uetr,
      debtor: p.debtor,
      creditor: p.creditor,
      debtor_agent_bic: p.payer_bic,
      creditor_agent_bic: p.payee_bic,
      remittance: p.remittance,
    });
    const best = r.matches[0];
    const out: ScreeningOutcome = { hit: r.hit, score: Math.min(1, Math.max(0, r.score)), list_version };
    if (best !== undefined) out.detail = `${best.role} "${best.screened}" ~ ${best.matched_name} (${best.entry_id})`.slice(0, 1000);
    return out;
  };
}
