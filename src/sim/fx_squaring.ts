// How simulated banks square the foreign-currency positions their customers'
// trade leaves them with: the interbank FX trades the demo settles between its
// payment rounds. Pure: positions and a converter in, trades out; the demo
// (src/demo/interbank.ts) sends each trade as two pacs.009 (purpose FREX).
//
// Why the flow exists. A bank in country A whose exporters are paid in B's
// currency (cB) ends up holding cB on the platform; its exporters want cA at
// home. Banks do not keep such open positions: supervisors cap a bank's open
// currency position at a share of its capital (the Basel Committee's market-risk
// framework measures it; every member's central bank sets a limit), so the bank
// sells the cB back to the market during the day. Its natural counterparty is a
// bank in B holding cA for the mirror reason; what no such bank takes is sold to
// an FX dealer (the scheme's liquidity providers) that is long cA from the PvP
// payments it intermediated — the dealer squares its own book at the same time.
// Each trade returns two currencies to their home banks: the flows that, in a
// real RTGS, largely offset the one-way customer flows of a corridor.
//
// The rule, per round (every `every_min` minutes):
//  1. A position is a bank's available balance in a currency other than its home
//     currency, less `keep_share` of it (rounded up: a working balance), and only
//     when the bank has nothing queued in that currency and did not fund that
//     account from home today (money brought in for a payment is not sold back).
//     Positions below `min_usd` (converted at the reference rate, rounded down)
//     are left for a later round.
//  2. Bank against bank: for each currency pair (cA, cB), banks of A holding cB
//     against banks of B holding cA, largest positions first (ties by BIC). The
//     trade is the smaller side in cB terms: the B-bank's cA converted to cB,
//     ROUNDED DOWN; the B-bank pays back that cB amount converted to cA, ROUNDED
//     DOWN, so neither side ever pays more than its position.
//  3. Bank against dealer: what is left of a bank's cB position is sold to the
//     dealer with the largest long position in the bank's home currency cA (the
//     dealer's available cA above what it was funded with from home today, less
//     the same kept share), in the same way.
//  4. At the reference cross rate, no spread: the dealers' margin is not
//     modelled (it would move value, not liquidity).
// Each position trades at most once per round, so the number of trades a round
// is at most the number of positions (SQUARING_LIMITS.trades_per_round caps it).

/** The squaring behaviour; every field is stated in the module header. */
export interface SquaringPolicy {
  /** Minutes between squaring rounds. */
  readonly every_min: number;
  /** Share of a foreign-currency balance a bank keeps as a working balance, 0..1. */
  readonly keep_share: number;
  /** Smallest trade, USD equivalent (whole USD). */
  readonly min_usd: number;
}

/**
 * The demo's squaring. An hour between rounds: dealing desks square at least
 * hourly; a ticket of at least USD 250,000 (interbank FX is quoted for amounts of
 * USD 1m and more, smaller amounts are a bank's own customers' business); a 5%
 * working balance, as the treasuries keep when they lend (liquidity_policy.ts).
 */
export const DEFAULT_SQUARING_POLICY: SquaringPolicy = Object.freeze({ every_min: 30, keep_share: 0.05, min_usd: 50_000 });

export const SQUARING_LIMITS = Object.freeze({ trades_per_round: 10_000 });

/** What one participant holds beyond its working balance in one currency. */
export interface FxPosition {
  readonly bic: string;
  /** The bank's home currency; null for a dealer. */
  readonly home: string | null;
  readonly currency: string;
  /** What it may sell, minor units, ≥ 0. */
  readonly surplus_minor: bigint;
}

/** One FX trade: `seller` pays `sell_minor` of `sell_ccy` to `buyer`, who pays `buy_minor` of `buy_ccy` back. */
export interface SquaringTrade {
  readonly seller: string;
  readonly buyer: string;
  readonly sell_ccy: string;
  readonly sell_minor: bigint;
  readonly buy_ccy: string;
  readonly buy_minor: bigint;
  readonly with_dealer: boolean;
}

/** Exact conversion at the reference cross rate, rounded down; null when no rate exists. */
export type Converter = (from: string, to: string, minor: bigint) => bigint | null;

/** The part of a balance that may be sold: balance less `keep_share` of it, the kept share rounded up. */
export function squarable(available_minor: bigint, p: SquaringPolicy): bigint {
  if (available_minor <= 0n) return 0n;
  const keepPpm = BigInt(Math.round(p.keep_share * 1e6));
  return available_minor - (available_minor * keepPpm + 999_999n) / 1_000_000n;
}

function byLargest(a: FxPosition, b: FxPosition): number {
  return a.surplus_minor === b.surplus_minor ? (a.bic < b.bic ? -1 : a.bic > b.bic ? 1 : 0) : a.surplus_minor > b.surplus_minor ? -1 : 1;
}

/**
 * The round's trades (steps 2 and 3 of the header). `minMinor(ccy)` is the
 * smallest trade in that currency's minor units. Deterministic for its inputs.
 */
export function planSquaring(
  banks: readonly FxPosition[],
  dealers: readonly FxPosition[],
  convert: Converter,
  minMinor: (ccy: string) => bigint,
): SquaringTrade[] {
  const left = new Map<FxPosition, bigint>();
  for (const p of [...banks, ...dealers]) left.set(p, p.surplus_minor);
  const trades: SquaringTrade[] = [];
  const sorted = banks.filter((b) => b.home !== null && b.home !== b.currency).sort(byLargest);
  for (const a of sorted) {
    for (const b of sorted) {
      if (trades.length >= SQUARING_LIMITS.trades_per_round) return trades;
      if (b.home !== a.currency || b.currency !== a.home) continue;
      const t = trade(a, b, left.get(a)!, left.get(b)!, convert, minMinor, false);
      if (t === null) continue;
      trades.push(t);
      left.set(a, left.get(a)! - t.sell_minor);
      left.set(b, left.get(b)! - t.buy_minor);
    }
  }
  const dealerSorted = [...dealers].sort(byLargest);
  for (const a of sorted) {
    const d = dealerSorted.find((x) => x.currency === a.home && left.get(x)! > 0n);
    if (d === undefined || trades.length >= SQUARING_LIMITS.trades_per_round) continue;
    const t = trade(a, d, left.get(a)!, left.get(d)!, convert, minMinor, true);
    if (t === null) continue;
    trades.push(t);
    left.set(a, left.get(a)! - t.sell_minor);
    left.set(d, left.get(d)! - t.buy_minor);
  }
  return trades;
}

/** `a` sells its `a.currency` for `b.currency` (b's position), the smaller side; null below the minimum or without a rate. */
function trade(
  a: FxPosition,
  b: FxPosition,
  aLeft: bigint,
  bLeft: bigint,
  convert: Converter,
  minMinor: (ccy: string) => bigint,
  with_dealer: boolean,
): SquaringTrade | null {
  if (aLeft <= 0n || bLeft <= 0n) return null;
  const bInA = convert(b.currency, a.currency, bLeft);
  if (bInA === null) return null;
  const sell = aLeft < bInA ? aLeft : bInA;
  if (sell < minMinor(a.currency) || sell <= 0n) return null;
  const buy = convert(a.currency, b.currency, sell);
  if (buy === null || buy <= 0n || buy > bLeft) return null;
  return { seller: a.bic, buyer: b.bic, sell_ccy: a.currency, sell_minor: sell, buy_ccy: b.currency, buy_minor: buy, with_dealer };
}
