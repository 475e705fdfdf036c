// Which of a simulated bank's payments go to the deferred-net (DNS) windows and
// which to RTGS: routing by value, as platforms that run a net system beside
// their RTGS do (low-value flows to net batches, large-value payments gross:
// China's CNAPS sends large-value payments to HVPS and low-value ones to BEPS,
// India's RTGS and NEFT split the same way, and many schemes cap the value of a
// payment in their net system). Owns the rule and the exact threshold in each
// currency; the demo (src/demo/day.ts) applies it to each payment it sends.
//
// The rule. A payment may go to its currency's window only when it is
// single-currency, `normal` priority and the banks' customer traffic (never an
// urgent payment, a PvP conversion, or the banks' own interbank business). Such
// a payment is routed to the window when
//   amount_minor ≤ threshold_minor(currency)   (value: USD `max_usd` at the
//                                               embedded reference rate), and
//   u < share                                   (u: the day's seeded draw in [0, 1)).
// Everything else settles in RTGS. `max_usd` null = no value cap (any value
// may go), `share` 1 = every low-value payment goes.
//
// The threshold in minor units: max_usd × units_per_usd × 10^minor_units,
// ROUNDED DOWN to a whole minor unit, exact bigint arithmetic on the rate's
// decimal text. Rounding down loses nothing: amounts are whole minor units, so
// `amount ≤ x` and `amount ≤ floor(x)` hold for exactly the same amounts; a
// payment of exactly the threshold's USD value goes to the window.
//
// Why USD 100,000 by default. On the demo's traffic (src/sim/profile.ts
// DEFAULT_TRAFFIC: customer payments log-normal around USD 20,000, σ 1.6;
// pacs.009 around USD 1m) about 76 % of the eligible payments by count, but only
// about 8 % of their value, are at or below USD 100,000, on every seed and day
// size measured (docs/benchmarks.md, issue 16): the windows take the bulk of the
// count and little of the value, which is what a net system is for. Raising the
// cap adds value faster than count (USD 250,000: 86 % of the count, 14 % of the
// value; USD 1m: 94 %, 34 %); large payments net poorly and their net debits
// fall due all at once at the window's close.

import { minorUnits, referenceRate, SimInputError } from './profile.js';

/** The routing to the deferred-net windows; every field is stated in the module header. */
export interface NetRouting {
  /** Largest payment sent to a window, whole USD equivalent, 0..NET_ROUTING_LIMITS.max_usd; null: no cap. */
  readonly max_usd: number | null;
  /** Share of the payments under the cap sent to a window, 0..1. */
  readonly share: number;
}

export const NET_ROUTING_LIMITS = Object.freeze({ max_usd: 1_000_000_000 });

/** The demo's routing: every eligible payment of at most USD 100,000 to the windows. */
export const DEFAULT_NET_ROUTING: NetRouting = Object.freeze({ max_usd: 100_000, share: 1 });

/** The routing as given; SimInputError `out_of_range` at the field otherwise. */
export function netRouting(max_usd: number | null, share: number): NetRouting {
  if (max_usd !== null && !(Number.isInteger(max_usd) && max_usd >= 0 && max_usd <= NET_ROUTING_LIMITS.max_usd))
    throw new SimInputError(
      'out_of_range',
      'max_usd',
      `must be a whole number of USD from 0 to ${NET_ROUTING_LIMITS.max_usd}, or null, got ${max_usd}`,
      'net routing',
    );
  if (!(share >= 0 && share <= 1)) throw new SimInputError('out_of_range', 'share', `must be a number from 0 to 1, got ${share}`, 'net routing');
  return Object.freeze({ max_usd, share });
}

/** `max_usd` in minor units of `currency` at the embedded reference rate, rounded down (exact); null: no cap. */
export function netThresholdMinor(max_usd: number | null, currency: string): bigint | null {
  if (max_usd === null) return null;
  const r = referenceRate(currency);
  return (BigInt(max_usd) * r.num * 10n ** BigInt(minorUnits(currency))) / r.den;
}

/**
 * Whether an eligible payment (see the header) goes to its currency's window:
 * `u` is the seeded draw in [0, 1), `threshold_minor` netThresholdMinor's answer
 * for the payment's currency.
 */
export function routesToNet(u: number, amount_minor: bigint, threshold_minor: bigint | null, routing: NetRouting): boolean {
  return u < routing.share && (threshold_minor === null || amount_minor <= threshold_minor);
}
