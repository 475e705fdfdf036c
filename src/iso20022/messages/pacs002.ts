// pacs.002.001.10, the payment status report: what the platform answers on every
// status change of a payment (ACSC settled, ACSP/ACCP accepted, PDNG queued, RJCT
// with an ISO reason code such as AM04, AC01, DUPL, RR04, CUTO).

import type { XmlElement } from '../../xml/reader.js';
import { SCHEMAS } from '../schema/index.js';
import { agentX, readAgent, type Agent } from './common.js';
import { compact, kid, kids, listOrUndefined, text, writeDocument, type XObj } from './tree.js';

export interface StatusReason {
  /** ISO external status reason code, e.g. "AM04". */
  code?: string;
  proprietary?: string;
  additional_information?: string[];
}

export interface TransactionStatus {
  status_id?: string;
  original_message_id?: string;
  original_message_name_id?: string;
  original_instruction_id?: string;
  original_end_to_end_id?: string;
  original_transaction_id?: string;
  original_uetr?: string;
  /** ISO external payment transaction status code: ACSC, ACSP, ACCP, PDNG, RJCT, … */
  status?: string;
  reasons?: StatusReason[];
  acceptance_date_time?: string;
  effective_settlement_date?: string;
  clearing_system_reference?: string;
  instructing_agent?: Agent;
  instructed_agent?: Agent;
  /** The journal head containing this status (issue #15): supplementary data JrnlHd, in the platform's own namespace. */
  journal_head?: JournalHeadRef;
}

/** A journal position and the hash of the chain up to it (`SEQ:HASH`, as verify --expect-head takes it). */
export interface JournalHeadRef {
  seq: number;
  hash: string;
}

/** The namespace of the supplementary data a pacs.002 carries the journal head in. */
export const JOURNAL_HEAD_NS = 'urn:sco-settle:journal-head:1';
const JOURNAL_HEAD_PLACE = 'JournalHead';

const headX = (h: JournalHeadRef): XObj => ({
  PlcAndNm: JOURNAL_HEAD_PLACE,
  Envlp: { '#any': { '#name': 'JrnlHd', '@xmlns': JOURNAL_HEAD_NS, Seq: String(h.seq), Hash: h.hash } },
});

function readHead(t: XmlElement): JournalHeadRef | undefined {
  for (const sd of kids(t, 'SplmtryData')) {
    if (text(sd, 'PlcAndNm') !== JOURNAL_HEAD_PLACE) continue;
    const seq = text(sd, 'Envlp', 'JrnlHd', 'Seq');
    const hash = text(sd, 'Envlp', 'JrnlHd', 'Hash');
    if (seq !== undefined && hash !== undefined && /^\d{1,15}$/.test(seq.trim())) return { seq: Number(seq.trim()), hash: hash.trim() };
  }
  return undefined;
}

export interface OriginalGroupStatus {
  original_message_id: string;
  original_message_name_id: string;
  original_creation_date_time?: string;
  group_status?: string;
  reasons?: StatusReason[];
}

export interface Pacs002 {
  group_header: { message_id: string; creation_date_time: string; instructing_agent?: Agent; instructed_agent?: Agent };
  original_groups?: OriginalGroupStatus[];
  transactions?: TransactionStatus[];
}

const opt = <T>(v: T | undefined, f: (x: T) => XObj): XObj | undefined => (v === undefined ? undefined : f(v));
const reasonX = (r: StatusReason): XObj => ({
  Rsn: r.code !== undefined ? { Cd: r.code } : r.proprietary !== undefined ? { Prtry: r.proprietary } : undefined,
  AddtlInf: r.additional_information,
});
const readReason = (el: XmlElement): StatusReason =>
  compact({
    code: text(el, 'Rsn', 'Cd'),
    proprietary: text(el, 'Rsn', 'Prtry'),
    additional_information: listOrUndefined(kids(el, 'AddtlInf').map((a) => a.text)),
  });

export function buildPacs002(m: Pacs002, out: string[]): void {
  writeDocument(
    SCHEMAS.get('pacs.002.001.10')!,
    {
      FIToFIPmtStsRpt: {
        GrpHdr: {
          MsgId: m.group_header.message_id,
          CreDtTm: m.group_header.creation_date_time,
          InstgAgt: opt(m.group_header.instructing_agent, agentX),
          InstdAgt: opt(m.group_header.instructed_agent, agentX),
        },
        OrgnlGrpInfAndSts: m.original_groups?.map((g) => ({
          OrgnlMsgId: g.original_message_id,
          OrgnlMsgNmId: g.original_message_name_id,
          OrgnlCreDtTm: g.original_creation_date_time,
          GrpSts: g.group_status,
          StsRsnInf: g.reasons?.map(reasonX),
        })),
        TxInfAndSts: m.transactions?.map((t) => ({
          StsId: t.status_id,
          OrgnlGrpInf: t.original_message_id === undefined ? undefined : { OrgnlMsgId: t.original_message_id, OrgnlMsgNmId: t.original_message_name_id ?? '' },
          OrgnlInstrId: t.original_instruction_id,
          OrgnlEndToEndId: t.original_end_to_end_id,
          OrgnlTxId: t.original_transaction_id,
          OrgnlUETR: t.original_uetr,
          TxSts: t.status,
          StsRsnInf: t.reasons?.map(reasonX),
          AccptncDtTm: t.acceptance_date_time,
          FctvIntrBkSttlmDt: t.effective_settlement_date === undefined ? undefined : { Dt: t.effective_settlement_date },
          ClrSysRef: t.clearing_system_reference,
          InstgAgt: opt(t.instructing_agent, agentX),
          InstdAgt: opt(t.instructed_agent, agentX),
          SplmtryData: opt(t.journal_head, headX),
        })),
      },
    },
    out,
  );
}

export function parsePacs002(doc: XmlElement): Pacs002 {
  const body = kid(doc, 'FIToFIPmtStsRpt');
  const gh = kid(body, 'GrpHdr');
  return compact({
    group_header: compact({
      message_id: text(gh, 'MsgId') ?? '',
      creation_date_time: text(gh, 'CreDtTm')?.trim() ?? '',
      instructing_agent: readAgent(kid(gh, 'InstgAgt')),
      instructed_agent: readAgent(kid(gh, 'InstdAgt')),
    }),
    original_groups: listOrUndefined(
      kids(body, 'OrgnlGrpInfAndSts').map((g) =>
        compact({
          original_message_id: text(g, 'OrgnlMsgId') ?? '',
          original_message_name_id: text(g, 'OrgnlMsgNmId') ?? '',
          original_creation_date_time: text(g, 'OrgnlCreDtTm')?.trim(),
          group_status: text(g, 'GrpSts'),
          reasons: listOrUndefined(kids(g, 'StsRsnInf').map(readReason)),
        }),
      ),
    ),
    transactions: listOrUndefined(
      kids(body, 'TxInfAndSts').map((t) =>
        compact({
          status_id: text(t, 'StsId'),
          original_message_id: text(t, 'OrgnlGrpInf', 'OrgnlMsgId'),
          original_message_name_id: text(t, 'OrgnlGrpInf', 'OrgnlMsgNmId'),
          original_instruction_id: text(t, 'OrgnlInstrId'),
          original_end_to_end_id: text(t, 'OrgnlEndToEndId'),
          original_transaction_id: text(t, 'OrgnlTxId'),
          original_uetr: text(t, 'OrgnlUETR'),
          status: text(t, 'TxSts'),
          reasons: listOrUndefined(kids(t, 'StsRsnInf').map(readReason)),
          acceptance_date_time: text(t, 'AccptncDtTm')?.trim(),
          effective_settlement_date: text(t, 'FctvIntrBkSttlmDt', 'Dt')?.trim(),
          clearing_system_reference: text(t, 'ClrSysRef'),
          instructing_agent: readAgent(kid(t, 'InstgAgt')),
          instructed_agent: readAgent(kid(t, 'InstdAgt')),
          journal_head: readHead(t),
        }),
      ),
    ),
  });
}
