// The bridge between ISO 20022 payment messages and the platform's payment
// instructions (and cancellations and returns), in both directions. This module owns the mapping rules; it has no
// state and does no I/O (submit.ts runs the platform, reports.ts reads the ledger).
//
// In: pacs.008.001.08 / pacs.009.001.08, each CdtTrfTxInf → one raw instruction of
// the platform's `submit_payments` command (src/platform/instruction.ts checks it):
//
//   uetr            PmtId/UETR
//   end_to_end_id   PmtId/EndToEndId
//   payer           the participant whose settlement account is debited: the debtor's
//                   agent — pacs.008 DbtrAgt; pacs.009 DbtrAgt when present, else the
//                   debtor FI (Dbtr) itself, which then holds its own account
//   payee           likewise the creditor's agent — pacs.008 CdtrAgt; pacs.009 CdtrAgt
//                   when present, else the creditor FI (Cdtr)
//                   (one rule for both messages: the platform moves money between the
//                   agents that service the debtor's and the creditor's accounts; the
//                   instructing agent — who sent the message — is not used to choose
//                   accounts, and an agent that is not a participant is AGNT). BICs are
//                   matched to participants with or without the XXX branch code.
//   debtor/creditor name (Nm, else AnyBIC, LEI or the first other id), country (PstlAdr
//                   Ctry, else CtryOfRes; an FI: its address or its BIC's country),
//                   address (structured parts, then AdrLine, joined with ", ") — kept
//                   for screening
//   currency,amount IntrBkSttlmAmt: Ccy and the decimal string as written (rewritten
//                   with the currency's decimals only when the XML used another form,
//                   e.g. "+5" or trailing zeros beyond the minor units)
//   payee_currency  CdtrAcct/Ccy when it differs from IntrBkSttlmAmt/@Ccy (a PvP
//                   payment: the creditor's account is in another currency)
//   value_date      IntrBkSttlmDt of the transaction, else of the group header
//   priority        PmtTpInf/InstrPrty HIGH → urgent, otherwise normal
//   settle_by       SttlmTmReq/TillTm (rules version 3: reject if not settled by then):
//                   the ISOTime on the value date (IntrBkSttlmDt), "<date>T<time>"; a
//                   time without an offset is UTC ("Z" is added); without a value date
//                   the bare time is sent and the platform refuses it (FF01, naming
//                   the element)
//   purpose         Purp/Cd or Purp/Prtry
//   remittance      RmtInf/Ustrd lines joined with "\n" (cut at 1,000 characters, the
//                   platform's limit)
//   message         'pacs.008' or 'pacs.009'
//
// Out: a platform ChangeEvent → the status a pacs.002.001.10 reports:
//
//   received                      (no report: validation follows in the same command)
//   validated                     ACCP  accepted: technical and profile checks passed
//   screened                      ACSP  accepted, settlement in process
//   queued                        PDNG  (AddtlInf: waiting for liquidity / window n)
//   warehoused                    PDNG  (rules version 3) waiting for a later business
//                                       day: reason CUTO when it came after its
//                                       currency's cut-off or was still queued at the
//                                       close (CutOffTime — "received after the
//                                       cut-off": the pending, not the rejection,
//                                       reason); no reason for a future value date;
//                                       AddtlInf says to which date
//   held                          PDNG  reason Prtry COMPLIANCE_HOLD, no screening
//                                       detail (no tipping-off); also at each close
//                                       it is carried over (rules 3)
//   settled                       ACSC
//   rejected                      RJCT  with the event's ISO reason (AM04, AC01, DUPL,
//                                       RR04, CUTO, AM12, AGNT, …); RR04 without detail;
//                                       under rules 3 CUTO only for a settle_by not met
//   cancelled                     CANC  with the cancellation reason
//   returned                      no pacs.002: a pacs.004 (returnOf), see submit.ts
//
// And back: `pacs008OfPayment` rebuilds a pacs.008 model from a platform payment (what
// a return or a report needs when the original XML is not at hand).
//
// Investigations (submit.ts runs them): a camt.056 TxInf → one `cancel_payment`, a
// pacs.004 TxInf → one `return_payment`, each with a reason of at most 4 characters
// (`reasonCodeOf`: the first CxlRsnInf/RtrRsnInf code as written; a proprietary
// reason that is not a 4-character code becomes NARR; none: CUST for a cancellation,
// NARR for a return). Why a payment cannot be cancelled, as the camt.029 RJCR reason
// (ExternalPaymentCancellationRejection1Code, `cancellationRefusal`):
//
//   no such payment                  NOOR  original transaction never received; asked by
//                                          another than its payer: the same answer, word
//                                          for word (it must not learn the payment exists)
//   settled                          PTNA  settlement is final: the funds have passed to
//                                          the creditor agent, whom the payer asks for a
//                                          return (pacs.004 FOCR)
//   returned                         ARDT  already returned
//   rejected                         NARR  never settled (says so in AddtlInf)
//   anything else the platform       AGNT  the platform (an agent) refuses, e.g. a
//   refuses                                payment in a window being settled
//   already cancelled                (no refusal: CNCL again, nothing runs)
//
// The platform decides who may cancel or return a payment (src/platform/authority.ts);
// `cancelAuthorityRefusal` and `returnAuthorityRefusal` word its refusals as above.
//
// and why a pacs.004 return is refused, as the pacs.002 RJCT reason
// (ExternalStatusReason1Code, `returnRefusal`): AG09 original payment never received
// (and, word for word, a payment whose payee is not the sender), AGNT the return goes
// to another than the original payer, AM09 amount or currency other than the original's (the platform
// returns in full only), FF12 not returnable in its state (not settled, already
// returned, a PvP payment), AM04 the returning participant cannot fund it.

import type { AuthorityDecision } from '../platform/authority.js';
import { CURRENCIES, type ChangeEvent } from '../platform/reference.js';
import type { Payment, PaymentState } from '../platform/types.js';
import { amountOfMinor, minorOfAmount, type Agent, type Party, type PostalAddress, type ReasonInformation } from './messages/index.js';
import type { CustomerCreditTransfer, InstitutionCreditTransfer, Pacs008, Pacs009 } from './messages/index.js';

/** Limits of the platform's instruction fields (src/platform/commands.ts). */
const TEXT_MAX = 1_000;
const NAME_MAX = 140;

/** A raw instruction as `submit_payments` takes it (see src/platform/instruction.ts). */
export interface RawInstruction {
  uetr: string;
  end_to_end_id: string;
  payer: string;
  payee: string;
  currency: string;
  amount: string;
  payee_currency?: string;
  value_date?: string;
  priority?: 'urgent' | 'normal';
  /** SttlmTmReq/TillTm on the value date, ISO 8601 date-time with a zone (rules version 3). */
  settle_by?: string;
  purpose?: string;
  remittance?: string;
  debtor?: { name: string; country?: string; address?: string };
  creditor?: { name: string; country?: string; address?: string };
  message: 'pacs.008' | 'pacs.009';
}

/** Where each instruction field came from in the message (XPath relative to the transaction). */
export const FIELD_XPATH: Readonly<Record<string, string>> = Object.freeze({
  uetr: 'PmtId/UETR',
  end_to_end_id: 'PmtId/EndToEndId',
  currency: 'IntrBkSttlmAmt/@Ccy',
  amount: 'IntrBkSttlmAmt',
  payee_currency: 'CdtrAcct/Ccy',
  value_date: 'IntrBkSttlmDt',
  priority: 'PmtTpInf/InstrPrty',
  settle_by: 'SttlmTmReq/TillTm',
  purpose: 'Purp',
  remittance: 'RmtInf',
  debtor: 'Dbtr',
  creditor: 'Cdtr',
});

export interface MappedTransaction {
  instruction: RawInstruction;
  /** XPath of the transaction in the input (…/CdtTrfTxInf[n]). */
  path: string;
  /** XPath (relative to `path`) of the element that named the payer and the payee. */
  payer_path: string;
  payee_path: string;
  instruction_id?: string;
  transaction_id?: string;
}

export interface MapOptions {
  /** Maps a BIC in the message to the participant id (default: the BIC as written). */
  resolveBic?: (bic: string) => string;
  /** XPath of the Document in the input (default "/Document"). */
  documentPath?: string;
}

/** A resolver that matches BIC8 and BIC8+"XXX" to whichever form is a known participant. */
export function bicResolver(isParticipant: (id: string) => boolean): (bic: string) => string {
  return (bic: string): string => {
    if (isParticipant(bic)) return bic;
    if (bic.length === 11 && bic.endsWith('XXX') && isParticipant(bic.slice(0, 8))) return bic.slice(0, 8);
    if (bic.length === 8 && isParticipant(`${bic}XXX`)) return `${bic}XXX`;
    return bic;
  };
}

/** The amount as the platform reads it: as written when plain, else rewritten with the currency's decimals. */
export function amountText(a: { currency: string; value: string }): string {
  const v = a.value.trim();
  const scale = CURRENCIES.get(a.currency)?.minor_units;
  if (scale === undefined) return v;
  if (plainAmount(scale).test(v)) return v;
  try {
    return amountOfMinor({ currency: a.currency, minor: minorOfAmount({ currency: a.currency, value: v }) }).value;
  } catch {
    return v; // the platform rejects it with AM12, naming the field
  }
}

/** An amount as written with at most `scale` decimals; one expression per scale, made once (was: one per message). */
const PLAIN_AMOUNTS = new Map<number, RegExp>();

function plainAmount(scale: number): RegExp {
  let re = PLAIN_AMOUNTS.get(scale);
  if (re === undefined) {
    re = scale === 0 ? /^[0-9]+$/ : new RegExp(`^[0-9]+(\\.[0-9]{1,${scale}})?$`);
    PLAIN_AMOUNTS.set(scale, re);
  }
  return re;
}

/** `s` cut to `max` code points (a pair of surrogates is one). */
export function cut(s: string, max: number): string {
  // A string of at most `max` UTF-16 units has at most `max` code points: as it is, without spreading it.
  if (s.length <= max) return s;
  const cps = [...s];
  return cps.length <= max ? s : cps.slice(0, max).join('');
}

function addressText(a: PostalAddress | undefined): string | undefined {
  if (a === undefined) return undefined;
  const parts = [
    a.department,
    [a.street_name, a.building_number].filter((x) => x !== undefined).join(' ') || undefined,
    a.building_name,
    [a.post_code, a.town_name].filter((x) => x !== undefined).join(' ') || undefined,
    a.country_sub_division,
    ...(a.address_lines ?? []),
    a.country,
  ].filter((x): x is string => x !== undefined && x.trim() !== '');
  return parts.length === 0 ? undefined : cut(parts.join(', '), TEXT_MAX);
}

function partyInfo(p: Party | undefined): RawInstruction['debtor'] {
  if (p === undefined) return undefined;
  const name = p.name ?? p.bic ?? p.lei ?? p.other_ids?.[0]?.id;
  if (name === undefined || name.trim() === '') return undefined;
  const out: NonNullable<RawInstruction['debtor']> = { name: cut(name, NAME_MAX) };
  const country = p.postal_address?.country ?? p.country_of_residence;
  if (country !== undefined) out.country = country;
  const address = addressText(p.postal_address);
  if (address !== undefined) out.address = address;
  return out;
}

function agentInfo(a: Agent | undefined): RawInstruction['debtor'] {
  if (a === undefined) return undefined;
  const name = a.name ?? a.bic ?? a.lei ?? a.clearing_member_id?.member_id;
  if (name === undefined || name.trim() === '') return undefined;
  const out: NonNullable<RawInstruction['debtor']> = { name: cut(name, NAME_MAX) };
  const country = a.postal_address?.country ?? (a.bic !== undefined ? a.bic.slice(4, 6) : undefined);
  if (country !== undefined) out.country = country;
  const address = addressText(a.postal_address);
  if (address !== undefined) out.address = address;
  return out;
}

type AnyTx = CustomerCreditTransfer | InstitutionCreditTransfer;

function common(
  t: AnyTx,
  groupDate: string | undefined,
  message: 'pacs.008' | 'pacs.009',
  payer: string,
  payee: string,
  creditorAccountCcy: string | undefined,
): RawInstruction {
  const ins: RawInstruction = {
    uetr: t.uetr ?? '',
    end_to_end_id: t.end_to_end_id,
    payer,
    payee,
    currency: t.interbank_settlement_amount.currency,
    amount: amountText(t.interbank_settlement_amount),
    message,
  };
  if (creditorAccountCcy !== undefined && creditorAccountCcy !== ins.currency) ins.payee_currency = creditorAccountCcy;
  const date = t.interbank_settlement_date ?? groupDate;
  if (date !== undefined) ins.value_date = date;
  ins.priority = t.payment_type?.instruction_priority === 'HIGH' ? 'urgent' : 'normal';
  const till = t.settlement_time_request?.till_time;
  if (till !== undefined) ins.settle_by = settleByOf(date, till);
  if (t.purpose !== undefined) ins.purpose = 'code' in t.purpose ? t.purpose.code : t.purpose.proprietary;
  if (t.remittance_information !== undefined && t.remittance_information.length > 0) ins.remittance = cut(t.remittance_information.join('\n'), TEXT_MAX);
  return ins;
}

/** TillTm (ISOTime) on the value date as an ISO 8601 date-time with a zone: UTC when the time names none. */
function settleByOf(date: string | undefined, time: string): string {
  const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(time) ? time : `${time}Z`;
  return date === undefined ? zoned : `${date}T${zoned}`;
}

function ids(m: MappedTransaction, t: AnyTx): MappedTransaction {
  if (t.instruction_id !== undefined) m.instruction_id = t.instruction_id;
  if (t.transaction_id !== undefined) m.transaction_id = t.transaction_id;
  return m;
}

/** Each transaction of a pacs.008 as a raw platform instruction. */
export function instructionsOfPacs008(doc: Pacs008, opts: MapOptions = {}): MappedTransaction[] {
  const resolve = opts.resolveBic ?? ((b: string) => b);
  const base = `${opts.documentPath ?? '/Document'}/FIToFICstmrCdtTrf`;
  return doc.transactions.map((t, i) => {
    const ins = common(
      t,
      doc.group_header.interbank_settlement_date,
      'pacs.008',
      resolve(t.debtor_agent.bic ?? ''),
      resolve(t.creditor_agent.bic ?? ''),
      t.creditor_account?.currency,
    );
    const debtor = partyInfo(t.debtor);
    if (debtor !== undefined) ins.debtor = debtor;
    const creditor = partyInfo(t.creditor);
    if (creditor !== undefined) ins.creditor = creditor;
    const path = doc.transactions.length > 1 ? `${base}/CdtTrfTxInf[${i + 1}]` : `${base}/CdtTrfTxInf`;
    return ids({ instruction: ins, path, payer_path: 'DbtrAgt/FinInstnId/BICFI', payee_path: 'CdtrAgt/FinInstnId/BICFI' }, t);
  });
}

/** Each transaction of a pacs.009 as a raw platform instruction. */
export function instructionsOfPacs009(doc: Pacs009, opts: MapOptions = {}): MappedTransaction[] {
  const resolve = opts.resolveBic ?? ((b: string) => b);
  const base = `${opts.documentPath ?? '/Document'}/FICdtTrf`;
  return doc.transactions.map((t, i) => {
    const payerAgent = t.debtor_agent ?? t.debtor;
    const payeeAgent = t.creditor_agent ?? t.creditor;
    const ins = common(
      t,
      doc.group_header.interbank_settlement_date,
      'pacs.009',
      resolve(payerAgent.bic ?? ''),
      resolve(payeeAgent.bic ?? ''),
      t.creditor_account?.currency,
    );
    const debtor = agentInfo(t.debtor);
    if (debtor !== undefined) ins.debtor = debtor;
    const creditor = agentInfo(t.creditor);
    if (creditor !== undefined) ins.creditor = creditor;
    const path = doc.transactions.length > 1 ? `${base}/CdtTrfTxInf[${i + 1}]` : `${base}/CdtTrfTxInf`;
    return ids(
      {
        instruction: ins,
        path,
        payer_path: t.debtor_agent !== undefined ? 'DbtrAgt/FinInstnId/BICFI' : 'Dbtr/FinInstnId/BICFI',
        payee_path: t.creditor_agent !== undefined ? 'CdtrAgt/FinInstnId/BICFI' : 'Cdtr/FinInstnId/BICFI',
      },
      t,
    );
  });
}

/** The XPath of the element behind a platform rejection's field ("payments[3].amount" → …/IntrBkSttlmAmt). */
export function xpathOfField(m: MappedTransaction, field: string): string {
  const key = field.replace(/^payments\[\d+\]\.?/, '').split('.')[0] ?? '';
  if (key === 'payer') return `${m.path}/${m.payer_path}`;
  if (key === 'payee') return `${m.path}/${m.payee_path}`;
  const rel = FIELD_XPATH[key];
  return rel === undefined ? m.path : `${m.path}/${rel}`;
}

// --- out: platform status → ISO status --------------------------------------------

/** The pacs.002 content for one change: status, reason and narrative (null: no pacs.002 for it). */
export interface IsoStatus {
  /** ExternalPaymentTransactionStatus1Code. */
  status: 'ACCP' | 'ACSP' | 'PDNG' | 'ACSC' | 'RJCT' | 'CANC';
  /** ExternalStatusReason1Code. */
  reason_code?: string;
  /** A proprietary reason, when no ISO code says it. */
  reason_proprietary?: string;
  additional_information?: string;
}

export const HOLD_REASON = 'COMPLIANCE_HOLD';

const STATUS_OF: Readonly<Partial<Record<PaymentState, IsoStatus['status']>>> = Object.freeze({
  validated: 'ACCP',
  screened: 'ACSP',
  queued: 'PDNG',
  warehoused: 'PDNG',
  held: 'PDNG',
  settled: 'ACSC',
  rejected: 'RJCT',
  cancelled: 'CANC',
});

/** ISO status of a platform change; null for `received` and `returned` (a pacs.004 answers a return). */
export function isoStatusOf(ev: Pick<ChangeEvent, 'state' | 'reason' | 'detail'>): IsoStatus | null {
  const status = STATUS_OF[ev.state];
  if (status === undefined) return null;
  const out: IsoStatus = { status };
  if (ev.state === 'held') {
    // The screening detail (score, list, matched name) stays with compliance: no tipping-off.
    out.reason_proprietary = HOLD_REASON;
    out.additional_information = 'held for compliance review';
    return out;
  }
  if (ev.reason !== undefined && /^[A-Z0-9]{1,4}$/.test(ev.reason)) out.reason_code = ev.reason;
  else if (ev.reason !== undefined) out.reason_proprietary = cut(ev.reason, 35);
  if (ev.detail !== undefined && ev.reason !== 'RR04' && ev.state !== 'screened') out.additional_information = ev.detail;
  return out;
}

/** Cuts a narrative into Max105Text lines. */
export function max105Lines(text: string, linesMax = 5): string[] {
  const cps = [...text];
  const out: string[] = [];
  for (let i = 0; i < cps.length && out.length < linesMax; i += 105) out.push(cps.slice(i, i + 105).join(''));
  return out;
}

// --- back: platform payment → pacs.008 model ----------------------------------------

const CODE4 = /^[A-Z0-9]{4}$/;

function partyOf(p: { name: string; country?: string; address?: string } | undefined): Party {
  if (p === undefined) return {};
  const party: Party = { name: p.name };
  if (p.country !== undefined || p.address !== undefined) {
    const a: PostalAddress = {};
    if (p.country !== undefined) a.country = p.country;
    if (p.address !== undefined) a.address_lines = max70Lines(p.address);
    party.postal_address = a;
  }
  return party;
}

function max70Lines(s: string): string[] {
  const cps = [...s];
  const out: string[] = [];
  for (let i = 0; i < cps.length && out.length < 7; i += 70) out.push(cps.slice(i, i + 70).join(''));
  return out;
}

/**
 * A pacs.008 model of a platform payment (one transaction): what returnOf needs to
 * build a pacs.004 and what a report names. Participants' BICs become DbtrAgt and
 * CdtrAgt; the amount is the payment's, written with the currency's decimals.
 */
export function pacs008OfPayment(p: Payment, msg: { message_id: string; creation_date_time: string }): { message_type: 'pacs.008.001.08'; document: Pacs008 } {
  const ins = p.instruction;
  const t: CustomerCreditTransfer = {
    end_to_end_id: ins.end_to_end_id || 'NOTPROVIDED',
    uetr: ins.uetr,
    interbank_settlement_amount: amountOfMinor({ currency: ins.currency, minor: ins.amount_minor }),
    charge_bearer: 'SLEV',
    debtor: partyOf(ins.debtor),
    debtor_agent: { bic: ins.payer },
    creditor_agent: { bic: ins.payee },
    creditor: partyOf(ins.creditor),
  };
  if (ins.value_date !== '') t.interbank_settlement_date = ins.value_date;
  if (ins.priority === 'urgent') t.payment_type = { instruction_priority: 'HIGH' };
  const till = tillTimeOf(ins.settle_by_ns, ins.value_date);
  if (till !== undefined) t.settlement_time_request = { till_time: till };
  if (ins.purpose !== undefined) t.purpose = CODE4.test(ins.purpose) ? { code: ins.purpose } : { proprietary: ins.purpose };
  if (ins.remittance !== undefined) t.remittance_information = ins.remittance.split('\n').flatMap((l) => (l === '' ? [] : max140(l)));
  if (ins.payee_currency !== ins.currency) t.creditor_account = { other_id: ins.payee, currency: ins.payee_currency };
  return {
    message_type: 'pacs.008.001.08',
    document: { group_header: { message_id: msg.message_id, creation_date_time: msg.creation_date_time, settlement_method: 'CLRG' }, transactions: [t] },
  };
}

/** settle_by as TillTm (UTC) when it falls on the value date; a TillTm cannot name another day. */
function tillTimeOf(settle_by_ns: bigint | undefined, value_date: string): string | undefined {
  if (settle_by_ns === undefined) return undefined;
  const iso = new Date(Number(settle_by_ns / 1_000_000n)).toISOString();
  return iso.slice(0, 10) === value_date ? `${iso.slice(11, 23)}Z` : undefined;
}

function max140(s: string): string[] {
  const cps = [...s];
  const out: string[] = [];
  for (let i = 0; i < cps.length; i += 140) out.push(cps.slice(i, i + 140).join(''));
  return out;
}

/** Nanoseconds since the epoch as an ISO date-time (UTC, milliseconds). */
export function isoDateTime(ns: bigint | string): string {
  return new Date(Number(BigInt(ns) / 1_000_000n)).toISOString();
}

/** The UETR whose 128 bits a ledger transfer carries in user_data_128 (see uetrBits). */
export function uetrOfBits(bits: bigint): string {
  const h = bits.toString(16).padStart(32, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// --- investigations: camt.056 and pacs.004 → platform commands ------------------------

const REASON4 = /^[A-Z0-9]{1,4}$/;

/** The reason a cancel_payment/return_payment command carries (at most 4 characters) for a camt.056 or pacs.004 transaction. */
export function reasonCodeOf(reasons: readonly ReasonInformation[] | undefined, fallback: 'CUST' | 'NARR'): string {
  const r = reasons?.find((x) => x.code !== undefined || x.proprietary !== undefined);
  if (r === undefined) return fallback;
  const v = (r.code ?? r.proprietary ?? '').trim();
  return REASON4.test(v) ? v : 'NARR';
}

/** Why a cancellation is refused (camt.029 RJCR): the ISO code and a narrative. */
export interface Refusal {
  code: string;
  detail: string;
}

/** The camt.029 refusal for a cancel_payment the platform refused, from the payment's state at that time. */
export function cancellationRefusal(state: PaymentState | undefined, errorCode: string, message: string, payee?: string): Refusal {
  if (state === undefined || errorCode === 'not_found') return { code: 'NOOR', detail: message };
  switch (state) {
    case 'settled':
      return { code: 'PTNA', detail: `settled: settlement is final; ask the creditor agent${payee === undefined ? '' : ` ${payee}`} to return it (pacs.004)` };
    case 'returned':
      return { code: 'ARDT', detail: 'already returned' };
    case 'rejected':
      return { code: 'NARR', detail: 'rejected: the payment was never settled' };
    default:
      return { code: 'AGNT', detail: message };
  }
}

/** The pacs.002 RJCT reason for a return_payment the platform refused. */
export function returnRefusal(errorCode: string, message: string): Refusal {
  switch (errorCode) {
    case 'insufficient_funds':
      return { code: 'AM04', detail: message };
    case 'not_found':
      return { code: 'AG09', detail: message };
    case 'invalid_state':
      return { code: 'FF12', detail: message };
    default:
      return { code: 'NARR', detail: message };
  }
}

/**
 * A refusal of the platform's authority rules (src/platform/authority.ts) for a camt.056 transaction:
 * NOOR without a payment, worded as for a UETR never received (a payment of other parties is one).
 */
export function cancelAuthorityRefusal(d: Extract<AuthorityDecision, { allowed: false }>, uetr: string): Refusal {
  if (d.rule === 'no_such_payment') return { code: 'NOOR', detail: `no payment with UETR ${uetr}` };
  return { code: 'AGNT', detail: `the platform refuses to cancel payment ${uetr} (${d.rule})` };
}

/** What a pacs.004 transaction says it returns: the returning agent (resolved), the agent it returns to and the amount, as written. */
export interface ReturnAsWritten {
  returner: string | undefined;
  to_bic: string | undefined;
  amount: { currency: string; value: string };
}

/**
 * A refusal of the platform's authority rules for a pacs.004 transaction: AGNT (back to the payer only),
 * AM09 (in full only), AG09 without a payment (a payment the returner is not the payee of is one).
 */
export function returnAuthorityRefusal(d: Extract<AuthorityDecision, { allowed: false }>, uetr: string, r: ReturnAsWritten): Refusal {
  switch (d.rule) {
    case 'back_to_payer':
      return { code: 'AGNT', detail: `the return goes to the original payer ${d.payer}, not ${r.to_bic ?? ''}` };
    case 'full_amount_only':
      return {
        code: 'AM09',
        detail: `returned ${r.amount.value} ${r.amount.currency}; the platform returns the full ${amountTextOfMinor(d.currency, d.amount_minor)} ${d.currency} only`,
      };
    default:
      return { code: 'AG09', detail: `no payment with UETR ${uetr}` };
  }
}

/** Minor units as ISO amount text, or the bare integer when the currency is not in the table. */
function amountTextOfMinor(currency: string, minor: bigint): string {
  try {
    return amountOfMinor({ currency, minor }).value;
  } catch {
    return minor.toString();
  }
}

/** A message id (Max35Text) unique per (time, UETR, position): base-36 time, 20 hex digits of the UETR, base-36 position. */
export function statusMessageId(at_ns: bigint, uetr: string | null, index: number): string {
  const hex = (uetr ?? '').replace(/-/g, '').padEnd(20, '0').slice(0, 20);
  return `${at_ns.toString(36).padStart(12, '0').slice(-12)}${hex}${index.toString(36).padStart(3, '0').slice(-3)}`;
}
