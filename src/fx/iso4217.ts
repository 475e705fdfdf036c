// The ISO 4217 currency table the platform uses: alphabetic code, numeric code,
// minor units (digits after the decimal point of the minor unit) and name, plus
// whether the currency is one of the ten SCO member currencies the scheme settles.
// Every amount on the platform is an integer count of a currency's minor units, so
// this table decides what "1" means on every ledger. Beside it, the full ISO 4217
// list (ISO4217), which decides only whether a code is a currency at all: what an
// ISO 20022 message may carry, whether or not the platform settles it.
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

/** A currency of the full ISO 4217 list: what a message may name, whether or not the platform settles it. */
export interface IsoCurrency {
  readonly code: string;
  readonly numeric: number;
  /** null where ISO writes "N.A." (precious metals, bond market units, SDR, test and no-currency codes). */
  readonly minor_units: number | null;
  readonly name: string;
  /** A fund code (ISO: IsFund), e.g. CLF, USN. */
  readonly fund: boolean;
}

/** The publication date of the ISO 4217 list below. */
export const ISO4217_PUBLISHED = '2024-06-25';

/**
 * The full ISO 4217 list one, "current currency & funds": every active code,
 * once (the list repeats a currency for each country that uses it), with its
 * numeric code, minor units and name, and 1 for a fund code. Source: ISO 4217
 * list one as the maintenance agency (SIX Group) published it on 2024-06-25 (its
 * XML, list_one.xml). ISO 20022 messages may carry any of these codes; the
 * platform settles the members and converts through the few in CURRENCIES.
 */
// biome-ignore format: a data table laid out by hand, one currency a line
const ISO4217_LIST: ReadonlyArray<readonly [string, number, number | null, string, 1?]> = [
  ['AED', 784, 2, 'UAE Dirham'],
  ['AFN', 971, 2, 'Afghani'],
  ['ALL', 8, 2, 'Lek'],
  ['AMD', 51, 2, 'Armenian Dram'],
  ['ANG', 532, 2, 'Netherlands Antillean Guilder'],
  ['AOA', 973, 2, 'Kwanza'],
  ['ARS', 32, 2, 'Argentine Peso'],
  ['AUD', 36, 2, 'Australian Dollar'],
  ['AWG', 533, 2, 'Aruban Florin'],
  ['AZN', 944, 2, 'Azerbaijan Manat'],
  ['BAM', 977, 2, 'Convertible Mark'],
  ['BBD', 52, 2, 'Barbados Dollar'],
  ['BDT', 50, 2, 'Taka'],
  ['BGN', 975, 2, 'Bulgarian Lev'],
  ['BHD', 48, 3, 'Bahraini Dinar'],
  ['BIF', 108, 0, 'Burundi Franc'],
  ['BMD', 60, 2, 'Bermudian Dollar'],
  ['BND', 96, 2, 'Brunei Dollar'],
  ['BOB', 68, 2, 'Boliviano'],
  ['BOV', 984, 2, 'Mvdol', 1],
  ['BRL', 986, 2, 'Brazilian Real'],
  ['BSD', 44, 2, 'Bahamian Dollar'],
  ['BTN', 64, 2, 'Ngultrum'],
  ['BWP', 72, 2, 'Pula'],
  ['BYN', 933, 2, 'Belarusian Ruble'],
  ['BZD', 84, 2, 'Belize Dollar'],
  ['CAD', 124, 2, 'Canadian Dollar'],
  ['CDF', 976, 2, 'Congolese Franc'],
  ['CHE', 947, 2, 'WIR Euro', 1],
  ['CHF', 756, 2, 'Swiss Franc'],
  ['CHW', 948, 2, 'WIR Franc', 1],
  ['CLF', 990, 4, 'Unidad de Fomento', 1],
  ['CLP', 152, 0, 'Chilean Peso'],
  ['CNY', 156, 2, 'Yuan Renminbi'],
  ['COP', 170, 2, 'Colombian Peso'],
  ['COU', 970, 2, 'Unidad de Valor Real', 1],
  ['CRC', 188, 2, 'Costa Rican Colon'],
  ['CUC', 931, 2, 'Peso Convertible'],
  ['CUP', 192, 2, 'Cuban Peso'],
  ['CVE', 132, 2, 'Cabo Verde Escudo'],
  ['CZK', 203, 2, 'Czech Koruna'],
  ['DJF', 262, 0, 'Djibouti Franc'],
  ['DKK', 208, 2, 'Danish Krone'],
  ['DOP', 214, 2, 'Dominican Peso'],
  ['DZD', 12, 2, 'Algerian Dinar'],
  ['EGP', 818, 2, 'Egyptian Pound'],
  ['ERN', 232, 2, 'Nakfa'],
  ['ETB', 230, 2, 'Ethiopian Birr'],
  ['EUR', 978, 2, 'Euro'],
  ['FJD', 242, 2, 'Fiji Dollar'],
  ['FKP', 238, 2, 'Falkland Islands Pound'],
  ['GBP', 826, 2, 'Pound Sterling'],
  ['GEL', 981, 2, 'Lari'],
  ['GHS', 936, 2, 'Ghana Cedi'],
  ['GIP', 292, 2, 'Gibraltar Pound'],
  ['GMD', 270, 2, 'Dalasi'],
  ['GNF', 324, 0, 'Guinean Franc'],
  ['GTQ', 320, 2, 'Quetzal'],
  ['GYD', 328, 2, 'Guyana Dollar'],
  ['HKD', 344, 2, 'Hong Kong Dollar'],
  ['HNL', 340, 2, 'Lempira'],
  ['HTG', 332, 2, 'Gourde'],
  ['HUF', 348, 2, 'Forint'],
  ['IDR', 360, 2, 'Rupiah'],
  ['ILS', 376, 2, 'New Israeli Sheqel'],
  ['INR', 356, 2, 'Indian Rupee'],
  ['IQD', 368, 3, 'Iraqi Dinar'],
  ['IRR', 364, 2, 'Iranian Rial'],
  ['ISK', 352, 0, 'Iceland Krona'],
  ['JMD', 388, 2, 'Jamaican Dollar'],
  ['JOD', 400, 3, 'Jordanian Dinar'],
  ['JPY', 392, 0, 'Yen'],
  ['KES', 404, 2, 'Kenyan Shilling'],
  ['KGS', 417, 2, 'Som'],
  ['KHR', 116, 2, 'Riel'],
  ['KMF', 174, 0, 'Comorian Franc'],
  ['KPW', 408, 2, 'North Korean Won'],
  ['KRW', 410, 0, 'Won'],
  ['KWD', 414, 3, 'Kuwaiti Dinar'],
  ['KYD', 136, 2, 'Cayman Islands Dollar'],
  ['KZT', 398, 2, 'Tenge'],
  ['LAK', 418, 2, 'Lao Kip'],
  ['LBP', 422, 2, 'Lebanese Pound'],
  ['LKR', 144, 2, 'Sri Lanka Rupee'],
  ['LRD', 430, 2, 'Liberian Dollar'],
  ['LSL', 426, 2, 'Loti'],
  ['LYD', 434, 3, 'Libyan Dinar'],
  ['MAD', 504, 2, 'Moroccan Dirham'],
  ['MDL', 498, 2, 'Moldovan Leu'],
  ['MGA', 969, 2, 'Malagasy Ariary'],
  ['MKD', 807, 2, 'Denar'],
  ['MMK', 104, 2, 'Kyat'],
  ['MNT', 496, 2, 'Tugrik'],
  ['MOP', 446, 2, 'Pataca'],
  ['MRU', 929, 2, 'Ouguiya'],
  ['MUR', 480, 2, 'Mauritius Rupee'],
  ['MVR', 462, 2, 'Rufiyaa'],
  ['MWK', 454, 2, 'Malawi Kwacha'],
  ['MXN', 484, 2, 'Mexican Peso'],
  ['MXV', 979, 2, 'Mexican Unidad de Inversion (UDI)', 1],
  ['MYR', 458, 2, 'Malaysian Ringgit'],
  ['MZN', 943, 2, 'Mozambique Metical'],
  ['NAD', 516, 2, 'Namibia Dollar'],
  ['NGN', 566, 2, 'Naira'],
  ['NIO', 558, 2, 'Cordoba Oro'],
  ['NOK', 578, 2, 'Norwegian Krone'],
  ['NPR', 524, 2, 'Nepalese Rupee'],
  ['NZD', 554, 2, 'New Zealand Dollar'],
  ['OMR', 512, 3, 'Rial Omani'],
  ['PAB', 590, 2, 'Balboa'],
  ['PEN', 604, 2, 'Sol'],
  ['PGK', 598, 2, 'Kina'],
  ['PHP', 608, 2, 'Philippine Peso'],
  ['PKR', 586, 2, 'Pakistan Rupee'],
  ['PLN', 985, 2, 'Zloty'],
  ['PYG', 600, 0, 'Guarani'],
  ['QAR', 634, 2, 'Qatari Rial'],
  ['RON', 946, 2, 'Romanian Leu'],
  ['RSD', 941, 2, 'Serbian Dinar'],
  ['RUB', 643, 2, 'Russian Ruble'],
  ['RWF', 646, 0, 'Rwanda Franc'],
  ['SAR', 682, 2, 'Saudi Riyal'],
  ['SBD', 90, 2, 'Solomon Islands Dollar'],
  ['SCR', 690, 2, 'Seychelles Rupee'],
  ['SDG', 938, 2, 'Sudanese Pound'],
  ['SEK', 752, 2, 'Swedish Krona'],
  ['SGD', 702, 2, 'Singapore Dollar'],
  ['SHP', 654, 2, 'Saint Helena Pound'],
  ['SLE', 925, 2, 'Leone'],
  ['SOS', 706, 2, 'Somali Shilling'],
  ['SRD', 968, 2, 'Surinam Dollar'],
  ['SSP', 728, 2, 'South Sudanese Pound'],
  ['STN', 930, 2, 'Dobra'],
  ['SVC', 222, 2, 'El Salvador Colon'],
  ['SYP', 760, 2, 'Syrian Pound'],
  ['SZL', 748, 2, 'Lilangeni'],
  ['THB', 764, 2, 'Baht'],
  ['TJS', 972, 2, 'Somoni'],
  ['TMT', 934, 2, 'Turkmenistan New Manat'],
  ['TND', 788, 3, 'Tunisian Dinar'],
  ['TOP', 776, 2, 'Pa’anga'],
  ['TRY', 949, 2, 'Turkish Lira'],
  ['TTD', 780, 2, 'Trinidad and Tobago Dollar'],
  ['TWD', 901, 2, 'New Taiwan Dollar'],
  ['TZS', 834, 2, 'Tanzanian Shilling'],
  ['UAH', 980, 2, 'Hryvnia'],
  ['UGX', 800, 0, 'Uganda Shilling'],
  ['USD', 840, 2, 'US Dollar'],
  ['USN', 997, 2, 'US Dollar (Next day)', 1],
  ['UYI', 940, 0, 'Uruguay Peso en Unidades Indexadas (UI)', 1],
  ['UYU', 858, 2, 'Peso Uruguayo'],
  ['UYW', 927, 4, 'Unidad Previsional'],
  ['UZS', 860, 2, 'Uzbekistan Sum'],
  ['VED', 926, 2, 'Bolívar Soberano'],
  ['VES', 928, 2, 'Bolívar Soberano'],
  ['VND', 704, 0, 'Dong'],
  ['VUV', 548, 0, 'Vatu'],
  ['WST', 882, 2, 'Tala'],
  ['XAF', 950, 0, 'CFA Franc BEAC'],
  ['XAG', 961, null, 'Silver'],
  ['XAU', 959, null, 'Gold'],
  ['XBA', 955, null, 'Bond Markets Unit European Composite Unit (EURCO)'],
  ['XBB', 956, null, 'Bond Markets Unit European Monetary Unit (E.M.U.-6)'],
  ['XBC', 957, null, 'Bond Markets Unit European Unit of Account 9 (E.U.A.-9)'],
  ['XBD', 958, null, 'Bond Markets Unit European Unit of Account 17 (E.U.A.-17)'],
  ['XCD', 951, 2, 'East Caribbean Dollar'],
  ['XDR', 960, null, 'SDR (Special Drawing Right)'],
  ['XOF', 952, 0, 'CFA Franc BCEAO'],
  ['XPD', 964, null, 'Palladium'],
  ['XPF', 953, 0, 'CFP Franc'],
  ['XPT', 962, null, 'Platinum'],
  ['XSU', 994, null, 'Sucre'],
  ['XTS', 963, null, 'Codes specifically reserved for testing purposes'],
  ['XUA', 965, null, 'ADB Unit of Account'],
  ['XXX', 999, null, 'The codes assigned for transactions where no currency is involved'],
  ['YER', 886, 2, 'Yemeni Rial'],
  ['ZAR', 710, 2, 'Rand'],
  ['ZMW', 967, 2, 'Zambian Kwacha'],
  ['ZWG', 924, 2, 'Zimbabwe Gold'],
];

/** The full ISO 4217 list, by alphabetic code. */
export const ISO4217: ReadonlyMap<string, IsoCurrency> = new Map(
  ISO4217_LIST.map(([code, numeric, minor_units, name, fund]) => [code, Object.freeze({ code, numeric, minor_units, name, fund: fund === 1 })]),
);

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
