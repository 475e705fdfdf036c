// camt.056.001.08, the FI-to-FI payment cancellation request: a participant asks
// for a payment (a pacs.008/pacs.009, usually already settled) to be cancelled and
// its funds returned. The answer is a camt.029 (./camt029.ts) and, when the
// cancellation is accepted, a pacs.004 with reason FOCR.
//
// The model keeps: the assignment (id, assigner, assignee, time), the case, the
// original group (when the whole message is to be cancelled) and, per
// transaction, the cancellation id, the original payment's references (message,
// instruction id, end-to-end id, UETR, clearing reference, amount, date) and the
// cancellation reason (ISO code such as DUPL, CUST, FRAD, TECH, AM09, AGNT).
// Undrlyg may repeat in a received message: the transactions of every Undrlyg
// are read, the original group of the first; a built request has one Undrlyg.
// CtrlData and OrgnlTxRef are accepted and ignored.
//
// `cancellationRequest` builds a request for the payments given by their references.

import type { XmlElement } from '../../xml/reader.js';
import { SCHEMAS } from '../schema/index.js';
import {
  agentX,
  amountOfMinor,
  assignmentX,
  caseX,
  readAgent,
  readOriginalTxRefs,
  type OriginalTxRefs,
  originalTxRefsX,
  readAssignment,
  readCase,
  readReasonInfo,
  reasonInfoX,
  type Agent,
  type Amount,
  type CaseAssignment,
  type InvestigationCase,
  type MinorAmount,
  type ReasonInformation,
} from './common.js';
import type { OriginalPaymentRef } from './pacs004.js';
import { BuildError, compact, kid, kids, listOrUndefined, text, writeDocument, type XObj } from './tree.js';

export interface CancellationOriginalGroup {
  group_cancellation_id?: string;
  original_message_id: string;
  original_message_name_id: string;
  original_creation_date_time?: string;
  /** GrpCxl: cancel every transaction of the original message. */
  group_cancellation?: boolean;
  reasons?: ReasonInformation[];
}

export interface CancellationTransaction extends OriginalTxRefs {
  cancellation_id?: string;
  case?: InvestigationCase;
  assigner?: Agent;
  assignee?: Agent;
  reasons?: ReasonInformation[];
}

export interface Camt056 {
  assignment: CaseAssignment;
  case?: InvestigationCase;
  original_group?: CancellationOriginalGroup;
  transactions?: CancellationTransaction[];
}

const opt = <T>(v: T | undefined, f: (x: T) => XObj): XObj | undefined => (v === undefined ? undefined : f(v));

export function buildCamt056(m: Camt056, out: string[]): void {
  writeDocument(
    SCHEMAS.get('camt.056.001.08')!,
    {
      FIToFIPmtCxlReq: {
        Assgnmt: assignmentX(m.assignment),
        Case: opt(m.case, caseX),
        Undrlyg: {
          OrgnlGrpInfAndCxl: opt(m.original_group, (g) => ({
            GrpCxlId: g.group_cancellation_id,
            OrgnlMsgId: g.original_message_id,
            OrgnlMsgNmId: g.original_message_name_id,
            OrgnlCreDtTm: g.original_creation_date_time,
            GrpCxl: g.group_cancellation === undefined ? undefined : String(g.group_cancellation),
            CxlRsnInf: g.reasons?.map(reasonInfoX),
          })),
          TxInf: m.transactions?.map((t) => ({
            CxlId: t.cancellation_id,
            Case: opt(t.case, caseX),
            ...originalTxRefsX(t),
            Assgnr: opt(t.assigner, agentX),
            Assgne: opt(t.assignee, agentX),
            CxlRsnInf: t.reasons?.map(reasonInfoX),
          })),
        },
      },
    },
    out,
  );
}

export function parseCamt056(doc: XmlElement): Camt056 {
  const body = kid(doc, 'FIToFIPmtCxlReq');
  const und = kids(body, 'Undrlyg');
  const og = kid(und[0], 'OrgnlGrpInfAndCxl');
  const grpCxl = text(og, 'GrpCxl')?.trim();
  return compact({
    assignment: readAssignment(kid(body, 'Assgnmt')),
    case: readCase(kid(body, 'Case')),
    original_group:
      og === undefined
        ? undefined
        : compact({
            group_cancellation_id: text(og, 'GrpCxlId'),
            original_message_id: text(og, 'OrgnlMsgId') ?? '',
            original_message_name_id: text(og, 'OrgnlMsgNmId') ?? '',
            original_creation_date_time: text(og, 'OrgnlCreDtTm')?.trim(),
            group_cancellation: grpCxl === undefined ? undefined : grpCxl === 'true' || grpCxl === '1',
            reasons: listOrUndefined(kids(og, 'CxlRsnInf').map(readReasonInfo)),
          }),
    transactions: listOrUndefined(
      und.flatMap((u) =>
        kids(u, 'TxInf').map((t) =>
          compact({
            cancellation_id: text(t, 'CxlId'),
            case: readCase(kid(t, 'Case')),
            ...readOriginalTxRefs(t),
            assigner: readAgent(kid(t, 'Assgnr')),
            assignee: readAgent(kid(t, 'Assgne')),
            reasons: listOrUndefined(kids(t, 'CxlRsnInf').map(readReasonInfo)),
          }),
        ),
      ),
    ),
  });
}

// --- helpers the platform calls ---------------------------------------------------

/** The payment to cancel: its references (see `originalRefs` in ./pacs004.ts to take them from a pacs.008/009 model). */
export interface PaymentToCancel extends Omit<OriginalPaymentRef, 'original_interbank_settlement_amount'> {
  /** The original amount in minor units; or give the ISO amount itself. */
  original_amount_minor?: MinorAmount;
  original_interbank_settlement_amount?: Amount;
  original_clearing_system_reference?: string;
}

export interface CancellationRequestInput {
  /** Assignment id (Assgnmt/Id), unique per sender. */
  assignment_id: string;
  creation_date_time: string;
  /** BIC of the participant asking. */
  assigner_bic: string;
  /** BIC of the party asked (the creditor agent, or the platform). */
  assignee_bic: string;
  /** Case id; default the assignment id. The case creator is the assigner. */
  case_id?: string;
  payments: PaymentToCancel[];
  /** ISO external cancellation reason code, e.g. "DUPL", "CUST", "FRAD", "TECH", "AM09". */
  reason: string;
  additional_information?: string[];
  /** Cancellation id per payment; default "<assignment_id>-<n>" (n from 1). */
  cancellation_ids?: string[];
}

/** A camt.056 asking to cancel the given payments, each with the same reason. */
export function cancellationRequest(r: CancellationRequestInput): Camt056 {
  if (r.payments.length === 0) throw new BuildError('/payments', 'a cancellation request names at least one payment');
  if (r.cancellation_ids !== undefined && r.cancellation_ids.length !== r.payments.length)
    throw new BuildError('/cancellation_ids', 'one cancellation id per payment');
  const assigner = { agent: { bic: r.assigner_bic } };
  return compact({
    assignment: { id: r.assignment_id, assigner, assignee: { agent: { bic: r.assignee_bic } }, creation_date_time: r.creation_date_time },
    case: { id: r.case_id ?? r.assignment_id, creator: assigner },
    transactions: r.payments.map((p, i) =>
      compact({
        cancellation_id: r.cancellation_ids?.[i] ?? `${r.assignment_id}-${i + 1}`.slice(0, 35),
        original_message_id: p.original_message_id,
        original_message_name_id: p.original_message_name_id,
        original_creation_date_time: p.original_creation_date_time,
        original_instruction_id: p.original_instruction_id,
        original_end_to_end_id: p.original_end_to_end_id,
        original_transaction_id: p.original_transaction_id,
        original_uetr: p.original_uetr,
        original_clearing_system_reference: p.original_clearing_system_reference,
        original_interbank_settlement_amount:
          p.original_amount_minor !== undefined
            ? amountOfMinor(p.original_amount_minor, `/payments[${i}]/original_amount_minor`)
            : p.original_interbank_settlement_amount,
        original_interbank_settlement_date: p.original_interbank_settlement_date,
        reasons: [compact({ code: r.reason, additional_information: r.additional_information })],
      }),
    ),
  });
}
