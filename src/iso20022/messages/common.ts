// Building blocks shared by the message models: amounts, parties, agents,
// accounts, addresses — the parts of a payment that screening, clearing and the
// ledger need. Each has a to-XML (XObj) and a from-XML reader; the element names
// are those of the 2019 ISO 20022 components (PartyIdentification135,
// BranchAndFinancialInstitutionIdentification6, CashAccount38, PostalAddress24)
// shared by pacs.008.001.08, pacs.009.001.08 and pacs.002.001.10.
//
// Amounts stay decimal strings exactly as written ("1000.00"); conversion to
// bigint minor units happens where the platform books them (fx/convert.ts).

import type { XmlElement } from '../xml.js';
import { compact, kid, kids, listOrUndefined, text, type XObj } from './tree.js';

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
