// One business day of payment instructions, generated from a seed: the same
// profile, seed and options give the same day, payment for payment, on every
// machine (./prng.ts, no Math.random, no clock).
//
// How a payment is drawn, in this order (the order is part of reproducibility):
//  - Arrival: the day's n arrival times are drawn already sorted (sequential
//    order statistics: u_i = 1 − (1 − u_{i−1})·V^(1/(n−i))), mapped through the
//    inverse CDF of ARRIVAL_PATTERN, so payments come out in arrival order
//    (arrival_offset_ns, ns from the day's opening, never decreases) with O(1)
//    memory. The pattern is a mixture: 40% around a morning peak at 20% of the day
//    (σ 7.5% of the day), 40% around an afternoon peak at 65% (σ 10%), 20% spread
//    evenly. With the default 10-hour day opening at 08:00 the peaks are 10:00 and
//    14:30, with a lull at lunch.
//  - Corridor: a directed trade flow exporter→importer with probability equal to
//    its share of the value in the embedded 2024 matrix (exact integer weights in
//    USD thousands; corridors without a bank at either end are left out and the
//    rest renormalised). The exporter is being paid: the payer bank is in the
//    importer's country, the payee bank in the exporter's. Banks are picked within
//    their country in proportion to `size`. As sizes do not depend on the
//    corridor, the expected value share of every corridor equals its trade share.
//  - Kind: pacs.009 (interbank) with probability interbank_share, else pacs.008.
//  - Currency: with probability cross_currency_share the payer pays in its own
//    currency and the payee receives its own (an FX leg settled PvP);
//    otherwise the whole payment is in the PAYER's currency and the payee bank
//    holds an account in it (every default-profile bank holds the currencies of
//    its country's trade partners).
//  - Priority: 'urgent' with probability urgent_share.
//  - Size: log-normal in USD equivalent, median·e^(σZ) (Z standard normal,
//    Box–Muller), clamped to [min_usd, max_usd]; customer and interbank payments
//    have their own parameters (profile.ts, DEFAULT_TRAFFIC). The size is a
//    float; it is converted ONCE to the payer currency's minor units at the
//    embedded reference rate and ROUNDED DOWN to a whole minor unit (ISO 4217
//    minor units from src/fx/iso4217.ts), never below 1. From then on the amount
//    is an exact bigint.
//  - UETR: a UUID v4 (RFC 4122 version and variant bits) from the seeded stream;
//    its last 32 bits are a bijective mix of (payment number, seed), so the UETRs
//    of one day are unique by construction, not just by chance.
//  - Debtor and creditor: companies in the importer's and exporter's countries
//    (pacs.008; some named in native scripts) or the two banks (pacs.009);
//    purpose code (ISO 20022 ExternalPurpose1Code) and remittance text.
//
// Limits: at most SIM_LIMITS.payments_max payments a day; every amount is from 1
// to SIM_LIMITS.size_usd_max USD equivalent, which stays under 10^18 minor units
// (ISO 20022 amounts have at most 18 digits) even in IRR.

import { Prng } from './prng.js';
import { COUNTRY_NAMES, fill } from './names.js';
import {
  SIM_LIMITS,
  SimInputError,
  checkShare,
  minorUnits,
  referenceRate,
  usableFlows,
  type SchemeProfile,
  type SimBank,
  type SizeParams,
  type TrafficParams,
} from './profile.js';
import { memberByCountry, type TradeFlow } from './trade_data.js';

export interface SimParty {
  readonly name: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

export type PaymentKind = 'pacs.008' | 'pacs.009';
export type Priority = 'urgent' | 'normal';

export interface SimPayment {
  /** 0-based position in the day (arrival order). */
  readonly seq: number;
  /** UUID v4, lower case. */
  readonly uetr: string;
  /** At most 35 characters (ISO 20022 Max35Text). */
  readonly end_to_end_id: string;
  readonly kind: PaymentKind;
  readonly payer_bic: string;
  readonly payee_bic: string;
  /** The importer's country (pays). */
  readonly payer_country: string;
  /** The exporter's country (is paid). */
  readonly payee_country: string;
  /** The currency the payer pays in: always the payer's home currency. */
  readonly currency: string;
  /** Exact minor units of `currency`, ≥ 1. */
  readonly amount_minor: bigint;
  /** Equals `currency` unless the payment is cross-currency (then the payee's home currency). */
  readonly payee_currency: string;
  readonly priority: Priority;
  /** Nanoseconds from the business day's opening; never decreases along the day. */
  readonly arrival_offset_ns: bigint;
  readonly debtor: SimParty;
  readonly creditor: SimParty;
  /** ISO 20022 ExternalPurpose1Code. */
  readonly purpose: string;
  /** Unstructured remittance information, at most 140 characters. */
  readonly remittance: string;
}

export interface TrafficOptions {
  /** uint32; default DEFAULT_SEED. */
  seed?: number;
  /** Overrides of the profile's traffic parameters. */
  payments?: number;
  cross_currency_share?: number;
  urgent_share?: number;
  interbank_share?: number;
}

export const DEFAULT_SEED = 1;

/** The intraday arrival mixture; positions and widths are fractions of the business day. */
export const ARRIVAL_PATTERN = Object.freeze({
  morning: Object.freeze({ weight: 0.4, at: 0.2, sigma: 0.075 }),
  afternoon: Object.freeze({ weight: 0.4, at: 0.65, sigma: 0.1 }),
  background: Object.freeze({ weight: 0.2 }),
});

const NS_PER_HOUR = 3_600_000_000_000;

/** The business day's length in ns. */
export function dayLengthNs(traffic: TrafficParams): bigint {
  return BigInt(Math.round(traffic.day_length_hours * NS_PER_HOUR));
}

export interface CorridorShare {
  readonly exporter: string;
  readonly importer: string;
  /** Expected share of the day's value (and, as sizes do not depend on the corridor, of its count). */
  readonly share: number;
  readonly flow: TradeFlow;
}

/** The corridors a profile can use and their expected value shares (sum 1). */
export function corridorShares(profile: SchemeProfile): CorridorShare[] {
  const flows = usableFlows(profile.banks);
  const total = flows.reduce((a, f) => a + f.usd_thousands, 0);
  return flows.map((f) => ({ exporter: f.exporter, importer: f.importer, share: f.usd_thousands / total, flow: f }));
}

/** Effective traffic parameters: the profile's, with the options' overrides checked. */
export function effectiveTraffic(profile: SchemeProfile, options: TrafficOptions = {}): TrafficParams {
  const t = profile.traffic;
  const payments = options.payments ?? t.payments;
  if (!Number.isSafeInteger(payments) || payments < 0)
    throw new SimInputError(payments < 0 ? 'negative' : 'invalid_value', 'payments', `must be a non-negative integer, got ${payments}`, 'options');
  if (payments > SIM_LIMITS.payments_max)
    throw new SimInputError('limit_exceeded', 'payments', `at most ${SIM_LIMITS.payments_max} payments a day, got ${payments}`, 'options');
  return Object.freeze({
    ...t,
    payments,
    cross_currency_share:
      options.cross_currency_share === undefined ? t.cross_currency_share : checkShare(options.cross_currency_share, 'cross_currency_share', 'options'),
    urgent_share: options.urgent_share === undefined ? t.urgent_share : checkShare(options.urgent_share, 'urgent_share', 'options'),
    interbank_share: options.interbank_share === undefined ? t.interbank_share : checkShare(options.interbank_share, 'interbank_share', 'options'),
  });
}

// ---------------------------------------------------------------------------
// Precomputed tables

const TWO_32 = 4294967296;

/** SplitMix32's finaliser: a bijection on 32-bit integers. */
function mix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[(x >>> 24) & 255]! + HEX[(x >>> 16) & 255]! + HEX[(x >>> 8) & 255]! + HEX[x & 255]!;
}

function normalPdf(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  return Math.exp(-0.5 * z * z) / sigma;
}

const ARRIVAL_BINS = 2400;

/** CDF of the arrival mixture at bin edges (fractions of the day), cdf[0] = 0, cdf[B] = 1. */
function arrivalCdf(): Float64Array {
  const { morning, afternoon, background } = ARRIVAL_PATTERN;
  const cdf = new Float64Array(ARRIVAL_BINS + 1);
  let acc = 0;
  for (let j = 0; j < ARRIVAL_BINS; j++) {
    const x = (j + 0.5) / ARRIVAL_BINS;
    const dens = morning.weight * normalPdf(x, morning.at, morning.sigma) + afternoon.weight * normalPdf(x, afternoon.at, afternoon.sigma) + background.weight;
    acc += dens;
    cdf[j + 1] = acc;
  }
  for (let j = 1; j <= ARRIVAL_BINS; j++) cdf[j] = cdf[j]! / acc;
  cdf[ARRIVAL_BINS] = 1;
  return cdf;
}

/** Computed at the first day generated, not when the module loads (every `sim …` command loads it, #18). */
let arrivalCdfMemo: Float64Array | null = null;

interface BankPicker {
  cum: Float64Array;
  total: number;
  banks: SimBank[];
}

interface Lane {
  exporter: string;
  importer: string;
  payer: BankPicker;
  payee: BankPicker;
  currency: string;
  payee_currency: string;
  minor_per_usd: number;
  debtors: SimParty[];
  creditors: SimParty[];
  goods: readonly string[];
  invoice_prefix: string;
  contract_prefix: string;
  ref_prefix: string;
}

function bankPickers(banks: readonly SimBank[]): Map<string, BankPicker> {
  const by = new Map<string, SimBank[]>();
  for (const b of banks) if (b.size > 0) (by.get(b.country) ?? by.set(b.country, []).get(b.country)!).push(b);
  const out = new Map<string, BankPicker>();
  for (const [country, list] of by) {
    const cum = new Float64Array(list.length);
    let acc = 0;
    list.forEach((b, i) => {
      acc += b.size;
      cum[i] = acc;
    });
    out.set(country, { cum, total: acc, banks: list });
  }
  return out;
}

/** Index of the first cum[i] > x (cum increasing); clamps to the last index. */
function upperBound(cum: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cum[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function companyPool(country: string): SimParty[] {
  const n = COUNTRY_NAMES[country]!;
  const out: SimParty[] = [];
  let i = 0;
  for (const t of n.company_templates) {
    for (const p of n.company_places) {
      for (const a of n.company_activities) {
        const native = (i * 7 + 3) % 10 < n.company_native_tenths;
        const name = native ? fill(t[1], { p: p[1], a: a[1] }) : fill(t[0], { p: p[0], a: a[0] });
        out.push(Object.freeze({ name, country }));
        i++;
      }
    }
  }
  return out;
}

const CUSTOMER_PURPOSES: ReadonlyArray<readonly [string, number]> = [
  ['GDDS', 55],
  ['SUPP', 20],
  ['TRAD', 10],
  ['SCVE', 10],
  ['INTC', 5],
];
const INTERBANK_PURPOSES: ReadonlyArray<readonly [string, number]> = [
  ['TREA', 50],
  ['CASH', 30],
  ['CORT', 20],
];

function purposeTable(list: ReadonlyArray<readonly [string, number]>): string[] {
  const t: string[] = [];
  for (const [code, w] of list) for (let i = 0; i < w; i++) t.push(code);
  return t; // 100 entries: index with below(100)
}

const CUSTOMER_PURPOSE_TABLE = purposeTable(CUSTOMER_PURPOSES);
const INTERBANK_PURPOSE_TABLE = purposeTable(INTERBANK_PURPOSES);

interface SizeDraw {
  ln_median: number;
  sigma: number;
  min: number;
  max: number;
}

function sizeDraw(s: SizeParams): SizeDraw {
  return { ln_median: Math.log(s.median_usd), sigma: s.sigma, min: s.min_usd, max: s.max_usd };
}

// ---------------------------------------------------------------------------
// The generator

/**
 * One business day of payments, lazily, in arrival order. Options are checked
 * before anything is generated (a bad option throws here, not on the first next()).
 */
export function generatePayments(profile: SchemeProfile, options: TrafficOptions = {}): Generator<SimPayment, void, undefined> {
  const seed = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed >= TWO_32)
    throw new SimInputError(seed < 0 ? 'negative' : 'invalid_value', 'seed', `must be an integer from 0 to 2^32 - 1, got ${seed}`, 'options');
  const traffic = effectiveTraffic(profile, options);
  const flows = usableFlows(profile.banks);
  if (traffic.payments > 0 && flows.length === 0)
    throw new SimInputError('invalid_value', 'banks', 'no trade corridor has a bank of positive size at both ends', 'profile');
  return run(profile, traffic, flows, seed >>> 0);
}

/** The whole day as an array (use generatePayments for large days). */
export function simulateDay(profile: SchemeProfile, options: TrafficOptions = {}): SimPayment[] {
  return Array.from(generatePayments(profile, options));
}

function* run(profile: SchemeProfile, t: TrafficParams, flows: readonly TradeFlow[], seed: number): Generator<SimPayment, void, undefined> {
  // A scrambled seed, so that seeds a golden-ratio step apart do not give shifted copies of one stream.
  const rng = new Prng(mix32(seed ^ 0x5bd1e995));
  const u01 = (): number => (rng.nextU32() + 0.5) / TWO_32;

  const cumFlow = cumulativeWeights(flows);
  const flowTotal = cumFlow.at(-1) ?? 0; // < 2^32 (the matrix sums to ~6.7e8 thousand USD)
  const partyOf = new Map<string, SimParty>();
  for (const b of profile.banks) partyOf.set(b.bic, Object.freeze({ name: b.name, country: b.country }));
  const lanes = buildLanes(profile, t, flows);

  const customer = sizeDraw(t.customer_size);
  const interbank = sizeDraw(t.interbank_size);
  const dayNs = t.day_length_hours * NS_PER_HOUR;
  const n = t.payments;
  const seedWord = mix32(seed ^ 0x27d4eb2f);
  const e2ePrefix = `SIM-${t.business_date.replaceAll('-', '')}-${hex32(seed).toUpperCase()}-`;
  const normal = normalSource(u01);
  const nextArrival = arrivalSource(u01, n, dayNs);
  for (let i = 0; i < n; i++) {
    const arrival = nextArrival(i);

    // Corridor and banks.
    const lane = lanes[upperBound(cumFlow, rng.below(flowTotal))]!;
    const pp = lane.payer;
    const qq = lane.payee;
    const payer = pp.banks[upperBound(pp.cum, u01() * pp.total)]!;
    const payee = qq.banks[upperBound(qq.cum, u01() * qq.total)]!;

    const interbankKind = u01() < t.interbank_share;
    const cross = u01() < t.cross_currency_share;
    const urgent = u01() < t.urgent_share;

    // Size: a float in USD, converted once to minor units and rounded DOWN (see header).
    const sd = interbankKind ? interbank : customer;
    const usd = Math.min(sd.max, Math.max(sd.min, Math.exp(sd.ln_median + sd.sigma * normal())));
    const minor = Math.floor(usd * lane.minor_per_usd);
    const amount = minor < 1 ? 1n : BigInt(minor);

    const uetr = uetrOf(rng, i, seedWord);
    const seqText = String(i).padStart(8, '0');
    const parties = interbankKind ? interbankParties(lane, partyOf.get(payer.bic)!, partyOf.get(payee.bic)!, seqText, u01) : customerParties(lane, rng, u01);

    yield {
      seq: i,
      uetr,
      end_to_end_id: e2ePrefix + seqText,
      kind: interbankKind ? 'pacs.009' : 'pacs.008',
      payer_bic: payer.bic,
      payee_bic: payee.bic,
      payer_country: lane.importer,
      payee_country: lane.exporter,
      currency: lane.currency,
      amount_minor: amount,
      payee_currency: cross ? lane.payee_currency : lane.currency,
      priority: urgent ? 'urgent' : 'normal',
      arrival_offset_ns: arrival,
      debtor: parties.debtor,
      creditor: parties.creditor,
      purpose: parties.purpose,
      remittance: parties.remittance,
    };
  }
}

/** Running sums of the corridors' weights (thousand USD), for drawing a corridor by weight. */
function cumulativeWeights(flows: readonly TradeFlow[]): number[] {
  const cum: number[] = [];
  let acc = 0;
  for (const f of flows) {
    acc += f.usd_thousands;
    cum.push(acc);
  }
  return cum;
}

/** Everything that depends only on the corridor, looked up once per payment. */
function buildLanes(profile: SchemeProfile, t: TrafficParams, flows: readonly TradeFlow[]): Lane[] {
  const yy = t.business_date.slice(2, 4);
  const year = t.business_date.slice(0, 4);
  const pickers = bankPickers(profile.banks);
  const companies = new Map<string, SimParty[]>();
  return flows.map((f) => {
    for (const c of [f.exporter, f.importer]) if (!companies.has(c)) companies.set(c, companyPool(c));
    const currency = memberByCountry(f.importer)!.currency;
    const r = referenceRate(currency);
    return {
      exporter: f.exporter,
      importer: f.importer,
      payer: pickers.get(f.importer)!,
      payee: pickers.get(f.exporter)!,
      currency,
      payee_currency: memberByCountry(f.exporter)!.currency,
      // Minor units of the payer's currency per USD, as a float: drives the size only (see header).
      minor_per_usd: (Number(r.num) / Number(r.den)) * 10 ** minorUnits(currency),
      debtors: companies.get(f.importer)!,
      creditors: companies.get(f.exporter)!,
      goods: COUNTRY_NAMES[f.exporter]!.goods,
      invoice_prefix: `INV ${f.exporter}${yy}-`,
      contract_prefix: `; contract ${f.importer}-${f.exporter}/${year}/`,
      ref_prefix: `${f.importer}${f.exporter}${t.business_date.replaceAll('-', '')}`,
    };
  });
}

/** Arrival offsets: the i-th of n sorted uniforms, through the mixture's inverse CDF; call with i = 0, 1, … in order. */
function arrivalSource(u01: () => number, n: number, dayNs: number): (i: number) => bigint {
  let u = 0; // the previous order statistic of the arrival uniforms
  let bin = 0;
  const cdf = (arrivalCdfMemo ??= arrivalCdf());
  return (i: number): bigint => {
    u = 1 - (1 - u) * Math.pow(u01(), 1 / (n - i));
    while (bin < ARRIVAL_BINS - 1 && cdf[bin + 1]! <= u) bin++;
    const lo = cdf[bin]!;
    const hi = cdf[bin + 1]!;
    const frac = Math.min(1, Math.max(0, (bin + (hi > lo ? (u - lo) / (hi - lo) : 0)) / ARRIVAL_BINS));
    return BigInt(Math.min(Math.floor(frac * dayNs), dayNs - 1));
  };
}

/** Standard normal draws (Box-Muller), the second of each pair kept for the next call. */
function normalSource(u01: () => number): () => number {
  let spareNormal = NaN;
  return (): number => {
    if (!Number.isNaN(spareNormal)) {
      const z = spareNormal;
      spareNormal = NaN;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(u01()));
    const th = 2 * Math.PI * u01();
    spareNormal = r * Math.sin(th);
    return r * Math.cos(th);
  };
}

/** UETR (v4): 90 random bits, version 4, variant 10, and 32 bits unique per payment. */
function uetrOf(rng: Prng, i: number, seedWord: number): string {
  const w0 = rng.nextU32();
  const w1 = ((rng.nextU32() & 0xffff0fff) | 0x00004000) >>> 0;
  const w2 = ((rng.nextU32() & 0x3fffffff) | 0x80000000) >>> 0;
  const w3 = mix32((i ^ seedWord) >>> 0);
  return (
    hex32(w0) +
    '-' +
    HEX[w1 >>> 24]! +
    HEX[(w1 >>> 16) & 255]! +
    '-' +
    HEX[(w1 >>> 8) & 255]! +
    HEX[w1 & 255]! +
    '-' +
    HEX[w2 >>> 24]! +
    HEX[(w2 >>> 16) & 255]! +
    '-' +
    HEX[(w2 >>> 8) & 255]! +
    HEX[w2 & 255]! +
    hex32(w3)
  );
}

interface Parties {
  debtor: SimParty;
  creditor: SimParty;
  purpose: string;
  remittance: string;
}

// Small picks below use floor(u·k): the bias (≤ k/2^32) is immaterial for names and codes.

/** A bank's own payment (pacs.009): the banks are the parties. */
function interbankParties(lane: Lane, debtor: SimParty, creditor: SimParty, seqText: string, u01: () => number): Parties {
  const purpose = INTERBANK_PURPOSE_TABLE[Math.floor(u01() * 100)]!;
  const ref = lane.ref_prefix + seqText;
  const remittance = purpose === 'TREA' ? `Treasury transfer ${ref}` : purpose === 'CASH' ? `Liquidity management ${ref}` : `Cover for trade settlement ${ref}`;
  return { debtor, creditor, purpose, remittance };
}

/** A customer payment (pacs.008): an importer pays an exporter for goods or services. */
function customerParties(lane: Lane, rng: Prng, u01: () => number): Parties {
  const debtor = lane.debtors[Math.floor(u01() * lane.debtors.length)]!;
  const creditor = lane.creditors[Math.floor(u01() * lane.creditors.length)]!;
  const purpose = CUSTOMER_PURPOSE_TABLE[Math.floor(u01() * 100)]!;
  const goods = purpose === 'SCVE' ? 'freight and logistics services' : lane.goods[Math.floor(u01() * lane.goods.length)]!;
  const x = rng.nextU32();
  const invoice = String(x % 1_000_000).padStart(6, '0');
  const remittance = lane.invoice_prefix + invoice + ' ' + goods + lane.contract_prefix + Math.floor(x / 1_000_000);
  return { debtor, creditor, purpose, remittance };
}

/** A plain-JSON form of a payment: bigints as decimal strings (for NDJSON). */
export function paymentToJson(p: SimPayment): Record<string, unknown> {
  return {
    seq: p.seq,
    uetr: p.uetr,
    end_to_end_id: p.end_to_end_id,
    kind: p.kind,
    payer_bic: p.payer_bic,
    payee_bic: p.payee_bic,
    payer_country: p.payer_country,
    payee_country: p.payee_country,
    currency: p.currency,
    amount_minor: p.amount_minor.toString(),
    payee_currency: p.payee_currency,
    priority: p.priority,
    arrival_offset_ns: p.arrival_offset_ns.toString(),
    debtor: { name: p.debtor.name, country: p.debtor.country },
    creditor: { name: p.creditor.name, country: p.creditor.country },
    purpose: p.purpose,
    remittance: p.remittance,
  };
}
