// The JSON form of accounts, transfers and balances, shared by the CLI and the
// HTTP API. Field names are TigerBeetle's; u64/u128 values are decimal strings
// (they exceed 2^53, where JSON numbers lose precision); flags are arrays of
// names. Parsing is strict: an unknown field, a fraction, a negative or an
// out-of-range value is an InputError naming the field, never a guess.

import {
  AccountFlags,
  TransferFlags,
  U128_MAX,
  U16_MAX,
  U32_MAX,
  U64_MAX,
  emptyAccount,
  emptyTransfer,
  flagNames,
  type Account,
  type AccountBalance,
  type Transfer,
} from './types.js';

export class InputError extends Error {
  readonly code = 'invalid_input';
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string) {
    super(`field "${field}": ${reason}`);
    this.field = field;
    this.reason = reason;
    this.name = 'InputError';
  }
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const DECIMAL_DIGITS_MAX = 39;

/** An unsigned integer given as a decimal string or a safe JSON number. */
export function parseUnsigned(value: unknown, field: string, max: bigint): bigint {
  let v: bigint;
  if (typeof value === 'string') {
    if (value.length > DECIMAL_DIGITS_MAX || !DECIMAL.test(value)) {
      throw new InputError(field, `must be an unsigned integer in decimal digits, got ${JSON.stringify(value.slice(0, 48))}`);
    }
    v = BigInt(value);
  } else if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) throw new InputError(field, `must be an unsigned integer, got ${value}`);
    if (!Number.isSafeInteger(value)) {
      throw new InputError(field, `${value} is beyond 2^53 and loses precision as a JSON number; send it as a decimal string`);
    }
    v = BigInt(value);
  } else {
    throw new InputError(field, `must be a decimal string, got ${value === null ? 'null' : typeof value}`);
  }
  if (v > max) throw new InputError(field, `must be at most ${max}, got ${v}`);
  return v;
}

function parseSmall(value: unknown, field: string, max: number): number {
  return Number(parseUnsigned(value, field, BigInt(max)));
}

function parseFlags(value: unknown, field: string, table: Readonly<Record<string, number>>): number {
  if (!Array.isArray(value)) throw new InputError(field, 'must be an array of flag names, e.g. ["linked"]');
  let flags = 0;
  for (const name of value) {
    if (typeof name !== 'string' || !Object.hasOwn(table, name)) {
      throw new InputError(field, `unknown flag ${JSON.stringify(name)}; known: ${Object.keys(table).join(', ')}`);
    }
    flags |= table[name]!;
  }
  return flags;
}

function asObject(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError('(event)', `must be a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  }
  return value as Record<string, unknown>;
}

const ACCOUNT_FIELDS = new Set([
  'id',
  'debits_pending',
  'debits_posted',
  'credits_pending',
  'credits_posted',
  'user_data_128',
  'user_data_64',
  'user_data_32',
  'ledger',
  'code',
  'flags',
  'timestamp',
]);

const TRANSFER_FIELDS = new Set([
  'id',
  'debit_account_id',
  'credit_account_id',
  'amount',
  'pending_id',
  'user_data_128',
  'user_data_64',
  'user_data_32',
  'timeout',
  'ledger',
  'code',
  'flags',
  'timestamp',
]);

function rejectUnknown(o: Record<string, unknown>, known: Set<string>): void {
  for (const key of Object.keys(o)) {
    if (!known.has(key)) throw new InputError(key, `unknown field; known: ${[...known].join(', ')}`);
  }
}

export function parseAccount(value: unknown): Account {
  const o = asObject(value);
  rejectUnknown(o, ACCOUNT_FIELDS);
  if (o.id === undefined) throw new InputError('id', 'is required');
  const a = emptyAccount(parseUnsigned(o.id, 'id', U128_MAX), 0, 0);
  if (o.debits_pending !== undefined) a.debits_pending = parseUnsigned(o.debits_pending, 'debits_pending', U128_MAX);
  if (o.debits_posted !== undefined) a.debits_posted = parseUnsigned(o.debits_posted, 'debits_posted', U128_MAX);
  if (o.credits_pending !== undefined) a.credits_pending = parseUnsigned(o.credits_pending, 'credits_pending', U128_MAX);
  if (o.credits_posted !== undefined) a.credits_posted = parseUnsigned(o.credits_posted, 'credits_posted', U128_MAX);
  if (o.user_data_128 !== undefined) a.user_data_128 = parseUnsigned(o.user_data_128, 'user_data_128', U128_MAX);
  if (o.user_data_64 !== undefined) a.user_data_64 = parseUnsigned(o.user_data_64, 'user_data_64', U64_MAX);
  if (o.user_data_32 !== undefined) a.user_data_32 = parseSmall(o.user_data_32, 'user_data_32', U32_MAX);
  if (o.ledger !== undefined) a.ledger = parseSmall(o.ledger, 'ledger', U32_MAX);
  if (o.code !== undefined) a.code = parseSmall(o.code, 'code', U16_MAX);
  if (o.flags !== undefined) a.flags = parseFlags(o.flags, 'flags', AccountFlags);
  if (o.timestamp !== undefined) a.timestamp = parseUnsigned(o.timestamp, 'timestamp', U64_MAX);
  return a;
}

export function parseTransfer(value: unknown): Transfer {
  const o = asObject(value);
  rejectUnknown(o, TRANSFER_FIELDS);
  if (o.id === undefined) throw new InputError('id', 'is required');
  const t = emptyTransfer(parseUnsigned(o.id, 'id', U128_MAX));
  if (o.debit_account_id !== undefined) t.debit_account_id = parseUnsigned(o.debit_account_id, 'debit_account_id', U128_MAX);
  if (o.credit_account_id !== undefined) t.credit_account_id = parseUnsigned(o.credit_account_id, 'credit_account_id', U128_MAX);
  if (o.amount !== undefined) t.amount = parseUnsigned(o.amount, 'amount', U128_MAX);
  if (o.pending_id !== undefined) t.pending_id = parseUnsigned(o.pending_id, 'pending_id', U128_MAX);
  if (o.user_data_128 !== undefined) t.user_data_128 = parseUnsigned(o.user_data_128, 'user_data_128', U128_MAX);
  if (o.user_data_64 !== undefined) t.user_data_64 = parseUnsigned(o.user_data_64, 'user_data_64', U64_MAX);
  if (o.user_data_32 !== undefined) t.user_data_32 = parseSmall(o.user_data_32, 'user_data_32', U32_MAX);
  if (o.timeout !== undefined) t.timeout = parseSmall(o.timeout, 'timeout', U32_MAX);
  if (o.ledger !== undefined) t.ledger = parseSmall(o.ledger, 'ledger', U32_MAX);
  if (o.code !== undefined) t.code = parseSmall(o.code, 'code', U16_MAX);
  if (o.flags !== undefined) t.flags = parseFlags(o.flags, 'flags', TransferFlags);
  if (o.timestamp !== undefined) t.timestamp = parseUnsigned(o.timestamp, 'timestamp', U64_MAX);
  return t;
}

export interface AccountJson {
  id: string;
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
  user_data_128: string;
  user_data_64: string;
  user_data_32: number;
  ledger: number;
  code: number;
  flags: string[];
  timestamp: string;
}

export interface TransferJson {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  pending_id: string;
  user_data_128: string;
  user_data_64: string;
  user_data_32: number;
  timeout: number;
  ledger: number;
  code: number;
  flags: string[];
  timestamp: string;
}

export function accountToJson(a: Account): AccountJson {
  return {
    id: a.id.toString(),
    debits_pending: a.debits_pending.toString(),
    debits_posted: a.debits_posted.toString(),
    credits_pending: a.credits_pending.toString(),
    credits_posted: a.credits_posted.toString(),
    user_data_128: a.user_data_128.toString(),
    user_data_64: a.user_data_64.toString(),
    user_data_32: a.user_data_32,
    ledger: a.ledger,
    code: a.code,
    flags: flagNames(a.flags, AccountFlags),
    timestamp: a.timestamp.toString(),
  };
}

export function transferToJson(t: Transfer): TransferJson {
  return {
    id: t.id.toString(),
    debit_account_id: t.debit_account_id.toString(),
    credit_account_id: t.credit_account_id.toString(),
    amount: t.amount.toString(),
    pending_id: t.pending_id.toString(),
    user_data_128: t.user_data_128.toString(),
    user_data_64: t.user_data_64.toString(),
    user_data_32: t.user_data_32,
    timeout: t.timeout,
    ledger: t.ledger,
    code: t.code,
    flags: flagNames(t.flags, TransferFlags),
    timestamp: t.timestamp.toString(),
  };
}

export function balanceToJson(b: AccountBalance): Record<string, string> {
  return {
    debits_pending: b.debits_pending.toString(),
    debits_posted: b.debits_posted.toString(),
    credits_pending: b.credits_pending.toString(),
    credits_posted: b.credits_posted.toString(),
    timestamp: b.timestamp.toString(),
  };
}
