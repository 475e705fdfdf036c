// pacs.004.001.09, the payment return: sends back the funds of a settled
// pacs.008/pacs.009 (wrong account, closed account, after an accepted
// cancellation request, …). The model keeps what the platform books and
// reconciles: return id, the original payment's references (message, end-to-end
// id, UETR, clearing reference, amount, date), the returned amount, the agents,
// the return chain (who returns to whom) and the ISO return reason. Other optional
// elements of a received return (charges, compensation, OrgnlTxRef, …) are
// accepted and ignored.
//
// `returnOf` builds a return from the original pacs.008/pacs.009 model.

import type { XmlElement } from '../../xml/reader.js';
import { SCHEMAS } from '../schema/index.js';
import {
  agentX,
  amountOfMinor,
  amountX,
  codeX,
  minorOfAmount,
  partyOrAgentX,
  readAgent,
  readAmount,
  readOriginalTxRefs,
  type OriginalTxRefs,
  originalTxRefsX,
  readCode,
  readPartyOrAgent,
  readReasonInfo,
  reasonInfoX,
  type Agent,
  type Amount,
  type CodeOrProprietary,
  type PartyOrAgent,
  type ReasonInformation,
} from './common.js';
import type { ChargeBearer, Pacs008, Pacs009, SettlementMethod } from './pacs008.js';
import { BuildError, compact, kid, kids, listOrUndefined, text, writeDocument, type XObj } from './tree.js';

export interface ReturnGroupHeader {
  message_id: string;
  creation_date_time: string;
  settlement_method: SettlementMethod;
  clearing_system?: CodeOrProprietary;
  total_returned_amount?: Amount;
  interbank_settlement_date?: string;
  instructing_agent?: Agent;
  instructed_agent?: Agent;
}

/** OrgnlGrpInf of the return as a whole (OriginalGroupHeader18), for a return of a whole message. */
export interface ReturnOriginalGroup {
  original_message_id: string;
  original_message_name_id: string;
  original_creation_date_time?: string;
  reasons?: ReasonInformation[];
}

/** TransactionParties7: the parties of the return, in the direction of the return. */
export interface ReturnChain {
  /** Who pays the return: the original creditor. */
  debtor: PartyOrAgent;
  debtor_agent?: Agent;
  creditor_agent?: Agent;
  /** Who receives the return: the original debtor. */
  creditor: PartyOrAgent;
}

export interface ReturnTransaction extends OriginalTxRefs {
  return_id?: string;
  returned_interbank_settlement_amount: Amount;
  interbank_settlement_date?: string;
  returned_instructed_amount?: Amount;
  charge_bearer?: ChargeBearer;
  clearing_system_reference?: string;
  instructing_agent?: Agent;
  instructed_agent?: Agent;
  return_chain?: ReturnChain;
  reasons?: ReasonInformation[];
}

export interface Pacs004 {
  group_header: ReturnGroupHeader;
  original_group?: ReturnOriginalGroup;
  transactions: ReturnTransaction[];
}

const opt = <T>(v: T | undefined, f: (x: T) => XObj): XObj | undefined => (v === undefined ? undefined : f(v));

export function buildPacs004(m: Pacs004, out: string[]): void {
  const g = m.group_header;
  writeDocument(
    SCHEMAS.get('pacs.004.001.09')!,
    {
      PmtRtr: {
        GrpHdr: {
          MsgId: g.message_id,
          CreDtTm: g.creation_date_time,
          NbOfTxs: String(m.transactions.length),
          TtlRtrdIntrBkSttlmAmt: opt(g.total_returned_amount, amountX),
          IntrBkSttlmDt: g.interbank_settlement_date,
          SttlmInf: { SttlmMtd: g.settlement_method, ClrSys: codeX(g.clearing_system) },
          InstgAgt: opt(g.instructing_agent, agentX),
          InstdAgt: opt(g.instructed_agent, agentX),
        },
        OrgnlGrpInf: opt(m.original_group, (o) => ({
          OrgnlMsgId: o.original_message_id,
          OrgnlMsgNmId: o.original_message_name_id,
          OrgnlCreDtTm: o.original_creation_date_time,
          RtrRsnInf: o.reasons?.map(reasonInfoX),
        })),
        TxInf: m.transactions.map((t) => ({
          RtrId: t.return_id,
          ...originalTxRefsX(t),
          RtrdIntrBkSttlmAmt: amountX(t.returned_interbank_settlement_amount),
          IntrBkSttlmDt: t.interbank_settlement_date,
          RtrdInstdAmt: opt(t.returned_instructed_amount, amountX),
          ChrgBr: t.charge_bearer,
          ClrSysRef: t.clearing_system_reference,
          InstgAgt: opt(t.instructing_agent, agentX),
          InstdAgt: opt(t.instructed_agent, agentX),
          RtrChain: opt(t.return_chain, (c) => ({
            Dbtr: partyOrAgentX(c.debtor),
            DbtrAgt: opt(c.debtor_agent, agentX),
            CdtrAgt: opt(c.creditor_agent, agentX),
            Cdtr: partyOrAgentX(c.creditor),
          })),
          RtrRsnInf: t.reasons?.map(reasonInfoX),
        })),
      },
    },
    out,
  );
}

export function parsePacs004(doc: XmlElement): Pacs004 {
  const body = kid(doc, 'PmtRtr');
  const gh = kid(body, 'GrpHdr');
  const og = kid(body, 'OrgnlGrpInf');
  const group_header: ReturnGroupHeader = compact({
    message_id: text(gh, 'MsgId') ?? '',
    creation_date_time: text(gh, 'CreDtTm')?.trim() ?? '',
    settlement_method: (text(gh, 'SttlmInf', 'SttlmMtd') ?? '') as SettlementMethod,
    clearing_system: readCode(kid(kid(gh, 'SttlmInf'), 'ClrSys')),
    total_returned_amount: readAmount(kid(gh, 'TtlRtrdIntrBkSttlmAmt')),
    interbank_settlement_date: text(gh, 'IntrBkSttlmDt')?.trim(),
    instructing_agent: readAgent(kid(gh, 'InstgAgt')),
    instructed_agent: readAgent(kid(gh, 'InstdAgt')),
  });
  const transactions: ReturnTransaction[] = kids(body, 'TxInf').map((t) => {
    const chain = kid(t, 'RtrChain');
    return compact({
      return_id: text(t, 'RtrId'),
      ...readOriginalTxRefs(t),
      returned_interbank_settlement_amount: readAmount(kid(t, 'RtrdIntrBkSttlmAmt')) ?? { currency: '', value: '' },
      interbank_settlement_date: text(t, 'IntrBkSttlmDt')?.trim(),
      returned_instructed_amount: readAmount(kid(t, 'RtrdInstdAmt')),
      charge_bearer: text(t, 'ChrgBr') as ChargeBearer | undefined,
      clearing_system_reference: text(t, 'ClrSysRef'),
      instructing_agent: readAgent(kid(t, 'InstgAgt')),
      instructed_agent: readAgent(kid(t, 'InstdAgt')),
      return_chain:
        chain === undefined
          ? undefined
          : compact({
              debtor: readPartyOrAgent(kid(chain, 'Dbtr')) ?? { party: {} },
              debtor_agent: readAgent(kid(chain, 'DbtrAgt')),
              creditor_agent: readAgent(kid(chain, 'CdtrAgt')),
              creditor: readPartyOrAgent(kid(chain, 'Cdtr')) ?? { party: {} },
            }),
      reasons: listOrUndefined(kids(t, 'RtrRsnInf').map(readReasonInfo)),
    });
  });
  // `transactions` stays even when empty (the return of a whole group), so no compact() here.
  if (og === undefined) return { group_header, transactions };
  const original_group: ReturnOriginalGroup = compact({
    original_message_id: text(og, 'OrgnlMsgId') ?? '',
    original_message_name_id: text(og, 'OrgnlMsgNmId') ?? '',
    original_creation_date_time: text(og, 'OrgnlCreDtTm')?.trim(),
    reasons: listOrUndefined(kids(og, 'RtrRsnInf').map(readReasonInfo)),
  });
  return { group_header, original_group, transactions };
}

// --- helpers the platform calls ---------------------------------------------------

/** An original payment as the platform holds it: the typed pacs.008 or pacs.009 model. */
export type OriginalPayment = { message_type: 'pacs.008.001.08'; document: Pacs008 } | { message_type: 'pacs.009.001.08'; document: Pacs009 };

/** The references of one original transaction, as camt.056, camt.029 and pacs.004 quote them. */
export interface OriginalPaymentRef {
  original_message_id: string;
  original_message_name_id: string;
  original_creation_date_time?: string;
  original_instruction_id?: string;
  original_end_to_end_id?: string;
  original_transaction_id?: string;
  original_uetr?: string;
  original_interbank_settlement_amount?: Amount;
  original_interbank_settlement_date?: string;
}

/** The references of every transaction of an original pacs.008/pacs.009 (optionally only the one with `uetr`). */
export function originalRefs(original: OriginalPayment, uetr?: string): OriginalPaymentRef[] {
  const g = original.document.group_header;
  const txs = (original.document.transactions as Array<Pacs008['transactions'][number] | Pacs009['transactions'][number]>).filter(
    (t) => uetr === undefined || t.uetr === uetr,
  );
  if (txs.length === 0)
    throw new BuildError('/', uetr === undefined ? 'the original message has no transactions' : `the original message has no transaction with UETR ${uetr}`);
  return txs.map((t) =>
    compact({
      original_message_id: g.message_id,
      original_message_name_id: original.message_type,
      original_creation_date_time: g.creation_date_time,
      original_instruction_id: t.instruction_id,
      original_end_to_end_id: t.end_to_end_id,
      original_transaction_id: t.transaction_id,
      original_uetr: t.uetr,
      original_interbank_settlement_amount: t.interbank_settlement_amount,
      original_interbank_settlement_date: t.interbank_settlement_date ?? g.interbank_settlement_date,
    }),
  );
}

export interface ReturnInput {
  message_id: string;
  creation_date_time: string;
  /** ISO external return reason code, e.g. "AC04" closed account, "AC01" wrong account, "FOCR" following a cancellation request. */
  reason: string;
  additional_information?: string[];
  /** Return only the transaction with this UETR (default: every transaction of the original). */
  uetr?: string;
  /** A partial return, in minor units of the original currency (only with a single transaction). Default: the full amount. */
  amount_minor?: bigint;
  /** Return id per transaction; default: "<message_id>-<n>" (n from 1). */
  return_id?: string;
  interbank_settlement_date?: string;
  settlement_method?: SettlementMethod;
  clearing_system?: CodeOrProprietary;
  /** Default: the original transaction's instructed agent (the party returning). */
  instructing_agent?: Agent;
  /** Default: the original transaction's instructing agent. */
  instructed_agent?: Agent;
  clearing_system_reference?: string;
}

/**
 * A pacs.004 returning (all or one transaction of) a settled pacs.008/pacs.009.
 * The return chain runs back: debtor = original creditor, creditor = original debtor,
 * with their agents swapped; agents of the group header default to the originals' swapped.
 */
export function returnOf(original: OriginalPayment, input: ReturnInput): Pacs004 {
  const refs = originalRefs(original, input.uetr);
  const doc = original.document;
  const txs = (doc.transactions as Array<Pacs008['transactions'][number] | Pacs009['transactions'][number]>).filter(
    (t) => input.uetr === undefined || t.uetr === input.uetr,
  );
  if (input.amount_minor !== undefined && txs.length !== 1)
    throw new BuildError('/', 'a partial return amount needs exactly one original transaction (give uetr)');
  const transactions: ReturnTransaction[] = txs.map((t, i) => returnTransaction(original, input, t, refs[i]!, i, txs.length));
  const first = txs[0]!;
  const total = transactions.every((t) => t.returned_interbank_settlement_amount.currency === transactions[0]!.returned_interbank_settlement_amount.currency)
    ? amountOfMinor(
        {
          currency: transactions[0]!.returned_interbank_settlement_amount.currency,
          minor: transactions.reduce((s, t) => s + minorOfAmount(t.returned_interbank_settlement_amount, '/transactions'), 0n),
        },
        '/transactions',
      )
    : undefined;
  return {
    group_header: compact({
      message_id: input.message_id,
      creation_date_time: input.creation_date_time,
      settlement_method: input.settlement_method ?? doc.group_header.settlement_method,
      clearing_system: input.clearing_system ?? doc.group_header.clearing_system,
      total_returned_amount: total,
      interbank_settlement_date: input.interbank_settlement_date,
      instructing_agent: input.instructing_agent ?? first.instructed_agent ?? doc.group_header.instructed_agent,
      instructed_agent: input.instructed_agent ?? first.instructing_agent ?? doc.group_header.instructing_agent,
    }),
    transactions,
  };
}

type OriginalTransaction = Pacs008['transactions'][number] | Pacs009['transactions'][number];

/** The i-th returned transaction: the amount (all, or a partial one), the original references and the chain run back. */
function returnTransaction(
  original: OriginalPayment,
  input: ReturnInput,
  t: OriginalTransaction,
  ref: ReturnType<typeof originalRefs>[number],
  i: number,
  count: number,
): ReturnTransaction {
  const orig = t.interbank_settlement_amount;
  let returned: Amount = orig;
  if (input.amount_minor !== undefined) {
    const full = minorOfAmount(orig, '/original/IntrBkSttlmAmt');
    if (input.amount_minor <= 0n || input.amount_minor > full) {
      throw new BuildError('/amount_minor', `a return must be more than 0 and at most the original ${orig.value} ${orig.currency}`);
    }
    returned = amountOfMinor({ currency: orig.currency, minor: input.amount_minor }, '/amount_minor');
  }
  const isFi = original.message_type === 'pacs.009.001.08';
  const debtor: PartyOrAgent = isFi ? { agent: (t as Pacs009['transactions'][number]).debtor } : { party: (t as Pacs008['transactions'][number]).debtor };
  const creditor: PartyOrAgent = isFi ? { agent: (t as Pacs009['transactions'][number]).creditor } : { party: (t as Pacs008['transactions'][number]).creditor };
  return compact({
    return_id: input.return_id !== undefined && count === 1 ? input.return_id : `${input.message_id}-${i + 1}`.slice(0, 35),
    original_message_id: ref.original_message_id,
    original_message_name_id: ref.original_message_name_id,
    original_creation_date_time: ref.original_creation_date_time,
    original_instruction_id: ref.original_instruction_id,
    original_end_to_end_id: ref.original_end_to_end_id,
    original_transaction_id: ref.original_transaction_id,
    original_uetr: ref.original_uetr,
    original_interbank_settlement_amount: orig,
    original_interbank_settlement_date: ref.original_interbank_settlement_date,
    returned_interbank_settlement_amount: returned,
    interbank_settlement_date: input.interbank_settlement_date,
    clearing_system_reference: input.clearing_system_reference,
    return_chain: compact({
      debtor: creditor,
      debtor_agent: t.creditor_agent,
      creditor_agent: t.debtor_agent,
      creditor: debtor,
    }),
    reasons: [compact({ code: input.reason, additional_information: input.additional_information })],
  });
}
