// The interbank money market of the simulated day: the treasuries' placements
// (liquidity_policy.ts, "the market before home") are unsecured loans between
// banks of one currency, and this module says when one is repaid and with what
// interest. Pure: loans, positions and the clock in, repayments out; the demo
// (src/demo/interbank.ts) sends each repayment as a pacs.009 (purpose INTE,
// ISO 20022 ExternalPurpose1Code "interest": principal and interest in one
// payment, as money-market repayments settle).
//
// Why the flow exists. A bank short in the morning borrows from one with a
// surplus; its position turns as its own receipts arrive in the afternoon, and
// it repays — the intraday pattern of the money market in every large-value
// system (the ECB's TARGET Annual Reports show money-market loans settled in
// the morning and returned later; in T2, large-value interbank payments were
// 91% of the value settled in 2015, customer payments the rest:
// https://www.ecb.europa.eu/paym/t2/about/figures). What is not repaid by the
// last round stays overnight and is repaid the next business day, outside the
// simulated day, as before.
//
// The rule:
//  - Repayment rounds at `repay_at_min` (minutes after the opening). At a round a
//    loan is repaid when it has been out at least `min_term_min`, its placement
//    settled, and the borrower has nothing queued in the currency and holds the
//    principal plus interest beyond `keep_share` of its balance. Loans are taken
//    oldest first (then by id), so a borrower repays in the order it borrowed.
//  - Interest: simple, ACT/360 (the money-market convention in most of the
//    members' markets), pro rata for the whole minutes the loan was out, at the
//    currency's rate of MONEY_MARKET_RATES_BP:
//        interest = principal × rate_bp × minutes / (10,000 × 360 × 1,440)
//    ROUNDED DOWN to a whole minor unit (the borrower never pays a fraction of
//    a minor unit); exact bigint arithmetic.

/** The money market's behaviour; every field is stated in the module header. */
export interface MoneyMarketPolicy {
  /** Minutes after the opening of each repayment round, increasing. */
  readonly repay_at_min: readonly number[];
  /** A loan is repaid only after it has been out this long, minutes. */
  readonly min_term_min: number;
  /** Share of its balance a borrower keeps when repaying, 0..1. */
  readonly keep_share: number;
}

/** Rounds at 14:00, 15:00, 16:00 and 17:00 of a day opening at 08:00; a loan is out at least two hours. */
export const DEFAULT_MONEY_MARKET_POLICY: MoneyMarketPolicy = Object.freeze({
  repay_at_min: Object.freeze([360, 420, 480, 540]),
  min_term_min: 120,
  keep_share: 0.05,
});

/**
 * Annual interest rates of the interbank loans, basis points, per currency: each
 * central bank's policy rate in force on the demo day 2025-08-29, as it
 * announced it. ../shared/data holds no interest rates, so these are modelling
 * inputs from the announcements named, not stored reference data (rates and
 * dates were not checked against a stored copy of each announcement); four are
 * placeholders (no figure was at hand) and say so. They move only interest,
 * never which payment is made or when.
 */
export const MONEY_MARKET_RATES_BP: Readonly<Record<string, { bp: number; source: string }>> = Object.freeze({
  CNY: { bp: 140, source: 'PBOC 7-day reverse repo rate 1.40%, from 2025-05-08' },
  RUB: { bp: 1800, source: 'Bank of Russia key rate 18%, from 2025-07-28' },
  INR: { bp: 550, source: 'RBI policy repo rate 5.50%, from 2025-06-06' },
  PKR: { bp: 1100, source: 'State Bank of Pakistan policy rate 11%, from 2025-05-06' },
  KZT: { bp: 1650, source: 'National Bank of Kazakhstan base rate 16.5%, from 2025-03-10' },
  UZS: { bp: 1400, source: 'Central Bank of Uzbekistan policy rate 14%, from 2025-03-14' },
  IRR: { bp: 1000, source: 'PLACEHOLDER 10%: no sourced figure' },
  KGS: { bp: 1000, source: 'PLACEHOLDER 10%: no sourced figure' },
  TJS: { bp: 1000, source: 'PLACEHOLDER 10%: no sourced figure' },
  BYN: { bp: 1000, source: 'PLACEHOLDER 10%: no sourced figure' },
});

/** Rate for currencies not in the table (none in the default scheme). */
export const MONEY_MARKET_DEFAULT_RATE_BP = 1000;

/** An interbank loan: a settled placement `lender` → `borrower`. */
export interface Loan {
  readonly id: string;
  readonly lender: string;
  readonly borrower: string;
  readonly currency: string;
  readonly principal_minor: bigint;
  /** Simulated time of the placement, ns. */
  readonly placed_ns: bigint;
}

export interface Repayment {
  readonly loan: Loan;
  readonly interest_minor: bigint;
  /** Principal plus interest: the repayment's amount. */
  readonly amount_minor: bigint;
}

const NS_PER_MIN = 60_000_000_000n;
const INTEREST_DEN = 10_000n * 360n * 1_440n;

/** Interest for `minutes` whole minutes at `rate_bp` a year, ACT/360, rounded down (see the header). */
export function loanInterest(principal_minor: bigint, rate_bp: number, minutes: bigint): bigint {
  if (principal_minor <= 0n || minutes <= 0n || rate_bp <= 0) return 0n;
  return (principal_minor * BigInt(rate_bp) * minutes) / INTEREST_DEN;
}

/** The annual rate of a currency's loans, basis points. */
export function moneyMarketRateBp(currency: string): number {
  return MONEY_MARKET_RATES_BP[currency]?.bp ?? MONEY_MARKET_DEFAULT_RATE_BP;
}

/** What a borrower may spend on repayments: its balance less `keep_share` of it (rounded up), 0 with a queue in the currency. */
export interface BorrowerPosition {
  readonly available_minor: bigint;
  readonly queue_empty: boolean;
}

/**
 * The repayments due at a round at `now_ns`, oldest loan first. `settled(loan)`
 * says whether the placement settled; `position(bic, ccy)` the borrower's account.
 * A borrower's spendable balance is consumed as its loans are repaid.
 */
export function dueRepayments(
  loans: readonly Loan[],
  now_ns: bigint,
  settled: (loan: Loan) => boolean,
  position: (bic: string, ccy: string) => BorrowerPosition,
  p: MoneyMarketPolicy,
): Repayment[] {
  const spendable = new Map<string, bigint>();
  const keepPpm = BigInt(Math.round(p.keep_share * 1e6));
  const minTerm = BigInt(Math.round(p.min_term_min)) * NS_PER_MIN;
  const out: Repayment[] = [];
  const ordered = [...loans].sort((a, b) => (a.placed_ns === b.placed_ns ? (a.id < b.id ? -1 : 1) : a.placed_ns < b.placed_ns ? -1 : 1));
  for (const loan of ordered) {
    if (now_ns - loan.placed_ns < minTerm || !settled(loan)) continue;
    const key = `${loan.borrower}:${loan.currency}`;
    if (!spendable.has(key)) {
      const pos = position(loan.borrower, loan.currency);
      const keep = (pos.available_minor * keepPpm + 999_999n) / 1_000_000n;
      spendable.set(key, pos.queue_empty && pos.available_minor > 0n ? pos.available_minor - keep : 0n);
    }
    const minutes = (now_ns - loan.placed_ns) / NS_PER_MIN;
    const interest = loanInterest(loan.principal_minor, moneyMarketRateBp(loan.currency), minutes);
    const amount = loan.principal_minor + interest;
    const can = spendable.get(key)!;
    if (amount > can) continue;
    spendable.set(key, can - amount);
    out.push({ loan, interest_minor: interest, amount_minor: amount });
  }
  return out;
}
