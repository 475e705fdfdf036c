// The demo day's traffic as a recipe: the scheme profile and the payments a day
// generates from a handful of numbers (banks, payments, seed, the watch-list
// renaming). The day (./day.ts) and the prepare worker (./prepare_worker.ts) both
// build the traffic from the same recipe with these functions, so a worker
// generates the very payments the day would have sent it, and the main thread
// neither generates nor copies them to the worker (issue #18: the chunks'
// structured clone and the generator were ~5 % of the main thread's busy time).

import { defaultProfile, generatePayments, withWatchlistName, type SchemeProfile, type SimPayment } from '../sim/index.js';

/** What the day's traffic is made from (./day.ts DayOptions). */
export interface TrafficRecipe {
  banks: number;
  payments: number;
  seed: number;
  /** Every n-th payment's debtor is renamed to a watch-list variant (0 = never). */
  watchlist_every: number;
  watchlist_names: readonly string[];
}

/** The day's scheme profile: at ratio 1 the profile's liquidity is each account's expected outflow of this day. */
export function dayProfile(banks: number, payments: number): SchemeProfile {
  return defaultProfile({ banks, liquidity_ratio: 1, traffic: { payments } });
}

/** The day's traffic payments in arrival order, watch-list renaming applied: `recipe.payments` of them. */
export function* dayTraffic(profile: SchemeProfile, recipe: TrafficRecipe): Generator<SimPayment> {
  for (const generated of generatePayments(profile, { seed: recipe.seed, payments: recipe.payments }))
    yield withWatchlistName(generated, recipe.watchlist_every, recipe.watchlist_names);
}

/**
 * The traffic read by position, forward only: `take(from, count)` skips to payment
 * `from` (the chunks another worker prepares) and returns the next `count` (fewer at
 * the day's end). Asking for a position already passed throws.
 */
export function trafficCursor(recipe: TrafficRecipe): (from: number, count: number) => SimPayment[] {
  const source = dayTraffic(dayProfile(recipe.banks, recipe.payments), recipe);
  let at = 0;
  let ended = false;
  return (from, count) => {
    if (!Number.isInteger(from) || from < at) throw new RangeError(`traffic: payment ${from} asked for, already at ${at}`);
    const out: SimPayment[] = [];
    while (!ended && at < from + count) {
      const r = source.next();
      if (r.done === true) {
        ended = true;
        break;
      }
      if (at >= from) out.push(r.value);
      at++;
    }
    return out;
  };
}
