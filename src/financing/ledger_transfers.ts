// The ledger plumbing every financing module shares: the id generator type, the
// transfer codes financing books (41xx intraday credit, 42xx swap lines), id and
// account-id checks, and the builder of a plain transfer.

import { U128_MAX, transferBetween, type Transfer } from '../ledger/types.js';
import { FinancingError } from './collateral.js';

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
  if (typeof id !== 'bigint' || id <= 0n || id >= U128_MAX)
    throw new FinancingError('invalid_id', field, `must be a ledger account id in 1..2^128-2, got ${String(id)}`);
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
  return transferBetween(id, debit, credit, amount, ledger, code, flags, user_data_64);
}
