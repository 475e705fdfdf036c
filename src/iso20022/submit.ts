// ISO 20022 into the platform and its answers out: this module owns taking a
// message from a bank (bytes in) and running it as platform commands — a
// pacs.008/pacs.009 as one `submit_payments`, a camt.056 cancellation request as one
// `cancel_payment` per transaction, a pacs.004 return as one `return_payment` per
// transaction — and the answers: pacs.002 status reports, camt.029 resolutions of a
// camt.056, and the pacs.004 the platform sends on to the payer of a returned
// payment. The HTTP API (POST /v1/payments, application/xml) and the CLI
// (`sco-settle iso submit`) both call submitIsoMessage. A camt.050 liquidity
// transfer goes to ./liquidity_transfer.ts (one `fund`, answered by a pacs.002).
//
// Steps, and what each failure leaves behind:
//  1. Safe reading and validation (validate.ts): built-in definitions always, the
//     official XSDs when an XSD folder is configured (opts.xsdDir or
//     SCO_SETTLE_XSD_DIR), message-level business rules (UETR present and unique
//     in the message, currencies and decimals, BIC/LEI formats). A message that
//     fails here is not submitted: nothing is journaled, the errors come back with
//     their codes and XPaths, and when the message was a readable pacs.008/009/004
//     (its GrpHdr/MsgId could be read) a group-level pacs.002 RJCT answers it.
//  2. Mapping (mapping.ts): each transaction becomes one raw instruction.
//  3. One `submit_payments` command. The platform applies the rules that need its
//     state — UETR unique on the platform (DUPL), agents that are participants
//     (AGNT), currencies held, the business day (DT01), the cut-off (CUTO),
//     screening (a hit holds the payment) — and journals every rejection as its
//     record; a rejected instruction never reaches the ledger.
//  4. One pacs.002 per transaction with its status at the end of the command
//     (ACSC, ACSP, PDNG, RJCT + reason, …).
//
// camt.056 (submitCancellation), per TxInf: the payment is found by OrgnlUETR, else by
// OrgnlEndToEndId among the payments of the asking participant; the asker (TxInf
// Assgnr, else Assgnmt/Assgnr) must be the payment's payer (the platform's rule,
// src/platform/authority.ts, asked through Platform.authority). Then `cancel_payment`
// with the request's reason (the platform cancels queued and held payments only), and
// one camt.029 per TxInf: CNCL, or RJCR with the reason of mapping.ts
// (cancellationRefusal: NOOR, AGNT, PTNA for a settled payment, ARDT, NARR). The
// cancelled payment's pacs.002 CANC comes with the status reports.
//
// pacs.004 (submitReturn), per TxInf: the payment is found by OrgnlUETR, else by
// OrgnlEndToEndId among the payments the returning participant received; the
// returning participant (TxInf InstgAgt, else GrpHdr InstgAgt, else RtrChain DbtrAgt)
// must be the payment's payee, a RtrChain CdtrAgt its payer, and the returned amount
// the original's (no partial returns) — the platform's rules again (Platform.authority);
// this module only reads who and what the message names and words the refusal. Then
// `return_payment` with the return reason,
// answered by a pacs.002 to the returning participant (ACSC, or RJCT with AG09, AGNT,
// AM09, FF12 or AM04 when it cannot fund the return) that quotes the pacs.004 (RtrId
// as OrgnlInstrId); the platform's own pacs.004 to the original payer is in `returns`.
//
// Refusals found before a command (no such payment, the wrong participant, a wrong
// amount) run nothing; a refusal by the platform is journaled as the refused command.
// `opts.authorize` sees every cancellation and return before any command runs.
//
// `accepted` is true when the message was submitted and no transaction of it was
// rejected (every cancellation CNCL, every return settled).

import { createHash } from 'node:crypto';
import { PAYMENT_QUERY_MAX, type Platform } from '../platform/platform.js';
import { PlatformError } from '../platform/errors.js';
import type { AuthorityDecision, AuthorityRequest } from '../platform/authority.js';
import type { ChangeEvent } from '../platform/reference.js';
import type { Payment, ScreeningOutcome } from '../platform/types.js';
import { resolveXsdDir, validateMessage, type IsoIssue } from './validate.js';
import type { LocatedMessage } from './envelope.js';
import { isCamt050 } from './camt050.js';
import {
  submitLiquidityTransfer,
  type FundingRequest,
  type LiquidityTransferAnswer,
  type LiquidityTransferOptions,
  type SubmittedLiquidityTransfer,
} from './liquidity_transfer.js';
import type { XmlElement } from '../xml/reader.js';
import {
  buildMessage,
  minorOfAmount,
  modelOf,
  resolution,
  returnOf,
  type Camt056,
  type CancellationTransaction,
  type JournalHeadRef,
  type Pacs002,
  type Pacs004,
  type Pacs008,
  type Pacs009,
  type PartyOrAgent,
  type ResolutionInput,
  type ReturnTransaction,
  type StatusReason,
  type TransactionStatus,
} from './messages/index.js';
import {
  bicResolver,
  cancelAuthorityRefusal,
  cancellationRefusal,
  instructionsOfPacs008,
  instructionsOfPacs009,
  isoDateTime,
  isoStatusOf,
  max105Lines,
  pacs008OfPayment,
  reasonCodeOf,
  returnAuthorityRefusal,
  returnRefusal,
  statusMessageId,
  xpathOfField,
  type IsoStatus,
  type MappedTransaction,
  type RawInstruction,
  type Refusal,
} from './mapping.js';

export { statusMessageId };

export interface SubmitOptions {
  /** Folder of official XSDs (default: SCO_SETTLE_XSD_DIR; none: built-in validation only). */
  xsdDir?: string;
  /** Screening of the mapped instructions, one outcome (or null: not screened) each; run before the command is journaled. */
  screen?: (instructions: RawInstruction[]) => Promise<Array<ScreeningOutcome | null>> | Array<ScreeningOutcome | null>;
  /** The platform's own BIC, written as the instructing agent of its reports and the assigner of its camt.029s (default: none). */
  platformBic?: string;
  /**
   * Called for every payment a camt.056 would cancel or a pacs.004 would return, with
   * the participant the message speaks for (the asking payer, the returning payee),
   * before any command runs; throw to refuse the message (nothing is run). The message
   * names that participant itself, so a shell serving several participants checks
   * here that its caller may speak for it.
   */
  authorize?: (request: { action: 'cancel' | 'return'; participant: string; uetr: string } | FundingRequest) => void | Promise<void>;
  /**
   * The participant the caller acts for, when it is scoped to one (a participant user of
   * the API): a camt.056 or pacs.004 about a payment it is not the payer (cancel) or payee
   * (return) of is answered as for an unknown payment. None (an operator): any payment.
   */
  caller?: string;
}

export interface SubmittedPayment {
  uetr: string | null;
  end_to_end_id: string;
  /** Platform state at the end of the command ('not_found' when a camt.056/pacs.004 names no payment of the platform). */
  state: string;
  /** The status reported for it: the pacs.002 status (pacs.008/009/004), the camt.029 confirmation CNCL or RJCR (camt.056). */
  status: string;
  reason?: string;
  detail?: string;
}

export interface SubmitResult {
  /** e.g. "pacs.008.001.08"; null when the input could not be recognised. */
  message_type: string | null;
  accepted: boolean;
  /**
   * pacs.002 XML: one per transaction with its status at the end of the command, or
   * one group-level RJCT; for a pacs.004, one per return (to the returning
   * participant); for a camt.056, the CANC of each cancelled payment. Changes the
   * command caused to other payments (e.g. queued payments a return lets settle) too.
   */
  status_reports: string[];
  /** camt.029 XML answering a camt.056: one per cancellation transaction (TxInf). */
  resolutions: string[];
  /** pacs.004 XML the platform sends on to the original payer of each payment a pacs.004 returned. */
  returns: string[];
  payments: SubmittedPayment[];
  /** Validation errors, and the reasons of rejected transactions (code = ISO reason, path = XPath). */
  errors: IsoIssue[];
  /** A camt.050's liquidity transfer: funded (ACSC, with its ledger transfer) or refused (RJCT). Only for a camt.050. */
  liquidity_transfers?: SubmittedLiquidityTransfer[];
}

function liquidityOptions(opts: SubmitOptions): LiquidityTransferOptions {
  const out: LiquidityTransferOptions = {};
  if (opts.platformBic !== undefined) out.platformBic = opts.platformBic;
  if (opts.authorize !== undefined) out.authorize = opts.authorize;
  return out;
}

function liquidityResult(a: LiquidityTransferAnswer): SubmitResult {
  return {
    ...resultOf(a.message_type, { accepted: a.accepted, status_reports: a.status_reports, errors: a.errors }),
    liquidity_transfers: a.liquidity_transfers,
  };
}

const PAYMENT_TYPES = new Set(['pacs.008.001.08', 'pacs.009.001.08']);
const CANCELLATION = 'camt.056.001.08';
const RETURN = 'pacs.004.001.09';
/** Messages a pacs.002 answers (a group-level RJCT when they fail validation). */
const ANSWERED_BY_PACS002 = new Set([...PAYMENT_TYPES, RETURN]);

/** A result with every list present (empty unless given). */
function resultOf(message_type: string | null, r: Partial<Omit<SubmitResult, 'message_type'>>): SubmitResult {
  return {
    message_type,
    accepted: r.accepted ?? false,
    status_reports: r.status_reports ?? [],
    resolutions: r.resolutions ?? [],
    returns: r.returns ?? [],
    payments: r.payments ?? [],
    errors: r.errors ?? [],
  };
}

export async function submitIsoMessage(platform: Platform, xml: string | Uint8Array, by: string, opts: SubmitOptions = {}): Promise<SubmitResult> {
  const v = await validateMessage(xml, { xsd_dir: resolveXsdDir(opts.xsdDir) });
  if (v.message === null) {
    // camt.050 has no built-in definition (no official XSD): its own reader takes it from the bytes.
    if (isCamt050(v.message_type)) return liquidityResult(await submitLiquidityTransfer(platform, xml, by, liquidityOptions(opts)));
    return resultOf(v.message_type, { errors: v.errors });
  }
  const located = v.message;
  const type = located.message_type;
  if (!v.valid) {
    const reports: string[] = [];
    if (ANSWERED_BY_PACS002.has(type)) {
      const rjct = groupRejection(platform, xml, located, v.errors, opts);
      if (rjct !== null) reports.push(rjct);
    }
    return resultOf(type, { status_reports: reports, errors: v.errors });
  }
  if (type === CANCELLATION) return submitCancellation(platform, located, by, opts);
  if (type === RETURN) return submitReturn(platform, located, by, opts);
  if (!PAYMENT_TYPES.has(type)) {
    return resultOf(type, {
      errors: [
        {
          path: located.documentPath,
          code: 'MESSAGE_NOT_SUBMITTABLE',
          message: `${type} cannot be submitted; submit pacs.008.001.08, pacs.009.001.08, pacs.004.001.09, camt.056.001.08 or camt.050.001.05`,
        },
      ],
    });
  }
  const model = modelOf(located);
  const resolveBic = bicResolver((id) => platform.participant(id) !== undefined);
  const mapOpts = { resolveBic, documentPath: located.documentPath };
  const mapped: MappedTransaction[] =
    type === 'pacs.008.001.08' ? instructionsOfPacs008(model.document as Pacs008, mapOpts) : instructionsOfPacs009(model.document as Pacs009, mapOpts);
  const gh = (model.document as { group_header: { message_id: string; creation_date_time: string } }).group_header;
  const original: OriginalMessage = { message_id: gh.message_id, message_name_id: type, creation_date_time: gh.creation_date_time };

  const instructions = mapped.map((m) => m.instruction);
  const command: Record<string, unknown> = { type: 'submit_payments', payments: instructions };
  if (opts.screen !== undefined) command.screening = await opts.screen(instructions);
  let out: Awaited<ReturnType<Platform['execute']>>;
  try {
    out = await platform.execute(command, by);
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    return resultOf(type, { errors: [{ path: located.documentPath, code: err.code, message: `${err.field}: ${err.message}` }] });
  }
  if (!out.ok) {
    const e = out.error!;
    return resultOf(type, { errors: [{ path: located.documentPath, code: e.code, message: `${e.field}: ${e.message}` }] });
  }
  const results = (out.result as { payments: PaymentResult[] }).payments;
  const last = new Map<string, ChangeEvent>();
  for (const ev of out.changes) if (ev.state !== 'received') last.set(ev.uetr, ev);

  const errors: IsoIssue[] = [];
  const payments: SubmittedPayment[] = [];
  const reports: string[] = [];
  const ctx = reportContext(platform, opts, original);
  results.forEach((r, i) => {
    const m = mapped[i]!;
    const ev = finalEvent(platform, r, last);
    if (r.state === 'rejected')
      errors.push({ path: r.field === undefined ? m.path : xpathOfField(m, r.field), code: r.reason ?? 'RJCT', message: ev.detail ?? 'rejected' });
    const st = isoStatusOf(ev);
    const sp: SubmittedPayment = { uetr: r.uetr, end_to_end_id: m.instruction.end_to_end_id, state: ev.state, status: st?.status ?? ev.state.toUpperCase() };
    if (ev.reason !== undefined) sp.reason = ev.reason;
    if (ev.detail !== undefined) sp.detail = ev.detail;
    payments.push(sp);
    if (st !== null) {
      const tx: TxRefs = { uetr: r.uetr, end_to_end_id: m.instruction.end_to_end_id, payer: m.instruction.payer, value_date: m.instruction.value_date };
      if (m.instruction_id !== undefined) tx.instruction_id = m.instruction_id;
      if (m.transaction_id !== undefined) tx.transaction_id = m.transaction_id;
      reports.push(statusReportXml(ctx, tx, st, BigInt(ev.at_ns), i));
    }
  });
  return resultOf(type, { accepted: errors.length === 0, status_reports: reports, payments, errors });
}

/** One payment's result in a submit_payments output. */
interface PaymentResult {
  uetr: string | null;
  state: string;
  reason?: string;
  field?: string;
  detail?: string;
}

/** The status a submitted payment came to: the result's rejection (timed by its change when there is one), else its last change. */
function finalEvent(platform: Platform, r: PaymentResult, last: ReadonlyMap<string, ChangeEvent>): Pick<ChangeEvent, 'state' | 'reason' | 'detail' | 'at_ns'> {
  if (r.state !== 'rejected')
    return (r.uetr === null ? undefined : last.get(r.uetr)) ?? { state: r.state as ChangeEvent['state'], at_ns: platform.now().toString() };
  const ev: Pick<ChangeEvent, 'state' | 'reason' | 'detail' | 'at_ns'> = { state: 'rejected', at_ns: platform.now().toString() };
  const at = r.uetr === null ? undefined : last.get(r.uetr);
  if (at !== undefined && at.state === 'rejected') ev.at_ns = at.at_ns;
  if (r.reason !== undefined) ev.reason = r.reason;
  const detail = r.detail ?? (at !== undefined && at.state === 'rejected' ? at.detail : undefined);
  if (detail !== undefined) ev.detail = detail;
  return ev;
}

// --- pacs.002 construction ----------------------------------------------------------

export interface OriginalMessage {
  message_id: string;
  /** e.g. "pacs.008.001.08". */
  message_name_id: string;
  creation_date_time?: string;
}

interface ReportContext {
  platformBic: string | undefined;
  original: OriginalMessage | undefined;
  isParticipant: (bic: string) => boolean;
  /** The durable journal head now: it contains every status reported (they are built after their entries are durable). */
  head: () => JournalHeadRef;
}

function reportContext(platform: Platform, opts: { platformBic?: string }, original: OriginalMessage | undefined): ReportContext {
  return {
    platformBic: opts.platformBic,
    original,
    isParticipant: (b) => platform.participant(b) !== undefined,
    head: () => {
      const h = platform.journalHead();
      return { seq: h.seq, hash: h.head_hash };
    },
  };
}

interface TxRefs {
  uetr: string | null;
  end_to_end_id: string;
  instruction_id?: string;
  transaction_id?: string;
  payer: string;
  value_date?: string;
}

const UETR_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BIC = /^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

function reasonsOf(st: IsoStatus): StatusReason[] | undefined {
  if (st.reason_code === undefined && st.reason_proprietary === undefined && st.additional_information === undefined) return undefined;
  const r: StatusReason = {};
  if (st.reason_code !== undefined) r.code = st.reason_code;
  else if (st.reason_proprietary !== undefined) r.proprietary = st.reason_proprietary;
  if (st.additional_information !== undefined && st.additional_information !== '') r.additional_information = max105Lines(st.additional_information);
  return [r];
}

function statusReportXml(ctx: ReportContext, tx: TxRefs, st: IsoStatus, at_ns: bigint, index: number): string {
  const id = statusMessageId(at_ns, tx.uetr, index);
  const when = isoDateTime(at_ns);
  const t: TransactionStatus = { status_id: id, status: st.status };
  if (ctx.original !== undefined && ctx.original.message_id !== '') {
    t.original_message_id = ctx.original.message_id;
    t.original_message_name_id = ctx.original.message_name_id;
  }
  if (tx.instruction_id !== undefined) t.original_instruction_id = tx.instruction_id;
  if (tx.end_to_end_id !== '') t.original_end_to_end_id = tx.end_to_end_id;
  if (tx.transaction_id !== undefined) t.original_transaction_id = tx.transaction_id;
  if (tx.uetr !== null && UETR_V4.test(tx.uetr)) t.original_uetr = tx.uetr;
  const reasons = reasonsOf(st);
  if (reasons !== undefined) t.reasons = reasons;
  if (st.status !== 'RJCT' && st.status !== 'CANC') t.acceptance_date_time = when;
  if (st.status === 'ACSC') t.effective_settlement_date = tx.value_date !== undefined && tx.value_date !== '' ? tx.value_date : when.slice(0, 10);
  t.journal_head = ctx.head();
  const doc: Pacs002 = { group_header: { message_id: id, creation_date_time: when }, transactions: [t] };
  if (ctx.platformBic !== undefined) doc.group_header.instructing_agent = { bic: ctx.platformBic };
  // The report goes back to the payer (the instructing participant), when it is one.
  if (BIC.test(tx.payer) && ctx.isParticipant(tx.payer)) doc.group_header.instructed_agent = { bic: tx.payer };
  return buildMessage({ message_type: 'pacs.002.001.10', document: doc });
}

/** A group-level RJCT for a readable pacs.008/009/004 that failed validation; null when its MsgId cannot be read. */
function groupRejection(platform: Platform, xml: string | Uint8Array, located: LocatedMessage, errors: IsoIssue[], opts: SubmitOptions): string | null {
  let msgId: string | undefined;
  let created: string | undefined;
  try {
    const m = modelOf(located);
    const gh = (m.document as { group_header?: { message_id?: string; creation_date_time?: string } }).group_header;
    msgId = gh?.message_id;
    created = gh?.creation_date_time;
  } catch {
    return null;
  }
  if (msgId === undefined || msgId === '' || [...msgId].length > 35) return null;
  const first = errors[0]!;
  const code = /^[A-Z]{2}[0-9]{2}$|^DUPL$/.test(first.code) ? first.code : 'FF01';
  const at = platform.now();
  const digest = createHash('sha256')
    .update(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml)
    .digest('hex');
  const id = `${at.toString(36).padStart(12, '0').slice(-12)}${digest.slice(0, 23)}`;
  const group: NonNullable<Pacs002['original_groups']>[number] = {
    original_message_id: msgId,
    original_message_name_id: located.message_type,
    group_status: 'RJCT',
    reasons: [{ code, additional_information: max105Lines(`${first.path}: ${first.message}`, 3) }],
  };
  if (created !== undefined && /^\d{4}-\d{2}-\d{2}T/.test(created)) group.original_creation_date_time = created;
  const doc: Pacs002 = { group_header: { message_id: id, creation_date_time: isoDateTime(at) }, original_groups: [group] };
  if (opts.platformBic !== undefined) doc.group_header.instructing_agent = { bic: opts.platformBic };
  try {
    return buildMessage({ message_type: 'pacs.002.001.10', document: doc });
  } catch {
    return null; // e.g. a creation date-time the schema refuses: the errors answer alone
  }
}

export interface StatusReportsOptions {
  platformBic?: string;
  /** The message that carried the payments, for OrgnlGrpInf and the returns' references. */
  original?: OriginalMessage;
}

/**
 * The answers to a command's changes, in order: a pacs.002 for every status change
 * that has one (validated ACCP, screened ACSP, queued/held PDNG, settled ACSC,
 * rejected RJCT + reason, cancelled CANC) and a pacs.004 for a return. `received`
 * has none. A change of a UETR the platform does not hold as a payment (a duplicate
 * refused before it was recorded) is answered RJCT with what the event says.
 */
export function statusReportsFor(changes: readonly ChangeEvent[], platform: Platform, opts: StatusReportsOptions = {}): string[] {
  const ctx = reportContext(platform, opts, opts.original);
  const out: string[] = [];
  changes.forEach((ev, i) => {
    const p = platform.payment(ev.uetr);
    // A duplicate's rejection names the UETR of the payment it duplicates: report it without that payment's references.
    const refsOf = (pay: Payment | undefined): TxRefs =>
      pay === undefined || ev.reason === 'DUPL'
        ? { uetr: ev.uetr, end_to_end_id: '', payer: '' }
        : { uetr: ev.uetr, end_to_end_id: pay.instruction.end_to_end_id, payer: pay.instruction.payer, value_date: pay.instruction.value_date };
    if (ev.state === 'returned') {
      if (p !== undefined) out.push(returnXml(p, ev, i, opts));
      return;
    }
    const st = isoStatusOf(ev);
    if (st === null) return;
    out.push(statusReportXml(ctx, refsOf(p), st, BigInt(ev.at_ns), i));
  });
  return out;
}

/** The pacs.004 answering a platform return of a settled payment. */
export function returnXml(p: Payment, ev: Pick<ChangeEvent, 'at_ns' | 'reason' | 'detail'>, index: number, opts: StatusReportsOptions = {}): string {
  const at = BigInt(ev.at_ns);
  const when = isoDateTime(at);
  const orig = opts.original;
  const created = p.history[0] === undefined ? when : isoDateTime(p.history[0].at_ns);
  const original = pacs008OfPayment(p, {
    message_id: orig?.message_id || statusMessageId(p.history[0]?.at_ns ?? at, p.instruction.uetr, 0),
    creation_date_time: orig?.creation_date_time ?? created,
  });
  const id = statusMessageId(at, p.instruction.uetr, index);
  const reason = ev.reason !== undefined && /^[A-Z0-9]{1,4}$/.test(ev.reason) ? ev.reason : 'NARR';
  const input: Parameters<typeof returnOf>[1] = {
    message_id: id,
    creation_date_time: when,
    reason,
    uetr: p.instruction.uetr,
    interbank_settlement_date: when.slice(0, 10),
    return_id: id,
  };
  if (ev.detail !== undefined) input.additional_information = max105Lines(ev.detail, 2);
  if (opts.platformBic !== undefined) input.instructing_agent = { bic: opts.platformBic };
  return buildMessage({ message_type: 'pacs.004.001.09', document: returnOf(original, input) });
}

// --- camt.056 and pacs.004: cancellations and returns ---------------------------------

/** XPaths of the TxInf elements of a camt.056 (under every Undrlyg) or a pacs.004, in the order the models list them. */
function transactionPaths(located: LocatedMessage, body: string, container: string | null): string[] {
  const named = (el: XmlElement | undefined, local: string): XmlElement[] => (el === undefined ? [] : el.children.filter((c) => c.local === local));
  const nth = (name: string, i: number, n: number): string => (n > 1 ? `${name}[${i + 1}]` : name);
  const root = named(located.document, body)[0];
  const base = `${located.documentPath}/${body}`;
  if (container === null) {
    const txs = named(root, 'TxInf');
    return txs.map((_, i) => `${base}/${nth('TxInf', i, txs.length)}`);
  }
  const groups = named(root, container);
  return groups.flatMap((g, gi) => {
    const txs = named(g, 'TxInf');
    return txs.map((_, i) => `${base}/${nth(container, gi, groups.length)}/${nth('TxInf', i, txs.length)}`);
  });
}

function bicOf(p: PartyOrAgent | undefined): string | undefined {
  if (p === undefined) return undefined;
  return 'agent' in p ? p.agent.bic : p.party.bic;
}

type Lookup = { payment: Payment } | { missing: Refusal };

/**
 * The payment a camt.056/pacs.004 transaction names: by UETR, else by end-to-end id
 * among the payments where `participant` is the `side` (payer or payee).
 */
function findPayment(
  platform: Platform,
  uetr: string | undefined,
  e2e: string | undefined,
  side: 'payer' | 'payee',
  participant: string | undefined,
  notFound: string,
  known: (p: Payment) => boolean,
): Lookup {
  if (uetr !== undefined && uetr !== '') {
    const p = platform.payment(uetr);
    return p === undefined || !known(p) ? { missing: { code: notFound, detail: `no payment with UETR ${uetr}` } } : { payment: p };
  }
  if (e2e === undefined || e2e === '' || e2e === 'NOTPROVIDED')
    return { missing: { code: notFound, detail: 'neither the original UETR nor the original end-to-end id is given' } };
  if (participant === undefined)
    return { missing: { code: notFound, detail: `end-to-end id ${e2e} without a UETR needs the ${side} agent to find the payment` } };
  const found = platform.payments({ end_to_end_id: e2e, participant, limit: PAYMENT_QUERY_MAX }).filter((p) => p.instruction[side] === participant && known(p));
  if (found.length === 0) return { missing: { code: notFound, detail: `no payment with end-to-end id ${e2e} and ${side} ${participant}` } };
  if (found.length > 1)
    return { missing: { code: 'NARR', detail: `${found.length} payments with end-to-end id ${e2e} and ${side} ${participant}; give the original UETR` } };
  return { payment: found[0]! };
}

/** Whether a decision lets the asker know the payment exists (a payment of other parties is answered as unknown). */
function knownTo(d: AuthorityDecision): boolean {
  return d.allowed || d.rule !== 'no_such_payment';
}

function reportOptions(opts: SubmitOptions): StatusReportsOptions {
  return opts.platformBic === undefined ? {} : { platformBic: opts.platformBic };
}

const PACS004_NS = 'urn:iso:std:iso:20022:tech:xsd:pacs.004.001.09';

/** The answers to a command's changes, sorted: pacs.002s and the pacs.004s of returns. */
function answersOf(changes: readonly ChangeEvent[], platform: Platform, opts: SubmitOptions): { status_reports: string[]; returns: string[] } {
  const out = { status_reports: [] as string[], returns: [] as string[] };
  for (const x of statusReportsFor(changes, platform, reportOptions(opts))) (x.includes(PACS004_NS) ? out.returns : out.status_reports).push(x);
  return out;
}

/** Runs a cancel_payment/return_payment; a malformed command (thrown) is a refusal like the platform's own. */
async function runCommand(
  platform: Platform,
  command: Record<string, unknown>,
  by: string,
): Promise<{ ok: true; changes: ChangeEvent[] } | { ok: false; code: string; message: string }> {
  try {
    const out = await platform.execute(command, by);
    if (out.ok) return { ok: true, changes: out.changes };
    return { ok: false, code: out.error!.code, message: out.error!.message };
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    return { ok: false, code: err.code, message: `${err.field}: ${err.message}` };
  }
}

interface CancellationPlan {
  tx: CancellationTransaction;
  path: string;
  /** The asking participant (resolved BIC), when named. */
  asker?: string;
  payment?: Payment;
  refusal?: Refusal;
}

/** A camt.056: each transaction's payment cancelled (queued or held) or the refusal, answered by camt.029s. */
async function submitCancellation(platform: Platform, located: LocatedMessage, by: string, opts: SubmitOptions): Promise<SubmitResult> {
  const type = located.message_type;
  const request = modelOf(located).document as Camt056;
  if ((request.transactions ?? []).length === 0) return groupCancellation(platform, located, request, opts);
  // 1. Every transaction's payment and who asks, before anything runs.
  const plans = planCancellations(platform, located, request, opts);
  if (opts.authorize !== undefined) {
    for (const p of plans)
      if (p.refusal === undefined && p.payment !== undefined)
        await opts.authorize({ action: 'cancel', participant: p.payment.instruction.payer, uetr: p.payment.instruction.uetr });
  }
  // 2. One cancel_payment per transaction, each answered.
  const resolutions: string[] = [];
  const errors: IsoIssue[] = [];
  const reports: string[] = [];
  const payments: SubmittedPayment[] = [];
  for (let n = 0; n < plans.length; n++) {
    const plan = plans[n]!;
    const { refusal, note } = await runCancellation(platform, plan, by, opts, reports);
    try {
      resolutions.push(resolutionXml(platform, request, plan.tx, n, opts, refusal, note));
    } catch (err) {
      errors.push({ path: plan.path, code: (err as { code?: string }).code ?? 'BUILD_INVALID', message: `camt.029 not built: ${(err as Error).message}` });
    }
    const now = plan.payment === undefined ? undefined : platform.payment(plan.payment.instruction.uetr);
    const sp: SubmittedPayment = {
      uetr: now?.instruction.uetr ?? plan.tx.original_uetr ?? null,
      end_to_end_id: now?.instruction.end_to_end_id ?? plan.tx.original_end_to_end_id ?? '',
      state: now?.state ?? 'not_found',
      status: refusal === undefined ? 'CNCL' : 'RJCR',
    };
    if (refusal !== undefined) {
      sp.reason = refusal.code;
      sp.detail = refusal.detail;
      errors.push({ path: plan.path, code: refusal.code, message: refusal.detail });
    } else if (note !== undefined) sp.detail = note;
    payments.push(sp);
  }
  return resultOf(type, { accepted: errors.length === 0, status_reports: reports, resolutions, payments, errors });
}

/** A group cancellation (OrgnlGrpInfAndCxl only) is refused: the platform does not keep the original message ids. */
function groupCancellation(platform: Platform, located: LocatedMessage, request: Camt056, opts: SubmitOptions): SubmitResult {
  const refusal: Refusal = { code: 'NARR', detail: 'cancellation of a whole message is not supported: name each payment (TxInf with OrgnlUETR)' };
  const errors: IsoIssue[] = [{ path: `${located.documentPath}/FIToFIPmtCxlReq/Undrlyg`, code: 'CANCELLATION_BY_GROUP_UNSUPPORTED', message: refusal.detail }];
  const resolutions: string[] = [];
  const at = platform.now();
  const input: ResolutionInput = {
    assignment_id: statusMessageId(at, null, 0),
    creation_date_time: isoDateTime(at),
    outcome: 'rejected',
    reason: refusal.code,
    additional_information: max105Lines(refusal.detail, 2),
  };
  if (opts.platformBic !== undefined) input.assigner_bic = opts.platformBic;
  try {
    resolutions.push(buildMessage({ message_type: 'camt.029.001.09', document: resolution(request, input) }));
  } catch {
    // nothing to answer with beyond the error
  }
  return resultOf(located.message_type, { resolutions, errors });
}

/** Each transaction of a camt.056 with its payment and asker, or why it is refused (no payment, the platform's authority rules). */
function planCancellations(platform: Platform, located: LocatedMessage, request: Camt056, opts: SubmitOptions): CancellationPlan[] {
  const paths = transactionPaths(located, 'FIToFIPmtCxlReq', 'Undrlyg');
  const resolveBic = bicResolver((id) => platform.participant(id) !== undefined);
  const askerOfMessage = bicOf(request.assignment.assigner);
  return (request.transactions ?? []).map((tx, i) => {
    const path = paths[i] ?? located.documentPath;
    const askerBic = tx.assigner?.bic ?? askerOfMessage;
    const asker = askerBic === undefined ? undefined : resolveBic(askerBic);
    const plan: CancellationPlan = { tx, path };
    if (asker !== undefined) plan.asker = asker;
    const decide = (p: Payment) => platform.authority(withCaller({ action: 'cancel', uetr: p.instruction.uetr, participant: asker }, opts));
    // A payment the asker may not cancel is not found: the answer shows nothing of it.
    const found = findPayment(platform, tx.original_uetr, tx.original_end_to_end_id, 'payer', asker, 'NOOR', (p) => knownTo(decide(p)));
    if ('missing' in found) return { ...plan, refusal: found.missing };
    plan.payment = found.payment;
    const d = decide(found.payment);
    if (!d.allowed) plan.refusal = cancelAuthorityRefusal(d, found.payment.instruction.uetr);
    return plan;
  });
}

/** Runs one planned cancellation (its pacs.002s go to `reports`): the refusal, or a note when nothing had to run. */
async function runCancellation(
  platform: Platform,
  plan: CancellationPlan,
  by: string,
  opts: SubmitOptions,
  reports: string[],
): Promise<{ refusal?: Refusal; note?: string }> {
  const { tx, payment, asker } = plan;
  if (plan.refusal !== undefined || payment === undefined) return plan.refusal === undefined ? {} : { refusal: plan.refusal };
  const uetr = payment.instruction.uetr;
  // Decided again on the payment as it is now: an earlier transaction of this message may have cancelled it.
  const d = platform.authority(withCaller({ action: 'cancel', uetr, participant: asker }, opts));
  if (!d.allowed) return { refusal: cancelAuthorityRefusal(d, uetr) };
  if (d.already_done) return { note: 'already cancelled' };
  const out = await runCommand(platform, { type: 'cancel_payment', uetr, reason: reasonCodeOf(tx.reasons, 'CUST') }, by);
  if (out.ok) {
    reports.push(...answersOf(out.changes, platform, opts).status_reports);
    return {};
  }
  return { refusal: cancellationRefusal(platform.payment(uetr)?.state, out.code, out.message, payment.instruction.payee) };
}

/** The camt.029 answering one transaction of a camt.056 (a request of that transaction alone); throws when it cannot be built. */
function resolutionXml(
  platform: Platform,
  request: Camt056,
  tx: CancellationTransaction,
  n: number,
  opts: SubmitOptions,
  refusal?: Refusal,
  note?: string,
): string {
  const at = platform.now();
  const input: ResolutionInput = {
    assignment_id: statusMessageId(at, tx.original_uetr ?? null, n),
    creation_date_time: isoDateTime(at),
    outcome: refusal === undefined ? 'accepted' : 'rejected',
  };
  if (refusal !== undefined) input.reason = refusal.code;
  const info = refusal?.detail ?? note;
  if (info !== undefined && info !== '') input.additional_information = max105Lines(info, 2);
  if (opts.platformBic !== undefined) input.assigner_bic = opts.platformBic;
  const single: Camt056 = { assignment: request.assignment, transactions: [tx] };
  if (request.case !== undefined) single.case = request.case;
  return buildMessage({ message_type: 'camt.029.001.09', document: resolution(single, input) });
}

interface ReturnPlan {
  tx: ReturnTransaction;
  path: string;
  /** The returning participant (resolved BIC), when named. */
  returner?: string;
  payment?: Payment;
  refusal?: Refusal;
}

/** A pacs.004: each transaction's settled payment returned by its payee, answered by a pacs.002 to the returning participant. */
async function submitReturn(platform: Platform, located: LocatedMessage, by: string, opts: SubmitOptions): Promise<SubmitResult> {
  const type = located.message_type;
  const doc = modelOf(located).document as Pacs004;
  const gh = doc.group_header;
  if (doc.transactions.length === 0) {
    const detail = 'return of a whole message is not supported: name each payment (TxInf with OrgnlUETR)';
    return resultOf(type, { errors: [{ path: `${located.documentPath}/PmtRtr/OrgnlGrpInf`, code: 'RETURN_BY_GROUP_UNSUPPORTED', message: detail }] });
  }
  // 1. Every transaction's payment and who returns it, before anything runs.
  const plans = planReturns(platform, located, doc, opts);
  if (opts.authorize !== undefined) {
    for (const p of plans)
      if (p.refusal === undefined && p.payment !== undefined)
        await opts.authorize({ action: 'return', participant: p.payment.instruction.payee, uetr: p.payment.instruction.uetr });
  }
  // 2. One return_payment per transaction, each answered.
  const ctx = reportContext(platform, opts, { message_id: gh.message_id, message_name_id: type, creation_date_time: gh.creation_date_time });
  const answers = { status_reports: [] as string[], returns: [] as string[] };
  const errors: IsoIssue[] = [];
  const payments: SubmittedPayment[] = [];
  for (let n = 0; n < plans.length; n++) {
    const plan = plans[n]!;
    const { tx, payment } = plan;
    const refusal = await runReturn(platform, plan, by, opts, answers);
    // The answer to the returning participant, quoting the pacs.004 (RtrId as OrgnlInstrId);
    // its own time (a fresh clock reading), so its id differs from the forwarded pacs.004's.
    const refs: TxRefs = {
      uetr: payment?.instruction.uetr ?? tx.original_uetr ?? null,
      end_to_end_id: tx.original_end_to_end_id ?? payment?.instruction.end_to_end_id ?? '',
      payer: plan.returner ?? '',
    };
    if (tx.return_id !== undefined) refs.instruction_id = tx.return_id;
    const day = platform.businessDate();
    if (day !== null) refs.value_date = day;
    const st: IsoStatus = refusal === undefined ? { status: 'ACSC' } : { status: 'RJCT', reason_code: refusal.code, additional_information: refusal.detail };
    answers.status_reports.push(statusReportXml(ctx, refs, st, platform.now(), n));
    const now = payment === undefined ? undefined : platform.payment(payment.instruction.uetr);
    const sp: SubmittedPayment = {
      uetr: refs.uetr,
      end_to_end_id: now?.instruction.end_to_end_id ?? refs.end_to_end_id,
      state: now?.state ?? 'not_found',
      status: st.status,
    };
    if (refusal !== undefined) {
      sp.reason = refusal.code;
      sp.detail = refusal.detail;
      errors.push({ path: plan.path, code: refusal.code, message: refusal.detail });
    }
    payments.push(sp);
  }
  return resultOf(type, { accepted: errors.length === 0, status_reports: answers.status_reports, returns: answers.returns, payments, errors });
}

/** Each transaction of a pacs.004 with its payment and returner, or why it is refused (no payment, the platform's authority rules). */
function planReturns(platform: Platform, located: LocatedMessage, doc: Pacs004, opts: SubmitOptions): ReturnPlan[] {
  const paths = transactionPaths(located, 'PmtRtr', null);
  const resolveBic = bicResolver((id) => platform.participant(id) !== undefined);
  const gh = doc.group_header;
  return doc.transactions.map((tx, i) => {
    const path = paths[i] ?? located.documentPath;
    const returnerBic = tx.instructing_agent?.bic ?? gh.instructing_agent?.bic ?? tx.return_chain?.debtor_agent?.bic ?? bicOf(tx.return_chain?.debtor);
    const returner = returnerBic === undefined ? undefined : resolveBic(returnerBic);
    const plan: ReturnPlan = { tx, path };
    if (returner !== undefined) plan.returner = returner;
    const to = tx.return_chain?.creditor_agent?.bic;
    const amount = tx.returned_interbank_settlement_amount;
    const decide = (p: Payment) => {
      const request: AuthorityRequest = {
        action: 'return',
        uetr: p.instruction.uetr,
        participant: returner,
        amount: { currency: amount.currency, minor: minorOrNull(amount) },
      };
      if (to !== undefined) request.to = resolveBic(to);
      return platform.authority(withCaller(request, opts));
    };
    // A payment the returner may not return is not found: the answer shows nothing of it.
    const found = findPayment(platform, tx.original_uetr, tx.original_end_to_end_id, 'payee', returner, 'AG09', (p) => knownTo(decide(p)));
    if ('missing' in found) return { ...plan, refusal: found.missing };
    plan.payment = found.payment;
    const d = decide(found.payment);
    if (!d.allowed) plan.refusal = returnAuthorityRefusal(d, found.payment.instruction.uetr, { returner, to_bic: to, amount });
    return plan;
  });
}

/** Runs one planned return (its pacs.002s and pacs.004s go to `answers`); the refusal, if any. */
async function runReturn(
  platform: Platform,
  plan: ReturnPlan,
  by: string,
  opts: SubmitOptions,
  answers: { status_reports: string[]; returns: string[] },
): Promise<Refusal | undefined> {
  if (plan.refusal !== undefined || plan.payment === undefined) return plan.refusal;
  const out = await runCommand(platform, { type: 'return_payment', uetr: plan.payment.instruction.uetr, reason: reasonCodeOf(plan.tx.reasons, 'NARR') }, by);
  if (!out.ok) return returnRefusal(out.code, out.message);
  const a = answersOf(out.changes, platform, opts);
  answers.status_reports.push(...a.status_reports);
  answers.returns.push(...a.returns);
  return undefined;
}

/** The request on behalf of the caller's participant, when the shell serves one (SubmitOptions.caller). */
function withCaller<R extends AuthorityRequest>(request: R, opts: SubmitOptions): R {
  return opts.caller === undefined ? request : { ...request, caller: opts.caller };
}

/** The amount in minor units, or null when it cannot be read (a currency outside the table, too many decimals). */
function minorOrNull(amount: { currency: string; value: string }): bigint | null {
  try {
    return minorOfAmount(amount);
  } catch {
    return null;
  }
}
