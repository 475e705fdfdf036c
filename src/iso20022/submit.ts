// ISO 20022 into the platform and its answers out: this module owns taking a
// pacs.008/pacs.009 from a bank (bytes in), running it as one `submit_payments`
// command, and the pacs.002 status reports (and pacs.004 returns) that answer a
// payment's changes. The HTTP API (POST /v1/payments, application/xml) and the CLI
// (`sco-settle iso submit`) both call submitIsoMessage.
//
// Steps, and what each failure leaves behind:
//  1. Safe reading and validation (validate.ts): built-in definitions always, the
//     official XSDs when an XSD folder is configured (opts.xsdDir or
//     SCO_SETTLE_XSD_DIR), message-level business rules (UETR present and unique
//     in the message, currencies and decimals, BIC/LEI formats). A message that
//     fails here is not submitted: nothing is journaled, the errors come back with
//     their codes and XPaths, and when the message was a readable pacs.008/009 (its
//     GrpHdr/MsgId could be read) a group-level pacs.002 RJCT answers it.
//  2. Mapping (mapping.ts): each transaction becomes one raw instruction.
//  3. One `submit_payments` command. The platform applies the rules that need its
//     state — UETR unique on the platform (DUPL), agents that are participants
//     (AGNT), currencies held, the business day (DT01), the cut-off (CUTO),
//     screening (a hit holds the payment) — and journals every rejection as its
//     record; a rejected instruction never reaches the ledger.
//  4. One pacs.002 per transaction with its status at the end of the command
//     (ACSC, ACSP, PDNG, RJCT + reason, …).
//
// `accepted` is true when the message was submitted and no transaction of it was
// rejected.

import { createHash } from 'node:crypto';
import type { Platform } from '../platform/platform.js';
import { PlatformError } from '../platform/errors.js';
import type { ChangeEvent } from '../platform/state_machine.js';
import type { Payment, ScreeningOutcome } from '../platform/types.js';
import { resolveXsdDir, validateMessage, type IsoIssue } from './validate.js';
import { buildMessage, modelOf, returnOf, type Pacs002, type Pacs008, type Pacs009, type StatusReason, type TransactionStatus } from './messages/index.js';
import { bicResolver, instructionsOfPacs008, instructionsOfPacs009, isoDateTime, isoStatusOf, max105Lines, pacs008OfPayment, xpathOfField, type IsoStatus, type MappedTransaction, type RawInstruction } from './mapping.js';

export interface SubmitOptions {
  /** Folder of official XSDs (default: SCO_SETTLE_XSD_DIR; none: built-in validation only). */
  xsdDir?: string;
  /** Screening of the mapped instructions, one outcome (or null: not screened) each; run before the command is journaled. */
  screen?: (instructions: RawInstruction[]) => Promise<Array<ScreeningOutcome | null>> | Array<ScreeningOutcome | null>;
  /** The platform's own BIC, written as the instructing agent of its reports (default: none). */
  platformBic?: string;
}

export interface SubmittedPayment {
  uetr: string | null;
  end_to_end_id: string;
  /** Platform state at the end of the command. */
  state: string;
  /** The pacs.002 status reported for it. */
  status: string;
  reason?: string;
  detail?: string;
}

export interface SubmitResult {
  /** e.g. "pacs.008.001.08"; null when the input could not be recognised. */
  message_type: string | null;
  accepted: boolean;
  /** pacs.002 XML: one per transaction with its status at the end of the command, or one group-level RJCT. */
  status_reports: string[];
  payments: SubmittedPayment[];
  /** Validation errors, and the reasons of rejected transactions (code = ISO reason, path = XPath). */
  errors: IsoIssue[];
}

const PAYMENT_TYPES = new Set(['pacs.008.001.08', 'pacs.009.001.08']);

export async function submitIsoMessage(platform: Platform, xml: string | Uint8Array, by: string, opts: SubmitOptions = {}): Promise<SubmitResult> {
  const v = await validateMessage(xml, { xsd_dir: resolveXsdDir(opts.xsdDir) });
  if (v.message === null) return { message_type: v.message_type, accepted: false, status_reports: [], payments: [], errors: v.errors };
  const located = v.message;
  const type = located.message_type;
  if (!v.valid) {
    const reports: string[] = [];
    if (PAYMENT_TYPES.has(type)) {
      const rjct = groupRejection(platform, xml, located, v.errors, opts);
      if (rjct !== null) reports.push(rjct);
    }
    return { message_type: type, accepted: false, status_reports: reports, payments: [], errors: v.errors };
  }
  if (!PAYMENT_TYPES.has(type)) {
    return {
      message_type: type,
      accepted: false,
      status_reports: [],
      payments: [],
      errors: [{ path: located.documentPath, code: 'MESSAGE_NOT_SUBMITTABLE', message: `${type} is not a payment instruction; submit pacs.008.001.08 or pacs.009.001.08` }],
    };
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
  let out;
  try {
    out = await platform.execute(command, by);
  } catch (err) {
    if (!(err instanceof PlatformError)) throw err;
    return { message_type: type, accepted: false, status_reports: [], payments: [], errors: [{ path: located.documentPath, code: err.code, message: `${err.field}: ${err.message}` }] };
  }
  if (!out.ok) {
    const e = out.error!;
    return { message_type: type, accepted: false, status_reports: [], payments: [], errors: [{ path: located.documentPath, code: e.code, message: `${e.field}: ${e.message}` }] };
  }
  const results = (out.result as { payments: Array<{ uetr: string | null; state: string; reason?: string; field?: string; detail?: string }> }).payments;
  const last = new Map<string, ChangeEvent>();
  for (const ev of out.changes) if (ev.state !== 'received') last.set(ev.uetr, ev);

  const errors: IsoIssue[] = [];
  const payments: SubmittedPayment[] = [];
  const reports: string[] = [];
  const ctx = reportContext(platform, opts, original);
  results.forEach((r, i) => {
    const m = mapped[i]!;
    let ev: Pick<ChangeEvent, 'state' | 'reason' | 'detail' | 'at_ns'>;
    if (r.state === 'rejected') {
      ev = { state: 'rejected', at_ns: platform.now().toString() };
      const at = r.uetr === null ? undefined : last.get(r.uetr);
      if (at !== undefined && at.state === 'rejected') ev.at_ns = at.at_ns;
      if (r.reason !== undefined) ev.reason = r.reason;
      const detail = r.detail ?? (at !== undefined && at.state === 'rejected' ? at.detail : undefined);
      if (detail !== undefined) ev.detail = detail;
      errors.push({ path: r.field === undefined ? m.path : xpathOfField(m, r.field), code: r.reason ?? 'RJCT', message: ev.detail ?? 'rejected' });
    } else {
      ev = (r.uetr === null ? undefined : last.get(r.uetr)) ?? { state: r.state as ChangeEvent['state'], at_ns: platform.now().toString() };
    }
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
  return { message_type: type, accepted: errors.length === 0, status_reports: reports, payments, errors };
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
}

function reportContext(platform: Platform, opts: { platformBic?: string }, original: OriginalMessage | undefined): ReportContext {
  return { platformBic: opts.platformBic, original, isParticipant: (b) => platform.participant(b) !== undefined };
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

/** A message id (Max35Text) unique per (time, UETR, position): base-36 time, 20 hex digits of the UETR, base-36 position. */
export function statusMessageId(at_ns: bigint, uetr: string | null, index: number): string {
  const hex = (uetr ?? '').replace(/-/g, '').padEnd(20, '0').slice(0, 20);
  return `${at_ns.toString(36).padStart(12, '0').slice(-12)}${hex}${index.toString(36).padStart(3, '0').slice(-3)}`;
}

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
  const doc: Pacs002 = { group_header: { message_id: id, creation_date_time: when }, transactions: [t] };
  if (ctx.platformBic !== undefined) doc.group_header.instructing_agent = { bic: ctx.platformBic };
  // The report goes back to the payer (the instructing participant), when it is one.
  if (BIC.test(tx.payer) && ctx.isParticipant(tx.payer)) doc.group_header.instructed_agent = { bic: tx.payer };
  return buildMessage({ message_type: 'pacs.002.001.10', document: doc });
}

/** A group-level RJCT for a readable pacs.008/009 that failed validation; null when its MsgId cannot be read. */
function groupRejection(platform: Platform, xml: string | Uint8Array, located: NonNullable<Awaited<ReturnType<typeof validateMessage>>['message']>, errors: IsoIssue[], opts: SubmitOptions): string | null {
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
  const digest = createHash('sha256').update(typeof xml === 'string' ? Buffer.from(xml, 'utf8') : xml).digest('hex');
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
      pay === undefined || ev.reason === 'DUPL' ? { uetr: ev.uetr, end_to_end_id: '', payer: '' } : { uetr: ev.uetr, end_to_end_id: pay.instruction.end_to_end_id, payer: pay.instruction.payer, value_date: pay.instruction.value_date };
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
  const original = pacs008OfPayment(p, { message_id: orig?.message_id || statusMessageId(p.history[0]?.at_ns ?? at, p.instruction.uetr, 0), creation_date_time: orig?.creation_date_time ?? created });
  const id = statusMessageId(at, p.instruction.uetr, index);
  const reason = ev.reason !== undefined && /^[A-Z0-9]{1,4}$/.test(ev.reason) ? ev.reason : 'NARR';
  const input: Parameters<typeof returnOf>[1] = { message_id: id, creation_date_time: when, reason, uetr: p.instruction.uetr, interbank_settlement_date: when.slice(0, 10), return_id: id };
  if (ev.detail !== undefined) input.additional_information = max105Lines(ev.detail, 2);
  if (opts.platformBic !== undefined) input.instructing_agent = { bic: opts.platformBic };
  return buildMessage({ message_type: 'pacs.004.001.09', document: returnOf(original, input) });
}
