// The ledger's data model: accounts, transfers, flags, result codes and limits.
// Field names and semantics follow TigerBeetle's so that its documentation reads
// across; all quantities are exact bigints (u128 for ids and amounts, u64 for
// timestamps in nanoseconds, u32/u16 for the small fields). Nothing here does I/O.

export const U128_MAX = (1n << 128n) - 1n;
export const U64_MAX = (1n << 64n) - 1n;
export const U32_MAX = 0xffff_ffff;
export const U16_MAX = 0xffff;

/** The most events one batch may carry (TigerBeetle's limit for a 1 MiB message). */
export const BATCH_EVENTS_MAX = 8189;

export const NS_PER_S = 1_000_000_000n;

export const AccountFlags = {
  linked: 1 << 0,
  debits_must_not_exceed_credits: 1 << 1,
  credits_must_not_exceed_debits: 1 << 2,
  history: 1 << 3,
  closed: 1 << 4,
} as const;
export type AccountFlagName = keyof typeof AccountFlags;
export const ACCOUNT_FLAGS_KNOWN = 0b1_1111;

export const TransferFlags = {
  linked: 1 << 0,
  pending: 1 << 1,
  post_pending_transfer: 1 << 2,
  void_pending_transfer: 1 << 3,
  balancing_debit: 1 << 4,
  balancing_credit: 1 << 5,
} as const;
export type TransferFlagName = keyof typeof TransferFlags;
export const TRANSFER_FLAGS_KNOWN = 0b11_1111;

export interface Account {
  id: bigint;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  user_data_128: bigint;
  user_data_64: bigint;
  user_data_32: number;
  /** ISO 4217 numeric code of the currency for platform accounts; any non-zero u32 here. */
  ledger: number;
  /** Account type (chart of accounts); non-zero u16. */
  code: number;
  flags: number;
  /** Nanoseconds; assigned by the ledger, must be 0 on input. */
  timestamp: bigint;
}

export interface Transfer {
  id: bigint;
  debit_account_id: bigint;
  credit_account_id: bigint;
  amount: bigint;
  pending_id: bigint;
  user_data_128: bigint;
  user_data_64: bigint;
  user_data_32: number;
  /** Seconds after the transfer's timestamp at which a pending transfer expires; 0 = never. */
  timeout: number;
  ledger: number;
  code: number;
  flags: number;
  timestamp: bigint;
}

/** Balances of an account with the `history` flag after one change. */
export interface AccountBalance {
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  timestamp: bigint;
}

export type PendingStatus = 'pending' | 'posted' | 'voided' | 'expired';

/**
 * Result codes, append-only: a code's position is its number in the journal, so
 * never reorder or remove one.
 */
export const RESULT_CODES = [
  'ok',
  'linked_event_failed',
  'linked_event_chain_open',
  'timestamp_must_be_zero',
  'reserved_flag',
  'id_must_not_be_zero',
  'id_must_not_be_int_max',
  'flags_are_mutually_exclusive',
  'debits_pending_must_be_zero',
  'debits_posted_must_be_zero',
  'credits_pending_must_be_zero',
  'credits_posted_must_be_zero',
  'ledger_must_not_be_zero',
  'code_must_not_be_zero',
  'exists_with_different_fields',
  'exists',
  'debit_account_id_must_not_be_zero',
  'debit_account_id_must_not_be_int_max',
  'credit_account_id_must_not_be_zero',
  'credit_account_id_must_not_be_int_max',
  'accounts_must_be_different',
  'pending_id_must_be_zero',
  'pending_id_must_not_be_zero',
  'pending_id_must_not_be_int_max',
  'pending_id_must_be_different',
  'timeout_reserved_for_pending_transfer',
  'debit_account_not_found',
  'credit_account_not_found',
  'ledger_must_match',
  'pending_transfer_not_found',
  'pending_transfer_not_pending',
  'pending_transfer_has_different_debit_account_id',
  'pending_transfer_has_different_credit_account_id',
  'pending_transfer_has_different_ledger',
  'pending_transfer_has_different_code',
  'exceeds_pending_transfer_amount',
  'pending_transfer_has_different_amount',
  'pending_transfer_already_posted',
  'pending_transfer_already_voided',
  'pending_transfer_expired',
  'debit_account_already_closed',
  'credit_account_already_closed',
  'overflows_debits_pending',
  'overflows_credits_pending',
  'overflows_debits_posted',
  'overflows_credits_posted',
  'overflows_debits',
  'overflows_credits',
  'overflows_timeout',
  'exceeds_credits',
  'exceeds_debits',
  'accounts_limit_reached',
  'transfers_limit_reached',
] as const;
export type ResultCode = (typeof RESULT_CODES)[number];

export const RESULT_NUMBER: Readonly<Record<ResultCode, number>> = Object.freeze(
  Object.fromEntries(RESULT_CODES.map((code, i) => [code, i])) as Record<ResultCode, number>,
);

/** One result per event, in input order. */
export interface EventResult {
  index: number;
  result: ResultCode;
}

export function flagNames<N extends string>(flags: number, table: Readonly<Record<N, number>>): N[] {
  const names: N[] = [];
  for (const name of Object.keys(table) as N[]) {
    if ((flags & table[name]) !== 0) names.push(name);
  }
  return names;
}

export function emptyAccount(id: bigint, ledger: number, code: number, flags = 0): Account {
  return {
    id,
    debits_pending: 0n,
    debits_posted: 0n,
    credits_pending: 0n,
    credits_posted: 0n,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    ledger,
    code,
    flags,
    timestamp: 0n,
  };
}

/** A transfer between two accounts of one ledger; the other fields zero. */
export function transferBetween(
  id: bigint,
  debit: bigint,
  credit: bigint,
  amount: bigint,
  ledger: number,
  code: number,
  flags: number,
  user_data_64 = 0n,
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

export function emptyTransfer(id: bigint): Transfer {
  return {
    id,
    debit_account_id: 0n,
    credit_account_id: 0n,
    amount: 0n,
    pending_id: 0n,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    timeout: 0,
    ledger: 0,
    code: 0,
    flags: 0,
    timestamp: 0n,
  };
}
