// The scheme profile the simulator runs on: the banks of each member state, the
// liquidity providers, every participant's starting liquidity per currency, and the
// traffic parameters of a simulated day. `defaultProfile()` builds one from the
// embedded trade matrix; `parseProfile()` reads one back from JSON (the shape
// `profileToJson()` writes and `sco-settle sim profile` prints), refusing bad input
// with a SimInputError that names the field.
//
// Default profile (all deterministic, no randomness):
//  - Banks: DEFAULT_BANKS (60) across the ten members. A member's count is
//    proportional to the square root of its trade turnover (exports + imports in
//    the matrix) — a banking system does not grow linearly with trade — with at
//    least two banks per member (one when fewer than 20 banks are asked for),
//    apportioned by largest remainder. With 60: CN 11, RU 11, IN 8, KZ 6, BY 5,
//    PK 4, IR 4, KG 4, UZ 4, TJ 3.
//  - Bank size (`size`, an integer weight of its country's traffic): Zipf by rank,
//    1,000,000 / rank, so the largest bank of a country carries the most.
//  - Names: invented (see names.ts), registered in the native script for part of
//    each country's banks (Chinese, Cyrillic, Perso-Arabic, Devanagari, Uzbek Latin).
//  - BIC (ISO 9362 BIC8): 4-letter bank code from the Latin name's initials, the
//    member's ISO 3166 country code, and a 2-character location code made of the
//    head-office city's letter and "0". A "0" in the second position marks a TEST
//    BIC in ISO 9362, so a simulated participant can never be mistaken for a
//    live one.
//  - Accounts: each bank holds its home currency and the currency of every member
//    its country trades with in the matrix (either direction); liquidity
//    providers (DEFAULT_LIQUIDITY_PROVIDERS = 3) hold all ten currencies.
//  - Starting liquidity (exact bigint minor units): DEFAULT_LIQUIDITY_RATIO (0.25)
//    of the participant's expected outflow in that currency on a day of
//    `traffic.payments` payments. Payers only ever pay in their home currency
//    (see traffic.ts), so a bank's foreign-currency accounts open at zero; a
//    liquidity provider's account in currency C is its 1/n share of the expected
//    cross-currency payouts in C. The expected outflow uses the mean payment
//    size median·e^(σ²/2) (caps ignored), floored to whole USD once, and the
//    embedded reference rates (src/fx/reference_data.ts); every step after that
//    is exact integer arithmetic, rounding down once at the end.

import { CURRENCIES } from '../fx/iso4217.js';
import { parseDecimal } from '../fx/rational.js';
import { REFERENCE_RATES } from '../fx/reference_data.js';
import { COUNTRY_NAMES, LIQUIDITY_PROVIDER_NAMES, fill } from './names.js';
import { MEMBERS, TRADE_FLOWS, memberByCountry, memberByCurrency, tradeTurnover } from './trade_data.js';

// ---------------------------------------------------------------------------
// Errors

export type SimErrorCode =
  | 'invalid_value'
  | 'missing_field'
  | 'unknown_field'
  | 'unknown_country'
  | 'unknown_currency'
  | 'negative'
  | 'out_of_range'
  | 'duplicate'
  | 'limit_exceeded';

/** Bad simulator input: a profile, a scenario or an option. `field` names where. */
export class SimInputError extends Error {
  constructor(
    readonly code: SimErrorCode,
    readonly field: string,
    readonly reason: string,
    readonly origin = 'profile',
  ) {
    super(`${origin}: field "${field}": ${reason}`);
    this.name = 'SimInputError';
  }
}

// ---------------------------------------------------------------------------
// Types

/** Log-normal payment size, in USD equivalent: median·e^(σZ), clamped to [min_usd, max_usd]. */
export interface SizeParams {
  /** Whole USD. */
  readonly median_usd: number;
  readonly sigma: number;
  /** Whole USD, ≥ 1. */
  readonly min_usd: number;
  /** Whole USD, ≤ SIM_LIMITS.size_usd_max. */
  readonly max_usd: number;
}

export interface TrafficParams {
  /** Payments in the simulated day. */
  readonly payments: number;
  /** Share of payments where the payer pays its currency and the payee receives its own (PvP). */
  readonly cross_currency_share: number;
  /** Share of payments with priority 'urgent'. */
  readonly urgent_share: number;
  /** Share of interbank pacs.009 (the rest are customer pacs.008). */
  readonly interbank_share: number;
  readonly customer_size: SizeParams;
  readonly interbank_size: SizeParams;
  /** Length of the business day from opening to cut-off, hours. */
  readonly day_length_hours: number;
  /** YYYY-MM-DD, used in identifiers and remittance text. */
  readonly business_date: string;
}

export interface SimParticipant {
  /** ISO 9362 BIC8. */
  readonly bic: string;
  /** Registered name, in the native script for some. */
  readonly name: string;
  /** Latin-script (English) form of the name. */
  readonly name_latin: string;
  /** ISO 3166-1 alpha-2 code of a member state. */
  readonly country: string;
  readonly city: string;
  /** Starting balance per currency held, exact minor units; the keys are the accounts held. */
  readonly liquidity: Readonly<Record<string, bigint>>;
}

export interface SimBank extends SimParticipant {
  /** Home currency: the currency of `country`. */
  readonly currency: string;
  /** Integer weight of this bank in its country's traffic (0: never chosen). */
  readonly size: number;
}

export type SimLiquidityProvider = SimParticipant;

export interface SchemeProfile {
  readonly format: typeof PROFILE_FORMAT;
  readonly name: string;
  readonly banks: readonly SimBank[];
  readonly liquidity_providers: readonly SimLiquidityProvider[];
  readonly traffic: TrafficParams;
}

export const PROFILE_FORMAT = 'sco-settle/sim-profile@1';

export const DEFAULT_BANKS = 60;
export const DEFAULT_LIQUIDITY_PROVIDERS = 3;
export const DEFAULT_LIQUIDITY_RATIO = 0.25;
export const DEFAULT_PAYMENTS = 20_000;

export const SIM_LIMITS = Object.freeze({
  banks_max: 2000,
  liquidity_providers_max: LIQUIDITY_PROVIDER_NAMES.length,
  payments_max: 10_000_000,
  /** Per payment, USD equivalent: keeps every amount within ISO 20022's 18 digits even in IRR. */
  size_usd_max: 1_000_000_000,
  bank_size_max: 1_000_000_000,
  /** Starting balance of one account, minor units (the ledger's 128-bit range). */
  liquidity_max: (1n << 127n) - 1n,
  name_chars_max: 140,
  profile_chars_max: 8_000_000,
  day_length_hours_max: 24,
  sigma_max: 4,
});

/**
 * Defaults of a day's traffic. Why these: sizes — most trade payments are
 * modest (customer median USD 20,000) with a long tail (σ = 1.6: the top 1% are
 * above ~USD 0.8m); interbank pacs.009 cover and treasury transfers are larger
 * (median USD 1m, σ = 1.0). 40% cross-currency: the platform exists for
 * local-currency settlement and officials report 80–95% of RU–CN and EAEU
 * settlement in national currencies (../shared/data/README.md), but which side's
 * currency is used varies; 40% of payments converting on the platform (PvP) is a
 * modelling choice, not a statistic. 10% urgent and 10% pacs.009 likewise.
 */
export const DEFAULT_TRAFFIC: TrafficParams = Object.freeze({
  payments: DEFAULT_PAYMENTS,
  cross_currency_share: 0.4,
  urgent_share: 0.1,
  interbank_share: 0.1,
  customer_size: Object.freeze({ median_usd: 20_000, sigma: 1.6, min_usd: 100, max_usd: 250_000_000 }),
  interbank_size: Object.freeze({ median_usd: 1_000_000, sigma: 1.0, min_usd: 10_000, max_usd: 1_000_000_000 }),
  day_length_hours: 10,
  business_date: '2025-08-29',
});

// ---------------------------------------------------------------------------
// Helpers shared with traffic.ts

/** Units of `currency` per USD, exact, from the embedded reference rates. */
export function referenceRate(currency: string): { num: bigint; den: bigint } {
  const row = REFERENCE_RATES.find((r) => r.currency === currency);
  if (row === undefined) throw new SimInputError('unknown_currency', 'currency', `no reference rate for ${currency}`);
  const r = parseDecimal(row.units_per_usd, 'units_per_usd');
  return { num: r.num, den: r.den };
}

/** Minor units per major unit of a member currency (ISO 4217). */
export function minorUnits(currency: string): number {
  const c = CURRENCIES.get(currency);
  if (c === undefined) throw new SimInputError('unknown_currency', 'currency', `${currency} is not an ISO 4217 code`);
  return c.minor_units;
}

/** Mean of a clamp-free log-normal size, floored to whole USD (the one float step). */
export function meanSizeUsd(s: SizeParams): number {
  return Math.floor(s.median_usd * Math.exp((s.sigma * s.sigma) / 2));
}

/** Flows whose two ends both have a bank of positive size; weights in USD thousands. */
export function usableFlows(banks: readonly SimBank[]): typeof TRADE_FLOWS {
  const active = new Set(banks.filter((b) => b.size > 0).map((b) => b.country));
  return TRADE_FLOWS.filter((f) => active.has(f.exporter) && active.has(f.importer));
}

// ---------------------------------------------------------------------------
// Default profile

export interface DefaultProfileOptions {
  banks?: number;
  liquidity_providers?: number;
  liquidity_ratio?: number;
  /** Overrides of DEFAULT_TRAFFIC (e.g. payments, which also sizes starting liquidity). */
  traffic?: Partial<TrafficParams>;
}

/** Bank counts per member: ∝ √turnover, floor of 2 (1 below 20 banks), largest remainder. */
export function allocateBanks(total: number): Map<string, number> {
  checkInt(total, 'banks', MEMBERS.length, SIM_LIMITS.banks_max, 'options');
  const floor = total >= 2 * MEMBERS.length ? 2 : 1;
  const turnover = tradeTurnover();
  const weights = MEMBERS.map((m) => Math.sqrt(turnover.get(m.country) ?? 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - floor * MEMBERS.length;
  const quotas = weights.map((w) => (spare * w) / sum);
  const counts = quotas.map((q) => Math.floor(q));
  let left = spare - counts.reduce((a, b) => a + b, 0);
  const order = quotas.map((q, i) => ({ i, r: q - Math.floor(q) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i]! += 1;
    left--;
  }
  return new Map(MEMBERS.map((m, i) => [m.country, counts[i]! + floor]));
}

/** The members each member trades with in the matrix (either direction), in member order. */
function tradePartners(country: string): string[] {
  const p = new Set<string>();
  for (const f of TRADE_FLOWS) {
    if (f.exporter === country) p.add(f.importer);
    if (f.importer === country) p.add(f.exporter);
  }
  return MEMBERS.map((m) => m.country).filter((c) => p.has(c));
}

const GENERIC_WORDS = new Set(['BANK', 'LIMITED', 'OF', 'THE', 'AND', 'CO', 'LTD', 'FX']);
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A 4-letter bank code from a Latin name, unique within `used` for this country. */
function bankCode(nameLatin: string, country: string, used: Set<string>): string {
  const words = nameLatin
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w.length > 0 && !GENERIC_WORDS.has(w));
  const first = words[0] ?? 'SIMX';
  let code =
    first.slice(0, 2) +
    words
      .slice(1)
      .map((w) => w[0])
      .join('');
  code = (code + first.slice(2) + 'XXXX').slice(0, 4);
  if (!used.has(code + country)) {
    used.add(code + country);
    return code;
  }
  for (const a of LETTERS) {
    for (const b of LETTERS) {
      const c = code.slice(0, 2) + a + b;
      if (!used.has(c + country)) {
        used.add(c + country);
        return c;
      }
    }
  }
  throw new Error('bankCode: no free code'); // unreachable below 676 banks per prefix
}

interface NamedBank {
  name: string;
  name_latin: string;
  city: string;
  location: string;
}

/** The i-th bank name of a country: every (root, type) pair once, then numbered. */
function bankName(country: string, i: number): NamedBank {
  const n = COUNTRY_NAMES[country]!;
  const R = n.bank_roots.length;
  const T = n.bank_types.length;
  const k = i % (R * T);
  const root = n.bank_roots[k % R]!;
  const type = n.bank_types[((k % R) + Math.floor(k / R)) % T]!;
  const round = Math.floor(i / (R * T));
  const suffix = round === 0 ? '' : ` ${round + 1}`;
  const latin = fill(type[0], { r: root[0] }) + suffix;
  const native = fill(type[1], { r: root[1] }) + suffix;
  const useNative = (i * 7 + 3) % 10 < n.bank_native_tenths;
  const city = n.cities[i % n.cities.length]!;
  return { name: useNative ? native : latin, name_latin: latin, city: city[0], location: `${city[2]}0` };
}

/** floor(usd_num / usd_den, converted to `currency` minor units at the reference rate). */
function usdToMinorFloor(usdNum: bigint, usdDen: bigint, currency: string): bigint {
  const rate = referenceRate(currency);
  const scale = 10n ** BigInt(minorUnits(currency));
  return (usdNum * rate.num * scale) / (usdDen * rate.den);
}

const PPM = 1_000_000n;

function ppm(x: number): bigint {
  return BigInt(Math.round(x * 1e6));
}

/** The default scheme profile (see the module header for every rule). Deterministic. */
export function defaultProfile(options: DefaultProfileOptions = {}): SchemeProfile {
  const nBanks = options.banks ?? DEFAULT_BANKS;
  const nLps = options.liquidity_providers ?? DEFAULT_LIQUIDITY_PROVIDERS;
  const ratio = options.liquidity_ratio ?? DEFAULT_LIQUIDITY_RATIO;
  checkInt(nLps, 'liquidity_providers', 0, SIM_LIMITS.liquidity_providers_max, 'options');
  checkShare(ratio, 'liquidity_ratio', 'options', 10);
  const traffic = parseTraffic({ ...trafficToJson(DEFAULT_TRAFFIC), ...stripUndefined(options.traffic ?? {}) }, 'traffic', 'options');
  const counts = allocateBanks(nBanks);
  // Bank codes are unique across banks and liquidity providers: one set of used codes for both.
  const used = new Set<string>();
  const shells = bankShells(counts, used);
  const day = expectedDay(shells, traffic, ratio);
  const banks = fundBanks(shells, day);
  const lps = liquidityProviders(nLps, used, traffic, day);
  const profile: SchemeProfile = {
    format: PROFILE_FORMAT,
    name: `default: ${nBanks} banks, ${nLps} liquidity providers, starting liquidity ${ratio} of the expected outflow of a ${traffic.payments}-payment day`,
    banks: Object.freeze(banks),
    liquidity_providers: Object.freeze(lps),
    traffic,
  };
  return Object.freeze(profile);
}

type BankShell = Omit<SimBank, 'liquidity'>;

/** The banks of each member, named, coded and sized (1,000,000 / rank), without liquidity yet. */
function bankShells(counts: Map<string, number>, used: Set<string>): BankShell[] {
  const shells: BankShell[] = [];
  for (const m of MEMBERS) {
    const count = counts.get(m.country) ?? 0;
    for (let i = 0; i < count; i++) {
      const nb = bankName(m.country, i);
      const code = bankCode(nb.name_latin, m.country, used);
      shells.push({
        bic: `${code}${m.country}${nb.location}`,
        name: nb.name,
        name_latin: nb.name_latin,
        country: m.country,
        city: nb.city,
        currency: m.currency,
        size: Math.round(1_000_000 / (i + 1)),
      });
    }
  }
  return shells;
}

/** The expected day that sizes starting liquidity: exact integers (ppm of the shares) from here on. */
interface ExpectedDay {
  /** Expected daily value in USD × 10^6. */
  dayUsdPpm: bigint;
  /** Total weight of the usable corridors (thousand USD). */
  wTotal: bigint;
  imports: Map<string, bigint>;
  exports: Map<string, bigint>;
  sizeTotal: Map<string, bigint>;
  ratioPpm: bigint;
}

function expectedDay(shells: readonly BankShell[], traffic: TrafficParams, ratio: number): ExpectedDay {
  const s9 = ppm(traffic.interbank_share);
  const dayUsdPpm = BigInt(traffic.payments) * ((PPM - s9) * BigInt(meanSizeUsd(traffic.customer_size)) + s9 * BigInt(meanSizeUsd(traffic.interbank_size)));
  const flows = usableFlows(shells.map((b) => ({ ...b, liquidity: {} })));
  const wTotal = BigInt(flows.reduce((a, f) => a + f.usd_thousands, 0));
  const imports = new Map<string, bigint>();
  const exports = new Map<string, bigint>();
  for (const f of flows) {
    imports.set(f.importer, (imports.get(f.importer) ?? 0n) + BigInt(f.usd_thousands));
    exports.set(f.exporter, (exports.get(f.exporter) ?? 0n) + BigInt(f.usd_thousands));
  }
  const sizeTotal = new Map<string, bigint>();
  for (const b of shells) sizeTotal.set(b.country, (sizeTotal.get(b.country) ?? 0n) + BigInt(b.size));
  return { dayUsdPpm, wTotal, imports, exports, sizeTotal, ratioPpm: ppm(ratio) };
}

/** Each bank's starting liquidity in its own currency; zero in its trade partners' currencies. */
function fundBanks(shells: readonly BankShell[], day: ExpectedDay): SimBank[] {
  const { dayUsdPpm, wTotal, imports, sizeTotal, ratioPpm } = day;
  return shells.map((b) => {
    const liquidity: Record<string, bigint> = {};
    const sTotal = sizeTotal.get(b.country) ?? 0n;
    const imp = imports.get(b.country) ?? 0n;
    // ratio × day × (country's import share) × (bank's size share), in USD.
    const num = dayUsdPpm * imp * BigInt(b.size) * ratioPpm;
    const den = PPM * wTotal * (sTotal === 0n ? 1n : sTotal) * PPM;
    liquidity[b.currency] = wTotal === 0n || sTotal === 0n ? 0n : usdToMinorFloor(num, den, b.currency);
    for (const p of tradePartners(b.country)) liquidity[memberByCountry(p)!.currency] = 0n;
    return Object.freeze({ ...b, liquidity: Object.freeze(liquidity) });
  });
}

/** The liquidity providers, each funded in every member currency for its share of cross-currency payouts. */
function liquidityProviders(nLps: number, used: Set<string>, traffic: TrafficParams, day: ExpectedDay): SimLiquidityProvider[] {
  const { dayUsdPpm, wTotal, exports, ratioPpm } = day;
  const x = ppm(traffic.cross_currency_share);
  return LIQUIDITY_PROVIDER_NAMES.slice(0, nLps).map(([country, latin, native, cityIndex], i) => {
    const names = COUNTRY_NAMES[country]!;
    const city = names.cities[cityIndex]!;
    const code = bankCode(latin, country, used);
    const liquidity: Record<string, bigint> = {};
    for (const m of MEMBERS) {
      const exp = exports.get(m.country) ?? 0n;
      // ratio × day × cross share × (payouts in this currency: its exporters' share) / n.
      const num = dayUsdPpm * x * exp * ratioPpm;
      const den = PPM * PPM * (wTotal === 0n ? 1n : wTotal) * BigInt(nLps) * PPM;
      liquidity[m.currency] = usdToMinorFloor(num, den, m.currency);
    }
    return Object.freeze({
      bic: `${code}${country}${city[2]}0`,
      name: i < 2 ? native : latin,
      name_latin: latin,
      country,
      city: city[0],
      liquidity: Object.freeze(liquidity),
    });
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------------------
// JSON

function sizeToJson(s: SizeParams): Record<string, number> {
  return { median_usd: s.median_usd, sigma: s.sigma, min_usd: s.min_usd, max_usd: s.max_usd };
}

function trafficToJson(t: TrafficParams): Record<string, unknown> {
  return {
    payments: t.payments,
    cross_currency_share: t.cross_currency_share,
    urgent_share: t.urgent_share,
    interbank_share: t.interbank_share,
    customer_size: sizeToJson(t.customer_size),
    interbank_size: sizeToJson(t.interbank_size),
    day_length_hours: t.day_length_hours,
    business_date: t.business_date,
  };
}

function liquidityToJson(l: Readonly<Record<string, bigint>>): Record<string, string> {
  return Object.fromEntries(Object.entries(l).map(([c, v]) => [c, v.toString()]));
}

/** A plain-JSON form of the profile: bigint balances as decimal strings. */
export function profileToJson(p: SchemeProfile): Record<string, unknown> {
  return {
    format: p.format,
    name: p.name,
    banks: p.banks.map((b) => ({
      bic: b.bic,
      name: b.name,
      name_latin: b.name_latin,
      country: b.country,
      city: b.city,
      currency: b.currency,
      size: b.size,
      liquidity: liquidityToJson(b.liquidity),
    })),
    liquidity_providers: p.liquidity_providers.map((l) => ({
      bic: l.bic,
      name: l.name,
      name_latin: l.name_latin,
      country: l.country,
      city: l.city,
      liquidity: liquidityToJson(l.liquidity),
    })),
    traffic: trafficToJson(p.traffic),
  };
}

// ---------------------------------------------------------------------------
// Validation

const BIC_RE = /^[A-Z]{4}[A-Z]{2}[A-Z2-9][A-NP-Z0-9](?:[A-Z0-9]{3})?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(o: Obj, allowed: readonly string[], field: string, origin: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      throw new SimInputError('unknown_field', field === '' ? k : `${field}.${k}`, `unknown field; expected one of ${allowed.join(', ')}`, origin);
  }
}

function need(o: Obj, key: string, field: string, origin: string): unknown {
  if (!(key in o) || o[key] === undefined) throw new SimInputError('missing_field', field, 'missing', origin);
  return o[key];
}

function checkNumber(v: unknown, field: string, origin: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new SimInputError('invalid_value', field, `must be a finite number, got ${JSON.stringify(v)}`, origin);
  return v;
}

function checkInt(v: unknown, field: string, min: number, max: number, origin: string): number {
  const n = checkNumber(v, field, origin);
  if (!Number.isSafeInteger(n)) throw new SimInputError('invalid_value', field, `must be an integer, got ${n}`, origin);
  if (n < 0 && min >= 0) throw new SimInputError('negative', field, `must not be negative, got ${n}`, origin);
  if (n < min || n > max) throw new SimInputError(n > max ? 'limit_exceeded' : 'out_of_range', field, `must be from ${min} to ${max}, got ${n}`, origin);
  return n;
}

/** A share in [0, max] (max 1 unless stated). */
export function checkShare(v: unknown, field: string, origin: string, max = 1): number {
  const n = checkNumber(v, field, origin);
  if (n < 0) throw new SimInputError('negative', field, `a share must not be negative, got ${n}`, origin);
  if (n > max) throw new SimInputError('out_of_range', field, `a share must be at most ${max}, got ${n}`, origin);
  return n;
}

function checkString(v: unknown, field: string, origin: string, max: number = SIM_LIMITS.name_chars_max): string {
  if (typeof v !== 'string' || v.trim().length === 0) throw new SimInputError('invalid_value', field, 'must be a non-empty string', origin);
  if (v.length > max) throw new SimInputError('limit_exceeded', field, `longer than ${max} characters`, origin);
  return v;
}

function checkCountry(v: unknown, field: string, origin: string): string {
  if (typeof v !== 'string' || memberByCountry(v) === undefined) {
    throw new SimInputError('unknown_country', field, `unknown country ${JSON.stringify(v)}; members: ${MEMBERS.map((m) => m.country).join(', ')}`, origin);
  }
  return v;
}

function checkCurrency(v: unknown, field: string, origin: string): string {
  if (typeof v !== 'string' || memberByCurrency(v) === undefined) {
    const what = typeof v === 'string' && CURRENCIES.has(v) ? 'not an SCO member currency' : 'unknown currency';
    throw new SimInputError('unknown_currency', field, `${what} ${JSON.stringify(v)}; members: ${MEMBERS.map((m) => m.currency).join(', ')}`, origin);
  }
  return v;
}

function checkAmount(v: unknown, field: string, origin: string): bigint {
  let n: bigint;
  if (typeof v === 'string' && /^-?[0-9]{1,40}$/.test(v)) n = BigInt(v);
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else
    throw new SimInputError(
      'invalid_value',
      field,
      `must be an integer of minor units (a decimal string, or a safe integer), got ${JSON.stringify(v)}`,
      origin,
    );
  if (n < 0n) throw new SimInputError('negative', field, `must not be negative, got ${n}`, origin);
  if (n > SIM_LIMITS.liquidity_max) throw new SimInputError('limit_exceeded', field, `must be at most 2^127 - 1`, origin);
  return n;
}

function parseSize(v: unknown, field: string, origin: string): SizeParams {
  if (!isObj(v)) throw new SimInputError('invalid_value', field, 'must be an object { median_usd, sigma, min_usd, max_usd }', origin);
  checkKeys(v, ['median_usd', 'sigma', 'min_usd', 'max_usd'], field, origin);
  const max = SIM_LIMITS.size_usd_max;
  const min_usd = checkInt(need(v, 'min_usd', `${field}.min_usd`, origin), `${field}.min_usd`, 1, max, origin);
  const max_usd = checkInt(need(v, 'max_usd', `${field}.max_usd`, origin), `${field}.max_usd`, 1, max, origin);
  const median_usd = checkInt(need(v, 'median_usd', `${field}.median_usd`, origin), `${field}.median_usd`, 1, max, origin);
  const sigmaRaw = checkNumber(need(v, 'sigma', `${field}.sigma`, origin), `${field}.sigma`, origin);
  if (sigmaRaw < 0) throw new SimInputError('negative', `${field}.sigma`, `must not be negative, got ${sigmaRaw}`, origin);
  if (sigmaRaw > SIM_LIMITS.sigma_max)
    throw new SimInputError('out_of_range', `${field}.sigma`, `must be at most ${SIM_LIMITS.sigma_max}, got ${sigmaRaw}`, origin);
  if (min_usd > max_usd) throw new SimInputError('out_of_range', `${field}.min_usd`, `must not exceed max_usd (${max_usd}), got ${min_usd}`, origin);
  if (median_usd < min_usd || median_usd > max_usd)
    throw new SimInputError('out_of_range', `${field}.median_usd`, `must be within [min_usd, max_usd] = [${min_usd}, ${max_usd}], got ${median_usd}`, origin);
  return Object.freeze({ median_usd, sigma: sigmaRaw, min_usd, max_usd });
}

/** Traffic parameters; every key optional (defaults from DEFAULT_TRAFFIC), unknown keys refused. */
export function parseTraffic(v: unknown, field = 'traffic', origin = 'profile'): TrafficParams {
  if (!isObj(v)) throw new SimInputError('invalid_value', field, 'must be an object', origin);
  checkKeys(v, Object.keys(DEFAULT_TRAFFIC), field, origin);
  const d = DEFAULT_TRAFFIC;
  const get = (k: keyof TrafficParams): unknown => (v[k] === undefined ? d[k] : v[k]);
  const business_date = checkString(get('business_date'), `${field}.business_date`, origin, 10);
  const m = DATE_RE.exec(business_date);
  const day = m === null ? NaN : Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (m === null || new Date(day).toISOString().slice(0, 10) !== business_date) {
    throw new SimInputError('invalid_value', `${field}.business_date`, `must be a calendar date YYYY-MM-DD, got ${JSON.stringify(business_date)}`, origin);
  }
  const hours = checkNumber(get('day_length_hours'), `${field}.day_length_hours`, origin);
  if (hours < 0) throw new SimInputError('negative', `${field}.day_length_hours`, `must not be negative, got ${hours}`, origin);
  if (hours < 1 || hours > SIM_LIMITS.day_length_hours_max)
    throw new SimInputError('out_of_range', `${field}.day_length_hours`, `must be from 1 to ${SIM_LIMITS.day_length_hours_max}, got ${hours}`, origin);
  return Object.freeze({
    payments: checkInt(get('payments'), `${field}.payments`, 0, SIM_LIMITS.payments_max, origin),
    cross_currency_share: checkShare(get('cross_currency_share'), `${field}.cross_currency_share`, origin),
    urgent_share: checkShare(get('urgent_share'), `${field}.urgent_share`, origin),
    interbank_share: checkShare(get('interbank_share'), `${field}.interbank_share`, origin),
    customer_size: v.customer_size === undefined ? d.customer_size : parseSize(v.customer_size, `${field}.customer_size`, origin),
    interbank_size: v.interbank_size === undefined ? d.interbank_size : parseSize(v.interbank_size, `${field}.interbank_size`, origin),
    day_length_hours: hours,
    business_date,
  });
}

function parseLiquidity(v: unknown, field: string, origin: string): Record<string, bigint> {
  if (!isObj(v)) throw new SimInputError('invalid_value', field, 'must be an object { CURRENCY: "minor units", … }', origin);
  const out: Record<string, bigint> = {};
  for (const [c, amount] of Object.entries(v)) {
    checkCurrency(c, `${field}.${c}`, origin);
    out[c] = checkAmount(amount, `${field}.${c}`, origin);
  }
  return Object.freeze(out);
}

function parseParticipant(v: unknown, field: string, origin: string, bank: boolean): SimBank | SimLiquidityProvider {
  if (!isObj(v)) throw new SimInputError('invalid_value', field, 'must be an object', origin);
  const keys = ['bic', 'name', 'name_latin', 'country', 'city', 'liquidity', ...(bank ? ['currency', 'size'] : [])];
  checkKeys(v, keys, field, origin);
  const country = checkCountry(need(v, 'country', `${field}.country`, origin), `${field}.country`, origin);
  const bicRaw = need(v, 'bic', `${field}.bic`, origin);
  if (typeof bicRaw !== 'string' || !BIC_RE.test(bicRaw)) {
    throw new SimInputError(
      'invalid_value',
      `${field}.bic`,
      `not an ISO 9362 BIC (4 letters, 2-letter country, 2-character location, optional 3-character branch): ${JSON.stringify(bicRaw)}`,
      origin,
    );
  }
  if (bicRaw.slice(4, 6) !== country)
    throw new SimInputError('invalid_value', `${field}.bic`, `BIC country ${bicRaw.slice(4, 6)} differs from the participant's country ${country}`, origin);
  const name = checkString(need(v, 'name', `${field}.name`, origin), `${field}.name`, origin);
  const name_latin = v.name_latin === undefined ? name : checkString(v.name_latin, `${field}.name_latin`, origin);
  const city = v.city === undefined ? '' : checkString(v.city, `${field}.city`, origin);
  const liquidity = parseLiquidity(need(v, 'liquidity', `${field}.liquidity`, origin), `${field}.liquidity`, origin);
  const base = { bic: bicRaw, name, name_latin, country, city, liquidity };
  if (!bank) return Object.freeze(base);
  const home = memberByCountry(country)!.currency;
  const currency = checkCurrency(need(v, 'currency', `${field}.currency`, origin), `${field}.currency`, origin);
  if (currency !== home) throw new SimInputError('invalid_value', `${field}.currency`, `${currency} is not the currency of ${country} (${home})`, origin);
  if (!(home in liquidity))
    throw new SimInputError('missing_field', `${field}.liquidity.${home}`, `missing: a bank holds an account in its home currency`, origin);
  const size = checkInt(need(v, 'size', `${field}.size`, origin), `${field}.size`, 0, SIM_LIMITS.bank_size_max, origin);
  return Object.freeze({ ...base, currency, size });
}

/** Validates a profile read from JSON; the first problem throws a SimInputError naming its field. */
export function parseProfile(value: unknown, origin = 'profile'): SchemeProfile {
  if (!isObj(value)) throw new SimInputError('invalid_value', '(root)', 'a profile must be a JSON object', origin);
  checkKeys(value, ['format', 'name', 'banks', 'liquidity_providers', 'traffic'], '', origin);
  const format = need(value, 'format', 'format', origin);
  if (format !== PROFILE_FORMAT)
    throw new SimInputError('invalid_value', 'format', `must be ${JSON.stringify(PROFILE_FORMAT)}, got ${JSON.stringify(format)}`, origin);
  const name = value.name === undefined ? 'unnamed' : checkString(value.name, 'name', origin, 1000);
  const banksRaw = need(value, 'banks', 'banks', origin);
  if (!Array.isArray(banksRaw)) throw new SimInputError('invalid_value', 'banks', 'must be an array', origin);
  if (banksRaw.length > SIM_LIMITS.banks_max) throw new SimInputError('limit_exceeded', 'banks', `more than ${SIM_LIMITS.banks_max} banks`, origin);
  const lpsRaw = value.liquidity_providers ?? [];
  if (!Array.isArray(lpsRaw)) throw new SimInputError('invalid_value', 'liquidity_providers', 'must be an array', origin);
  if (lpsRaw.length > 100) throw new SimInputError('limit_exceeded', 'liquidity_providers', 'more than 100 liquidity providers', origin);
  const seen = new Map<string, string>();
  const unique = (p: SimParticipant, field: string): void => {
    const prev = seen.get(p.bic);
    if (prev !== undefined) throw new SimInputError('duplicate', `${field}.bic`, `BIC ${p.bic} is already used by ${prev}`, origin);
    seen.set(p.bic, field);
  };
  const banks = banksRaw.map((b, i) => {
    const p = parseParticipant(b, `banks[${i}]`, origin, true) as SimBank;
    unique(p, `banks[${i}]`);
    return p;
  });
  const lps = lpsRaw.map((l, i) => {
    const p = parseParticipant(l, `liquidity_providers[${i}]`, origin, false);
    unique(p, `liquidity_providers[${i}]`);
    return p;
  });
  const traffic = parseTraffic(value.traffic ?? {}, 'traffic', origin);
  if (traffic.payments > 0 && usableFlows(banks).length === 0) {
    throw new SimInputError('invalid_value', 'banks', 'no trade corridor has a bank of positive size at both ends', origin);
  }
  return Object.freeze({ format: PROFILE_FORMAT, name, banks: Object.freeze(banks), liquidity_providers: Object.freeze(lps), traffic });
}

/** Parses the text of a profile file (JSON). */
export function parseProfileText(text: string, origin = 'profile'): SchemeProfile {
  if (text.length > SIM_LIMITS.profile_chars_max)
    throw new SimInputError('limit_exceeded', '(root)', `file longer than ${SIM_LIMITS.profile_chars_max} characters`, origin);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new SimInputError('invalid_value', '(root)', `malformed JSON: ${(err as Error).message}`, origin);
  }
  return parseProfile(value, origin);
}
