// The scheme's one intraday-credit rule. A participant has at most one facility
// per currency; its line comes from collateral (collateral.ts). The rule:
//  - an automatic drawdown happens only while a business day is open, only when
//    the facility allows it, and only when the WHOLE shortfall of the blocked
//    payment fits in the unused line: a partial draw would lock credit without
//    settling anything;
//  - an explicit drawdown may take any amount up to the unused line; there is no
//    daily cap on the number of drawdowns (the count is kept for the record and
//    starts again at zero each business day);
//  - at the close of the business day each facility repays what is outstanding
//    as far as its settlement account allows, in order of participant and
//    currency; what stays unpaid is reported and stays outstanding.
// Stores journaled since the first release settle by exactly this rule.
//
// Accounts (ids supplied by the caller): the participant's intraday-credit
// account at the central bank (a drawdown debits it, a repayment credits it, so
// its net debit is the credit outstanding) and its settlement account.
//
// Pure: facilities in, the next facility and the transfer to apply out. The
// caller applies the transfer and keeps the next facility only when the ledger
// accepts it.

import type { Transfer } from '../ledger/types.js';
import { FINANCING_TRANSFER_CODES, ledgerTransfer } from './ledger_transfers.js';

export { FINANCING_TRANSFER_CODES, ledgerTransfer } from './ledger_transfers.js';

export interface Facility {
  participant: string;
  currency: string;
  line_minor: bigint;
  outstanding_minor: bigint;
  auto_draw: boolean;
  /** Drawdowns since the business day opened. */
  drawdowns: number;
}

export interface CreditAccounts {
  readonly credit_account_id: bigint;
  readonly settlement_account_id: bigint;
  /** The currency's ledger (ISO 4217 numeric). */
  readonly ledger: number;
}

export interface FacilityStep {
  readonly facility: Facility;
  readonly transfer: Transfer;
}

/** Credit still drawable: line - outstanding. */
export function headroom(f: Facility): bigint {
  return f.line_minor - f.outstanding_minor;
}

/** The facility after its collateral changed to give `line_minor`; null (refused) when the line would fall below what is outstanding. */
export function withLine(existing: Facility | undefined, participant: string, currency: string, line_minor: bigint, auto_draw: boolean): Facility | null {
  const f = existing ?? { participant, currency, line_minor: 0n, outstanding_minor: 0n, auto_draw, drawdowns: 0 };
  if (line_minor < f.outstanding_minor) return null;
  return { ...f, line_minor, auto_draw };
}

/** What to draw automatically for a payment blocked by `shortfall_minor`: all of it, or nothing (null). */
export function autoDrawAmount(f: Facility | undefined, shortfall_minor: bigint, day_open: boolean): bigint | null {
  if (f === undefined || !f.auto_draw || !day_open) return null;
  return headroom(f) < shortfall_minor ? null : shortfall_minor;
}

/** A drawdown of `amount_minor` (the caller checked it against the headroom) as transfer `id`. */
export function drawdown(f: Facility, accounts: CreditAccounts, amount_minor: bigint, id: bigint): FacilityStep {
  return {
    facility: { ...f, outstanding_minor: f.outstanding_minor + amount_minor, drawdowns: f.drawdowns + 1 },
    transfer: ledgerTransfer(
      id,
      accounts.credit_account_id,
      accounts.settlement_account_id,
      amount_minor,
      accounts.ledger,
      FINANCING_TRANSFER_CODES.intraday_drawdown,
      0n,
    ),
  };
}

/** The facility at the opening of a business day. */
export function atDayOpen(f: Facility): Facility {
  return { ...f, drawdowns: 0 };
}

/** Facilities in the order end-of-day repayment takes them: by participant, then currency. */
export function repaymentOrder(facilities: Iterable<Facility>): Facility[] {
  return [...facilities].sort((a, b) => (a.participant + a.currency < b.participant + b.currency ? -1 : 1));
}

/** End-of-day repayment: as much of the outstanding credit as `available_minor` covers; null when nothing is paid. */
export function repayment(f: Facility, accounts: CreditAccounts, available_minor: bigint, id: bigint): FacilityStep | null {
  const pay = f.outstanding_minor < available_minor ? f.outstanding_minor : available_minor;
  if (pay <= 0n) return null;
  return {
    facility: { ...f, outstanding_minor: f.outstanding_minor - pay },
    transfer: ledgerTransfer(
      id,
      accounts.settlement_account_id,
      accounts.credit_account_id,
      pay,
      accounts.ledger,
      FINANCING_TRANSFER_CODES.intraday_repayment,
      0n,
    ),
  };
}
