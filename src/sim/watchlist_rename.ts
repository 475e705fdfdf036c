// Which simulated payments carry a watch-list name: every n-th payment of the
// day (by its position, so the same seed renames the same payments) has its
// debtor renamed to one of the given names, in turn, so screening has
// something to hold. The in-process demo (src/demo/day.ts) and the HTTP mode
// (`sim run --server --watchlist-every N`) apply this one rule.

import type { SimPayment } from './traffic.js';

/** `p` with its debtor renamed when it is the n-th of `every` (0 or no names: never). */
export function withWatchlistName(p: SimPayment, every: number, names: readonly string[]): SimPayment {
  return every > 0 && names.length > 0 && p.seq % every === every - 1
    ? { ...p, debtor: { ...p.debtor, name: names[Math.floor(p.seq / every) % names.length]! } }
    : p;
}
