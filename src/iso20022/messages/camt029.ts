// camt.029.001.09, the resolution of investigation: the answer to a camt.056
// cancellation request — accepted (the funds come back by pacs.004), refused (with
// an ISO reason such as ARDT already returned, NOOR no original transaction
// received, CUST customer decision, LEGL legal decision, AGNT, NOAS no answer
// from the customer) or pending.
//
// The model keeps: the assignment, the resolved case, the investigation status
// (Sts: a confirmation code such as CNCL, RJCR, PDCR, MODI; or a duplicate-of
// case; or an assignment-cancellation confirmation; or modification rejection
// reasons), and the cancellation details: the original group with its group
// cancellation status, and per transaction the status id, the original payment's
// references, the cancellation status (ACCR accepted, RJCR rejected, PDCR pending)
// and its reasons. CxlDtls may repeat in a received message: the transactions of
// every CxlDtls are read, the original group of the first; a built resolution has
// at most one CxlDtls. OrgnlPmtInfAndSts (for customer-initiated pain.001 payments,
// which the platform does not carry), ModDtls, ClmNonRctDtls, StmtDtls, CrrctnTx
// and RsltnRltdInf are accepted and ignored.
//
// `resolution` builds the answer to a camt.056 model.

import type { XmlElement } from '../../xml/reader.js';
import { SCHEMAS } from '../schema/index.js';
import {
  amountX,
  assignmentX,
  caseX,
  partyOrAgentX,
  readOriginalTxRefs,
  type OriginalTxRefs,
  readAssignment,
  readCase,
  readCode,
  readPartyOrAgent,
  readReasonInfo,
  reasonInfoX,
  type CaseAssignment,
  type CodeOrProprietary,
  type InvestigationCase,
  type PartyOrAgent,
  type ReasonInformation,
} from './common.js';
import type { Camt056 } from './camt056.js';
import { BuildError, compact, kid, kids, listOrUndefined, text, writeDocument, type XObj } from './tree.js';

/** InvestigationStatus5Choice. */
export type InvestigationStatus =
  /** ExternalInvestigationExecutionConfirmation1Code: CNCL cancelled as requested, RJCR rejected, PDCR pending, MODI, … */
  | { confirmation: string }
  | { rejected_modification: CodeOrProprietary[] }
  | { duplicate_of: InvestigationCase }
  | { assignment_cancellation_confirmation: boolean };

export type CancellationStatus = 'ACCR' | 'RJCR' | 'PDCR';

export interface ResolutionOriginalGroup {
  original_group_cancellation_id?: string;
  resolved_case?: InvestigationCase;
  original_message_id: string;
  original_message_name_id: string;
  original_creation_date_time?: string;
  /** GroupCancellationStatus1Code: PACR partially accepted, RJCR, ACCR, PDCR. */
  group_cancellation_status?: 'PACR' | CancellationStatus;
  reasons?: ReasonInformation[];
}

export interface CancellationStatusTransaction extends OriginalTxRefs {
  cancellation_status_id?: string;
  resolved_case?: InvestigationCase;
  status?: CancellationStatus;
  reasons?: ReasonInformation[];
  assigner?: PartyOrAgent;
  assignee?: PartyOrAgent;
}

export interface Camt029 {
  assignment: CaseAssignment;
  resolved_case?: InvestigationCase;
  status: InvestigationStatus;
  original_group?: ResolutionOriginalGroup;
  transactions?: CancellationStatusTransaction[];
}

const opt = <T>(v: T | undefined, f: (x: T) => XObj): XObj | undefined => (v === undefined ? undefined : f(v));
const codeChoiceX = (c: CodeOrProprietary): XObj => ('code' in c ? { Cd: c.code } : { Prtry: c.proprietary });

function statusX(s: InvestigationStatus): XObj {
  if ('confirmation' in s) return { Conf: s.confirmation };
  if ('rejected_modification' in s) return { RjctdMod: s.rejected_modification.map(codeChoiceX) };
  if ('duplicate_of' in s) return { DplctOf: caseX(s.duplicate_of) };
  return { AssgnmtCxlConf: String(s.assignment_cancellation_confirmation) };
}
function readStatus(el: XmlElement | undefined): InvestigationStatus {
  const conf = text(el, 'Conf');
  if (conf !== undefined) return { confirmation: conf };
  const rj = kids(el, 'RjctdMod');
  if (rj.length > 0) return { rejected_modification: rj.map((r) => readCode(r) ?? { code: '' }) };
  const dup = readCase(kid(el, 'DplctOf'));
  if (dup !== undefined) return { duplicate_of: dup };
  const a = text(el, 'AssgnmtCxlConf')?.trim();
  return { assignment_cancellation_confirmation: a === 'true' || a === '1' };
}

export function buildCamt029(m: Camt029, out: string[]): void {
  const hasDetails = m.original_group !== undefined || (m.transactions !== undefined && m.transactions.length > 0);
  writeDocument(
    SCHEMAS.get('camt.029.001.09')!,
    {
      RsltnOfInvstgtn: {
        Assgnmt: assignmentX(m.assignment),
        RslvdCase: opt(m.resolved_case, caseX),
        Sts: statusX(m.status),
        CxlDtls: hasDetails
          ? {
              OrgnlGrpInfAndSts: opt(m.original_group, (g) => ({
                OrgnlGrpCxlId: g.original_group_cancellation_id,
                RslvdCase: opt(g.resolved_case, caseX),
                OrgnlMsgId: g.original_message_id,
                OrgnlMsgNmId: g.original_message_name_id,
                OrgnlCreDtTm: g.original_creation_date_time,
                GrpCxlSts: g.group_cancellation_status,
                CxlStsRsnInf: g.reasons?.map(reasonInfoX),
              })),
              TxInfAndSts: m.transactions?.map((t) => ({
                CxlStsId: t.cancellation_status_id,
                RslvdCase: opt(t.resolved_case, caseX),
                OrgnlGrpInf:
                  t.original_message_id === undefined
                    ? undefined
                    : { OrgnlMsgId: t.original_message_id, OrgnlMsgNmId: t.original_message_name_id ?? '', OrgnlCreDtTm: t.original_creation_date_time },
                OrgnlInstrId: t.original_instruction_id,
                OrgnlEndToEndId: t.original_end_to_end_id,
                OrgnlTxId: t.original_transaction_id,
                OrgnlClrSysRef: t.original_clearing_system_reference,
                OrgnlUETR: t.original_uetr,
                TxCxlSts: t.status,
                CxlStsRsnInf: t.reasons?.map(reasonInfoX),
                OrgnlIntrBkSttlmAmt: opt(t.original_interbank_settlement_amount, amountX),
                OrgnlIntrBkSttlmDt: t.original_interbank_settlement_date,
                Assgnr: opt(t.assigner, partyOrAgentX),
                Assgne: opt(t.assignee, partyOrAgentX),
              })),
            }
          : undefined,
      },
    },
    out,
  );
}

export function parseCamt029(doc: XmlElement): Camt029 {
  const body = kid(doc, 'RsltnOfInvstgtn');
  const details = kids(body, 'CxlDtls');
  const og = kid(details[0], 'OrgnlGrpInfAndSts');
  return compact({
    assignment: readAssignment(kid(body, 'Assgnmt')),
    resolved_case: readCase(kid(body, 'RslvdCase')),
    status: readStatus(kid(body, 'Sts')),
    original_group:
      og === undefined
        ? undefined
        : compact({
            original_group_cancellation_id: text(og, 'OrgnlGrpCxlId'),
            resolved_case: readCase(kid(og, 'RslvdCase')),
            original_message_id: text(og, 'OrgnlMsgId') ?? '',
            original_message_name_id: text(og, 'OrgnlMsgNmId') ?? '',
            original_creation_date_time: text(og, 'OrgnlCreDtTm')?.trim(),
            group_cancellation_status: text(og, 'GrpCxlSts') as ResolutionOriginalGroup['group_cancellation_status'],
            reasons: listOrUndefined(kids(og, 'CxlStsRsnInf').map(readReasonInfo)),
          }),
    transactions: listOrUndefined(
      details.flatMap((d) =>
        kids(d, 'TxInfAndSts').map((t) =>
          compact({
            cancellation_status_id: text(t, 'CxlStsId'),
            resolved_case: readCase(kid(t, 'RslvdCase')),
            ...readOriginalTxRefs(t),
            status: text(t, 'TxCxlSts') as CancellationStatus | undefined,
            reasons: listOrUndefined(kids(t, 'CxlStsRsnInf').map(readReasonInfo)),
            assigner: readPartyOrAgent(kid(t, 'Assgnr')),
            assignee: readPartyOrAgent(kid(t, 'Assgne')),
          }),
        ),
      ),
    ),
  });
}

// --- helpers the platform calls ---------------------------------------------------

export interface ResolutionInput {
  /** Assignment id of the answer (Assgnmt/Id). */
  assignment_id: string;
  creation_date_time: string;
  /** accepted: the payment will be returned (pacs.004, reason FOCR); rejected: it will not; pending: not decided yet. */
  outcome: 'accepted' | 'rejected' | 'pending';
  /** For a refusal: ISO cancellation-rejection code, e.g. "ARDT", "NOOR", "CUST", "LEGL", "AGNT", "NOAS". */
  reason?: string;
  additional_information?: string[];
  /** Default: the assignee of the request (who answers). */
  assigner_bic?: string;
  /** Default: the assigner of the request (who asked). */
  assignee_bic?: string;
  /** Answer only the request's transaction with this UETR (default: all of them). */
  uetr?: string;
  /** Status id per transaction; default "<assignment_id>-<n>" (n from 1). */
  status_ids?: string[];
}

const CONFIRMATION: Record<ResolutionInput['outcome'], string> = { accepted: 'CNCL', rejected: 'RJCR', pending: 'PDCR' };
const TX_STATUS: Record<ResolutionInput['outcome'], CancellationStatus> = { accepted: 'ACCR', rejected: 'RJCR', pending: 'PDCR' };

/** The camt.029 answering a camt.056: every (or the chosen) transaction with the same outcome. */
export function resolution(request: Camt056, r: ResolutionInput): Camt029 {
  if (r.outcome === 'rejected' && r.reason === undefined)
    throw new BuildError('/reason', 'a refusal needs a reason code (e.g. ARDT, NOOR, CUST, LEGL, AGNT, NOAS)');
  const txs = (request.transactions ?? []).filter((t) => r.uetr === undefined || t.original_uetr === r.uetr);
  if (r.uetr !== undefined && txs.length === 0) throw new BuildError('/uetr', `the request has no transaction with UETR ${r.uetr}`);
  if (r.status_ids !== undefined && r.status_ids.length !== txs.length) throw new BuildError('/status_ids', 'one status id per answered transaction');
  const reasons: ReasonInformation[] | undefined =
    r.reason === undefined && r.additional_information === undefined
      ? undefined
      : [compact({ code: r.reason, additional_information: r.additional_information })];
  const og = request.original_group;
  return compact({
    assignment: {
      id: r.assignment_id,
      assigner: r.assigner_bic !== undefined ? { agent: { bic: r.assigner_bic } } : request.assignment.assignee,
      assignee: r.assignee_bic !== undefined ? { agent: { bic: r.assignee_bic } } : request.assignment.assigner,
      creation_date_time: r.creation_date_time,
    },
    resolved_case: request.case,
    status: { confirmation: CONFIRMATION[r.outcome] },
    original_group:
      og === undefined || r.uetr !== undefined
        ? undefined
        : compact({
            original_group_cancellation_id: og.group_cancellation_id,
            original_message_id: og.original_message_id,
            original_message_name_id: og.original_message_name_id,
            original_creation_date_time: og.original_creation_date_time,
            group_cancellation_status: og.group_cancellation === true ? TX_STATUS[r.outcome] : undefined,
            reasons: og.group_cancellation === true ? reasons : undefined,
          }),
    transactions: listOrUndefined(
      txs.map((t, i) =>
        compact({
          cancellation_status_id: r.status_ids?.[i] ?? `${r.assignment_id}-${i + 1}`.slice(0, 35),
          original_message_id: t.original_message_id,
          original_message_name_id: t.original_message_name_id,
          original_creation_date_time: t.original_creation_date_time,
          original_instruction_id: t.original_instruction_id,
          original_end_to_end_id: t.original_end_to_end_id,
          original_transaction_id: t.original_transaction_id,
          original_clearing_system_reference: t.original_clearing_system_reference,
          original_uetr: t.original_uetr,
          status: TX_STATUS[r.outcome],
          reasons,
          original_interbank_settlement_amount: t.original_interbank_settlement_amount,
          original_interbank_settlement_date: t.original_interbank_settlement_date,
        }),
      ),
    ),
  });
}
