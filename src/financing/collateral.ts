// Collateral registered per participant, and the intraday credit line it supports.
//
// Owns: the collateral item model (id, asset class, currency, market value in
// minor units, haircut in basis points), the per-participant pool and registry
// with their limits, the credit-line computation, and FinancingError, the one
// error type of financing/ (stable `code`, the `field` at fault, the `reason`;
// the same shape as FxError) — it lives here because every other financing
// module already imports this one.
//
// Credit line (exact, then ONE rounding, DOWN):
//
//   line = floor( sum_i  value_i * (10000 - haircut_bp_i) / 10000
//                        * rate_i * 10^mu_credit / 10^mu_i )
//
// where rate_i is units of the credit currency per 1 unit of item i's currency
// (major units, exact rational, from src/fx; 1 for the same currency). The sum is
// kept exact and rounded once, toward zero, so the line never exceeds the value of
// the collateral after haircut — not even by a minor unit — and per-item roundings
// cannot accumulate. The dropped fraction is returned as `residue` (< 1 minor unit).
//
// Pure: no I/O, no clock. Pools are immutable values; every change returns a new
// pool, so the caller decides when a change is committed.

import { PairConverter } from '../fx/convert.js';
import { currencyInfo, memberCurrency } from '../fx/iso4217.js';
import { ZERO, add, mul, rational, roundRational, type Rational } from '../fx/rational.js';
import { U128_MAX } from '../ledger/types.js';

// ---- errors ------------------------------------------------------------------------------

export type FinancingErrorCode =
  | 'invalid_input'
  | 'invalid_id'
  | 'invalid_amount'
  | 'invalid_haircut'
  | 'invalid_rate'
  | 'invalid_date'
  | 'duplicate_id'
  | 'not_found'
  | 'limit_reached'
  | 'credit_line_exceeded'
  | 'collateral_in_use'
  | 'swap_limit_exceeded'
  | 'invalid_state';

export class FinancingError extends Error {
  readonly code: FinancingErrorCode;
  readonly field: string;
  readonly reason: string;
  constructor(code: FinancingErrorCode, field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.code = code;
    this.field = field;
    this.reason = reason;
    this.name = 'FinancingError';
  }
}

// ---- limits ------------------------------------------------------------------------------

export const COLLATERAL_LIMITS = Object.freeze({
  /** Items one participant may pledge at once. */
  items_per_participant_max: 1_000,
  /** Participants one registry may hold. */
  participants_max: 100_000,
  /** Length of a participant or item id. */
  id_length_max: 64,
  /** Basis points: 10000 = 100% haircut (the item counts for nothing). */
  haircut_bp_max: 10_000,
  /** Market value of one item, minor units (the ledger's u128 range). */
  value_minor_max: U128_MAX,
});

export const BP_PER_UNIT = 10_000n;

/** Asset classes accepted as collateral (the scheme decides haircuts per class). */
export const COLLATERAL_KINDS = ['cash', 'government_bond', 'central_bank_bill', 'covered_bond', 'corporate_bond', 'gold', 'other'] as const;
export type CollateralKind = (typeof COLLATERAL_KINDS)[number];

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/** Checks a participant / item / facility id: 1..64 chars of [A-Za-z0-9_.:-], starting alphanumeric. */
export function checkId(id: unknown, field: string): string {
  if (typeof id !== 'string' || id.length === 0 || id.length > COLLATERAL_LIMITS.id_length_max || !ID_RE.test(id)) {
    throw new FinancingError(
      'invalid_id',
      field,
      `must be 1-${COLLATERAL_LIMITS.id_length_max} characters of A-Z a-z 0-9 _ . : - starting with a letter or digit, got ${JSON.stringify(typeof id === 'string' ? id.slice(0, 72) : id)}`,
    );
  }
  return id;
}

/** A non-negative (or, with `positive`, > 0) bigint within u128. */
export function checkAmount(v: unknown, field: string, positive = false): bigint {
  if (typeof v !== 'bigint') throw new FinancingError('invalid_amount', field, `must be a bigint of minor units, got ${typeof v}`);
  if (v < 0n || (positive && v === 0n))
    throw new FinancingError('invalid_amount', field, `must be ${positive ? 'greater than zero' : 'zero or more'}, got ${v}`);
  if (v > U128_MAX) throw new FinancingError('invalid_amount', field, `must be at most ${U128_MAX} (u128)`);
  return v;
}

// ---- items and pools ---------------------------------------------------------------------

export interface CollateralItem {
  readonly id: string;
  readonly kind: CollateralKind;
  /** ISO 4217 code of the currency the market value is in (any currency in the fx table). */
  readonly currency: string;
  /** Market value, minor units of `currency`. */
  readonly market_value_minor: bigint;
  /** Haircut in basis points, 0..10000. */
  readonly haircut_bp: number;
}

export interface CollateralPool {
  readonly participant: string;
  readonly items: readonly CollateralItem[];
}

export function emptyPool(participant: string): CollateralPool {
  return Object.freeze({ participant: checkId(participant, 'participant'), items: Object.freeze([]) });
}

function checkItem(input: CollateralItem, field: string): CollateralItem {
  if (input === null || typeof input !== 'object') throw new FinancingError('invalid_input', field, 'must be an object');
  const id = checkId(input.id, `${field}.id`);
  if (!(COLLATERAL_KINDS as readonly string[]).includes(input.kind)) {
    throw new FinancingError('invalid_input', `${field}.kind`, `unknown kind ${JSON.stringify(input.kind)}; known: ${COLLATERAL_KINDS.join(', ')}`);
  }
  const currency = currencyInfo(input.currency, `${field}.currency`).code; // FxError if unknown
  const market_value_minor = checkAmount(input.market_value_minor, `${field}.market_value_minor`);
  const h = input.haircut_bp;
  if (typeof h !== 'number' || !Number.isInteger(h) || h < 0 || h > COLLATERAL_LIMITS.haircut_bp_max) {
    throw new FinancingError(
      'invalid_haircut',
      `${field}.haircut_bp`,
      `must be an integer 0..${COLLATERAL_LIMITS.haircut_bp_max} basis points, got ${String(h)}`,
    );
  }
  return Object.freeze({ id, kind: input.kind, currency, market_value_minor, haircut_bp: h });
}

/** The pool with `item` added; a duplicate id or a full pool is an error and the pool is unchanged. */
export function registerItem(pool: CollateralPool, item: CollateralItem): CollateralPool {
  const checked = checkItem(item, 'item');
  if (pool.items.some((x) => x.id === checked.id)) {
    throw new FinancingError('duplicate_id', 'item.id', `participant ${pool.participant} already pledged an item ${JSON.stringify(checked.id)}`);
  }
  if (pool.items.length >= COLLATERAL_LIMITS.items_per_participant_max) {
    throw new FinancingError(
      'limit_reached',
      'item',
      `participant ${pool.participant} already has ${COLLATERAL_LIMITS.items_per_participant_max} items, the most allowed`,
    );
  }
  return Object.freeze({ participant: pool.participant, items: Object.freeze([...pool.items, checked]) });
}

function indexOf(pool: CollateralPool, id: string): number {
  const i = pool.items.findIndex((x) => x.id === id);
  if (i < 0) throw new FinancingError('not_found', 'item.id', `participant ${pool.participant} has no item ${JSON.stringify(id)}`);
  return i;
}

/** The pool without item `id`. (Whether the remaining line still covers drawn credit is the facility's check.) */
export function withdrawItem(pool: CollateralPool, id: string): CollateralPool {
  const i = indexOf(pool, id);
  return Object.freeze({ participant: pool.participant, items: Object.freeze(pool.items.filter((_, k) => k !== i)) });
}

/** The pool with item `id` marked to a new market value (and optionally a new haircut). */
export function revalueItem(pool: CollateralPool, id: string, market_value_minor: bigint, haircut_bp?: number): CollateralPool {
  const i = indexOf(pool, id);
  const old = pool.items[i]!;
  const next = checkItem({ ...old, market_value_minor, haircut_bp: haircut_bp ?? old.haircut_bp }, 'item');
  return Object.freeze({ participant: pool.participant, items: Object.freeze(pool.items.map((x, k) => (k === i ? next : x))) });
}

// ---- the credit line ---------------------------------------------------------------------

/** Units of `to` per 1 unit of `from` (major units), exact; e.g. `(f, t) => book.crossRate(f, t, date).rate`. */
export type RateSource = (from: string, to: string) => Rational;

export interface ItemContribution {
  readonly id: string;
  /** Value after haircut, minor units of the item's currency, exact. */
  readonly after_haircut: Rational;
  /** The rate used (1 for the credit currency itself). */
  readonly rate: Rational;
  /** Contribution in minor units of the credit currency, exact (unrounded). */
  readonly exact_minor: Rational;
}

export interface CreditLine {
  readonly participant: string;
  readonly currency: string;
  /** The line, minor units of `currency`: floor of `exact_minor`. */
  readonly line_minor: bigint;
  /** Sum of the items' exact contributions. */
  readonly exact_minor: Rational;
  /** exact_minor - line_minor, 0 <= residue < 1: value the line leaves unused, never more. */
  readonly residue: Rational;
  readonly rounding: 'down';
  readonly items: readonly ItemContribution[];
}

/**
 * The credit line `pool` supports in `currency` (an SCO member currency: credit is
 * given in settlement money). `rates` is asked only for items in other currencies.
 */
export function creditLine(pool: CollateralPool, currency: string, rates: RateSource): CreditLine {
  const credit = memberCurrency(currency, 'currency');
  let total = ZERO;
  const items: ItemContribution[] = [];
  for (const item of pool.items) {
    const after_haircut = rational(item.market_value_minor * (BP_PER_UNIT - BigInt(item.haircut_bp)), BP_PER_UNIT);
    const rate = item.currency === credit.code ? rational(1n) : rates(item.currency, credit.code);
    // PairConverter validates the rate (> 0) and folds in both currencies' minor units.
    const conv = new PairConverter(item.currency, credit, rate);
    const exact_minor = mul(after_haircut, conv.scaled);
    total = add(total, exact_minor);
    items.push(Object.freeze({ id: item.id, after_haircut, rate, exact_minor }));
  }
  const r = roundRational(total, 'down'); // total >= 0, so down == floor: the line never exceeds the value
  if (r.value > U128_MAX) throw new FinancingError('invalid_amount', 'line', `the credit line exceeds the ledger's u128 range`);
  return Object.freeze({
    participant: pool.participant,
    currency: credit.code,
    line_minor: r.value,
    exact_minor: total,
    residue: r.residue,
    rounding: 'down',
    items: Object.freeze(items),
  });
}

// ---- registry ----------------------------------------------------------------------------

/**
 * All participants' pools. Mutable (the platform keeps one), but each operation is
 * all-or-nothing: a refused change leaves the registry as it was.
 */
export class CollateralRegistry {
  private readonly pools = new Map<string, CollateralPool>();

  get size(): number {
    return this.pools.size;
  }

  pool(participant: string): CollateralPool {
    return this.pools.get(participant) ?? emptyPool(participant);
  }

  participants(): string[] {
    return [...this.pools.keys()].sort();
  }

  register(participant: string, item: CollateralItem): CollateralPool {
    checkId(participant, 'participant');
    if (!this.pools.has(participant) && this.pools.size >= COLLATERAL_LIMITS.participants_max) {
      throw new FinancingError('limit_reached', 'participant', `the registry already holds ${COLLATERAL_LIMITS.participants_max} participants`);
    }
    return this.set(registerItem(this.pool(participant), item));
  }

  withdraw(participant: string, id: string): CollateralPool {
    return this.set(withdrawItem(this.pool(participant), id));
  }

  revalue(participant: string, id: string, market_value_minor: bigint, haircut_bp?: number): CollateralPool {
    return this.set(revalueItem(this.pool(participant), id, market_value_minor, haircut_bp));
  }

  creditLine(participant: string, currency: string, rates: RateSource): CreditLine {
    return creditLine(this.pool(participant), currency, rates);
  }

  private set(pool: CollateralPool): CollateralPool {
    if (pool.items.length === 0) this.pools.delete(pool.participant);
    else this.pools.set(pool.participant, pool);
    return pool;
  }
}
