// camt.050 liquidity transfers for tests: the XML a home RTGS sends, with the
// accounts named as the platform's camt.053 statements name them.

import { CAMT050_NS } from '../../src/iso20022/camt050.js';
import type { Platform } from '../../src/platform/platform.js';
import { BUSINESS_DATE, CB } from './platform.js';

export interface Camt050Input {
  msgId?: string;
  e2e: string;
  creditor?: string;
  creditorAccount: string;
  ccy: string;
  amount: string;
  debtor?: string;
  debtorAccount: string;
  date?: string;
  /** Written inside CdtrAcct after Id (an element the platform does not read). */
  cdtrAcctExtra?: string;
  ns?: string;
}

export function camt050(o: Camt050Input): string {
  const agent = (bic: string | undefined, tag: string) => (bic === undefined ? '' : `<${tag}><FinInstnId><BICFI>${bic}</BICFI></FinInstnId></${tag}>`);
  return (
    `<?xml version="1.0" encoding="UTF-8"?><Document xmlns="${o.ns ?? CAMT050_NS}"><LqdtyCdtTrf>` +
    `<MsgHdr><MsgId>${o.msgId ?? `M-${o.e2e}`}</MsgId><CreDtTm>${BUSINESS_DATE}T06:00:00Z</CreDtTm></MsgHdr>` +
    `<LqdtyCdtTrf><LqdtyTrfId><InstrId>I-${o.e2e}</InstrId><EndToEndId>${o.e2e}</EndToEndId></LqdtyTrfId>` +
    agent(o.creditor, 'Cdtr') +
    `<CdtrAcct><Id><Othr><Id>${o.creditorAccount}</Id></Othr></Id>${o.cdtrAcctExtra ?? ''}</CdtrAcct>` +
    `<TrfdAmt><AmtWthCcy Ccy="${o.ccy}">${o.amount}</AmtWthCcy></TrfdAmt>` +
    agent(o.debtor, 'Dbtr') +
    `<DbtrAcct><Id><Othr><Id>${o.debtorAccount}</Id></Othr></Id></DbtrAcct>` +
    (o.date === undefined ? '' : `<SttlmDt>${o.date}</SttlmDt>`) +
    `</LqdtyCdtTrf></LqdtyCdtTrf></Document>`
  );
}

export function accountOf(p: Platform, bic: string, ccy: string): string {
  return p.balance(p.participant(bic)!, ccy).account_id.toString();
}

/** A camt.050 funding `bank` in CNY from the PBoC's mirror account. */
export function cnyFunding(p: Platform, bank: string, e2e: string, amount: string, over: Partial<Camt050Input> = {}): string {
  return camt050({
    e2e,
    creditor: bank,
    creditorAccount: accountOf(p, bank, 'CNY'),
    ccy: 'CNY',
    amount,
    debtor: CB.CNY,
    debtorAccount: accountOf(p, CB.CNY, 'CNY'),
    date: BUSINESS_DATE,
    ...over,
  });
}
