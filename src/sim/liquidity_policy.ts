// How a simulated bank manages its liquidity on the platform during the day: the
// participant behaviour the demo applies. Pure: positions, queues and the policy's
// parameters in, decisions out (how much to fund at the opening, what to top up
// or borrow and when, which currency to pay in, what a bank may lend); the demo
// (src/demo/treasury.ts) turns the decisions into platform commands. Exact bigint
// minor units; the only floats are the policy's shares and the seeded draws.
//
// The behaviours, from the payment-systems simulation literature — the Bank of
// Finland's payment system simulator and its studies (Leinonen & Soramäki,
// "Optimizing liquidity usage and settlement speed in payment systems", BoF
// Discussion Paper 16/1999; Bech & Soramäki, "Gridlock resolution in interbank
// payment systems", BoF DP 9/2001) and Bech & Garratt, "The intraday liquidity
// management game" (J. Econ. Theory 109, 2003):
//
//  1. Opening balance from home, sized to the day simulated: `opening_share` of
//     the bank's expected outflow of THAT day (the profile computes the expected
//     outflow from the day's payment count, so a 3,000-payment day is not funded
//     like a 20,000-payment one). Small on purpose: liquidity is costly, the
//     rest comes just in time.
//  2. Paying when it receives (recycling): a queued payment first waits for
//     incoming payments — the platform re-examines a queue whenever its payer is
//     credited — and a single-currency payment is made in the payee's home
//     currency from balances received earlier whenever the payer holds enough
//     (`recycle_share` of the time), as treasuries use their foreign-currency
//     receipts before buying more.
//  3. Urgent payments first: the platform's queue already orders urgent before
//     normal; the treasury covers an urgent payment's shortfall at the next
//     batch (no waiting), a normal one only after it waited `wait_min`.
//  4. Intraday credit before a payment is held back: every bank pledges
//     collateral at its home central bank for a line of `credit_share` of its
//     expected home-currency outflow, drawn automatically by the platform for the
//     exact shortfall of a payment that would otherwise queue.
//  5. The market before home: a shortfall is first borrowed from participants
//     that hold a surplus in that currency (a money-market loan, pacs.009,
//     repaid with interest in an afternoon round when the borrower can —
//     ./money_market.ts — else the next business day, outside the simulated day),
//     and only the rest is funded from home (a liquidity transfer, camt.050).
//     This is how surplus balances are recycled in every large-value system:
//     a bank does not leave idle foreign-currency balances at a settlement
//     platform, it places them with banks of that currency's country. A lender
//     keeps `lend_keep_share` of its balance and lends only with an empty queue
//     in that currency; a shortfall is borrowed from at most `max_lenders`.
//  6. Limits: top-ups of one account over the day are capped at
//     `topup_cap_multiple` times the bank's expected outflow of the day (in its
//     home currency, converted) so a runaway queue cannot draw unbounded money.
//
// What this policy does NOT do, and why: it does not sweep surplus home during
// the day (a sweep takes liquidity out; placing it with a short bank keeps it
// working, and a sweep would not change the liquidity the day needed); it does
// not delay sending to game the queue (every payment is submitted when it
// arrives, so queue times are the platform's, not the bank's).

/** A bank's liquidity behaviour; every field is stated in the module header. */
export interface LiquidityPolicy {
  /** Share of the bank's expected outflow of the simulated day funded at the opening, 0..10. */
  readonly opening_share: number;
  /** Minutes a normal payment waits for incoming liquidity before its shortfall is covered. */
  readonly wait_min: number;
  /** Minutes an urgent payment waits (0: covered at the next batch). */
  readonly urgent_wait_min: number;
  /** Share of single-currency payments made in the payee's home currency when the payer holds enough, 0..1. */
  readonly recycle_share: number;
  /** Intraday credit line as a share of the bank's expected home-currency outflow of the day, 0..10. */
  readonly credit_share: number;
  /** Borrow a shortfall from participants with a surplus before funding from home. */
  readonly borrow_first: boolean;
  /** Share of its balance a lender keeps, 0..1. */
  readonly lend_keep_share: number;
  /** Lenders one shortfall is borrowed from at most (placements are few and large, as in the money market). */
  readonly max_lenders: number;
  /** Top-ups of one account in a day at most this multiple of the bank's expected outflow of the day. */
  readonly topup_cap_multiple: number;
}

/**
 * The demo's policy. The numbers were chosen by measurement on the default day
 * (seed 1, no screening): opening 0.02 / credit 0.02 / keep 0.1 / 3 lenders gave
 * 3.99 value per unit of liquidity, 0.01 / 0.01 / 0.05 / 5 gave 4.46 with the same
 * queue p99 (1,200 s) and no AM04 or CUTO; lower openings than 0.01 start the day
 * with queues and gain little.
 */
export const DEFAULT_LIQUIDITY_POLICY: LiquidityPolicy = Object.freeze({
  opening_share: 0.01,
  wait_min: 10,
  urgent_wait_min: 0,
  recycle_share: 1,
  credit_share: 0.01,
  borrow_first: true,
  lend_keep_share: 0.05,
  max_lenders: 5,
  topup_cap_multiple: 4,
});

/** The policy of the demo before this module: kept for comparisons (liquidity 0.25 of the 20,000-payment day, waits 30 min). */
export const LEGACY_LIQUIDITY_POLICY: LiquidityPolicy = Object.freeze({
  opening_share: 0.25,
  wait_min: 30,
  urgent_wait_min: 30,
  recycle_share: 0.8,
  credit_share: 0,
  borrow_first: false,
  lend_keep_share: 1,
  max_lenders: 0,
  topup_cap_multiple: 1,
});

const SHARE_FIELDS: ReadonlyArray<readonly [keyof LiquidityPolicy, number, number]> = [
  ['opening_share', 0, 10],
  ['wait_min', 0, 24 * 60],
  ['urgent_wait_min', 0, 24 * 60],
  ['recycle_share', 0, 1],
  ['credit_share', 0, 10],
  ['lend_keep_share', 0, 1],
  ['max_lenders', 0, 100],
  ['topup_cap_multiple', 0, 1000],
];

/** The policy with `overrides`, every number checked against its range; throws RangeError naming the field. */
export function liquidityPolicy(overrides: Partial<LiquidityPolicy> = {}): LiquidityPolicy {
  const p = { ...DEFAULT_LIQUIDITY_POLICY, ...overrides };
  for (const [field, lo, hi] of SHARE_FIELDS) {
    const v = p[field] as number;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi)
      throw new RangeError(`liquidity policy: field "${field}": must be from ${lo} to ${hi}, got ${v}`);
  }
  if (typeof p.borrow_first !== 'boolean') throw new RangeError('liquidity policy: field "borrow_first": must be true or false');
  return Object.freeze(p);
}

/** A policy's parameters as one line of text (reports, logs). */
export function describePolicy(p: LiquidityPolicy): string {
  return (
    `opening ${p.opening_share} of the day's expected outflow; normal payments wait ${p.wait_min} min, urgent ${p.urgent_wait_min} min; ` +
    `recycle ${p.recycle_share}; intraday credit line ${p.credit_share} of the expected outflow; ` +
    `${p.borrow_first ? `borrow from the market first (lenders keep ${p.lend_keep_share})` : 'no borrowing'}; top-ups capped at ${p.topup_cap_multiple}× the expected outflow`
  );
}

// ---------------------------------------------------------------------------
// Shortfalls

/** What one queued payment needs of one account: its payer's (or a PvP provider's) `currency`. */
export interface QueuedNeed {
  /** `bic:currency` of the account that must pay. */
  readonly account: string;
  readonly amount_minor: bigint;
  /** Nanoseconds since it queued. */
  readonly waited_ns: bigint;
  readonly urgent: boolean;
}

/** A shortfall the treasury covers now: what is due minus what the account holds. */
export interface Shortfall {
  readonly account: string;
  readonly shortfall_minor: bigint;
  readonly urgent: boolean;
}

const NS_PER_MIN = 60_000_000_000n;

/**
 * The shortfalls due now, in account order: per account, the sum of the queued
 * needs that waited long enough (urgent `urgent_wait_min`, normal `wait_min`;
 * `all` at the day's end, when nothing may wait longer) minus the account's
 * available balance (missing: 0). Accounts with nothing due or enough are left out.
 */
export function dueShortfalls(needs: readonly QueuedNeed[], available: (account: string) => bigint, p: LiquidityPolicy, all = false): Shortfall[] {
  const due = new Map<string, { minor: bigint; urgent: boolean }>();
  const urgentWait = BigInt(Math.round(p.urgent_wait_min * 60)) * (NS_PER_MIN / 60n);
  const normalWait = BigInt(Math.round(p.wait_min * 60)) * (NS_PER_MIN / 60n);
  for (const n of needs) {
    if (!all && n.waited_ns < (n.urgent ? urgentWait : normalWait)) continue;
    const d = due.get(n.account) ?? { minor: 0n, urgent: false };
    d.minor += n.amount_minor;
    d.urgent ||= n.urgent;
    due.set(n.account, d);
  }
  const out: Shortfall[] = [];
  for (const account of [...due.keys()].sort()) {
    const d = due.get(account)!;
    const short = d.minor - available(account);
    if (short > 0n) out.push({ account, shortfall_minor: short, urgent: d.urgent });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Covering a shortfall

/** A participant that may lend in a currency: its available balance and whether its own queue there is empty. */
export interface LenderPosition {
  readonly bic: string;
  readonly available_minor: bigint;
  readonly queue_empty: boolean;
}

export interface CoverPlan {
  /** Placements from lenders, largest lendable first (ties by BIC). */
  readonly loans: ReadonlyArray<{ lender: string; amount_minor: bigint }>;
  /** The rest, funded from home within the cap. */
  readonly fund_minor: bigint;
  /** What could not be covered (the cap was reached). */
  readonly uncovered_minor: bigint;
}

/** What a lender may place: its balance less the share it keeps, and only with an empty queue in that currency. */
export function lendable(l: LenderPosition, p: LiquidityPolicy): bigint {
  if (!l.queue_empty || l.available_minor <= 0n) return 0n;
  const keepPpm = BigInt(Math.round(p.lend_keep_share * 1e6));
  // The kept share rounds up, so a lender never places more than (1 − keep) of its balance.
  const keep = (l.available_minor * keepPpm + 999_999n) / 1_000_000n;
  return l.available_minor - keep;
}

/**
 * How `borrower` covers `shortfall_minor`: borrowed from the lenders (never from
 * itself) while `borrow_first`, the rest funded from home up to `fund_left_minor`
 * (what its cap leaves). Deterministic for its inputs.
 */
export function planCover(
  borrower: string,
  shortfall_minor: bigint,
  lenders: readonly LenderPosition[],
  fund_left_minor: bigint,
  p: LiquidityPolicy,
): CoverPlan {
  let left = shortfall_minor;
  const loans: Array<{ lender: string; amount_minor: bigint }> = [];
  if (p.borrow_first && left > 0n) {
    const offers = lenders
      .filter((l) => l.bic !== borrower)
      .map((l) => ({ lender: l.bic, can: lendable(l, p) }))
      .filter((o) => o.can > 0n)
      .sort((a, b) => (a.can === b.can ? (a.lender < b.lender ? -1 : 1) : a.can > b.can ? -1 : 1));
    for (const o of offers.slice(0, p.max_lenders)) {
      if (left <= 0n) break;
      const amount = o.can < left ? o.can : left;
      loans.push({ lender: o.lender, amount_minor: amount });
      left -= amount;
    }
  }
  const cap = fund_left_minor > 0n ? fund_left_minor : 0n;
  const fund = left < cap ? left : cap;
  return { loans, fund_minor: fund, uncovered_minor: left - fund };
}

// ---------------------------------------------------------------------------
// Recycling

/**
 * Whether a single-currency payment is made in the payee's home currency instead
 * of the payer's: only when both hold that currency, the payer has at least the
 * converted amount available, and the seeded draw `u` (0..1) is below the share.
 */
export function recycles(u: number, held_minor: bigint, converted_minor: bigint, both_hold: boolean, p: LiquidityPolicy): boolean {
  return both_hold && converted_minor > 0n && held_minor >= converted_minor && u < p.recycle_share;
}

// ---------------------------------------------------------------------------
// The ceiling of a day's traffic

/** One movement of a settled payment: `from` pays `to` in `currency` (a PvP payment is two). */
export interface Leg {
  readonly from: string;
  readonly to: string;
  readonly currency: string;
  readonly amount_minor: bigint;
}

export interface CurrencyCeiling {
  readonly currency: string;
  /** Sum of the legs, minor units. */
  readonly gross_minor: bigint;
  /** Sum over participants of their end-of-day net debit in the currency: liquidity no mechanism can avoid. */
  readonly net_debit_minor: bigint;
}

/**
 * Per currency, the gross of the legs and the participants' end-of-day net debits.
 * Whatever the order of settlement, offsetting or netting, a participant whose
 * payments out exceed its payments in over the day must have brought that
 * difference in: so (value settled) / Σ net debits bounds the value settled per
 * unit of liquidity of that traffic. Exact.
 */
export function trafficCeiling(legs: Iterable<Leg>): CurrencyCeiling[] {
  const tally = new CeilingTally();
  for (const l of legs) tally.add(l);
  return tally.ceilings();
}

/** trafficCeiling taken leg by leg: a caller already passing over the legs for something else adds them as it goes. */
export class CeilingTally {
  private readonly net = new Map<string, Map<string, bigint>>();
  private readonly gross = new Map<string, bigint>();

  add(l: Leg): void {
    const m = this.net.get(l.currency) ?? new Map<string, bigint>();
    this.net.set(l.currency, m);
    m.set(l.from, (m.get(l.from) ?? 0n) - l.amount_minor);
    m.set(l.to, (m.get(l.to) ?? 0n) + l.amount_minor);
    this.gross.set(l.currency, (this.gross.get(l.currency) ?? 0n) + l.amount_minor);
  }

  /** trafficCeiling of the legs added so far. */
  ceilings(): CurrencyCeiling[] {
    return [...this.net.keys()].sort().map((currency) => {
      let debit = 0n;
      for (const v of this.net.get(currency)!.values()) if (v < 0n) debit -= v;
      return { currency, gross_minor: this.gross.get(currency)!, net_debit_minor: debit };
    });
  }
}
