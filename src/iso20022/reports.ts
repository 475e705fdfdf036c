// Account reporting from the ledger: this module owns turning a participant's
// settlement account and its transfers into camt.053 statements (one per account
// per business day) and camt.054 debit/credit notifications (one per booking).
//
// A business day is the UTC calendar date the platform's business day carries
// (open_day's date; its cut-offs are UTC). The statement of day D covers every
// transfer with a ledger timestamp in [D 00:00, D+1 00:00) UTC:
//   - opening booked balance: the account's balance (credits_posted - debits_posted)
//     at the start of the day, from the balance history (settlement and issuing
//     accounts carry the ledger's `history` flag), or, without history, the current
//     balance minus every later posted movement;
//   - entries: every transfer that moved the posted balance (single-phase
//     transfers and posts of pending ones); a pending reservation or a void moves
//     nothing posted and is not an entry;
//   - closing booked balance: the balance at the end of the day, checked by
//     statementFor against opening + credits - debits.
// Entries carry the transfer id in hexadecimal (NtryRef, AcctSvcrRef: Max35Text), and for a payment's
// transfer the payment's UETR (the 128 bits in user_data_128), end-to-end id,
// counterparty (name, BIC), purpose and remittance. Bank transaction codes: a
// payment is PMNT/RCDT|ICDT/XBCT, a return PMNT/RCDT|ICDT/RRTN, a PvP leg
// PMNT/RCDT|ICDT/XBCT too; the platform's own bookings (funding, intraday credit,
// DNS, FX residue) carry a proprietary code (the transfer code's name, issuer
// SCO-SETTLE). An issuing account (a central bank's own currency) is reported with
// its signed balance: its debit balance is the money issued.

import type { Platform } from '../platform/platform.js';
import type { Participant, Payment } from '../platform/types.js';
import { ACCOUNT_KIND, accountId, accountOwner, memberCurrency, TRANSFER_CODE, TransferFlags, type Transfer } from '../platform/reference.js';
import { BuildError, buildMessage, notificationFor, statementFor, type BankTransactionCode, type EntryInput } from './messages/index.js';
import { isoDateTime, uetrOfBits } from './mapping.js';

export const REPORT_ISSUER = 'SCO-SETTLE';
const NS_PER_DAY = 86_400_000_000_000n;

export class ReportError extends Error {
  readonly code: 'unknown_participant' | 'unknown_currency' | 'invalid_date' | 'not_found';
  readonly field: string;
  constructor(code: ReportError['code'], field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
    this.name = 'ReportError';
  }
}

const CODE_NAMES = new Map<number, string>([
  ...Object.entries(TRANSFER_CODE).map(([k, v]) => [v, k.toUpperCase()] as [number, string]),
  [4101, 'INTRADAY_CREDIT_DRAW'],
  [4102, 'INTRADAY_CREDIT_REPAY'],
]);

export interface ReportOptions {
  /** The platform's BIC, written as the account servicer. */
  platformBic?: string;
  /** Creation time of the report (default: the platform's clock). */
  now_ns?: bigint;
}

interface AccountRef {
  participant: Participant;
  currency: string;
  account_id: bigint;
}

function accountOf(platform: Platform, bic: string, currency: string): AccountRef {
  const p = platform.participant(bic) ?? (bic.length === 11 && bic.endsWith('XXX') ? platform.participant(bic.slice(0, 8)) : undefined);
  if (p === undefined) throw new ReportError('unknown_participant', 'participant', `${bic} is not a participant`);
  if (!p.currencies.includes(currency)) throw new ReportError('unknown_currency', 'currency', `${p.id} holds no ${currency} account`);
  const c = memberCurrency(currency);
  return { participant: p, currency, account_id: accountId(p.no, c.numeric, p.issues === currency ? ACCOUNT_KIND.issuing : ACCOUNT_KIND.settlement) };
}

/** Participant and currency of a platform account id (settlement or issuing accounts only). */
export function accountByIdOf(platform: Platform, id: bigint): { participant: string; currency: string } {
  const o = accountOwner(id);
  const p = platform.participantByNo(o.participant_no);
  const c = p?.currencies.find((x) => memberCurrency(x).numeric === o.ledger);
  if (p === undefined || c === undefined || (o.kind !== ACCOUNT_KIND.settlement && o.kind !== ACCOUNT_KIND.issuing)) {
    throw new ReportError('not_found', 'account', `${id} is not a participant's settlement or issuing account`);
  }
  return { participant: p.id, currency: c };
}

function dayBounds(date: string): { start: bigint; end: bigint } {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)) || new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) {
    throw new ReportError('invalid_date', 'date', `${JSON.stringify(date)} is not a date (YYYY-MM-DD)`);
  }
  const start = BigInt(Date.parse(`${date}T00:00:00Z`)) * 1_000_000n;
  return { start, end: start + NS_PER_DAY - 1n };
}

/** Every transfer touching the account with a timestamp in [min, max], oldest first. */
export function transfersOf(platform: Platform, account_id: bigint, min: bigint, max: bigint): Promise<Transfer[]> {
  return platform.accountTransfers(account_id, min, max);
}

/** Posted balance (credits - debits, signed) of the account at the end of `at` (inclusive); 0 before its first booking. */
export async function balanceAt(platform: Platform, account_id: bigint, at: bigint): Promise<bigint> {
  const a = platform.ledgerAccount(account_id);
  if (a === undefined) throw new ReportError('not_found', 'account', `no account ${account_id}`);
  // History first (settlement and issuing accounts have it); none for other accounts.
  const h = await platform.accountBalanceAt(account_id, at);
  if (h !== null) return h.credits_posted - h.debits_posted;
  // No history row at or before `at`: current balance minus every later posted movement.
  let bal = a.credits_posted - a.debits_posted;
  for (const t of await transfersOf(platform, account_id, at + 1n, 0n)) {
    const posted = postedAmount(t);
    if (posted === 0n) continue;
    bal += t.debit_account_id === account_id ? posted : -posted;
  }
  return bal;
}

/** A ledger transfer id as an entry reference (Max35Text): hexadecimal, since platform ids run to 38 decimal digits. */
export function transferRef(id: bigint): string {
  return id.toString(16);
}

/** What a transfer moved in posted balances: its amount, unless it is a pending reservation or a void. */
export function postedAmount(t: Transfer): bigint {
  if ((t.flags & TransferFlags.pending) !== 0 || (t.flags & TransferFlags.void_pending_transfer) !== 0) return 0n;
  return t.amount;
}

function bankTxCode(code: number, direction: 'credit' | 'debit'): BankTransactionCode | undefined {
  const fam = direction === 'credit' ? 'RCDT' : 'ICDT';
  if (
    code === TRANSFER_CODE.payment ||
    code === TRANSFER_CODE.pvp_payer_leg ||
    code === TRANSFER_CODE.pvp_payee_leg ||
    code === TRANSFER_CODE.lsm_credit ||
    code === TRANSFER_CODE.lsm_debit ||
    code === TRANSFER_CODE.lsm_provider_credit ||
    code === TRANSFER_CODE.lsm_provider_debit
  ) {
    return { domain: { code: 'PMNT', family: fam, sub_family: 'XBCT' } };
  }
  if (code === TRANSFER_CODE.return_payment) return { domain: { code: 'PMNT', family: fam, sub_family: 'RRTN' } };
  return { proprietary: { code: CODE_NAMES.get(code) ?? `CODE_${code}`, issuer: REPORT_ISSUER } };
}

function ownerOf(platform: Platform, id: bigint): Participant | undefined {
  const o = accountOwner(id);
  return platform.participantByNo(o.participant_no);
}

/** One booking of the account as a camt entry. */
function entryOfTransfer(platform: Platform, acct: AccountRef, t: Transfer): EntryInput | null {
  const amount = postedAmount(t);
  if (amount === 0n) return null;
  const direction: 'credit' | 'debit' = t.credit_account_id === acct.account_id ? 'credit' : 'debit';
  const e: EntryInput = {
    amount_minor: amount,
    direction,
    booking_date: isoDateTime(t.timestamp),
    entry_reference: transferRef(t.id),
    account_servicer_reference: transferRef(t.id),
  };
  const btc = bankTxCode(t.code, direction);
  if (btc !== undefined) e.bank_transaction_code = btc;
  let pay: Payment | undefined;
  if (t.user_data_128 !== 0n) {
    const uetr = uetrOfBits(t.user_data_128);
    pay = platform.payment(uetr);
    e.uetr = uetr;
  }
  const other = ownerOf(platform, direction === 'credit' ? t.debit_account_id : t.credit_account_id);
  if (pay !== undefined) {
    const ins = pay.instruction;
    if (ins.end_to_end_id !== '') e.end_to_end_id = ins.end_to_end_id;
    e.value_date = ins.value_date !== '' ? ins.value_date : isoDateTime(t.timestamp).slice(0, 10);
    // The underlying customer on the other side, and the other side's agent.
    const party = direction === 'credit' ? ins.debtor : ins.creditor;
    const cp: NonNullable<EntryInput['counterparty']> = {};
    if (party !== undefined) cp.name = party.name;
    if (other !== undefined && party === undefined) cp.bic = other.id;
    if (cp.name !== undefined || cp.bic !== undefined) e.counterparty = cp;
    if (other !== undefined) e.counterparty_agent_bic = other.id;
    if (ins.purpose !== undefined && /^[A-Z0-9]{1,4}$/.test(ins.purpose)) e.purpose = ins.purpose;
    if (ins.remittance !== undefined)
      e.remittance_information = ins.remittance
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => [...l].slice(0, 140).join(''));
    if (t.code === TRANSFER_CODE.return_payment) {
      const ret = pay.history.find((h) => h.state === 'returned');
      if (ret?.reason !== undefined) e.return_reason = ret.reason;
    }
  } else if (other !== undefined) {
    e.counterparty = { name: other.name, bic: other.id };
  }
  return e;
}

export interface StatementData {
  account_id: bigint;
  opening_minor: bigint;
  closing_minor: bigint;
  entries: EntryInput[];
  credits_minor: bigint;
  debits_minor: bigint;
}

/** The numbers behind a statement: opening and closing booked balances and the day's entries. */
export async function statementData(platform: Platform, participantBic: string, currency: string, date: string): Promise<StatementData> {
  const acct = accountOf(platform, participantBic, currency);
  const { start, end } = dayBounds(date);
  const opening = await balanceAt(platform, acct.account_id, start - 1n);
  const entries: EntryInput[] = [];
  let credits = 0n;
  let debits = 0n;
  for (const t of await transfersOf(platform, acct.account_id, start, end)) {
    const e = entryOfTransfer(platform, acct, t);
    if (e === null) continue;
    entries.push(e);
    if (e.direction === 'credit') credits += e.amount_minor;
    else debits += e.amount_minor;
  }
  const closing = await balanceAt(platform, acct.account_id, end);
  return { account_id: acct.account_id, opening_minor: opening, closing_minor: closing, entries, credits_minor: credits, debits_minor: debits };
}

/** The camt.053.001.08 statement of a participant's account in `currency` for business day `date` (YYYY-MM-DD). */
export async function statementXml(platform: Platform, participantBic: string, currency: string, date: string, opts: ReportOptions = {}): Promise<string> {
  const acct = accountOf(platform, participantBic, currency);
  const d = await statementData(platform, participantBic, currency, date);
  const now = opts.now_ns ?? platform.now();
  const id = `STMT-${acct.participant.id}-${currency}-${date.replace(/-/g, '')}`;
  const account: Parameters<typeof statementFor>[0]['account'] = {
    id: acct.account_id.toString(),
    currency,
    owner_name: acct.participant.name,
    owner_bic: acct.participant.id,
  };
  if (opts.platformBic !== undefined) account.servicer_bic = opts.platformBic;
  const { start, end } = dayBounds(date);
  const stmt = statementFor({
    message_id: id,
    creation_date_time: isoDateTime(now),
    date,
    from_to: { from: isoDateTime(start), to: isoDateTime(end) },
    sequence_number: BigInt(Math.floor(Date.parse(`${date}T00:00:00Z`) / 86_400_000)),
    account,
    opening_balance_minor: d.opening_minor,
    closing_balance_minor: d.closing_minor,
    entries: d.entries,
    recipient_bic: acct.participant.id,
  });
  return buildMessage({ message_type: 'camt.053.001.08', document: stmt });
}

/** The camt.054.001.08 notifying the debit or credit that ledger transfer `transferId` made on the participant's account. */
export async function notificationXml(
  platform: Platform,
  participantBic: string,
  currency: string,
  transferId: bigint,
  opts: ReportOptions = {},
): Promise<string> {
  const acct = accountOf(platform, participantBic, currency);
  const [t] = await platform.transfers([transferId]);
  if (t === undefined) throw new ReportError('not_found', 'transfer', `no transfer ${transferId}`);
  if (t.debit_account_id !== acct.account_id && t.credit_account_id !== acct.account_id) {
    throw new ReportError('not_found', 'transfer', `transfer ${transferId} does not touch ${acct.participant.id}'s ${currency} account`);
  }
  const e = entryOfTransfer(platform, acct, t);
  if (e === null) throw new ReportError('not_found', 'transfer', `transfer ${transferId} moved no posted balance (a pending reservation or a void)`);
  const now = opts.now_ns ?? platform.now();
  const account: Parameters<typeof notificationFor>[0]['account'] = {
    id: acct.account_id.toString(),
    currency,
    owner_name: acct.participant.name,
    owner_bic: acct.participant.id,
  };
  if (opts.platformBic !== undefined) account.servicer_bic = opts.platformBic;
  const id = `NTFN-${transferId.toString(36)}-${e.direction === 'credit' ? 'C' : 'D'}`;
  try {
    return buildMessage({
      message_type: 'camt.054.001.08',
      document: notificationFor({ message_id: id, creation_date_time: isoDateTime(now), account, entry: e, recipient_bic: acct.participant.id }),
    });
  } catch (err) {
    if (err instanceof BuildError) throw new ReportError('not_found', 'transfer', err.message);
    throw err;
  }
}

/** camt.054s for every booking a list of ledger transfers made on participants' accounts (both sides of each). */
export async function notificationsFor(
  platform: Platform,
  transferIds: readonly bigint[],
  opts: ReportOptions = {},
): Promise<Array<{ participant: string; transfer_id: bigint; xml: string }>> {
  const out: Array<{ participant: string; transfer_id: bigint; xml: string }> = [];
  for (const t of await platform.transfers(transferIds)) {
    for (const side of [t.debit_account_id, t.credit_account_id]) {
      const o = accountOwner(side);
      if (o.kind !== ACCOUNT_KIND.settlement && o.kind !== ACCOUNT_KIND.issuing) continue;
      const p = platform.participantByNo(o.participant_no);
      if (p === undefined) continue;
      const { currency } = accountByIdOf(platform, side);
      out.push({ participant: p.id, transfer_id: t.id, xml: await notificationXml(platform, p.id, currency, t.id, opts) });
    }
  }
  return out;
}
