// Intraday credit: one facility per participant per currency, its line set from
// collateral (collateral.ts), drawn when the participant's payments are blocked for
// liquidity, repaid in full at end of day.
//
// Owns: the facility state, the drawdown rule (how much to draw for a shortfall,
// never beyond the line), end-of-day repayment, and the ledger transfers that move
// the money. Also owns the small pieces every financing module shares for talking
// to the ledger: the id generator type, transfer codes, and the transfer builder.
//
// Accounts (ids supplied by the caller in `accounts`, all on the currency's
// ledger = its ISO 4217 numeric code):
//   credit_account_id      the participant's intraday-credit account at the central
//                          bank. Drawdown DEBITS it, repayment CREDITS it, so its
//                          net debit balance (debits_posted - credits_posted) is
//                          exactly the credit outstanding, and after end of day it
//                          nets to zero.
//   settlement_account_id  the participant's settlement account: credited by a
//                          drawdown, debited by the repayment.
//   Drawdown  = transfer credit_account -> settlement_account, code INTRADAY_DRAWDOWN
//   Repayment = transfer settlement_account -> credit_account, code INTRADAY_REPAYMENT
//
// Ids: the caller's IdGenerator is called once per transfer produced, and only after
// every check passed, so a refused operation consumes no id and produces no
// transfer. Same inputs + same generator = same transfers (deterministic).
//
// Commit rule for the caller (platform/): apply the transfer to the ledger and keep
// the returned facility state only when the ledger answers 'ok'; otherwise keep
// the previous state. State values are immutable, so "keeping the old one" is free.
//
// A repayment needs the funds on the settlement account; if the ledger refuses it
// (e.g. exceeds_credits on a constrained account) the credit is still outstanding
// and the platform must apply its overnight/penalty rule — out of scope here.
//
// Pure: no I/O, no clock (the business day is an input).

import { memberCurrency } from '../fx/iso4217.js';
import { U128_MAX, emptyTransfer, type Transfer } from '../ledger/types.js';
import { FinancingError, checkAmount, checkId } from './collateral.js';

// ---- shared ledger plumbing --------------------------------------------------------------

/** Supplies transfer ids; must return a fresh u128 id in 1..2^128-2 on every call. */
export type IdGenerator = () => bigint;

/** Transfer `code`s (chart of transfer types) used by financing/. */
export const FINANCING_TRANSFER_CODES = Object.freeze({
  intraday_drawdown: 4101,
  intraday_repayment: 4102,
  swap_open_provider_leg: 4201,
  swap_open_drawer_leg: 4202,
  swap_unwind_provider_leg: 4203,
  swap_unwind_drawer_leg: 4204,
  swap_interest: 4205,
});

export function nextId(ids: IdGenerator, field: string): bigint {
  const id = ids();
  if (typeof id !== 'bigint' || id <= 0n || id >= U128_MAX) {
    throw new FinancingError('invalid_id', field, `the id generator returned ${String(id)}; ids must be bigints in 1..2^128-2`);
  }
  return id;
}

export function checkAccountId(id: unknown, field: string): bigint {
  if (typeof id !== 'bigint' || id <= 0n || id >= U128_MAX) throw new FinancingError('invalid_id', field, `must be a ledger account id in 1..2^128-2, got ${String(id)}`);
  return id;
}

/** A plain posted transfer (optionally `flags`, e.g. linked) with a reference in user_data_64. */
export function ledgerTransfer(
  id: bigint,
  debit: bigint,
  credit: bigint,
  amount: bigint,
  ledger: number,
  code: number,
  user_data_64: bigint,
  flags = 0,
): Transfer {
  const t = emptyTransfer(id);
  t.debit_account_id = debit;
  t.credit_account_id = credit;
  t.amount = amount;
  t.ledger = ledger;
  t.code = code;
  t.user_data_64 = user_data_64;
  t.flags = flags;
  return t;
}

function checkDay(day: unknown, field: string): number {
  if (typeof day !== 'number' || !Number.isInteger(day) || day < 0 || day > 2_932_896) {
    throw new FinancingError('invalid_date', field, `must be a day number (days since 1970-01-01, up to 9999-12-31), got ${String(day)}`);
  }
  return day;
}

// ---- the facility ------------------------------------------------------------------------

export const INTRADAY_LIMITS = Object.freeze({
  /** Drawdowns one facility may make in one business day. */
  drawdowns_per_day_max: 10_000,
});

export interface CreditAccounts {
  readonly credit_account_id: bigint;
  readonly settlement_account_id: bigint;
}

export interface FacilityConfig {
  readonly participant: string;
  /** An SCO member currency: the facility's ledger. */
  readonly currency: string;
  readonly accounts: CreditAccounts;
  /** Draw automatically when a payment is blocked for liquidity (autoDraw); explicit draw() works either way. */
  readonly auto_draw: boolean;
}

export interface IntradayFacility {
  readonly participant: string;
  readonly currency: string;
  /** ISO 4217 numeric code of `currency`: the ledger number. */
  readonly ledger: number;
  readonly accounts: CreditAccounts;
  readonly auto_draw: boolean;
  /** Days since 1970-01-01 of the business day the facility is open for. */
  readonly business_day: number;
  /** 'open' during the day; 'repaid' after end of day until the next openDay. */
  readonly status: 'open' | 'repaid';
  /** The line, minor units (from creditLine(...).line_minor). */
  readonly line_minor: bigint;
  /** Credit drawn and not repaid, minor units; always <= line_minor. */
  readonly outstanding_minor: bigint;
  readonly drawdowns_today: number;
}

export function openFacility(config: FacilityConfig, line_minor: bigint, business_day: number): IntradayFacility {
  const c = memberCurrency(config.currency, 'currency');
  const credit_account_id = checkAccountId(config.accounts?.credit_account_id, 'accounts.credit_account_id');
  const settlement_account_id = checkAccountId(config.accounts?.settlement_account_id, 'accounts.settlement_account_id');
  if (credit_account_id === settlement_account_id) throw new FinancingError('invalid_input', 'accounts', 'the credit and settlement accounts must be different');
  if (typeof config.auto_draw !== 'boolean') throw new FinancingError('invalid_input', 'auto_draw', 'must be true or false');
  return Object.freeze({
    participant: checkId(config.participant, 'participant'),
    currency: c.code,
    ledger: c.numeric,
    accounts: Object.freeze({ credit_account_id, settlement_account_id }),
    auto_draw: config.auto_draw,
    business_day: checkDay(business_day, 'business_day'),
    status: 'open',
    line_minor: checkAmount(line_minor, 'line_minor'),
    outstanding_minor: 0n,
    drawdowns_today: 0,
  });
}

/** Credit still available: line - outstanding. */
export function available(f: IntradayFacility): bigint {
  return f.line_minor - f.outstanding_minor;
}

/** Turns automatic drawing on or off. */
export function setAutoDraw(f: IntradayFacility, auto_draw: boolean): IntradayFacility {
  if (typeof auto_draw !== 'boolean') throw new FinancingError('invalid_input', 'auto_draw', 'must be true or false');
  return Object.freeze({ ...f, auto_draw });
}

/**
 * A new line after collateral changed. Refused ('collateral_in_use') below what is
 * outstanding: collateral backing drawn credit cannot be released before repayment.
 */
export function setLine(f: IntradayFacility, line_minor: bigint): IntradayFacility {
  checkAmount(line_minor, 'line_minor');
  if (line_minor < f.outstanding_minor) {
    throw new FinancingError('collateral_in_use', 'line_minor', `${line_minor} is below the ${f.outstanding_minor} ${f.currency} minor units outstanding; repay first`);
  }
  return Object.freeze({ ...f, line_minor });
}

export interface DrawdownPlan {
  /** What to draw now: min(shortfall, available), or 0 when auto-draw is off or the day is closed. */
  readonly draw_minor: bigint;
  /** The part of the shortfall the facility cannot cover (the payment stays queued). */
  readonly uncovered_minor: bigint;
}

/** How much to draw for a payment blocked by `shortfall_minor`; never beyond the line. Pure, no transfer. */
export function planDrawdown(f: IntradayFacility, shortfall_minor: bigint): DrawdownPlan {
  const shortfall = checkAmount(shortfall_minor, 'shortfall_minor');
  if (!f.auto_draw || f.status !== 'open' || f.drawdowns_today >= INTRADAY_LIMITS.drawdowns_per_day_max) {
    return { draw_minor: 0n, uncovered_minor: shortfall };
  }
  const avail = available(f);
  const d = shortfall < avail ? shortfall : avail;
  return { draw_minor: d, uncovered_minor: shortfall - d };
}

export interface FacilityStep {
  readonly facility: IntradayFacility;
  /** The ledger transfer to apply, or null when nothing moves. */
  readonly transfer: Transfer | null;
}

/**
 * An explicit drawdown of `amount_minor`. Beyond the available line it is a
 * 'credit_line_exceeded' error and no transfer (and no id) is produced.
 */
export function draw(f: IntradayFacility, amount_minor: bigint, ids: IdGenerator): FacilityStep {
  const amount = checkAmount(amount_minor, 'amount_minor', true);
  if (f.status !== 'open') throw new FinancingError('invalid_state', 'facility', `the facility of ${f.participant} in ${f.currency} is repaid for day ${f.business_day}; open a new day first`);
  if (amount > available(f)) {
    throw new FinancingError('credit_line_exceeded', 'amount_minor', `${amount} exceeds the ${available(f)} ${f.currency} minor units available (line ${f.line_minor}, outstanding ${f.outstanding_minor})`);
  }
  if (f.drawdowns_today >= INTRADAY_LIMITS.drawdowns_per_day_max) {
    throw new FinancingError('limit_reached', 'facility', `${INTRADAY_LIMITS.drawdowns_per_day_max} drawdowns already made today`);
  }
  const id = nextId(ids, 'transfer.id');
  const transfer = ledgerTransfer(
    id,
    f.accounts.credit_account_id,
    f.accounts.settlement_account_id,
    amount,
    f.ledger,
    FINANCING_TRANSFER_CODES.intraday_drawdown,
    BigInt(f.business_day),
  );
  return {
    facility: Object.freeze({ ...f, outstanding_minor: f.outstanding_minor + amount, drawdowns_today: f.drawdowns_today + 1 }),
    transfer,
  };
}

export interface AutoDrawStep extends FacilityStep {
  readonly drawn_minor: bigint;
  readonly uncovered_minor: bigint;
}

/** The automatic drawdown for a blocked payment: planDrawdown, then draw (no transfer when it plans 0). */
export function autoDraw(f: IntradayFacility, shortfall_minor: bigint, ids: IdGenerator): AutoDrawStep {
  const plan = planDrawdown(f, shortfall_minor);
  if (plan.draw_minor === 0n) return { facility: f, transfer: null, drawn_minor: 0n, uncovered_minor: plan.uncovered_minor };
  const step = draw(f, plan.draw_minor, ids);
  return { ...step, drawn_minor: plan.draw_minor, uncovered_minor: plan.uncovered_minor };
}

/**
 * End of day: repays everything outstanding in one transfer (none when nothing is
 * outstanding) and closes the day; the credit account then nets to zero.
 */
export function repayEndOfDay(f: IntradayFacility, ids: IdGenerator): FacilityStep {
  if (f.status !== 'open') throw new FinancingError('invalid_state', 'facility', `day ${f.business_day} is already repaid`);
  const closed: IntradayFacility = Object.freeze({ ...f, status: 'repaid', outstanding_minor: 0n });
  if (f.outstanding_minor === 0n) return { facility: closed, transfer: null };
  const id = nextId(ids, 'transfer.id');
  const transfer = ledgerTransfer(
    id,
    f.accounts.settlement_account_id,
    f.accounts.credit_account_id,
    f.outstanding_minor,
    f.ledger,
    FINANCING_TRANSFER_CODES.intraday_repayment,
    BigInt(f.business_day),
  );
  return { facility: closed, transfer };
}

/** Opens the next business day (strictly later); only after the previous day was repaid. */
export function openDay(f: IntradayFacility, business_day: number, line_minor: bigint = f.line_minor): IntradayFacility {
  checkDay(business_day, 'business_day');
  if (f.status !== 'repaid') throw new FinancingError('invalid_state', 'facility', `day ${f.business_day} has not been repaid`);
  if (business_day <= f.business_day) throw new FinancingError('invalid_date', 'business_day', `must be after ${f.business_day}, got ${business_day}`);
  return Object.freeze({ ...f, status: 'open', business_day, line_minor: checkAmount(line_minor, 'line_minor'), outstanding_minor: 0n, drawdowns_today: 0 });
}
