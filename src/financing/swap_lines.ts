// Central-bank swap lines between two member central banks.
//
// Owns: swap-line terms and their validation, drawings against the limit, the
// opening and unwinding ledger legs, and interest by a stated day-count convention.
//
// Terms. The PROVIDER central bank lends its currency P to the DRAWER central bank
// (and through it the drawer's banks) against the drawer's currency D:
//   limit_minor    the most P (minor units) outstanding at once
//   rate           units of D per 1 unit of P (major units), an exact rational (src/fx)
//   interest_rate  annual, exact rational (7/200 = 3.5%), paid by the drawer in P
//   day_count      'ACT/360' (default) or 'ACT/365' (ACT/365 Fixed)
//   start_date, maturity_date  YYYY-MM-DD; drawings on start <= date < maturity,
//                  and every drawing is unwound at the line's maturity.
//
// Accounts (ids from the caller):
//   on ledger P: provider_p_account_id (the provider's own P account, funds the
//                drawings), drawer_p_account_id (the drawer's P account: receives
//                the P, pays it back plus interest), provider_p_interest_account_id
//                (the provider's interest income in P)
//   on ledger D: drawer_d_account_id (the drawer's own D account), provider_d_account_id
//                (the provider's D account: holds the D until maturity)
//
// Opening legs of one drawing of `a` P, as ONE linked chain (both or neither):
//   1. P: provider_p -> drawer_p, a                       code swap_open_provider_leg (linked)
//   2. D: drawer_d -> provider_d, c = round_half_even(a * rate in minor units of D)
//                                                         code swap_open_drawer_leg
//   The counter amount c is contractual: rounded once per drawing, half-even, and the
//   exact residue is kept on the drawing record; the unwind returns exactly c, so
//   nothing is created or lost by the rounding.
//
// Unwind at maturity, as ONE linked chain:
//   1. P: drawer_p -> provider_p, sum of a                code swap_unwind_provider_leg
//   2. D: provider_d -> drawer_d, sum of c                code swap_unwind_drawer_leg
//   3. P: drawer_p -> provider_p_interest, interest       code swap_interest (if > 0)
//   After it, each principal account nets to zero over the line's life.
//
// Interest (in minor units of P), exact, then ONE rounding half-even:
//   interest = round_half_even( sum_i a_i * days_i * interest_rate / basis )
//   days_i = maturity_day - draw_day_i (actual calendar days; the draw day counts,
//   the maturity day does not), basis = 360 (ACT/360) or 365 (ACT/365 Fixed).
//   Rounding the exact sum once (not each drawing) keeps the total within half a
//   minor unit of the formula. The interest needs P on the drawer's account at
//   maturity (the drawer buys it beforehand); otherwise the ledger refuses the
//   whole unwind chain and nothing moves.
//
// Ids: the caller's IdGenerator, called once per transfer, only after all checks
// passed (a refused drawing produces no transfer and consumes no id). Commit rule:
// keep the returned line state only when the ledger answers 'ok' for the chain.
// Pure: no I/O, no clock (dates are inputs).

import { PairConverter } from '../fx/convert.js';
import { memberCurrency } from '../fx/iso4217.js';
import { ZERO, add, compare, rational, roundRational, sign, type Rational } from '../fx/rational.js';
import { formatDay, parseIsoDate } from '../fx/rates.js';
import { TransferFlags, U128_MAX, type Transfer } from '../ledger/types.js';
import { FinancingError, checkAmount, checkId } from './collateral.js';
import { FINANCING_TRANSFER_CODES as CODES, checkAccountId, ledgerTransfer, nextId, type IdGenerator } from './ledger_transfers.js';

export const DAY_COUNTS = ['ACT/360', 'ACT/365'] as const;
export type DayCount = (typeof DAY_COUNTS)[number];
export const DEFAULT_DAY_COUNT: DayCount = 'ACT/360';

export const SWAP_LIMITS = Object.freeze({
  /** Drawings on one line over its life. */
  drawings_max: 1_000,
  /** Longest tenor, start to maturity, in days (10 years). */
  tenor_days_max: 3_660,
  /** Annual interest rate at most 100%. */
  interest_rate_max: rational(1n),
  /** Bound on a rate's numerator and denominator, so terms cannot carry huge bigints. */
  rational_part_max: U128_MAX,
});

export function dayCountBasis(dc: DayCount): bigint {
  return dc === 'ACT/365' ? 365n : 360n;
}

export interface SwapAccounts {
  readonly provider_p_account_id: bigint;
  readonly drawer_p_account_id: bigint;
  readonly provider_p_interest_account_id: bigint;
  readonly drawer_d_account_id: bigint;
  readonly provider_d_account_id: bigint;
}

export interface SwapLineTerms {
  readonly id: string;
  /** Central bank ids. */
  readonly provider: string;
  readonly drawer: string;
  readonly provider_currency: string;
  readonly drawer_currency: string;
  /** Minor units of provider_currency. */
  readonly limit_minor: bigint;
  /** Units of drawer_currency per 1 unit of provider_currency (major units). */
  readonly rate: Rational;
  /** Annual rate, 0..1. */
  readonly interest_rate: Rational;
  readonly day_count?: DayCount;
  readonly start_date: string;
  readonly maturity_date: string;
  readonly accounts: SwapAccounts;
}

export interface SwapDrawing {
  readonly seq: number;
  readonly date: string;
  readonly day: number;
  /** Minor units of P provided. */
  readonly amount_minor: bigint;
  /** Minor units of D received by the provider (rounded half-even). */
  readonly counter_minor: bigint;
  /** exact counter amount - counter_minor (minor units of D). */
  readonly counter_residue: Rational;
  readonly transfer_ids: readonly [bigint, bigint];
}

export interface SwapLine {
  readonly terms: Required<SwapLineTerms>;
  readonly start_day: number;
  readonly maturity_day: number;
  readonly ledger_p: number;
  readonly ledger_d: number;
  readonly drawings: readonly SwapDrawing[];
  /** Sum of drawings, minor units of P; <= limit_minor. */
  readonly drawn_minor: bigint;
  readonly counter_drawn_minor: bigint;
  readonly status: 'active' | 'matured';
}

function checkRational(r: unknown, field: string): Rational {
  const x = r as Rational;
  if (x === null || typeof x !== 'object' || typeof x.num !== 'bigint' || typeof x.den !== 'bigint' || x.den <= 0n) {
    throw new FinancingError('invalid_rate', field, 'must be an exact rational {num, den} with den > 0');
  }
  if (x.num > SWAP_LIMITS.rational_part_max || -x.num > SWAP_LIMITS.rational_part_max || x.den > SWAP_LIMITS.rational_part_max) {
    throw new FinancingError('invalid_rate', field, 'numerator and denominator must fit in u128');
  }
  return rational(x.num, x.den); // normalise
}

export function openSwapLine(terms: SwapLineTerms): SwapLine {
  if (terms === null || typeof terms !== 'object') throw new FinancingError('invalid_input', 'terms', 'must be an object');
  const id = checkId(terms.id, 'id');
  const provider = checkId(terms.provider, 'provider');
  const drawer = checkId(terms.drawer, 'drawer');
  if (provider === drawer) throw new FinancingError('invalid_input', 'drawer', 'must differ from the provider');
  const p = memberCurrency(terms.provider_currency, 'provider_currency');
  const d = memberCurrency(terms.drawer_currency, 'drawer_currency');
  if (p.code === d.code) throw new FinancingError('invalid_input', 'drawer_currency', 'must differ from the provider currency');
  const limit_minor = checkAmount(terms.limit_minor, 'limit_minor', true);
  const rate = checkRational(terms.rate, 'rate');
  if (sign(rate) <= 0) throw new FinancingError('invalid_rate', 'rate', 'must be greater than zero');
  const interest_rate = checkRational(terms.interest_rate, 'interest_rate');
  if (sign(interest_rate) < 0 || compare(interest_rate, SWAP_LIMITS.interest_rate_max) > 0) {
    throw new FinancingError('invalid_rate', 'interest_rate', 'must be between 0 and 1 (100% a year)');
  }
  const day_count = terms.day_count ?? DEFAULT_DAY_COUNT;
  if (!(DAY_COUNTS as readonly string[]).includes(day_count)) {
    throw new FinancingError('invalid_input', 'day_count', `unknown convention ${JSON.stringify(day_count)}; known: ${DAY_COUNTS.join(', ')}`);
  }
  const start_day = parseIsoDate(terms.start_date, 'start_date');
  const maturity_day = parseIsoDate(terms.maturity_date, 'maturity_date');
  if (maturity_day <= start_day) throw new FinancingError('invalid_date', 'maturity_date', 'must be after start_date');
  if (maturity_day - start_day > SWAP_LIMITS.tenor_days_max) {
    throw new FinancingError('invalid_date', 'maturity_date', `the tenor may be at most ${SWAP_LIMITS.tenor_days_max} days`);
  }
  const a = terms.accounts;
  if (a === null || typeof a !== 'object') throw new FinancingError('invalid_input', 'accounts', 'must be an object');
  const accounts: SwapAccounts = Object.freeze({
    provider_p_account_id: checkAccountId(a.provider_p_account_id, 'accounts.provider_p_account_id'),
    drawer_p_account_id: checkAccountId(a.drawer_p_account_id, 'accounts.drawer_p_account_id'),
    provider_p_interest_account_id: checkAccountId(a.provider_p_interest_account_id, 'accounts.provider_p_interest_account_id'),
    drawer_d_account_id: checkAccountId(a.drawer_d_account_id, 'accounts.drawer_d_account_id'),
    provider_d_account_id: checkAccountId(a.provider_d_account_id, 'accounts.provider_d_account_id'),
  });
  const pIds = [accounts.provider_p_account_id, accounts.drawer_p_account_id, accounts.provider_p_interest_account_id];
  if (new Set(pIds).size !== 3) throw new FinancingError('invalid_input', 'accounts', 'the three accounts in the provider currency must be different');
  if (accounts.drawer_d_account_id === accounts.provider_d_account_id)
    throw new FinancingError('invalid_input', 'accounts', 'the two accounts in the drawer currency must be different');
  return Object.freeze({
    terms: Object.freeze({
      id,
      provider,
      drawer,
      provider_currency: p.code,
      drawer_currency: d.code,
      limit_minor,
      rate,
      interest_rate,
      day_count,
      start_date: formatDay(start_day),
      maturity_date: formatDay(maturity_day),
      accounts,
    }),
    start_day,
    maturity_day,
    ledger_p: p.numeric,
    ledger_d: d.numeric,
    drawings: Object.freeze([]),
    drawn_minor: 0n,
    counter_drawn_minor: 0n,
    status: 'active',
  });
}

/** P still drawable: limit - drawn. */
export function remaining(line: SwapLine): bigint {
  return line.terms.limit_minor - line.drawn_minor;
}

export interface SwapDrawStep {
  readonly line: SwapLine;
  /** The opening legs: [P leg (linked), D leg], to submit in one batch. */
  readonly transfers: readonly [Transfer, Transfer];
  readonly drawing: SwapDrawing;
}

/**
 * A drawing of `amount_minor` P on `date`. Over the remaining limit is a
 * 'swap_limit_exceeded' error; no transfer is produced and no id consumed.
 */
export function drawSwap(line: SwapLine, amount_minor: bigint, date: string, ids: IdGenerator): SwapDrawStep {
  const amount = checkAmount(amount_minor, 'amount_minor', true);
  const day = parseIsoDate(date, 'date');
  const t = line.terms;
  if (line.status !== 'active') throw new FinancingError('invalid_state', 'line', `swap line ${t.id} has matured`);
  if (day < line.start_day || day >= line.maturity_day) {
    throw new FinancingError(
      'invalid_date',
      'date',
      `drawings on swap line ${t.id} must be on ${t.start_date} or later and before ${t.maturity_date}, got ${date}`,
    );
  }
  const last = line.drawings[line.drawings.length - 1];
  if (last !== undefined && day < last.day) throw new FinancingError('invalid_date', 'date', `must not be before the previous drawing (${last.date})`);
  if (amount > remaining(line)) {
    throw new FinancingError(
      'swap_limit_exceeded',
      'amount_minor',
      `${amount} exceeds the ${remaining(line)} ${t.provider_currency} minor units remaining on swap line ${t.id} (limit ${t.limit_minor}, drawn ${line.drawn_minor})`,
    );
  }
  if (line.drawings.length >= SWAP_LIMITS.drawings_max)
    throw new FinancingError('limit_reached', 'line', `swap line ${t.id} already has ${SWAP_LIMITS.drawings_max} drawings`);
  const conv = new PairConverter(t.provider_currency, t.drawer_currency, t.rate).convert(amount, 'half_even');
  if (conv.amount_minor <= 0n) {
    throw new FinancingError('invalid_amount', 'amount_minor', `${amount} is worth nothing in ${t.drawer_currency} at the agreed rate; draw more`);
  }
  const a = t.accounts;
  const ref = BigInt(day);
  const legP = ledgerTransfer(
    nextId(ids, 'transfer.id'),
    a.provider_p_account_id,
    a.drawer_p_account_id,
    amount,
    line.ledger_p,
    CODES.swap_open_provider_leg,
    ref,
    TransferFlags.linked,
  );
  const legD = ledgerTransfer(
    nextId(ids, 'transfer.id'),
    a.drawer_d_account_id,
    a.provider_d_account_id,
    conv.amount_minor,
    line.ledger_d,
    CODES.swap_open_drawer_leg,
    ref,
  );
  const drawing: SwapDrawing = Object.freeze({
    seq: line.drawings.length + 1,
    date: formatDay(day),
    day,
    amount_minor: amount,
    counter_minor: conv.amount_minor,
    counter_residue: conv.residue,
    transfer_ids: Object.freeze([legP.id, legD.id]) as readonly [bigint, bigint],
  });
  return {
    line: Object.freeze({
      ...line,
      drawings: Object.freeze([...line.drawings, drawing]),
      drawn_minor: line.drawn_minor + amount,
      counter_drawn_minor: line.counter_drawn_minor + conv.amount_minor,
    }),
    transfers: [legP, legD],
    drawing,
  };
}

export interface AccruedInterest {
  /** Days since 1970-01-01 accrued to (exclusive). */
  readonly to_day: number;
  readonly day_count: DayCount;
  /** sum a_i * days_i * interest_rate / basis, minor units of P, exact. */
  readonly exact_minor: Rational;
  /** exact_minor rounded half-even. */
  readonly interest_minor: bigint;
  readonly residue: Rational;
  readonly rounding: 'half_even';
}

/** Interest accrued on the drawings up to `date` (capped at maturity). */
export function accruedInterest(line: SwapLine, date: string): AccruedInterest {
  const day = parseIsoDate(date, 'date');
  const to_day = day < line.maturity_day ? day : line.maturity_day;
  const t = line.terms;
  const basis = dayCountBasis(t.day_count);
  let exact = ZERO;
  for (const dr of line.drawings) {
    const days = to_day > dr.day ? BigInt(to_day - dr.day) : 0n;
    exact = add(exact, rational(dr.amount_minor * days * t.interest_rate.num, t.interest_rate.den * basis));
  }
  const r = roundRational(exact, 'half_even');
  return Object.freeze({ to_day, day_count: t.day_count, exact_minor: exact, interest_minor: r.value, residue: r.residue, rounding: 'half_even' });
}

export interface SwapUnwindStep {
  readonly line: SwapLine;
  /** One linked chain: P principal back, D principal back, interest (omitted when 0). Empty if never drawn. */
  readonly transfers: readonly Transfer[];
  readonly interest: AccruedInterest;
}

/** Unwinds the line on `date` (its maturity date): both legs back, plus interest, in one linked chain. */
export function unwindAtMaturity(line: SwapLine, date: string, ids: IdGenerator): SwapUnwindStep {
  const day = parseIsoDate(date, 'date');
  const t = line.terms;
  if (line.status !== 'active') throw new FinancingError('invalid_state', 'line', `swap line ${t.id} has already matured`);
  if (day !== line.maturity_day)
    throw new FinancingError('invalid_date', 'date', `swap line ${t.id} unwinds on its maturity date ${t.maturity_date}, got ${date}`);
  const interest = accruedInterest(line, date);
  const matured: SwapLine = Object.freeze({ ...line, status: 'matured' });
  if (line.drawings.length === 0) return { line: matured, transfers: [], interest };
  const a = t.accounts;
  const ref = BigInt(day);
  const out: Transfer[] = [
    ledgerTransfer(
      nextId(ids, 'transfer.id'),
      a.drawer_p_account_id,
      a.provider_p_account_id,
      line.drawn_minor,
      line.ledger_p,
      CODES.swap_unwind_provider_leg,
      ref,
    ),
    ledgerTransfer(
      nextId(ids, 'transfer.id'),
      a.provider_d_account_id,
      a.drawer_d_account_id,
      line.counter_drawn_minor,
      line.ledger_d,
      CODES.swap_unwind_drawer_leg,
      ref,
    ),
  ];
  if (interest.interest_minor > 0n) {
    out.push(
      ledgerTransfer(
        nextId(ids, 'transfer.id'),
        a.drawer_p_account_id,
        a.provider_p_interest_account_id,
        interest.interest_minor,
        line.ledger_p,
        CODES.swap_interest,
        ref,
      ),
    );
  }
  // Every transfer but the last carries `linked`: the chain succeeds or fails as one.
  for (let i = 0; i < out.length - 1; i++) out[i]!.flags |= TransferFlags.linked;
  return { line: matured, transfers: out, interest };
}
