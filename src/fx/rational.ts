// Exact rational arithmetic on bigint, and rounding by a named rule. This module
// owns the number model of fx/: rates are rationals parsed exactly from decimal
// strings (never parseFloat), amounts are bigint minor units, and every rounding
// says which rule it used and returns the exact residue it left behind, so the
// caller can book that residue instead of losing it.
//
// It also owns FxError, the one error type of the fx layer (stable `code`, the
// `field` at fault and the `reason`), because it is the module every other fx
// module already imports.
//
// A Rational is always normalised: den > 0 and gcd(|num|, den) = 1, so equal
// values have equal representations and `num === 0n` implies `den === 1n`.

export type FxErrorCode =
  | 'invalid_decimal'
  | 'division_by_zero'
  | 'unknown_rounding_rule'
  | 'unknown_currency'
  | 'not_a_member_currency'
  | 'invalid_amount'
  | 'amount_too_large'
  | 'invalid_rate'
  | 'invalid_date'
  | 'rate_not_found'
  | 'rate_stale'
  | 'invalid_rate_file'
  | 'invalid_quote'
  | 'pair_not_quoted'
  | 'no_quote_covers_amount'
  | 'quote_expired'
  | 'quote_not_found'
  | 'limit_exceeded';

export class FxError extends Error {
  readonly code: FxErrorCode;
  readonly field: string;
  readonly reason: string;
  constructor(code: FxErrorCode, field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.code = code;
    this.field = field;
    this.reason = reason;
    this.name = 'FxError';
  }
}

export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

export const ZERO: Rational = Object.freeze({ num: 0n, den: 1n });
export const ONE: Rational = Object.freeze({ num: 1n, den: 1n });

/** A bound on decimal input, so a hostile file cannot make us build huge bigints. */
export const DECIMAL_DIGITS_MAX = 40;

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** The largest integer a double holds exactly (2^53 - 1). */
const SAFE_MAX = 9007199254740991n;

/**
 * Greatest common divisor of |a| and |b| (gcd(0, 0) = 0). Small operands run on
 * doubles: exact below 2^53 and far cheaper than bigint remainders, which matters
 * because every conversion reduces its residue. Large ones (a PvP residue's sum
 * multiplies two rates' denominators) take bigint remainders only until both
 * fit, then finish on doubles: Euclid's same pairs, so the same divisor.
 */
export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  if (a < b) {
    const t = a;
    a = b;
    b = t;
  }
  // a >= b from here on (each step's remainder is below its divisor): a fitting means both fit.
  while (a > SAFE_MAX) {
    if (b === 0n) return a;
    const t = a % b;
    a = b;
    b = t;
  }
  let x = Number(a);
  let y = Number(b);
  while (y !== 0) {
    const t = x % y;
    x = y;
    y = t;
  }
  return BigInt(x);
}

/** num/den normalised; den = 0 is a division_by_zero error. */
export function rational(num: bigint, den: bigint = 1n): Rational {
  if (den === 0n) throw new FxError('division_by_zero', 'denominator', 'is zero');
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  if (num === 0n) return ZERO;
  const g = gcd(num, den);
  return g === 1n ? { num, den } : { num: num / g, den: den / g };
}

export function fromBigInt(n: bigint): Rational {
  return { num: n, den: 1n };
}

const DECIMAL_RE = /^([+-]?)([0-9]+)(?:\.([0-9]+))?$/;

/**
 * Parses a plain decimal string ("7.1063", "-0.5", "950000") exactly. No
 * exponents, no thousands separators, no leading "." — the forms a rate file or a
 * command line should carry. Errors name `field`.
 */
export function parseDecimal(text: string, field = 'value'): Rational {
  if (typeof text !== 'string') throw new FxError('invalid_decimal', field, `must be a decimal string, got ${typeof text}`);
  const m = DECIMAL_RE.exec(text);
  if (m === null) {
    throw new FxError(
      'invalid_decimal',
      field,
      `must be a decimal number like "7.1063" (digits, at most one ".", no exponent), got ${JSON.stringify(text.slice(0, 48))}`,
    );
  }
  const intPart = m[2]!;
  const fracPart = m[3] ?? '';
  if (intPart.length + fracPart.length > DECIMAL_DIGITS_MAX) {
    throw new FxError('invalid_decimal', field, `has more than ${DECIMAL_DIGITS_MAX} digits`);
  }
  const digits = BigInt(intPart + fracPart);
  return rational(m[1] === '-' ? -digits : digits, 10n ** BigInt(fracPart.length));
}

/**
 * Parses a decimal string with at most `scale` fraction digits into an integer
 * count of 10^-scale units ("1000000.00" at scale 2 -> 100000000n). Used for
 * amounts in major units, where more digits than the currency has is an error,
 * never a silent rounding.
 */
export function parseScaled(text: string, scale: number, field = 'amount'): bigint {
  const m = typeof text === 'string' ? DECIMAL_RE.exec(text) : null;
  if (m === null) {
    throw new FxError('invalid_amount', field, `must be a decimal number like "1000000.00", got ${JSON.stringify(String(text).slice(0, 48))}`);
  }
  const fracPart = m[3] ?? '';
  if (fracPart.length > scale) {
    throw new FxError('invalid_amount', field, `has ${fracPart.length} fraction digits; at most ${scale} allowed here`);
  }
  if (m[2]!.length + scale > DECIMAL_DIGITS_MAX) throw new FxError('invalid_amount', field, `has more than ${DECIMAL_DIGITS_MAX} digits`);
  const v = BigInt(m[2]! + fracPart.padEnd(scale, '0'));
  return m[1] === '-' ? -v : v;
}

/** Integer n as a decimal with `scale` fraction digits: (12345n, 2) -> "123.45". */
export function formatScaled(n: bigint, scale: number): string {
  const neg = n < 0n;
  const digits = abs(n).toString();
  if (scale === 0) return (neg ? '-' : '') + digits;
  const padded = digits.padStart(scale + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

export function neg(a: Rational): Rational {
  return a.num === 0n ? ZERO : { num: -a.num, den: a.den };
}

export function add(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den + b.num * a.den, a.den * b.den);
}

export function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

/**
 * add(a, b) for operands already normalised (den > 0, lowest terms), as every
 * Rational this module builds is, without the gcd of the full cross product
 * (Henrici's way, Knuth 4.5.1): with g = gcd(a.den, b.den) and
 * t = a.num·(b.den/g) + b.num·(a.den/g), gcd(t, a.den·b.den/g) = gcd(t, g). A PvP
 * residue's running sum has a denominator many times larger than each addend's,
 * so both gcds here stay small where add's Euclid ran on the product. The same
 * fraction as add's: a normalised rational is unique. Operands not in lowest terms
 * may come out unreduced: take add for values of unknown origin.
 */
export function addNormalised(a: Rational, b: Rational): Rational {
  const ad = a.den;
  const bd = b.den;
  const g = gcd(ad, bd);
  if (g === 1n) {
    const num = a.num * bd + b.num * ad;
    // Coprime denominators: a prime of a.den divides neither a.num nor b.den, so not num (and so for b.den).
    return num === 0n ? ZERO : { num, den: ad * bd };
  }
  const a1 = ad / g;
  const t = a.num * (bd / g) + b.num * a1;
  if (t === 0n) return ZERO;
  const g2 = gcd(t, g);
  return g2 === 1n ? { num: t, den: a1 * bd } : { num: t / g2, den: a1 * (bd / g2) };
}

export function mul(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new FxError('division_by_zero', 'divisor', 'is zero');
  return rational(a.num * b.den, a.den * b.num);
}

export function inverse(a: Rational): Rational {
  return div(ONE, a);
}

/** -1, 0 or 1 as a < b, a = b, a > b (cross-multiplication is exact because dens are > 0). */
export function compare(a: Rational, b: Rational): -1 | 0 | 1 {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

export function equals(a: Rational, b: Rational): boolean {
  return a.num === b.num && a.den === b.den; // normalised, so structural equality is value equality
}

export function sign(a: Rational): -1 | 0 | 1 {
  return a.num < 0n ? -1 : a.num > 0n ? 1 : 0;
}

export function absRational(a: Rational): Rational {
  return a.num < 0n ? { num: -a.num, den: a.den } : a;
}

/** "num/den", or "num" for an integer: the exact textual form used in JSON output. */
export function toFractionString(a: Rational): string {
  return a.den === 1n ? a.num.toString() : `${a.num}/${a.den}`;
}

/**
 * The exact decimal expansion when it terminates within `maxFractionDigits`
 * digits (den = 2^i 5^j), else null. "9.558" for 4779/500.
 */
export function toExactDecimal(a: Rational, maxFractionDigits = DECIMAL_DIGITS_MAX): string | null {
  let d = a.den;
  let twos = 0;
  let fives = 0;
  while (d % 2n === 0n) {
    d /= 2n;
    twos++;
  }
  while (d % 5n === 0n) {
    d /= 5n;
    fives++;
  }
  if (d !== 1n) return null;
  const digits = Math.max(twos, fives);
  if (digits > maxFractionDigits) return null;
  const scaled = (a.num * 10n ** BigInt(digits)) / a.den; // exact: den divides 10^digits
  return formatScaled(scaled, digits);
}

/** a rounded to `fractionDigits` decimal places by `rule`, as a string (display only). */
export function toFixed(a: Rational, fractionDigits: number, rule: RoundingRule = 'half_even'): string {
  const scaled = roundQuotient(a.num * 10n ** BigInt(fractionDigits), a.den, rule);
  return formatScaled(scaled, fractionDigits);
}

// ---------------------------------------------------------------------------
// Rounding. Every rule maps an exact value x to an integer q; the residue is
// x - q exactly, so q + residue == x always holds.
//
//   half_even  nearest integer; a tie (fraction exactly 1/2) goes to the even
//              neighbour ("banker's rounding"). Unbiased on ties, so the default.
//              2.5 -> 2, 3.5 -> 4, -2.5 -> -2.      |residue| <= 1/2
//   half_up    nearest; a tie goes AWAY from zero (the schoolbook rule; named
//              as in Java's RoundingMode.HALF_UP). 2.5 -> 3, -2.5 -> -3.  |residue| <= 1/2
//   half_down  nearest; a tie goes TOWARD zero. 2.5 -> 2, -2.5 -> -2.  |residue| <= 1/2
//   down       toward zero (truncation). 2.7 -> 2, -2.7 -> -2.   |residue| < 1, same sign as x
//   up         away from zero. 2.1 -> 3, -2.1 -> -3.            |residue| < 1, opposite sign to x
//   floor      toward -infinity. 2.7 -> 2, -2.1 -> -3.           0 <= residue < 1
//   ceiling    toward +infinity. 2.1 -> 3, -2.7 -> -2.           -1 < residue <= 0
// ---------------------------------------------------------------------------

export const ROUNDING_RULES = ['half_even', 'half_up', 'half_down', 'down', 'up', 'floor', 'ceiling'] as const;
export type RoundingRule = (typeof ROUNDING_RULES)[number];
export const DEFAULT_ROUNDING: RoundingRule = 'half_even';

export function parseRoundingRule(text: string, field = 'rounding'): RoundingRule {
  if ((ROUNDING_RULES as readonly string[]).includes(text)) return text as RoundingRule;
  throw new FxError('unknown_rounding_rule', field, `unknown rule ${JSON.stringify(text)}; known: ${ROUNDING_RULES.join(', ')}`);
}

/**
 * The step from the truncated quotient q0 = n / d (toward zero) to the rounded
 * one, given the remainder r0 = n - q0 * d (d > 0): returns -1, 0 or +1 to add
 * to q0. The one place the rules are implemented; allocation-free, so the
 * conversion hot path uses it directly.
 */
export function roundingStep(n: bigint, d: bigint, q0: bigint, r0: bigint, rule: RoundingRule): -1 | 0 | 1 {
  if (r0 === 0n) return 0;
  const away: -1 | 1 = n < 0n ? -1 : 1;
  switch (rule) {
    case 'down':
      return 0;
    case 'up':
      return away;
    case 'floor':
      return n < 0n ? -1 : 0;
    case 'ceiling':
      return n < 0n ? 0 : 1;
    case 'half_even':
    case 'half_up':
    case 'half_down': {
      const twice = r0 < 0n ? -2n * r0 : 2n * r0;
      if (twice < d) return 0;
      if (twice > d) return away;
      // Exactly halfway.
      if (rule === 'half_up') return away;
      if (rule === 'half_down') return 0;
      return (q0 & 1n) === 0n ? 0 : away; // two's-complement bit: also right for negative q0
    }
    default:
      throw new FxError('unknown_rounding_rule', 'rounding', `unknown rule ${JSON.stringify(rule)}; known: ${ROUNDING_RULES.join(', ')}`);
  }
}

/** n/d (d > 0) rounded to an integer by `rule`. */
export function roundQuotient(n: bigint, d: bigint, rule: RoundingRule): bigint {
  if (d <= 0n) throw new FxError('division_by_zero', 'denominator', 'must be positive');
  const q0 = n / d; // bigint division truncates toward zero
  const step = roundingStep(n, d, q0, n - q0 * d, rule);
  return step === 0 ? q0 : q0 + BigInt(step);
}

export interface Rounded {
  /** The rounded integer. */
  readonly value: bigint;
  /** x - value, exactly. */
  readonly residue: Rational;
}

/** x rounded to an integer by `rule`, with the exact residue x - value. */
export function roundRational(x: Rational, rule: RoundingRule = DEFAULT_ROUNDING): Rounded {
  const value = roundQuotient(x.num, x.den, rule);
  return { value, residue: rational(x.num - value * x.den, x.den) };
}
