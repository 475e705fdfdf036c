// The scheme's staleness rule for reference rates (rules 3): how old a reference
// rate may be, in business days, for a business day, and what PvP pricing does
// when it is older. Pure: dates in, a judgement out.
//
// Age: the number of business days (Monday to Friday; the scheme's holiday
// calendars are not modelled yet) after the rate's date up to and including the
// value date. A rate dated on the day is 0 days old, a Friday rate on Monday 1.
// A rate dated after the day is never used (the book picks the latest on or before).
//
// The rule, in order, for a leg whose rate is older than max_age_business_days:
//   1. the liquidity provider's own live quote for the pair, when its price is
//      within quote_tolerance_bp of the (stale) reference cross rate (0: never);
//   2. otherwise the stale rate itself, when it is at most
//      extended_age_business_days old;
//   3. otherwise the payment is refused with the proprietary reason FX_RATE_STALE.
// Cases 1 and 2 raise an operator alert (once per currency, rate date and value
// date) and say so in the payment's rate source.

import { FxError } from './rational.js';
import { parseIsoDate } from './rates.js';

export interface RatePolicy {
  /** A reference rate at most this many business days old is fresh. */
  max_age_business_days: number;
  /** A stale rate at most this old is still used (with an alert) when no quote applies; at least max_age_business_days. */
  extended_age_business_days: number;
  /** How far (basis points of the reference cross rate) a provider's quote may be from it and still price a payment; 0 turns the quote fallback off. */
  quote_tolerance_bp: number;
}

export const DEFAULT_RATE_POLICY: Readonly<RatePolicy> = Object.freeze({
  // Official rates are published every business day; 3 covers a long weekend or one missed publication.
  max_age_business_days: 3,
  // Two business weeks: beyond that a rate says little about the day's price.
  extended_age_business_days: 10,
  // 2%: wider than any member currency's usual daily move, narrow enough to catch an off-market quote.
  quote_tolerance_bp: 200,
});

export const RATE_POLICY_LIMITS = Object.freeze({ age_business_days_max: 260, quote_tolerance_bp_max: 5_000 });

/** Checks a policy; throws FxError naming the field. */
export function checkRatePolicy(p: RatePolicy): RatePolicy {
  const int = (v: number, field: keyof RatePolicy, max: number): void => {
    if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new FxError('limit_exceeded', field, `must be an integer from 0 to ${max}, got ${String(v)}`);
  };
  int(p.max_age_business_days, 'max_age_business_days', RATE_POLICY_LIMITS.age_business_days_max);
  int(p.extended_age_business_days, 'extended_age_business_days', RATE_POLICY_LIMITS.age_business_days_max);
  int(p.quote_tolerance_bp, 'quote_tolerance_bp', RATE_POLICY_LIMITS.quote_tolerance_bp_max);
  if (p.extended_age_business_days < p.max_age_business_days) {
    throw new FxError(
      'limit_exceeded',
      'extended_age_business_days',
      `must be at least max_age_business_days (${p.max_age_business_days}), got ${p.extended_age_business_days}`,
    );
  }
  return p;
}

/** Business days (Monday to Friday) d with from < d <= to; 0 when to <= from. Both YYYY-MM-DD. */
export function businessDaysBetween(from: string, to: string): number {
  const a = parseIsoDate(from, 'from');
  const b = parseIsoDate(to, 'to');
  if (b <= a) return 0;
  const weeks = Math.floor((b - a) / 7);
  let n = weeks * 5;
  // 1970-01-01 (day 0) was a Thursday: weekday = (day + 4) % 7, 0 = Sunday.
  for (let d = a + weeks * 7 + 1; d <= b; d++) {
    const wd = (d + 4) % 7;
    if (wd !== 0 && wd !== 6) n++;
  }
  return n;
}

export type RateAge = { state: 'fresh'; age_business_days: number } | { state: 'stale' | 'too_old'; age_business_days: number };

/** How a rate dated `rate_date` stands for `value_date` under `policy`. */
export function judgeRateAge(rate_date: string, value_date: string, policy: RatePolicy): RateAge {
  const age = businessDaysBetween(rate_date, value_date);
  if (age <= policy.max_age_business_days) return { state: 'fresh', age_business_days: age };
  return { state: age <= policy.extended_age_business_days ? 'stale' : 'too_old', age_business_days: age };
}
