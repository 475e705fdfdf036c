// Building blocks shared by the message models: amounts, parties, agents,
// accounts, addresses — the parts of a payment that screening, clearing and the
// ledger need. Each has a to-XML (XObj) and a from-XML reader; the element names
// are those of the 2019 ISO 20022 components (PartyIdentification135,
// BranchAndFinancialInstitutionIdentification6, CashAccount38, PostalAddress24)
// shared by pacs.008.001.08, pacs.009.001.08 and pacs.002.001.10.
//
// Amounts stay decimal strings exactly as written ("1000.00"); conversion to
// bigint minor units happens where the platform books them (fx/convert.ts).

import type { XmlElement } from '../../xml/reader.js';
import { CURRENCIES, formatScaled } from '../../platform/reference.js';
import { BuildError, compact, kid, kids, listOrUndefined, text, type XObj } from './tree.js';

export interface Amount {
  /** ISO 4217 code. */
  currency: string;
  /** Decimal string in major units, e.g. "1250000.00". */
  value: string;
}

export interface PostalAddress {
  department?: string;
  street_name?: string;
  building_number?: string;
  building_name?: string;
  post_code?: string;
  town_name?: string;
  country_sub_division?: string;
  /** ISO 3166 alpha-2. */
  country?: string;
  address_lines?: string[];
}

/** A debtor or creditor (PartyIdentification135), names and addresses kept for screening. */
export interface Party {
  name?: string;
  postal_address?: PostalAddress;
  /** Organisation identification: AnyBIC and/or LEI, and other ids. */
  bic?: string;
  lei?: string;
  other_ids?: Array<{ id: string; scheme_code?: string }>;
  country_of_residence?: string;
}

/** A financial institution (BranchAndFinancialInstitutionIdentification6). */
export interface Agent {
  bic?: string;
  lei?: string;
  name?: string;
  clearing_member_id?: { clearing_system_code?: string; member_id: string };
  postal_address?: PostalAddress;
}

/** An account (CashAccount38): IBAN or another identifier. */
export interface Account {
  iban?: string;
  other_id?: string;
  currency?: string;
  name?: string;
}

export const amountX = (a: Amount): XObj => ({ $: a.value, '@Ccy': a.currency });
export function readAmount(el: XmlElement | undefined): Amount | undefined {
  if (el === undefined) return undefined;
  const ccy = el.attrs.find((a) => a.local === 'Ccy' && a.ns === '');
  return { currency: ccy?.value ?? '', value: el.text.trim() };
}

export function addressX(a: PostalAddress): XObj {
  return {
    Dept: a.department,
    StrtNm: a.street_name,
    BldgNb: a.building_number,
    BldgNm: a.building_name,
    PstCd: a.post_code,
    TwnNm: a.town_name,
    CtrySubDvsn: a.country_sub_division,
    Ctry: a.country,
    AdrLine: a.address_lines,
  };
}
export function readAddress(el: XmlElement | undefined): PostalAddress | undefined {
  if (el === undefined) return undefined;
  return compact({
    department: text(el, 'Dept'),
    street_name: text(el, 'StrtNm'),
    building_number: text(el, 'BldgNb'),
    building_name: text(el, 'BldgNm'),
    post_code: text(el, 'PstCd'),
    town_name: text(el, 'TwnNm'),
    country_sub_division: text(el, 'CtrySubDvsn'),
    country: text(el, 'Ctry'),
    address_lines: listOrUndefined(kids(el, 'AdrLine').map((l) => l.text)),
  });
}

export function partyX(p: Party): XObj {
  const hasOrgId = p.bic !== undefined || p.lei !== undefined || (p.other_ids !== undefined && p.other_ids.length > 0);
  return {
    Nm: p.name,
    PstlAdr: p.postal_address === undefined ? undefined : addressX(p.postal_address),
    Id: hasOrgId
      ? {
          OrgId: {
            AnyBIC: p.bic,
            LEI: p.lei,
            Othr: p.other_ids?.map((o) => ({ Id: o.id, SchmeNm: o.scheme_code === undefined ? undefined : { Cd: o.scheme_code } })),
          },
        }
      : undefined,
    CtryOfRes: p.country_of_residence,
  };
}
export function readParty(el: XmlElement | undefined): Party | undefined {
  if (el === undefined) return undefined;
  const org = kid(kid(el, 'Id'), 'OrgId');
  return compact({
    name: text(el, 'Nm'),
    postal_address: readAddress(kid(el, 'PstlAdr')),
    bic: text(org, 'AnyBIC'),
    lei: text(org, 'LEI'),
    other_ids: listOrUndefined(kids(org, 'Othr').map((o) => compact({ id: text(o, 'Id') ?? '', scheme_code: text(o, 'SchmeNm', 'Cd') }))),
    country_of_residence: text(el, 'CtryOfRes'),
  });
}

export function agentX(a: Agent): XObj {
  return {
    FinInstnId: {
      BICFI: a.bic,
      ClrSysMmbId:
        a.clearing_member_id === undefined
          ? undefined
          : {
              ClrSysId: a.clearing_member_id.clearing_system_code === undefined ? undefined : { Cd: a.clearing_member_id.clearing_system_code },
              MmbId: a.clearing_member_id.member_id,
            },
      LEI: a.lei,
      Nm: a.name,
      PstlAdr: a.postal_address === undefined ? undefined : addressX(a.postal_address),
    },
  };
}
export function readAgent(el: XmlElement | undefined): Agent | undefined {
  if (el === undefined) return undefined;
  const fi = kid(el, 'FinInstnId');
  const clr = kid(fi, 'ClrSysMmbId');
  return compact({
    bic: text(fi, 'BICFI'),
    clearing_member_id: clr === undefined ? undefined : compact({ clearing_system_code: text(clr, 'ClrSysId', 'Cd'), member_id: text(clr, 'MmbId') ?? '' }),
    lei: text(fi, 'LEI'),
    name: text(fi, 'Nm'),
    postal_address: readAddress(kid(fi, 'PstlAdr')),
  });
}

export function accountX(a: Account): XObj {
  return {
    Id: a.iban !== undefined ? { IBAN: a.iban } : { Othr: { Id: a.other_id ?? '' } },
    Ccy: a.currency,
    Nm: a.name,
  };
}
export function readAccount(el: XmlElement | undefined): Account | undefined {
  if (el === undefined) return undefined;
  return compact({ iban: text(el, 'Id', 'IBAN'), other_id: text(el, 'Id', 'Othr', 'Id'), currency: text(el, 'Ccy'), name: text(el, 'Nm') });
}

/** A code-or-proprietary choice (…Choice with Cd | Prtry): codes as "CODE", proprietary as {proprietary}. */
export type CodeOrProprietary = { code: string } | { proprietary: string };
export const codeX = (c: CodeOrProprietary | undefined): XObj | undefined =>
  c === undefined ? undefined : 'code' in c ? { Cd: c.code } : { Prtry: c.proprietary };
export function readCode(el: XmlElement | undefined): CodeOrProprietary | undefined {
  if (el === undefined) return undefined;
  const cd = text(el, 'Cd');
  if (cd !== undefined) return { code: cd };
  const p = text(el, 'Prtry');
  return p === undefined ? undefined : { proprietary: p };
}

// --- shared by pacs.004, camt.053/054/056/029 (additions for the 2019 investigation and reporting messages) ---

/** Party40Choice: a party (PartyIdentification135) or a financial institution (BranchAndFinancialInstitutionIdentification6). */
export type PartyOrAgent = { party: Party } | { agent: Agent };
export const partyOrAgentX = (p: PartyOrAgent): XObj => ('agent' in p ? { Agt: agentX(p.agent) } : { Pty: partyX(p.party) });
export function readPartyOrAgent(el: XmlElement | undefined): PartyOrAgent | undefined {
  if (el === undefined) return undefined;
  const agt = kid(el, 'Agt');
  if (agt !== undefined) return { agent: readAgent(agt) ?? {} };
  return { party: readParty(kid(el, 'Pty')) ?? {} };
}

/** A reason with its originator (PaymentReturnReason6, PaymentCancellationReason5, CancellationStatusReason4 share this shape). */
export interface ReasonInformation {
  originator?: Party;
  /** ISO external code, e.g. "AC04" (return), "DUPL" (cancellation), "ARDT" (cancellation refused). */
  code?: string;
  proprietary?: string;
  additional_information?: string[];
}
export const reasonInfoX = (r: ReasonInformation): XObj => ({
  Orgtr: r.originator === undefined ? undefined : partyX(r.originator),
  Rsn: r.code !== undefined ? { Cd: r.code } : r.proprietary !== undefined ? { Prtry: r.proprietary } : undefined,
  AddtlInf: r.additional_information,
});
export const readReasonInfo = (el: XmlElement): ReasonInformation =>
  compact({
    originator: readParty(kid(el, 'Orgtr')),
    code: text(el, 'Rsn', 'Cd'),
    proprietary: text(el, 'Rsn', 'Prtry'),
    additional_information: listOrUndefined(kids(el, 'AddtlInf').map((a) => a.text)),
  });

/** CaseAssignment5: who asks whom, under which assignment id, when. */
export interface CaseAssignment {
  id: string;
  assigner: PartyOrAgent;
  assignee: PartyOrAgent;
  creation_date_time: string;
}
export const assignmentX = (a: CaseAssignment): XObj => ({
  Id: a.id,
  Assgnr: partyOrAgentX(a.assigner),
  Assgne: partyOrAgentX(a.assignee),
  CreDtTm: a.creation_date_time,
});
export function readAssignment(el: XmlElement | undefined): CaseAssignment {
  return {
    id: text(el, 'Id') ?? '',
    assigner: readPartyOrAgent(kid(el, 'Assgnr')) ?? { party: {} },
    assignee: readPartyOrAgent(kid(el, 'Assgne')) ?? { party: {} },
    creation_date_time: text(el, 'CreDtTm')?.trim() ?? '',
  };
}

/** Case5: the investigation case. */
export interface InvestigationCase {
  id: string;
  creator: PartyOrAgent;
  reopened?: boolean;
}
export const caseX = (c: InvestigationCase): XObj => ({
  Id: c.id,
  Cretr: partyOrAgentX(c.creator),
  ReopCaseIndctn: c.reopened === undefined ? undefined : String(c.reopened),
});
export function readCase(el: XmlElement | undefined): InvestigationCase | undefined {
  if (el === undefined) return undefined;
  const re = text(el, 'ReopCaseIndctn')?.trim();
  return compact({
    id: text(el, 'Id') ?? '',
    creator: readPartyOrAgent(kid(el, 'Cretr')) ?? { party: {} },
    reopened: re === undefined ? undefined : re === 'true' || re === '1',
  });
}

/** A reference to the message that carried an original payment (OriginalGroupInformation29). */
export interface OriginalGroupRef {
  original_message_id: string;
  /** e.g. "pacs.008.001.08". */
  original_message_name_id: string;
  original_creation_date_time?: string;
}

/** CreditDebitCode. */
export type CreditDebit = 'CRDT' | 'DBIT';

/** An amount as an integer count of the currency's ISO 4217 minor units (the platform's own representation). */
export interface MinorAmount {
  currency: string;
  /** Minor units, e.g. 125000000n for CNY 1,250,000.00. */
  minor: bigint;
}

/** The ISO 4217 minor units of `currency`, or a BuildError naming `path`. */
export function minorUnitsOf(currency: string, path = '/'): number {
  const c = CURRENCIES.get(currency);
  if (c === undefined)
    throw new BuildError(path, `currency ${JSON.stringify(String(currency).slice(0, 16))} is not in the ISO 4217 table this platform carries`);
  return c.minor_units;
}

/**
 * Minor units as an ISO 20022 amount (decimal string with exactly the currency's
 * minor digits): {CNY, 125000050n} -> {currency: "CNY", value: "1250000.50"}. Negative
 * amounts are refused: ISO amounts are unsigned, direction is CdtDbtInd.
 */
export function amountOfMinor(a: MinorAmount, path = '/'): Amount {
  if (typeof a.minor !== 'bigint') throw new BuildError(path, 'amount must be a bigint count of minor units');
  if (a.minor < 0n) throw new BuildError(path, `amount ${a.minor} is negative; ISO 20022 amounts are unsigned (direction is CRDT/DBIT)`);
  return { currency: a.currency, value: formatScaled(a.minor, minorUnitsOf(a.currency, path)) };
}

/** An ISO 20022 amount as minor units; a BuildError when it has more decimals than the currency. */
export function minorOfAmount(a: Amount, path = '/'): bigint {
  const scale = minorUnitsOf(a.currency, path);
  const m = /^\s*\+?([0-9]+)(?:\.([0-9]*))?\s*$/.exec(a.value);
  if (m === null) throw new BuildError(path, `${JSON.stringify(a.value.slice(0, 40))} is not an unsigned decimal amount`);
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > scale) throw new BuildError(path, `${a.value} ${a.currency} has more decimals than the currency's ${scale} minor units`);
  return BigInt(m[1]! + frac.padEnd(scale, '0'));
}

/**
 * References to an original transaction, as returns (pacs.004), cancellation
 * requests (camt.056) and their resolutions (camt.029) quote it.
 */
export interface OriginalTxRefs {
  original_message_id?: string;
  original_message_name_id?: string;
  original_creation_date_time?: string;
  original_instruction_id?: string;
  original_end_to_end_id?: string;
  original_transaction_id?: string;
  original_uetr?: string;
  original_clearing_system_reference?: string;
  original_interbank_settlement_amount?: Amount;
  original_interbank_settlement_date?: string;
}

/** The references in pacs.004/camt.056 element order (OrgnlGrpInf … OrgnlIntrBkSttlmDt). */
export function originalTxRefsX(t: OriginalTxRefs): XObj {
  return {
    OrgnlGrpInf:
      t.original_message_id === undefined
        ? undefined
        : { OrgnlMsgId: t.original_message_id, OrgnlMsgNmId: t.original_message_name_id ?? '', OrgnlCreDtTm: t.original_creation_date_time },
    OrgnlInstrId: t.original_instruction_id,
    OrgnlEndToEndId: t.original_end_to_end_id,
    OrgnlTxId: t.original_transaction_id,
    OrgnlUETR: t.original_uetr,
    OrgnlClrSysRef: t.original_clearing_system_reference,
    OrgnlIntrBkSttlmAmt: t.original_interbank_settlement_amount === undefined ? undefined : amountX(t.original_interbank_settlement_amount),
    OrgnlIntrBkSttlmDt: t.original_interbank_settlement_date,
  };
}

/** Reads the references of a TxInf (any of the three messages; order does not matter when reading). */
export function readOriginalTxRefs(t: XmlElement): OriginalTxRefs {
  return {
    original_message_id: text(t, 'OrgnlGrpInf', 'OrgnlMsgId'),
    original_message_name_id: text(t, 'OrgnlGrpInf', 'OrgnlMsgNmId'),
    original_creation_date_time: text(t, 'OrgnlGrpInf', 'OrgnlCreDtTm')?.trim(),
    original_instruction_id: text(t, 'OrgnlInstrId'),
    original_end_to_end_id: text(t, 'OrgnlEndToEndId'),
    original_transaction_id: text(t, 'OrgnlTxId'),
    original_uetr: text(t, 'OrgnlUETR'),
    original_clearing_system_reference: text(t, 'OrgnlClrSysRef'),
    original_interbank_settlement_amount: readAmount(kid(t, 'OrgnlIntrBkSttlmAmt')),
    original_interbank_settlement_date: text(t, 'OrgnlIntrBkSttlmDt')?.trim(),
  };
}
