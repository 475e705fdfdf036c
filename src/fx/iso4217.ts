// The ISO 4217 currency table the platform uses: alphabetic code, numeric code,
// minor units (digits after the decimal point of the minor unit) and name, plus
// whether the currency is one of the ten SCO member currencies the scheme settles.
// Every amount on the platform is an integer count of a currency's minor units, so
// this table decides what "1" means on every ledger.
//
// Source: the ISO 4217 list (Table A.1, "current currency & funds"), as carried in
// actualbudget/actual packages/loot-core/src/shared/currency/currencies/iso4217/
// index.ts at commit fc06ebae — the same table the minor_units column of
// ../shared/data/fx-reference-2025-08-29.csv cites (all ten member currencies: 2).
//
// Why not Intl.NumberFormat: Intl's fraction digits come from CLDR, which records
// the digits in everyday *display* use, not ISO's minor unit. With Node 20 / ICU 78,
// `resolvedOptions().maximumFractionDigits` is 0 for IRR and PKR (ISO: 2), 0 for
// IQD (ISO: 3) and 0 for COP and HUF (ISO: 2). A ledger that took its scale from
// Intl would misread every IRR or PKR amount by a factor of 100. Intl also varies
// with the ICU version shipped in the runtime; a settlement scale must not.

import { FxError } from './rational.js';

export interface CurrencyInfo {
  /** ISO 4217 alphabetic code, e.g. "CNY". */
  readonly code: string;
  /** ISO 4217 numeric code, e.g. 156; also used as the ledger number of the currency. */
  readonly numeric: number;
  /** ISO 4217 minor units: amounts are integers of 10^-minor_units of the major unit. */
  readonly minor_units: number;
  readonly name: string;
  /** One of the ten SCO member currencies settled on the platform. */
  readonly sco_member: boolean;
}

/** [code, numeric, minor units, name]; members first, in the order of DESIGN.md. */
const MEMBERS: ReadonlyArray<readonly [string, number, number, string]> = [
  ['CNY', 156, 2, 'Yuan Renminbi'],
  ['RUB', 643, 2, 'Russian Ruble'],
  ['INR', 356, 2, 'Indian Rupee'],
  ['PKR', 586, 2, 'Pakistan Rupee'],
  ['IRR', 364, 2, 'Iranian Rial'],
  ['KZT', 398, 2, 'Tenge'],
  ['KGS', 417, 2, 'Som'],
  ['TJS', 972, 2, 'Somoni'],
  ['UZS', 860, 2, 'Uzbekistan Sum'],
  ['BYN', 933, 2, 'Belarusian Ruble'],
];

/** Non-member currencies: the USD pivot, EUR, and unusual minor units for tests. */
const OTHERS: ReadonlyArray<readonly [string, number, number, string]> = [
  ['USD', 840, 2, 'US Dollar'],
  ['EUR', 978, 2, 'Euro'],
  ['GBP', 826, 2, 'Pound Sterling'],
  ['CHF', 756, 2, 'Swiss Franc'],
  ['JPY', 392, 0, 'Yen'],
  ['KRW', 410, 0, 'Won'],
  ['VND', 704, 0, 'Dong'],
  ['ISK', 352, 0, 'Iceland Krona'],
  ['CLP', 152, 0, 'Chilean Peso'],
  ['KWD', 414, 3, 'Kuwaiti Dinar'],
  ['BHD', 48, 3, 'Bahraini Dinar'],
  ['OMR', 512, 3, 'Rial Omani'],
  ['IQD', 368, 3, 'Iraqi Dinar'],
  ['TND', 788, 3, 'Tunisian Dinar'],
  ['CLF', 990, 4, 'Unidad de Fomento'],
  ['UYW', 927, 4, 'Unidad Previsional'],
  ['COP', 170, 2, 'Colombian Peso'],
];

function build(): ReadonlyMap<string, CurrencyInfo> {
  const m = new Map<string, CurrencyInfo>();
  for (const [code, numeric, minor_units, name] of MEMBERS) m.set(code, Object.freeze({ code, numeric, minor_units, name, sco_member: true }));
  for (const [code, numeric, minor_units, name] of OTHERS) m.set(code, Object.freeze({ code, numeric, minor_units, name, sco_member: false }));
  return m;
}

export const CURRENCIES: ReadonlyMap<string, CurrencyInfo> = build();

/** The ten SCO member currencies, in the order of DESIGN.md. */
export const SCO_MEMBER_CURRENCIES: readonly string[] = Object.freeze(MEMBERS.map((m) => m[0]));

/** The pivot of every cross rate: reference rates are quoted as units per USD. */
export const PIVOT_CURRENCY = 'USD';

const CODE_RE = /^[A-Z]{3}$/;

/** The table entry for `code`, or an unknown_currency error naming `field`. */
export function currencyInfo(code: string, field = 'currency'): CurrencyInfo {
  const c = CURRENCIES.get(code);
  if (c !== undefined) return c;
  const shape =
    typeof code === 'string' && CODE_RE.test(code) ? 'is not in the ISO 4217 table this platform carries' : 'must be a three-letter upper-case ISO 4217 code';
  throw new FxError('unknown_currency', field, `${JSON.stringify(typeof code === 'string' ? code.slice(0, 16) : code)} ${shape}`);
}

/** Like currencyInfo, and also refuses a currency that is not an SCO member currency. */
export function memberCurrency(code: string, field = 'currency'): CurrencyInfo {
  const c = currencyInfo(code, field);
  if (!c.sco_member) {
    throw new FxError('not_a_member_currency', field, `${code} is not an SCO member currency; members: ${SCO_MEMBER_CURRENCIES.join(', ')}`);
  }
  return c;
}

/** 10^minor_units as a bigint, precomputed per currency. */
const SCALES = new Map<string, bigint>([...CURRENCIES.values()].map((c) => [c.code, 10n ** BigInt(c.minor_units)]));

export function minorScale(c: CurrencyInfo): bigint {
  return SCALES.get(c.code) ?? 10n ** BigInt(c.minor_units);
}
