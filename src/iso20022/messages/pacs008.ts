// pacs.008.001.08 (FI to FI customer credit transfer) and pacs.009.001.08
// (financial institution credit transfer): the payment instructions the platform
// clears. One model per message; both share the group header (GroupHeader93),
// payment ids (PaymentIdentification7) and payment type (PaymentTypeInformation28).

import type { XmlElement } from '../../xml/reader.js';
import { SCHEMAS } from '../schema/index.js';
import {
  accountX,
  agentX,
  amountX,
  codeX,
  partyX,
  readAccount,
  readAgent,
  readAmount,
  readCode,
  readParty,
  type Account,
  type Agent,
  type Amount,
  type CodeOrProprietary,
  type Party,
} from './common.js';
import { compact, kid, kids, listOrUndefined, text, writeDocument, type XObj } from './tree.js';

export type SettlementMethod = 'INDA' | 'INGA' | 'COVE' | 'CLRG';
export type ChargeBearer = 'DEBT' | 'CRED' | 'SHAR' | 'SLEV';

export interface GroupHeader {
  message_id: string;
  creation_date_time: string;
  settlement_method: SettlementMethod;
  /** SttlmInf/ClrSys: the clearing system (code or proprietary). */
  clearing_system?: CodeOrProprietary;
  total_interbank_settlement_amount?: Amount;
  interbank_settlement_date?: string;
  instructing_agent?: Agent;
  instructed_agent?: Agent;
}

export interface PaymentIds {
  instruction_id?: string;
  end_to_end_id: string;
  transaction_id?: string;
  /** UUID v4, lower case. */
  uetr?: string;
}

export interface PaymentType {
  instruction_priority?: 'HIGH' | 'NORM';
  service_level?: CodeOrProprietary;
  local_instrument?: CodeOrProprietary;
  category_purpose?: CodeOrProprietary;
}

/** SttlmTmReq (SettlementTimeRequest2): times of the settlement date (ISOTime, with or without an offset). */
export interface SettlementTimeRequest {
  cls_time?: string;
  /** TillTm: settle by this time (the platform's settle_by). */
  till_time?: string;
  from_time?: string;
  reject_time?: string;
}

export interface CustomerCreditTransfer extends PaymentIds {
  payment_type?: PaymentType;
  interbank_settlement_amount: Amount;
  interbank_settlement_date?: string;
  settlement_time_request?: SettlementTimeRequest;
  instructed_amount?: Amount;
  /** Decimal string. */
  exchange_rate?: string;
  charge_bearer: ChargeBearer;
  instructing_agent?: Agent;
  instructed_agent?: Agent;
  intermediary_agent?: Agent;
  ultimate_debtor?: Party;
  debtor: Party;
  debtor_account?: Account;
  debtor_agent: Agent;
  creditor_agent: Agent;
  creditor: Party;
  creditor_account?: Account;
  ultimate_creditor?: Party;
  purpose?: CodeOrProprietary;
  /** RmtInf/Ustrd lines. */
  remittance_information?: string[];
}

export interface Pacs008 {
  group_header: GroupHeader;
  transactions: CustomerCreditTransfer[];
}

export interface InstitutionCreditTransfer extends PaymentIds {
  payment_type?: PaymentType;
  interbank_settlement_amount: Amount;
  interbank_settlement_date?: string;
  settlement_time_request?: SettlementTimeRequest;
  instructing_agent?: Agent;
  instructed_agent?: Agent;
  intermediary_agent?: Agent;
  debtor: Agent;
  debtor_account?: Account;
  debtor_agent?: Agent;
  creditor_agent?: Agent;
  creditor: Agent;
  creditor_account?: Account;
  purpose?: CodeOrProprietary;
  remittance_information?: string[];
}

export interface Pacs009 {
  group_header: GroupHeader;
  transactions: InstitutionCreditTransfer[];
}

const opt = <T>(v: T | undefined, f: (x: T) => XObj): XObj | undefined => (v === undefined ? undefined : f(v));

function groupHeaderX(g: GroupHeader, count: number): XObj {
  return {
    MsgId: g.message_id,
    CreDtTm: g.creation_date_time,
    NbOfTxs: String(count),
    TtlIntrBkSttlmAmt: opt(g.total_interbank_settlement_amount, amountX),
    IntrBkSttlmDt: g.interbank_settlement_date,
    SttlmInf: { SttlmMtd: g.settlement_method, ClrSys: codeX(g.clearing_system) },
    InstgAgt: opt(g.instructing_agent, agentX),
    InstdAgt: opt(g.instructed_agent, agentX),
  };
}

function readGroupHeader(el: XmlElement | undefined): GroupHeader {
  return compact({
    message_id: text(el, 'MsgId') ?? '',
    creation_date_time: text(el, 'CreDtTm')?.trim() ?? '',
    settlement_method: (text(el, 'SttlmInf', 'SttlmMtd') ?? '') as SettlementMethod,
    clearing_system: readCode(kid(kid(el, 'SttlmInf'), 'ClrSys')),
    total_interbank_settlement_amount: readAmount(kid(el, 'TtlIntrBkSttlmAmt')),
    interbank_settlement_date: text(el, 'IntrBkSttlmDt')?.trim(),
    instructing_agent: readAgent(kid(el, 'InstgAgt')),
    instructed_agent: readAgent(kid(el, 'InstdAgt')),
  });
}

const idsX = (t: PaymentIds): XObj => ({ InstrId: t.instruction_id, EndToEndId: t.end_to_end_id, TxId: t.transaction_id, UETR: t.uetr });

const paymentTypeX = (p: PaymentType): XObj => ({
  InstrPrty: p.instruction_priority,
  SvcLvl: codeX(p.service_level),
  LclInstrm: codeX(p.local_instrument),
  CtgyPurp: codeX(p.category_purpose),
});
function readPaymentType(el: XmlElement | undefined): PaymentType | undefined {
  if (el === undefined) return undefined;
  return compact({
    instruction_priority: text(el, 'InstrPrty') as PaymentType['instruction_priority'],
    service_level: readCode(kid(el, 'SvcLvl')),
    local_instrument: readCode(kid(el, 'LclInstrm')),
    category_purpose: readCode(kid(el, 'CtgyPurp')),
  });
}
const timeRequestX = (r: SettlementTimeRequest): XObj => ({ CLSTm: r.cls_time, TillTm: r.till_time, FrTm: r.from_time, RjctTm: r.reject_time });
function readTimeRequest(el: XmlElement | undefined): SettlementTimeRequest | undefined {
  if (el === undefined) return undefined;
  return compact({
    cls_time: text(el, 'CLSTm')?.trim(),
    till_time: text(el, 'TillTm')?.trim(),
    from_time: text(el, 'FrTm')?.trim(),
    reject_time: text(el, 'RjctTm')?.trim(),
  });
}
const remittanceX = (lines: string[] | undefined): XObj | undefined => (lines === undefined ? undefined : { Ustrd: lines });
const readRemittance = (el: XmlElement | undefined): string[] | undefined => listOrUndefined(kids(kid(el, 'RmtInf'), 'Ustrd').map((u) => u.text));

export function buildPacs008(m: Pacs008, out: string[]): void {
  writeDocument(
    SCHEMAS.get('pacs.008.001.08')!,
    {
      FIToFICstmrCdtTrf: {
        GrpHdr: groupHeaderX(m.group_header, m.transactions.length),
        CdtTrfTxInf: m.transactions.map((t) => ({
          PmtId: idsX(t),
          PmtTpInf: opt(t.payment_type, paymentTypeX),
          IntrBkSttlmAmt: amountX(t.interbank_settlement_amount),
          IntrBkSttlmDt: t.interbank_settlement_date,
          SttlmTmReq: opt(t.settlement_time_request, timeRequestX),
          InstdAmt: opt(t.instructed_amount, amountX),
          XchgRate: t.exchange_rate,
          ChrgBr: t.charge_bearer,
          InstgAgt: opt(t.instructing_agent, agentX),
          InstdAgt: opt(t.instructed_agent, agentX),
          IntrmyAgt1: opt(t.intermediary_agent, agentX),
          UltmtDbtr: opt(t.ultimate_debtor, partyX),
          Dbtr: partyX(t.debtor),
          DbtrAcct: opt(t.debtor_account, accountX),
          DbtrAgt: agentX(t.debtor_agent),
          CdtrAgt: agentX(t.creditor_agent),
          Cdtr: partyX(t.creditor),
          CdtrAcct: opt(t.creditor_account, accountX),
          UltmtCdtr: opt(t.ultimate_creditor, partyX),
          Purp: codeX(t.purpose),
          RmtInf: remittanceX(t.remittance_information),
        })),
      },
    },
    out,
  );
}

export function parsePacs008(doc: XmlElement): Pacs008 {
  const body = kid(doc, 'FIToFICstmrCdtTrf');
  return {
    group_header: readGroupHeader(kid(body, 'GrpHdr')),
    transactions: kids(body, 'CdtTrfTxInf').map((t) => {
      // Explicit fields, not an object spread: a spread into a large literal is several times slower in V8.
      const pmtId = kid(t, 'PmtId');
      return compact({
        instruction_id: text(pmtId, 'InstrId'),
        end_to_end_id: text(pmtId, 'EndToEndId') ?? '',
        transaction_id: text(pmtId, 'TxId'),
        uetr: text(pmtId, 'UETR'),
        payment_type: readPaymentType(kid(t, 'PmtTpInf')),
        interbank_settlement_amount: readAmount(kid(t, 'IntrBkSttlmAmt'))!,
        interbank_settlement_date: text(t, 'IntrBkSttlmDt')?.trim(),
        settlement_time_request: readTimeRequest(kid(t, 'SttlmTmReq')),
        instructed_amount: readAmount(kid(t, 'InstdAmt')),
        exchange_rate: text(t, 'XchgRate')?.trim(),
        charge_bearer: (text(t, 'ChrgBr') ?? '') as ChargeBearer,
        instructing_agent: readAgent(kid(t, 'InstgAgt')),
        instructed_agent: readAgent(kid(t, 'InstdAgt')),
        intermediary_agent: readAgent(kid(t, 'IntrmyAgt1')),
        ultimate_debtor: readParty(kid(t, 'UltmtDbtr')),
        debtor: readParty(kid(t, 'Dbtr')) ?? {},
        debtor_account: readAccount(kid(t, 'DbtrAcct')),
        debtor_agent: readAgent(kid(t, 'DbtrAgt')) ?? {},
        creditor_agent: readAgent(kid(t, 'CdtrAgt')) ?? {},
        creditor: readParty(kid(t, 'Cdtr')) ?? {},
        creditor_account: readAccount(kid(t, 'CdtrAcct')),
        ultimate_creditor: readParty(kid(t, 'UltmtCdtr')),
        purpose: readCode(kid(t, 'Purp')),
        remittance_information: readRemittance(t),
      });
    }),
  };
}

export function buildPacs009(m: Pacs009, out: string[]): void {
  writeDocument(
    SCHEMAS.get('pacs.009.001.08')!,
    {
      FICdtTrf: {
        GrpHdr: groupHeaderX(m.group_header, m.transactions.length),
        CdtTrfTxInf: m.transactions.map((t) => ({
          PmtId: idsX(t),
          PmtTpInf: opt(t.payment_type, paymentTypeX),
          IntrBkSttlmAmt: amountX(t.interbank_settlement_amount),
          IntrBkSttlmDt: t.interbank_settlement_date,
          SttlmTmReq: opt(t.settlement_time_request, timeRequestX),
          InstgAgt: opt(t.instructing_agent, agentX),
          InstdAgt: opt(t.instructed_agent, agentX),
          IntrmyAgt1: opt(t.intermediary_agent, agentX),
          Dbtr: agentX(t.debtor),
          DbtrAcct: opt(t.debtor_account, accountX),
          DbtrAgt: opt(t.debtor_agent, agentX),
          CdtrAgt: opt(t.creditor_agent, agentX),
          Cdtr: agentX(t.creditor),
          CdtrAcct: opt(t.creditor_account, accountX),
          Purp: codeX(t.purpose),
          RmtInf: remittanceX(t.remittance_information),
        })),
      },
    },
    out,
  );
}

export function parsePacs009(doc: XmlElement): Pacs009 {
  const body = kid(doc, 'FICdtTrf');
  return {
    group_header: readGroupHeader(kid(body, 'GrpHdr')),
    transactions: kids(body, 'CdtTrfTxInf').map((t) => {
      // Explicit fields, not an object spread: a spread into a large literal is several times slower in V8.
      const pmtId = kid(t, 'PmtId');
      return compact({
        instruction_id: text(pmtId, 'InstrId'),
        end_to_end_id: text(pmtId, 'EndToEndId') ?? '',
        transaction_id: text(pmtId, 'TxId'),
        uetr: text(pmtId, 'UETR'),
        payment_type: readPaymentType(kid(t, 'PmtTpInf')),
        interbank_settlement_amount: readAmount(kid(t, 'IntrBkSttlmAmt'))!,
        interbank_settlement_date: text(t, 'IntrBkSttlmDt')?.trim(),
        settlement_time_request: readTimeRequest(kid(t, 'SttlmTmReq')),
        instructing_agent: readAgent(kid(t, 'InstgAgt')),
        instructed_agent: readAgent(kid(t, 'InstdAgt')),
        intermediary_agent: readAgent(kid(t, 'IntrmyAgt1')),
        debtor: readAgent(kid(t, 'Dbtr')) ?? {},
        debtor_account: readAccount(kid(t, 'DbtrAcct')),
        debtor_agent: readAgent(kid(t, 'DbtrAgt')),
        creditor_agent: readAgent(kid(t, 'CdtrAgt')),
        creditor: readAgent(kid(t, 'Cdtr')) ?? {},
        creditor_account: readAccount(kid(t, 'CdtrAcct')),
        purpose: readCode(kid(t, 'Purp')),
        remittance_information: readRemittance(t),
      });
    }),
  };
}
