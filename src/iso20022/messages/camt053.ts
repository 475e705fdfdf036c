// camt.053.001.08, the bank-to-customer statement: one per settlement account per
// business day, with its opening and closing booked balances and every entry of
// the day. This module also owns the account report and entry model that
// camt.054.001.08 (./camt054.ts) shares: both messages use GroupHeader81,
// CashAccount39 and ReportEntry10.
//
// The model keeps what a bank reconciles with: statement id and sequence number,
// account (id, currency, owner, servicer), balances (type, amount, direction,
// date), the transaction summary, and for each entry its amount and direction,
// status, booking and value dates, references (the platform's reference, the
// payment's UETR, end-to-end id, instruction id, message id, clearing reference),
// the counterparty, purpose, remittance and return information. An entry's
// NtryDtls/TxDtls are read from every NtryDtls (batch information dropped) and
// written as one NtryDtls. Other optional elements of a received report (interest,
// availability, card and securities data, …) are accepted and ignored.
//
// Dates (DateAndDateTime2Choice) are one string: "YYYY-MM-DD" is written as Dt,
// anything with a "T" as DtTm.
//
// `statementFor` builds a statement from an account's opening balance and entries.

import type { XmlElement } from '../../xml/reader.js';
import { SCHEMAS } from '../schema/index.js';
import {
  accountX,
  agentX,
  amountOfMinor,
  amountX,
  codeX,
  minorUnitsOf,
  partyOrAgentX,
  partyX,
  readAccount,
  readAgent,
  readAmount,
  readCode,
  readParty,
  readPartyOrAgent,
  type Account,
  type Agent,
  type Amount,
  type CodeOrProprietary,
  type CreditDebit,
  type Party,
  type PartyOrAgent,
  type ReasonInformation,
} from './common.js';
import { formatScaled } from '../../platform/reference.js';
import { BuildError, compact, kid, kids, listOrUndefined, text, writeDocument, type XObj } from './tree.js';

/** GroupHeader81. */
export interface ReportGroupHeader {
  message_id: string;
  creation_date_time: string;
  recipient?: Party;
  additional_information?: string;
}

/** CashAccount39: the reported account, with its owner and servicer. */
export interface ReportAccount extends Account {
  owner?: Party;
  servicer?: Agent;
}

/** "YYYY-MM-DD" (Dt) or an ISO date-time (DtTm). */
export type DateOrDateTime = string;

export interface Balance {
  /** ExternalBalanceType1Code: OPBD opening booked, CLBD closing booked, ITBD interim booked, CLAV closing available, … */
  type: CodeOrProprietary;
  amount: Amount;
  credit_debit: CreditDebit;
  date: DateOrDateTime;
}

export interface NumberAndSum {
  number_of_entries?: string;
  /** Decimal string. */
  sum?: string;
}

/** TotalTransactions6, without the per-bank-transaction-code totals. */
export interface TransactionsSummary extends NumberAndSum {
  net?: { amount: string; credit_debit: CreditDebit };
  credits?: NumberAndSum;
  debits?: NumberAndSum;
}

/** BankTransactionCodeStructure4: ISO domain/family/sub-family and/or a proprietary code. */
export interface BankTransactionCode {
  domain?: { code: string; family: string; sub_family: string };
  proprietary?: { code: string; issuer?: string };
}

/** TransactionReferences6, the references a platform entry carries. */
export interface EntryReferences {
  message_id?: string;
  account_servicer_reference?: string;
  instruction_id?: string;
  end_to_end_id?: string;
  uetr?: string;
  transaction_id?: string;
  clearing_system_reference?: string;
}

/** EntryTransaction10: one transaction behind an entry. */
export interface EntryTransaction {
  references?: EntryReferences;
  amount?: Amount;
  credit_debit?: CreditDebit;
  bank_transaction_code?: BankTransactionCode;
  debtor?: PartyOrAgent;
  debtor_account?: Account;
  creditor?: PartyOrAgent;
  creditor_account?: Account;
  debtor_agent?: Agent;
  creditor_agent?: Agent;
  purpose?: CodeOrProprietary;
  remittance_information?: string[];
  /** RtrInf: why the payment behind this entry was returned. */
  return_reason?: ReasonInformation;
  additional_information?: string;
}

/** ReportEntry10. */
export interface Entry {
  reference?: string;
  amount: Amount;
  credit_debit: CreditDebit;
  reversal?: boolean;
  /** ExternalEntryStatus1Code: BOOK, PDNG, INFO, FUTR. */
  status: CodeOrProprietary;
  booking_date?: DateOrDateTime;
  value_date?: DateOrDateTime;
  account_servicer_reference?: string;
  bank_transaction_code: BankTransactionCode;
  transactions?: EntryTransaction[];
  additional_information?: string;
}

/** AccountStatement9 (camt.053) and AccountNotification17 (camt.054, which has no balances). */
export interface AccountReport {
  id: string;
  page?: { number: string; last: boolean };
  electronic_sequence_number?: string;
  legal_sequence_number?: string;
  creation_date_time?: string;
  from_to?: { from: string; to: string };
  account: ReportAccount;
  related_account?: Account;
  balances?: Balance[];
  summary?: TransactionsSummary;
  entries?: Entry[];
  additional_information?: string;
}

export interface Camt053 {
  group_header: ReportGroupHeader;
  statements: AccountReport[];
}

const opt = <T>(v: T | undefined, f: (x: T) => XObj): XObj | undefined => (v === undefined ? undefined : f(v));
const dateX = (d: DateOrDateTime): XObj => (d.includes('T') ? { DtTm: d } : { Dt: d });
const readDate = (el: XmlElement | undefined): DateOrDateTime | undefined => (el === undefined ? undefined : (text(el, 'Dt') ?? text(el, 'DtTm'))?.trim());
const readBool = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : v.trim() === 'true' || v.trim() === '1');

export const reportGroupHeaderX = (g: ReportGroupHeader): XObj => ({
  MsgId: g.message_id,
  CreDtTm: g.creation_date_time,
  MsgRcpt: opt(g.recipient, partyX),
  AddtlInf: g.additional_information,
});
export const readReportGroupHeader = (el: XmlElement | undefined): ReportGroupHeader =>
  compact({
    message_id: text(el, 'MsgId') ?? '',
    creation_date_time: text(el, 'CreDtTm')?.trim() ?? '',
    recipient: readParty(kid(el, 'MsgRcpt')),
    additional_information: text(el, 'AddtlInf'),
  });

const reportAccountX = (a: ReportAccount): XObj => ({ ...accountX(a), Ownr: opt(a.owner, partyX), Svcr: opt(a.servicer, agentX) });
function readReportAccount(el: XmlElement | undefined): ReportAccount {
  const a = readAccount(el) ?? {};
  return compact({ ...a, owner: readParty(kid(el, 'Ownr')), servicer: readAgent(kid(el, 'Svcr')) });
}

const numberAndSumX = (n: NumberAndSum): XObj => ({ NbOfNtries: n.number_of_entries, Sum: n.sum });
const readNumberAndSum = (el: XmlElement | undefined): NumberAndSum | undefined =>
  el === undefined ? undefined : compact({ number_of_entries: text(el, 'NbOfNtries')?.trim(), sum: text(el, 'Sum')?.trim() });

const bankTxCodeX = (b: BankTransactionCode): XObj => ({
  Domn: opt(b.domain, (d) => ({ Cd: d.code, Fmly: { Cd: d.family, SubFmlyCd: d.sub_family } })),
  Prtry: opt(b.proprietary, (p) => ({ Cd: p.code, Issr: p.issuer })),
});
function readBankTxCode(el: XmlElement | undefined): BankTransactionCode | undefined {
  if (el === undefined) return undefined;
  const d = kid(el, 'Domn');
  const p = kid(el, 'Prtry');
  return compact({
    domain: d === undefined ? undefined : { code: text(d, 'Cd') ?? '', family: text(d, 'Fmly', 'Cd') ?? '', sub_family: text(d, 'Fmly', 'SubFmlyCd') ?? '' },
    proprietary: p === undefined ? undefined : compact({ code: text(p, 'Cd') ?? '', issuer: text(p, 'Issr') }),
  });
}

const refsX = (r: EntryReferences): XObj => ({
  MsgId: r.message_id,
  AcctSvcrRef: r.account_servicer_reference,
  InstrId: r.instruction_id,
  EndToEndId: r.end_to_end_id,
  UETR: r.uetr,
  TxId: r.transaction_id,
  ClrSysRef: r.clearing_system_reference,
});
const readRefs = (el: XmlElement | undefined): EntryReferences | undefined =>
  el === undefined
    ? undefined
    : compact({
        message_id: text(el, 'MsgId'),
        account_servicer_reference: text(el, 'AcctSvcrRef'),
        instruction_id: text(el, 'InstrId'),
        end_to_end_id: text(el, 'EndToEndId'),
        uetr: text(el, 'UETR'),
        transaction_id: text(el, 'TxId'),
        clearing_system_reference: text(el, 'ClrSysRef'),
      });

function entryTxX(t: EntryTransaction): XObj {
  const parties = t.debtor !== undefined || t.debtor_account !== undefined || t.creditor !== undefined || t.creditor_account !== undefined;
  const agents = t.debtor_agent !== undefined || t.creditor_agent !== undefined;
  return {
    Refs: opt(t.references, refsX),
    Amt: opt(t.amount, amountX),
    CdtDbtInd: t.credit_debit,
    BkTxCd: opt(t.bank_transaction_code, bankTxCodeX),
    RltdPties: parties
      ? {
          Dbtr: opt(t.debtor, partyOrAgentX),
          DbtrAcct: opt(t.debtor_account, accountX),
          Cdtr: opt(t.creditor, partyOrAgentX),
          CdtrAcct: opt(t.creditor_account, accountX),
        }
      : undefined,
    RltdAgts: agents ? { DbtrAgt: opt(t.debtor_agent, agentX), CdtrAgt: opt(t.creditor_agent, agentX) } : undefined,
    Purp: codeX(t.purpose),
    RmtInf: t.remittance_information === undefined ? undefined : { Ustrd: t.remittance_information },
    RtrInf: opt(t.return_reason, (r) => ({
      Orgtr: opt(r.originator, partyX),
      Rsn: r.code !== undefined ? { Cd: r.code } : r.proprietary !== undefined ? { Prtry: r.proprietary } : undefined,
      AddtlInf: r.additional_information,
    })),
    AddtlTxInf: t.additional_information,
  };
}
function readEntryTx(el: XmlElement): EntryTransaction {
  const p = kid(el, 'RltdPties');
  const a = kid(el, 'RltdAgts');
  const r = kid(el, 'RtrInf');
  return compact({
    references: readRefs(kid(el, 'Refs')),
    amount: readAmount(kid(el, 'Amt')),
    credit_debit: text(el, 'CdtDbtInd') as CreditDebit | undefined,
    bank_transaction_code: readBankTxCode(kid(el, 'BkTxCd')),
    debtor: readPartyOrAgent(kid(p, 'Dbtr')),
    debtor_account: readAccount(kid(p, 'DbtrAcct')),
    creditor: readPartyOrAgent(kid(p, 'Cdtr')),
    creditor_account: readAccount(kid(p, 'CdtrAcct')),
    debtor_agent: readAgent(kid(a, 'DbtrAgt')),
    creditor_agent: readAgent(kid(a, 'CdtrAgt')),
    purpose: readCode(kid(el, 'Purp')),
    remittance_information: listOrUndefined(kids(kid(el, 'RmtInf'), 'Ustrd').map((u) => u.text)),
    return_reason:
      r === undefined
        ? undefined
        : compact({
            originator: readParty(kid(r, 'Orgtr')),
            code: text(r, 'Rsn', 'Cd'),
            proprietary: text(r, 'Rsn', 'Prtry'),
            additional_information: listOrUndefined(kids(r, 'AddtlInf').map((x) => x.text)),
          }),
    additional_information: text(el, 'AddtlTxInf'),
  });
}

const entryX = (e: Entry): XObj => ({
  NtryRef: e.reference,
  Amt: amountX(e.amount),
  CdtDbtInd: e.credit_debit,
  RvslInd: e.reversal === undefined ? undefined : String(e.reversal),
  Sts: codeX(e.status),
  BookgDt: opt(e.booking_date, dateX),
  ValDt: opt(e.value_date, dateX),
  AcctSvcrRef: e.account_servicer_reference,
  BkTxCd: bankTxCodeX(e.bank_transaction_code),
  NtryDtls: e.transactions === undefined ? undefined : { TxDtls: e.transactions.map(entryTxX) },
  AddtlNtryInf: e.additional_information,
});
const readEntry = (el: XmlElement): Entry =>
  compact({
    reference: text(el, 'NtryRef'),
    amount: readAmount(kid(el, 'Amt')) ?? { currency: '', value: '' },
    credit_debit: (text(el, 'CdtDbtInd') ?? '') as CreditDebit,
    reversal: readBool(text(el, 'RvslInd')),
    status: readCode(kid(el, 'Sts')) ?? { code: '' },
    booking_date: readDate(kid(el, 'BookgDt')),
    value_date: readDate(kid(el, 'ValDt')),
    account_servicer_reference: text(el, 'AcctSvcrRef'),
    bank_transaction_code: readBankTxCode(kid(el, 'BkTxCd')) ?? {},
    transactions: listOrUndefined(kids(el, 'NtryDtls').flatMap((d) => kids(d, 'TxDtls').map(readEntryTx))),
    additional_information: text(el, 'AddtlNtryInf'),
  });

/** AccountStatement9 or AccountNotification17 as XML; `kind` picks the element names that differ. */
export function accountReportX(r: AccountReport, kind: 'statement' | 'notification'): XObj {
  if (kind === 'notification' && r.balances !== undefined && r.balances.length > 0)
    throw new BuildError(`/${r.id}`, 'a camt.054 notification carries no balances');
  return {
    Id: r.id,
    [kind === 'statement' ? 'StmtPgntn' : 'NtfctnPgntn']: opt(r.page, (p) => ({ PgNb: p.number, LastPgInd: String(p.last) })),
    ElctrncSeqNb: r.electronic_sequence_number,
    LglSeqNb: r.legal_sequence_number,
    CreDtTm: r.creation_date_time,
    FrToDt: opt(r.from_to, (f) => ({ FrDtTm: f.from, ToDtTm: f.to })),
    Acct: reportAccountX(r.account),
    RltdAcct: opt(r.related_account, accountX),
    Bal: r.balances?.map((b) => ({ Tp: { CdOrPrtry: codeX(b.type) }, Amt: amountX(b.amount), CdtDbtInd: b.credit_debit, Dt: dateX(b.date) })),
    TxsSummry: opt(r.summary, (s) => ({
      TtlNtries:
        s.number_of_entries !== undefined || s.sum !== undefined || s.net !== undefined
          ? { NbOfNtries: s.number_of_entries, Sum: s.sum, TtlNetNtry: opt(s.net, (n) => ({ Amt: n.amount, CdtDbtInd: n.credit_debit })) }
          : undefined,
      TtlCdtNtries: opt(s.credits, numberAndSumX),
      TtlDbtNtries: opt(s.debits, numberAndSumX),
    })),
    Ntry: r.entries?.map(entryX),
    [kind === 'statement' ? 'AddtlStmtInf' : 'AddtlNtfctnInf']: r.additional_information,
  };
}

export function readAccountReport(el: XmlElement, kind: 'statement' | 'notification'): AccountReport {
  const pg = kid(el, kind === 'statement' ? 'StmtPgntn' : 'NtfctnPgntn');
  const fr = kid(el, 'FrToDt');
  const sm = kid(el, 'TxsSummry');
  const tt = kid(sm, 'TtlNtries');
  const net = kid(tt, 'TtlNetNtry');
  return compact({
    id: text(el, 'Id') ?? '',
    page: pg === undefined ? undefined : { number: text(pg, 'PgNb')?.trim() ?? '', last: readBool(text(pg, 'LastPgInd')) ?? false },
    electronic_sequence_number: text(el, 'ElctrncSeqNb')?.trim(),
    legal_sequence_number: text(el, 'LglSeqNb')?.trim(),
    creation_date_time: text(el, 'CreDtTm')?.trim(),
    from_to: fr === undefined ? undefined : { from: text(fr, 'FrDtTm')?.trim() ?? '', to: text(fr, 'ToDtTm')?.trim() ?? '' },
    account: readReportAccount(kid(el, 'Acct')),
    related_account: readAccount(kid(el, 'RltdAcct')),
    balances: listOrUndefined(
      kids(el, 'Bal').map((b) => ({
        type: readCode(kid(kid(b, 'Tp'), 'CdOrPrtry')) ?? { code: '' },
        amount: readAmount(kid(b, 'Amt')) ?? { currency: '', value: '' },
        credit_debit: (text(b, 'CdtDbtInd') ?? '') as CreditDebit,
        date: readDate(kid(b, 'Dt')) ?? '',
      })),
    ),
    summary:
      sm === undefined
        ? undefined
        : compact({
            number_of_entries: text(tt, 'NbOfNtries')?.trim(),
            sum: text(tt, 'Sum')?.trim(),
            net: net === undefined ? undefined : { amount: text(net, 'Amt')?.trim() ?? '', credit_debit: (text(net, 'CdtDbtInd') ?? '') as CreditDebit },
            credits: readNumberAndSum(kid(sm, 'TtlCdtNtries')),
            debits: readNumberAndSum(kid(sm, 'TtlDbtNtries')),
          }),
    entries: listOrUndefined(kids(el, 'Ntry').map(readEntry)),
    additional_information: text(el, kind === 'statement' ? 'AddtlStmtInf' : 'AddtlNtfctnInf'),
  });
}

export function buildCamt053(m: Camt053, out: string[]): void {
  writeDocument(
    SCHEMAS.get('camt.053.001.08')!,
    {
      BkToCstmrStmt: { GrpHdr: reportGroupHeaderX(m.group_header), Stmt: m.statements.map((s) => accountReportX(s, 'statement')) },
    },
    out,
  );
}

export function parseCamt053(doc: XmlElement): Camt053 {
  const body = kid(doc, 'BkToCstmrStmt');
  return { group_header: readReportGroupHeader(kid(body, 'GrpHdr')), statements: kids(body, 'Stmt').map((s) => readAccountReport(s, 'statement')) };
}

// --- helpers the platform calls ---------------------------------------------------

/** The settlement account being reported. */
export interface ReportAccountInput {
  /** The platform's account id (written as Id/Othr/Id), unless `iban` is given. */
  id?: string;
  iban?: string;
  /** ISO 4217 code: the account's (and every amount's) currency. */
  currency: string;
  name?: string;
  owner_name?: string;
  /** BIC of the participant holding the account. */
  owner_bic?: string;
  /** BIC of the platform (the account servicer). */
  servicer_bic?: string;
}

/** One booking on the account. Amounts are unsigned minor units of the account's currency. */
export interface EntryInput {
  amount_minor: bigint;
  /** credit: money in; debit: money out. */
  direction: 'credit' | 'debit';
  /** Default: the statement date (camt.053) or the notification's date. */
  booking_date?: DateOrDateTime;
  value_date?: DateOrDateTime;
  /** NtryRef: the platform's transfer id, for instance. */
  entry_reference?: string;
  /** AcctSvcrRef: the platform's reference (also put in TxDtls/Refs). */
  account_servicer_reference?: string;
  /** Default BOOK. */
  status?: 'BOOK' | 'PDNG' | 'INFO' | 'FUTR';
  reversal?: boolean;
  uetr?: string;
  end_to_end_id?: string;
  instruction_id?: string;
  transaction_id?: string;
  /** Id of the message that carried the payment (pacs.008/009 MsgId). */
  message_id?: string;
  clearing_system_reference?: string;
  /** The other side: for a credit the debtor, for a debit the creditor. */
  counterparty?: { name?: string; bic?: string; account?: Account };
  /** The other side's agent (by BIC). */
  counterparty_agent_bic?: string;
  purpose?: string;
  remittance_information?: string[];
  /** Default: PMNT / RCDT (credit) or ICDT (debit) / XBCT (cross-border credit transfer). */
  bank_transaction_code?: BankTransactionCode;
  /** For the entry of a returned payment: the ISO return reason code. */
  return_reason?: string;
  additional_information?: string;
}

export const DEFAULT_BANK_TX_CODE = (direction: 'credit' | 'debit'): BankTransactionCode => ({
  domain: { code: 'PMNT', family: direction === 'credit' ? 'RCDT' : 'ICDT', sub_family: 'XBCT' },
});

function checkMinor(v: unknown, path: string): bigint {
  if (typeof v !== 'bigint') throw new BuildError(path, 'must be a bigint count of minor units');
  if (v < 0n) throw new BuildError(path, `${v} is negative; give the direction instead`);
  return v;
}

export function reportAccountOf(a: ReportAccountInput): ReportAccount {
  if (a.id === undefined && a.iban === undefined) throw new BuildError('/account', 'an account needs an id or an IBAN');
  minorUnitsOf(a.currency, '/account/currency');
  return compact({
    iban: a.iban,
    other_id: a.iban === undefined ? a.id : undefined,
    currency: a.currency,
    name: a.name,
    owner: a.owner_name !== undefined || a.owner_bic !== undefined ? compact({ name: a.owner_name, bic: a.owner_bic }) : undefined,
    servicer: a.servicer_bic === undefined ? undefined : { bic: a.servicer_bic },
  });
}

/** A ReportEntry10 from the platform's view of one booking. */
export function entryOf(e: EntryInput, currency: string, defaultDate: DateOrDateTime | undefined, path = '/entry'): Entry {
  const amount = amountOfMinor({ currency, minor: checkMinor(e.amount_minor, `${path}/amount_minor`) }, path);
  if (e.direction !== 'credit' && e.direction !== 'debit') throw new BuildError(`${path}/direction`, 'must be "credit" or "debit"');
  const cd: CreditDebit = e.direction === 'credit' ? 'CRDT' : 'DBIT';
  const refs: EntryReferences = compact({
    message_id: e.message_id,
    account_servicer_reference: e.account_servicer_reference,
    instruction_id: e.instruction_id,
    end_to_end_id: e.end_to_end_id,
    uetr: e.uetr,
    transaction_id: e.transaction_id,
    clearing_system_reference: e.clearing_system_reference,
  });
  const cp = e.counterparty;
  const cpParty: PartyOrAgent | undefined =
    cp === undefined || (cp.name === undefined && cp.bic === undefined) ? undefined : { party: compact({ name: cp.name, bic: cp.bic }) };
  const cpAgent: Agent | undefined = e.counterparty_agent_bic === undefined ? undefined : { bic: e.counterparty_agent_bic };
  const tx: EntryTransaction = compact({
    references: Object.keys(refs).length > 0 ? refs : undefined,
    amount,
    credit_debit: cd,
    debtor: cd === 'CRDT' ? cpParty : undefined,
    debtor_account: cd === 'CRDT' ? cp?.account : undefined,
    creditor: cd === 'DBIT' ? cpParty : undefined,
    creditor_account: cd === 'DBIT' ? cp?.account : undefined,
    debtor_agent: cd === 'CRDT' ? cpAgent : undefined,
    creditor_agent: cd === 'DBIT' ? cpAgent : undefined,
    purpose: e.purpose === undefined ? undefined : { code: e.purpose },
    remittance_information: e.remittance_information,
    return_reason: e.return_reason === undefined ? undefined : { code: e.return_reason },
  });
  const date = e.booking_date ?? defaultDate;
  return compact({
    reference: e.entry_reference,
    amount,
    credit_debit: cd,
    reversal: e.reversal,
    status: { code: e.status ?? 'BOOK' },
    booking_date: date,
    value_date: e.value_date ?? date,
    account_servicer_reference: e.account_servicer_reference,
    bank_transaction_code: e.bank_transaction_code ?? DEFAULT_BANK_TX_CODE(e.direction),
    transactions: [tx],
    additional_information: e.additional_information,
  });
}

/** Summary of entries: count, sum of amounts, net amount and direction, credits and debits. */
export function summaryOf(entries: ReadonlyArray<{ amount_minor: bigint; direction: 'credit' | 'debit' }>, currency: string): TransactionsSummary {
  const scale = minorUnitsOf(currency);
  let credits = 0n;
  let debits = 0n;
  let nc = 0;
  let nd = 0;
  for (const e of entries) {
    if (e.direction === 'credit') {
      credits += e.amount_minor;
      nc++;
    } else {
      debits += e.amount_minor;
      nd++;
    }
  }
  const net = credits - debits;
  return {
    number_of_entries: String(entries.length),
    sum: formatScaled(credits + debits, scale),
    net: { amount: formatScaled(net < 0n ? -net : net, scale), credit_debit: net < 0n ? 'DBIT' : 'CRDT' },
    credits: { number_of_entries: String(nc), sum: formatScaled(credits, scale) },
    debits: { number_of_entries: String(nd), sum: formatScaled(debits, scale) },
  };
}

export interface StatementInput {
  message_id: string;
  creation_date_time: string;
  /** Default: message_id. */
  statement_id?: string;
  /** The business day reported, YYYY-MM-DD. */
  date: string;
  /** Optional period (date-times); default none. */
  from_to?: { from: string; to: string };
  /** ElctrncSeqNb: the statement's sequence number for the account. */
  sequence_number?: bigint | number;
  account: ReportAccountInput;
  /** Signed minor units: negative is a debit balance (an overdrawn account, intraday credit used). */
  opening_balance_minor: bigint;
  /** Signed minor units; when given, must equal opening + credits - debits. */
  closing_balance_minor?: bigint;
  entries: EntryInput[];
  recipient_bic?: string;
  page?: { number: number; last: boolean };
  additional_information?: string;
}

function balanceOf(type: string, minor: bigint, currency: string, date: string): Balance {
  if (typeof minor !== 'bigint') throw new BuildError(`/${type}`, 'balance must be a bigint count of minor units');
  return {
    type: { code: type },
    amount: amountOfMinor({ currency, minor: minor < 0n ? -minor : minor }, `/${type}`),
    credit_debit: minor < 0n ? 'DBIT' : 'CRDT',
    date,
  };
}

/**
 * A camt.053 for one account and one business day: OPBD and CLBD balances, every
 * entry, and the transaction summary (over every entry reported). The closing
 * booked balance is the opening one plus the booked (status BOOK) credits minus
 * the booked debits; when the caller gives one too, a mismatch is a BuildError
 * (the statement would not add up).
 */
export function statementFor(s: StatementInput): Camt053 {
  const ccy = s.account.currency;
  const entries = s.entries.map((e, i) => entryOf(e, ccy, s.date, `/entries[${i}]`));
  if (typeof s.opening_balance_minor !== 'bigint') throw new BuildError('/opening_balance_minor', 'must be a bigint count of minor units');
  // Booked balances move with booked entries only; pending and information entries are reported but do not count.
  let closing = s.opening_balance_minor;
  for (const e of s.entries) if ((e.status ?? 'BOOK') === 'BOOK') closing += e.direction === 'credit' ? e.amount_minor : -e.amount_minor;
  if (s.closing_balance_minor !== undefined && s.closing_balance_minor !== closing) {
    throw new BuildError(
      '/closing_balance_minor',
      `closing balance ${s.closing_balance_minor} is not opening ${s.opening_balance_minor} + booked credits - booked debits = ${closing}`,
    );
  }
  return {
    group_header: compact({
      message_id: s.message_id,
      creation_date_time: s.creation_date_time,
      recipient: s.recipient_bic === undefined ? undefined : { bic: s.recipient_bic },
    }),
    statements: [
      compact({
        id: s.statement_id ?? s.message_id,
        page: s.page === undefined ? undefined : { number: String(s.page.number), last: s.page.last },
        electronic_sequence_number: s.sequence_number === undefined ? undefined : String(s.sequence_number),
        creation_date_time: s.creation_date_time,
        from_to: s.from_to,
        account: reportAccountOf(s.account),
        balances: [balanceOf('OPBD', s.opening_balance_minor, ccy, s.date), balanceOf('CLBD', closing, ccy, s.date)],
        summary: summaryOf(s.entries, ccy),
        entries: listOrUndefined(entries),
        additional_information: s.additional_information,
      }),
    ],
  };
}
