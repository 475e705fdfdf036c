// The scheme's chart of accounts on the ledger: which accounts exist, their
// deterministic ids and ledger `code`s, the transfer codes clearing books, and
// the builder of those transfers. It lives in clearing/ because the clearing
// rules name accounts; platform/accounts.ts re-exports it for the shells.
//
// Account id (u128) = participant_no << 48 | ledger << 16 | kind. The operator is
// participant 0; ledger is the currency's ISO 4217 numeric code. Ids are derived,
// never stored, so any layer can name an account from (participant, currency, kind).
//
// Platform transfer ids live in their own range (bit 126 set), numbered by the
// platform when it applies a plan, so they never collide with ids a ledger user picks.

import { memberCurrency } from '../fx/iso4217.js';
import { transferBetween, type Transfer } from '../ledger/types.js';
import type { Participant } from './types.js';

export const ACCOUNT_KIND = Object.freeze({
  /** A participant's settlement account: debits must not exceed credits. */
  settlement: 1,
  /** A central bank's issuing account for its currency: its debit balance is the money issued on the platform. */
  issuing: 2,
  /** A participant's intraday-credit account at its currency's central bank: net debit = credit outstanding. */
  intraday_credit: 3,
  /** Operator, per currency: carries an LSM release between its credit and debit halves; nets to zero. */
  lsm_transit: 4,
  /** Operator, per currency: collects net debits of a settlement window and pays net credits; nets to zero. */
  dns_settlement: 5,
  /** Operator, per currency: whole minor units of FX rounding residue. */
  fx_residue: 6,
  /** A central bank's swap-line interest income in its currency. */
  swap_interest: 7,
});
export type AccountKind = keyof typeof ACCOUNT_KIND;

export const OPERATOR_NO = 0;
export const PARTICIPANTS_MAX = 65_535;

/**
 * Ids accountId gave for participants, ISO numeric codes and kinds in their usual
 * ranges, by a number made of the three: a payment names its parties' accounts
 * several times, and each id costs three BigInt conversions and four bigint
 * operations. Bounded: once full, ids are computed as before.
 */
const ACCOUNT_IDS = new Map<number, bigint>();
const ACCOUNT_IDS_MAX = 1 << 16;

export function accountId(participant_no: number, ledger: number, kind: number): bigint {
  if ((participant_no & 0xffff) === participant_no && (ledger & 0x3ff) === ledger && (kind & 0x3f) === kind) {
    const key = (participant_no * 1024 + ledger) * 64 + kind;
    const known = ACCOUNT_IDS.get(key);
    if (known !== undefined) return known;
    const id = accountIdOf(participant_no, ledger, kind);
    if (ACCOUNT_IDS.size < ACCOUNT_IDS_MAX) ACCOUNT_IDS.set(key, id);
    return id;
  }
  return accountIdOf(participant_no, ledger, kind);
}

/** The id by its definition (the layout above). */
export function accountIdOf(participant_no: number, ledger: number, kind: number): bigint {
  return (BigInt(participant_no) << 48n) | (BigInt(ledger) << 16n) | BigInt(kind);
}

export function accountOwner(id: bigint): { participant_no: number; ledger: number; kind: number } {
  return { participant_no: Number(id >> 48n), ledger: Number((id >> 16n) & 0xffff_ffffn), kind: Number(id & 0xffffn) };
}

/** Transfer codes booked by the platform (financing/ has its own 41xx/42xx). */
export const TRANSFER_CODE = Object.freeze({
  funding: 1001,
  defunding: 1002,
  payment: 2001,
  /** The two halves of an LSM release, through the transit account. */
  lsm_credit: 2002,
  lsm_debit: 2003,
  /** The halves of a PvP payment's provider leg (provider to payee, in the payee's currency) in an LSM release (rules 3). */
  lsm_provider_credit: 2004,
  lsm_provider_debit: 2005,
  pvp_payer_leg: 2101,
  pvp_payee_leg: 2102,
  fx_residue: 2103,
  dns_reserve: 2201,
  dns_post: 2202,
  dns_void: 2203,
  dns_credit: 2204,
  return_payment: 2301,
});

export const PLATFORM_TRANSFER_ID_BASE = 1n << 126n;

/** Supplies the ids of a plan's transfers in order (the platform numbers them). */
export type IdSource = () => bigint;

/** A posted (or, by `flags`, pending/linked) transfer between two accounts of one ledger. */
export function ledgerTransfer(id: bigint, debit: bigint, credit: bigint, amount: bigint, ledger: number, code: number, flags: number): Transfer {
  return transferBetween(id, debit, credit, amount, ledger, code, flags);
}

/** The UETR's 128 bits, kept in the ledger transfer's user_data_128 to tie it to its payment. */
export function uetrBits(uetr: string): bigint {
  // The 8-4-4-4-12 form by slices (no RegExp on the per-payment path). A string with hyphens elsewhere, or
  // one these slices do not parse, takes the general form, so results and errors are those of `uetrBitsGeneral`.
  if (uetr.charCodeAt(8) === 45 && uetr.charCodeAt(13) === 45 && uetr.charCodeAt(18) === 45 && uetr.charCodeAt(23) === 45) {
    try {
      return BigInt(`0x${uetr.slice(0, 8)}${uetr.slice(9, 13)}${uetr.slice(14, 18)}${uetr.slice(19, 23)}${uetr.slice(24)}`);
    } catch {
      // not hex between the hyphens: the general form decides
    }
  }
  return uetrBitsGeneral(uetr);
}

/** Every hyphen dropped, the rest read as hex: the definition `uetrBits` must agree with on any string. */
export function uetrBitsGeneral(uetr: string): bigint {
  return BigInt(`0x${uetr.replace(/-/g, '')}`);
}

/** A participant's account that pays and receives in `currency`: the settlement account, or the issuing account of the currency's central bank. */
export function settlementAccountOf(p: Participant, currency: string): bigint {
  return accountId(p.no, memberCurrency(currency).numeric, p.issues === currency ? ACCOUNT_KIND.issuing : ACCOUNT_KIND.settlement);
}
