// Exact conversion of an amount in minor units of currency A into minor units of
// currency B at an exact rational rate, honouring each currency's ISO 4217 minor
// units, rounded by a named rule, with the exact residue returned so the caller
// books it to a named account (nothing is ever lost to rounding):
//
//   exact_B_minor = amount_A_minor * rate * 10^mu_B / 10^mu_A
//   amount_minor  = round(exact_B_minor, rule)
//   residue       = exact_B_minor - amount_minor      (exact rational, minor units of B)
//
// `rate` is in major units: units of B per 1 unit of A. A PairConverter folds the
// rate and both scales into one reduced fraction num/den once, so each conversion
// is one bigint multiply and one divide (plus a small gcd on the residue).
// Amounts may be negative (a reversal converts like its original, mirrored for the
// symmetric rules); |amount| is bounded by the ledger's 128-bit range.

import { U128_MAX } from '../ledger/types.js';
import { currencyInfo, minorScale, type CurrencyInfo } from './iso4217.js';
import {
  DEFAULT_ROUNDING,
  FxError,
  ZERO,
  add,
  formatScaled,
  gcd,
  parseScaled,
  rational,
  roundQuotient,
  roundingStep,
  sign,
  sub,
  toExactDecimal,
  toFixed,
  type Rational,
  type RoundingRule,
} from './rational.js';

/** The largest |amount| in minor units accepted or produced (the ledger's u128 range). */
export const AMOUNT_ABS_MAX = U128_MAX;

export interface Conversion {
  readonly from: string;
  readonly to: string;
  /** The input, minor units of `from`. */
  readonly amount_from_minor: bigint;
  /** The result, minor units of `to`. */
  readonly amount_minor: bigint;
  /** Units of `to` per 1 unit of `from` (major units), exact. */
  readonly rate: Rational;
  /** The rate as a decimal string: exact when `rate_decimal_exact`, else rounded half-even to 15 significant digits. */
  readonly rate_decimal: string;
  readonly rate_decimal_exact: boolean;
  readonly rule: RoundingRule;
  /** exact - amount_minor, in minor units of `to`, exact. */
  readonly residue: Rational;
}

/** A precomputed converter for one ordered pair at one rate. */
export class PairConverter {
  readonly from: CurrencyInfo;
  readonly to: CurrencyInfo;
  readonly rate: Rational;
  /** Minor-to-minor rate: rate * 10^mu_to / 10^mu_from, reduced. */
  readonly scaled: Rational;
  readonly rate_decimal: string;
  readonly rate_decimal_exact: boolean;
  private readonly num: bigint;
  private readonly den: bigint;
  /** Prime factors of den (with multiplicity), when den is small enough to factor; else null. */
  private readonly denPrimes: number[] | null;

  constructor(from: CurrencyInfo | string, to: CurrencyInfo | string, rate: Rational) {
    this.from = typeof from === 'string' ? currencyInfo(from, 'from') : from;
    this.to = typeof to === 'string' ? currencyInfo(to, 'to') : to;
    if (sign(rate) <= 0) throw new FxError('invalid_rate', 'rate', `must be greater than zero, got ${rate.num}/${rate.den}`);
    this.rate = rate;
    this.scaled = rational(rate.num * minorScale(this.to), rate.den * minorScale(this.from));
    this.num = this.scaled.num;
    this.den = this.scaled.den;
    this.denPrimes = this.den <= FACTOR_DEN_MAX ? primeFactors(Number(this.den)) : null;
    const d = displayDecimal(rate);
    this.rate_decimal = d.text;
    this.rate_decimal_exact = d.exact;
  }

  /** The exact (unrounded) result in minor units of `to`. */
  exact(amount_from_minor: bigint): Rational {
    return rational(amount_from_minor * this.num, this.den);
  }

  /** Converts and rounds by `rule`; the residue is exact. The hot path: no rational normalisation but the residue's. */
  convert(amount_from_minor: bigint, rule: RoundingRule = DEFAULT_ROUNDING): Conversion {
    if (amount_from_minor > AMOUNT_ABS_MAX || amount_from_minor < -AMOUNT_ABS_MAX) {
      throw new FxError('amount_too_large', 'amount', `|amount| must be at most ${AMOUNT_ABS_MAX} minor units`);
    }
    const n = amount_from_minor * this.num;
    const d = this.den;
    const q0 = n / d;
    const r0 = n - q0 * d;
    const step = roundingStep(n, d, q0, r0, rule);
    let q = q0;
    let rn = r0;
    if (step === 1) {
      q = q0 + 1n;
      rn = r0 - d;
    } else if (step === -1) {
      q = q0 - 1n;
      rn = r0 + d;
    }
    if (q > AMOUNT_ABS_MAX || q < -AMOUNT_ABS_MAX) {
      throw new FxError('amount_too_large', 'amount', `the converted amount ${q} ${this.to.code} minor units exceeds the ledger's range`);
    }
    let residue = ZERO;
    if (rn !== 0n) residue = this.denPrimes === null ? reduceByGcd(rn, d) : reduceByPrimes(rn, d, this.denPrimes);
    return {
      from: this.from.code,
      to: this.to.code,
      amount_from_minor,
      amount_minor: q,
      rate: this.rate,
      rate_decimal: this.rate_decimal,
      rate_decimal_exact: this.rate_decimal_exact,
      rule,
      residue,
    };
  }

  /** The converter for the opposite direction at the exact inverse rate. */
  reverse(): PairConverter {
    return new PairConverter(this.to, this.from, rational(this.rate.den, this.rate.num));
  }
}

/**
 * Dens up to 2^48 are factored once per converter (trial division, well under a
 * millisecond) so the residue rn/den (|rn| < den) is reduced by testing den's few
 * primes in double arithmetic, instead of a full Euclid per conversion, which
 * otherwise dominates the cost of a conversion.
 */
const FACTOR_DEN_MAX = 1n << 48n;

function primeFactors(n: number): number[] {
  const out: number[] = [];
  for (const p of [2, 3, 5]) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  for (let p = 7, step = 4; p * p <= n; p += step, step = 6 - step) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  if (n > 1) out.push(n);
  return out;
}

function reduceByPrimes(rn: bigint, d: bigint, primes: readonly number[]): Rational {
  let x = Number(rn < 0n ? -rn : rn); // exact: |rn| < d <= 2^48
  let g = 1;
  for (let i = 0; i < primes.length; i++) {
    const p = primes[i]!;
    if (x % p === 0) {
      x /= p;
      g *= p;
    }
  }
  if (g === 1) return { num: rn, den: d };
  const G = BigInt(g);
  return { num: rn / G, den: d / G };
}

function reduceByGcd(rn: bigint, d: bigint): Rational {
  const g = gcd(rn, d);
  return g === 1n ? { num: rn, den: d } : { num: rn / g, den: d / g };
}

/** One-off conversion (builds a PairConverter; keep the converter to convert many). */
export function convertAmount(
  amount_from_minor: bigint,
  from: CurrencyInfo | string,
  to: CurrencyInfo | string,
  rate: Rational,
  rule: RoundingRule = DEFAULT_ROUNDING,
): Conversion {
  return new PairConverter(from, to, rate).convert(amount_from_minor, rule);
}

/** A major-unit decimal string ("1000000.00") as minor units, refusing more digits than the currency has. */
export function parseMajorAmount(text: string, currency: CurrencyInfo, field = 'amount'): bigint {
  const v = parseScaled(text, currency.minor_units, field);
  if (v > AMOUNT_ABS_MAX || v < -AMOUNT_ABS_MAX) throw new FxError('amount_too_large', field, `|amount| must be at most ${AMOUNT_ABS_MAX} minor units`);
  return v;
}

/** Minor units as a major-unit decimal string with exactly the currency's minor digits. */
export function formatMinor(minor: bigint, currency: CurrencyInfo): string {
  return formatScaled(minor, currency.minor_units);
}

/** Exact decimal when it terminates within 30 digits; else 15 significant digits, half-even. */
export function displayDecimal(r: Rational): { text: string; exact: boolean } {
  const exact = toExactDecimal(r, 30);
  if (exact !== null) return { text: exact, exact: true };
  const whole = (r.num < 0n ? -r.num : r.num) / r.den;
  // Fraction digits for 15 significant digits: fewer when the integer part is long,
  // more when the value is small (the digit-count difference estimates the leading zeros).
  const fractionDigits =
    whole > 0n ? Math.max(0, 15 - whole.toString().length) : 15 + Math.max(0, r.den.toString().length - (r.num < 0n ? -r.num : r.num).toString().length);
  return { text: toFixed(r, fractionDigits, 'half_even'), exact: false };
}

/**
 * Collects conversion residues per currency exactly, so they can be booked to a
 * named residue account in whole minor units: `take` hands out the whole part
 * (toward zero) and keeps the fraction. At all times
 * booked + pending == sum of every residue added, exactly.
 */
export class ResidueAccumulator {
  private readonly pending = new Map<string, Rational>();
  private readonly booked = new Map<string, bigint>();

  add(currency: string, residue: Rational): void {
    this.pending.set(currency, add(this.pending.get(currency) ?? ZERO, residue));
  }

  /** The whole minor units accumulated for `currency` (to book now); the fraction stays pending. */
  take(currency: string): bigint {
    const p = this.pending.get(currency) ?? ZERO;
    const whole = roundQuotient(p.num, p.den, 'down');
    this.pending.set(currency, sub(p, rational(whole)));
    this.booked.set(currency, (this.booked.get(currency) ?? 0n) + whole);
    return whole;
  }

  pendingOf(currency: string): Rational {
    return this.pending.get(currency) ?? ZERO;
  }

  bookedOf(currency: string): bigint {
    return this.booked.get(currency) ?? 0n;
  }
}
