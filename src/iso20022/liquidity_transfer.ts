// Liquidity from home, in: this module owns running a camt.050 liquidity transfer
// (read by ./camt050.ts) as the platform's funding command and answering it with a
// pacs.002 status report, as the other ISO messages are answered.
//
// A home RTGS moves a bank's money onto the platform by debiting the bank at home
// and crediting the platform's mirror account there; it tells the platform with a
// camt.050 whose debtor account is the central bank's mirror account on the
// platform (its issuing account) and whose creditor account is the bank's
// settlement account. The platform then books the funding: mirror account debited,
// settlement account credited — so the mirror account keeps equalling what the
// central bank issued, and its home counterpart (funded in minus defunded out by
// pacs.009, ./reconciliation.ts) reconciles with it.
//
// Checked before anything runs, each refusal with its ISO reason code and the XPath
// of the element at fault, nothing journaled:
//   AM03  the currency is not a member currency, has no central bank on the
//         platform, or the bank holds no account in it
//   AC03  the creditor account (or Cdtr BIC) is not a participant's settlement
//         account in that currency, or the account of another participant than Cdtr
//   AC02  the debtor account is not the currency's mirror account (or Dbtr is not
//         its central bank)
//   AM12  the amount breaks the platform's amount grammar (../platform/amounts.ts)
//   DT01  SttlmDt is not today in the currency's home zone (the funding books now)
//   DUPL  the EndToEndId funded already in that currency (its ledger id is derived
//         from it: ../platform/liquidity_transfer_ids.ts; the command checks again)
// `authorize` sees the funding (participant, currency) first: a shell refuses a
// caller who may not fund that account there. Then one `fund` command with the
// EndToEndId as its reference; ACSC with the ledger transfer, or the refusal.

import type { Platform } from '../platform/platform.js';
import { PlatformError } from '../platform/errors.js';
import { readAmount } from '../platform/amounts.js';
import { liquidityTransferId } from '../platform/liquidity_transfer_ids.js';
import { ACCOUNT_KIND, accountOwner, memberCurrency } from '../platform/reference.js';
import type { Participant } from '../platform/types.js';
import { camt050Paths, CAMT050, readCamt050, type LiquidityCreditTransfer } from './camt050.js';
import { isoDateTime, max105Lines, statusMessageId } from './mapping.js';
import { buildMessage, type Pacs002, type TransactionStatus } from './messages/index.js';
import type { IsoIssue } from './validate.js';

export interface FundingRequest {
  action: 'fund';
  /** The bank whose settlement account is credited. */
  participant: string;
  currency: string;
}

export interface LiquidityTransferOptions {
  platformBic?: string;
  /** Sees each funding before it runs; throw to refuse (nothing runs). */
  authorize?: (request: FundingRequest) => void | Promise<void>;
}

/** One liquidity transfer's outcome, as the submission's answer lists it. */
export interface SubmittedLiquidityTransfer {
  end_to_end_id: string;
  participant: string | null;
  currency: string;
  status: 'ACSC' | 'RJCT';
  reason?: string;
  detail?: string;
  /** The ledger transfer that booked it (decimal). */
  transfer_id?: string;
  amount_minor?: string;
}

export interface LiquidityTransferAnswer {
  message_type: string | null;
  accepted: boolean;
  status_reports: string[];
  liquidity_transfers: SubmittedLiquidityTransfer[];
  errors: IsoIssue[];
}

interface Planned {
  participant: Participant;
  central_bank: Participant;
  currency: string;
  amount_minor: bigint;
}

type Plan = { ok: true; plan: Planned } | { ok: false; refusal: IsoIssue; participant: string | null };

function refuse(path: string, code: string, message: string, participant: string | null = null): Plan {
  return { ok: false, refusal: { path, code, message }, participant };
}

/** A participant by BIC, the 8-character form and its XXX branch taken as one. */
function byBic(platform: Platform, bic: string): Participant | undefined {
  return platform.participant(bic) ?? (bic.length === 11 && bic.endsWith('XXX') ? platform.participant(bic.slice(0, 8)) : platform.participant(`${bic}XXX`));
}

/** The bank and account credited: a participant's settlement account in the transfer's currency, the one Cdtr names if given. */
function creditorOf(
  platform: Platform,
  t: LiquidityCreditTransfer,
  currency: string,
  numeric: number,
  paths: ReturnType<typeof camt050Paths>,
): Plan | Participant {
  const named = t.creditor_bic === undefined ? undefined : byBic(platform, t.creditor_bic);
  if (t.creditor_bic !== undefined && named === undefined) return refuse(paths.creditor_bic, 'AC03', `${t.creditor_bic} is not a participant of this platform`);
  const id = /^[0-9]{1,39}$/.test(t.creditor_account) ? BigInt(t.creditor_account) : null;
  const o = id === null ? null : accountOwner(id);
  const owner = o === null ? undefined : platform.participantByNo(o.participant_no);
  if (o === null || owner === undefined || (o.kind !== ACCOUNT_KIND.settlement && o.kind !== ACCOUNT_KIND.issuing) || platform.ledgerAccount(id!) === undefined)
    return refuse(
      paths.creditor_account,
      'AC03',
      `${t.creditor_account} is not a participant's settlement account on this platform (the account id its camt.053 statements carry)`,
    );
  if (named !== undefined && named.id !== owner.id)
    return refuse(paths.creditor_bic, 'AC03', `the creditor account ${t.creditor_account} is ${owner.id}'s, not ${named.id}'s`, owner.id);
  if (o.kind === ACCOUNT_KIND.issuing)
    return refuse(paths.creditor_account, 'AC03', `${t.creditor_account} is ${owner.id}'s mirror account: a central bank is not funded`, owner.id);
  if (!owner.currencies.includes(currency)) return refuse(paths.currency, 'AM03', `${owner.id} holds no ${currency} account`, owner.id);
  if (o.ledger !== numeric)
    return refuse(
      paths.creditor_account,
      'AC03',
      `${t.creditor_account} is not ${owner.id}'s ${currency} settlement account (${platform.balance(owner, currency).account_id})`,
      owner.id,
    );
  return owner;
}

/** Everything the platform checks of a liquidity transfer before its funding runs. */
async function planFunding(platform: Platform, t: LiquidityCreditTransfer, paths: ReturnType<typeof camt050Paths>): Promise<Plan> {
  const currency = t.amount.currency;
  let info: ReturnType<typeof memberCurrency>;
  try {
    info = memberCurrency(currency);
  } catch {
    return refuse(paths.currency, 'AM03', `${currency} is not a currency this platform settles`);
  }
  const cb = platform.participants().find((p) => p.issues === currency);
  if (cb === undefined) return refuse(paths.currency, 'AM03', `${currency} has no central bank on the platform yet`);
  const bank = creditorOf(platform, t, currency, info.numeric, paths);
  if ('ok' in bank) return bank;
  const mirror = platform.balance(cb, currency).account_id;
  if (t.debtor_bic !== undefined && byBic(platform, t.debtor_bic)?.id !== cb.id)
    return refuse(paths.debtor_bic, 'AC02', `the debtor of a ${currency} liquidity transfer is its central bank ${cb.id}, not ${t.debtor_bic}`, bank.id);
  if (t.debtor_account !== mirror.toString())
    return refuse(paths.debtor_account, 'AC02', `the debtor account must be ${cb.id}'s ${currency} mirror account ${mirror}, not ${t.debtor_account}`, bank.id);
  const amount = readAmount(t.amount.value, info.minor_units, currency);
  if (!amount.ok) return refuse(paths.amount, 'AM12', amount.message, bank.id);
  const dated = settlementDateProblem(platform, currency, t.settlement_date);
  if (dated !== null) return refuse(paths.settlement_date, 'DT01', dated, bank.id);
  const id = liquidityTransferId(currency, t.end_to_end_id);
  const [earlier] = await platform.transfers([id]);
  if (earlier !== undefined)
    return refuse(
      paths.end_to_end_id,
      'DUPL',
      `liquidity transfer ${t.end_to_end_id} in ${currency} was funded already (ledger transfer ${id} at ${isoDateTime(earlier.timestamp)})`,
      bank.id,
    );
  return { ok: true, plan: { participant: bank, central_bank: cb, currency, amount_minor: amount.minor } };
}

const NS_PER_DAY = 86_400_000_000_000n;

/** Today's date in the currency's home zone (its calendar's, or its central bank's capital's): the UTC date or a neighbour. */
function homeDate(platform: Platform, currency: string): string {
  const now = platform.now();
  for (const shift of [0n, 1n, -1n]) {
    const date = isoDateTime(now + shift * NS_PER_DAY).slice(0, 10);
    const day = platform.localDayBounds(currency, date);
    if (day !== null && day.start_ns <= now && now <= day.end_ns) return date;
  }
  return isoDateTime(now).slice(0, 10);
}

/** Why a settlement date is not the currency's date now (its home zone), or null. */
function settlementDateProblem(platform: Platform, currency: string, date: string | undefined): string | null {
  if (date === undefined) return null;
  const today = homeDate(platform, currency);
  if (date.slice(0, 10) === today) return null;
  return `a liquidity transfer books now: SttlmDt ${date} is not today (${today}) in ${currency}'s home zone; future or past dates are not taken`;
}

/** The reason code of a funding the platform refused (a race the checks above did not see). */
function reasonOfRefusal(code: string, field: string): string {
  if (field === 'reference') return 'DUPL';
  if (field === 'amount') return code === 'insufficient_funds' ? 'AM04' : 'AM12';
  if (code === 'unknown_currency' || code === 'no_central_bank') return 'AM03';
  if (code === 'unknown_participant' || field === 'participant') return 'AC03';
  return 'NARR';
}

/** Runs the fund command; the ledger transfer id, or the refusal. */
async function runFunding(
  platform: Platform,
  t: LiquidityCreditTransfer,
  p: Planned,
  by: string,
): Promise<{ transfer_id: string } | { code: string; message: string }> {
  const command = { type: 'fund', participant: p.participant.id, currency: p.currency, amount: t.amount.value, reference: t.end_to_end_id };
  try {
    const out = await platform.execute(command, by);
    if (out.ok) return { transfer_id: String((out.result as { transfer_id: bigint | string }).transfer_id) };
    return { code: reasonOfRefusal(out.error!.code, out.error!.field), message: out.error!.message };
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    return { code: reasonOfRefusal(err.code, err.field), message: `${err.field}: ${err.message}` };
  }
}

/** A camt.050 submitted: read, checked, funded, answered. */
export async function submitLiquidityTransfer(
  platform: Platform,
  input: string | Uint8Array,
  by: string,
  opts: LiquidityTransferOptions = {},
): Promise<LiquidityTransferAnswer> {
  const r = readCamt050(input);
  if (r.transfer === null) {
    const reports = r.message_id === null || r.message_type !== CAMT050 ? [] : [groupRejection(platform, r.message_id, r.errors[0]!, opts)];
    return { message_type: r.message_type, accepted: false, status_reports: reports, liquidity_transfers: [], errors: r.errors };
  }
  const t = r.transfer;
  const paths = camt050Paths(r.document_path);
  const planned = await planFunding(platform, t, paths);
  const entry: SubmittedLiquidityTransfer = { end_to_end_id: t.end_to_end_id, participant: null, currency: t.amount.currency, status: 'RJCT' };
  let outcome: { transfer_id: string } | { code: string; message: string; path?: string };
  if (planned.ok) {
    entry.participant = planned.plan.participant.id;
    await opts.authorize?.({ action: 'fund', participant: planned.plan.participant.id, currency: planned.plan.currency });
    outcome = await runFunding(platform, t, planned.plan, by);
  } else {
    entry.participant = planned.participant;
    outcome = planned.refusal;
  }
  const errors: IsoIssue[] = [];
  if ('transfer_id' in outcome) {
    entry.status = 'ACSC';
    entry.transfer_id = outcome.transfer_id;
    entry.amount_minor = (planned as { plan: Planned }).plan.amount_minor.toString();
  } else {
    entry.reason = outcome.code;
    entry.detail = outcome.message;
    errors.push({ path: outcome.path ?? paths.end_to_end_id, code: outcome.code, message: outcome.message });
  }
  const report = statusReport(platform, t, entry, opts, planned.ok ? planned.plan.central_bank.id : undefined);
  return { message_type: CAMT050, accepted: entry.status === 'ACSC', status_reports: [report], liquidity_transfers: [entry], errors };
}

/** The pacs.002 answering the liquidity transfer: ACSC on the day it booked, or RJCT with the reason. */
function statusReport(platform: Platform, t: LiquidityCreditTransfer, e: SubmittedLiquidityTransfer, opts: LiquidityTransferOptions, sender?: string): string {
  const at = platform.now();
  const id = statusMessageId(at, t.uetr ?? null, 0);
  const when = isoDateTime(at);
  const tx: TransactionStatus = { status_id: id, original_message_id: t.message_id, original_message_name_id: CAMT050, status: e.status };
  if (t.instruction_id !== undefined) tx.original_instruction_id = t.instruction_id;
  tx.original_end_to_end_id = t.end_to_end_id;
  if (t.transaction_id !== undefined) tx.original_transaction_id = t.transaction_id;
  if (t.uetr !== undefined) tx.original_uetr = t.uetr;
  if (e.status === 'RJCT') tx.reasons = [{ code: e.reason!, additional_information: max105Lines(e.detail ?? '', 2) }];
  else {
    tx.acceptance_date_time = when;
    // The day the funding counts on in the reconciliation: the currency's home date.
    tx.effective_settlement_date = homeDate(platform, t.amount.currency);
  }
  const h = platform.journalHead();
  tx.journal_head = { seq: h.seq, hash: h.head_hash };
  const doc: Pacs002 = { group_header: { message_id: id, creation_date_time: when }, transactions: [tx] };
  if (opts.platformBic !== undefined) doc.group_header.instructing_agent = { bic: opts.platformBic };
  if (sender !== undefined) doc.group_header.instructed_agent = { bic: sender };
  return buildMessage({ message_type: 'pacs.002.001.10', document: doc });
}

/** A group-level RJCT for a camt.050 whose MsgId reads but whose structure does not. */
function groupRejection(platform: Platform, messageId: string, first: IsoIssue, opts: LiquidityTransferOptions): string {
  const at = platform.now();
  const id = statusMessageId(at, null, 0);
  const code = /^[A-Z]{2}[0-9]{2}$/.test(first.code) ? first.code : 'FF01';
  const doc: Pacs002 = {
    group_header: { message_id: id, creation_date_time: isoDateTime(at) },
    original_groups: [
      {
        original_message_id: messageId,
        original_message_name_id: CAMT050,
        group_status: 'RJCT',
        reasons: [{ code, additional_information: max105Lines(`${first.path}: ${first.message}`, 3) }],
      },
    ],
  };
  if (opts.platformBic !== undefined) doc.group_header.instructing_agent = { bic: opts.platformBic };
  return buildMessage({ message_type: 'pacs.002.001.10', document: doc });
}
