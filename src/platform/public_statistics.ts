// Public statistics: what the platform settles, for anyone, with no participant
// in it. This module owns the rules of publication:
//  - only settled payments count (a payment returned later leaves the figures);
//    a payment counts on its value date (the business date it settled on);
//  - a corridor is the payer's country -> the payee's country (ISO 3166); a
//    currency is the payer's; a participant is never named;
//  - small cells are not published: a (period, corridor, currency) cell with
//    fewer than PUBLIC_LIMITS.cell_count_min payments is folded into corridor
//    "other" of its period and currency, and an "other" cell still below the
//    threshold is left out (its count is reported as `suppressed_payments`);
//  - USD equivalents at the reference rate of the value date (the platform's
//    rates, latest on or before it), rounded down to the cent;
//  - own-currency share: of cross-border value (USD equivalent), the part
//    where the payer paid in its own country's currency and the payee was paid
//    in its own country's currency (the currency's central bank is in that
//    country), in basis points, rounded down;
//  - PvP volume: cross-currency payments, count and USD equivalent.

import { memberCurrency } from '../fx/iso4217.js';
import type { Payment } from '../clearing/types.js';
import type { PlatformState } from './state.js';

export const PUBLIC_LIMITS = Object.freeze({
  /** The smallest number of payments a published cell may hold. */
  cell_count_min: 3,
  /** Periods published per granularity (the latest ones). */
  periods_max: 400,
});

export interface PublicCell {
  period: string;
  corridor: string;
  currency: string;
  count: number;
  value_minor: bigint;
  usd_cents: bigint;
}

export interface PublicPeriod {
  period: string;
  settled_count: number;
  settled_usd_cents: bigint;
  cross_border_usd_cents: bigint;
  own_currency_usd_cents: bigint;
  own_currency_share_bp: number | null;
  pvp_count: number;
  pvp_usd_cents: bigint;
}

export interface PublicStatistics {
  rules: string;
  cell_count_min: number;
  daily: PublicCell[];
  monthly: PublicCell[];
  days: PublicPeriod[];
  months: PublicPeriod[];
  suppressed_payments: { daily: number; monthly: number };
}

interface Row {
  day: string;
  corridor: string;
  currency: string;
  minor: bigint;
  usd: bigint;
  cross_border: boolean;
  own: boolean;
  pvp: boolean;
}

/** USD cents of `minor` units of `currency` at the reference rate of `date` (latest on or before it), rounded down; null without a rate. */
export function usdCentsAt(s: PlatformState, currency: string, minor: bigint, date: string): bigint | null {
  try {
    const r = s.rates().rateAsOf(currency, date).units_per_usd;
    const scale = 10n ** BigInt(memberCurrency(currency).minor_units);
    // minor / 10^units major units, divided by units-per-USD, times 100 cents: floor division (rounds down; amounts here are never negative).
    return (minor * r.den * 100n) / (scale * r.num);
  } catch {
    return null;
  }
}

function usdCents(s: PlatformState, currency: string, minor: bigint, date: string): bigint {
  return usdCentsAt(s, currency, minor, date) ?? 0n;
}

function rowOf(s: PlatformState, p: Payment): Row | null {
  const payer = s.byId.get(p.instruction.payer);
  const payee = s.byId.get(p.instruction.payee);
  if (payer === undefined || payee === undefined) return null;
  const ins = p.instruction;
  const homeOf = (c: string): string | undefined => s.issuer.get(c)?.country;
  return {
    day: ins.value_date,
    corridor: `${payer.country}-${payee.country}`,
    currency: ins.currency,
    minor: ins.amount_minor,
    usd: usdCents(s, ins.currency, ins.amount_minor, ins.value_date),
    cross_border: payer.country !== payee.country,
    own: homeOf(ins.currency) === payer.country && homeOf(ins.payee_currency) === payee.country,
    pvp: ins.payee_currency !== ins.currency,
  };
}

function cells(rows: Row[], periodOf: (r: Row) => string): { cells: PublicCell[]; suppressed: number } {
  const by = new Map<string, PublicCell>();
  const add = (period: string, corridor: string, currency: string, count: number, minor: bigint, usd: bigint): void => {
    const k = `${period}|${corridor}|${currency}`;
    const c = by.get(k) ?? { period, corridor, currency, count: 0, value_minor: 0n, usd_cents: 0n };
    c.count += count;
    c.value_minor += minor;
    c.usd_cents += usd;
    by.set(k, c);
  };
  for (const r of rows) add(periodOf(r), r.corridor, r.currency, 1, r.minor, r.usd);
  const out: PublicCell[] = [];
  const other = new Map<string, PublicCell>();
  for (const c of by.values()) {
    if (c.count >= PUBLIC_LIMITS.cell_count_min) out.push(c);
    else {
      const k = `${c.period}|${c.currency}`;
      const o = other.get(k) ?? { period: c.period, corridor: 'other', currency: c.currency, count: 0, value_minor: 0n, usd_cents: 0n };
      o.count += c.count;
      o.value_minor += c.value_minor;
      o.usd_cents += c.usd_cents;
      other.set(k, o);
    }
  }
  let suppressed = 0;
  for (const o of other.values()) {
    if (o.count >= PUBLIC_LIMITS.cell_count_min) out.push(o);
    else suppressed += o.count;
  }
  out.sort((a, b) => (a.period !== b.period ? (a.period < b.period ? -1 : 1) : a.usd_cents > b.usd_cents ? -1 : a.usd_cents < b.usd_cents ? 1 : 0));
  return { cells: out, suppressed };
}

function periods(rows: Row[], periodOf: (r: Row) => string): PublicPeriod[] {
  const by = new Map<string, PublicPeriod>();
  for (const r of rows) {
    const k = periodOf(r);
    let p = by.get(k);
    if (p === undefined) {
      p = {
        period: k,
        settled_count: 0,
        settled_usd_cents: 0n,
        cross_border_usd_cents: 0n,
        own_currency_usd_cents: 0n,
        own_currency_share_bp: null,
        pvp_count: 0,
        pvp_usd_cents: 0n,
      };
      by.set(k, p);
    }
    p.settled_count++;
    p.settled_usd_cents += r.usd;
    if (r.cross_border) p.cross_border_usd_cents += r.usd;
    if (r.cross_border && r.own) p.own_currency_usd_cents += r.usd;
    if (r.pvp) {
      p.pvp_count++;
      p.pvp_usd_cents += r.usd;
    }
  }
  const out = [...by.values()].sort((a, b) => (a.period < b.period ? -1 : 1)).slice(-PUBLIC_LIMITS.periods_max);
  for (const p of out) if (p.cross_border_usd_cents > 0n) p.own_currency_share_bp = Number((p.own_currency_usd_cents * 10_000n) / p.cross_border_usd_cents);
  return out;
}

/** The public figures of the platform's settled payments (rules in the header). */
export function publicStatistics(s: PlatformState): PublicStatistics {
  const rows: Row[] = [];
  for (const p of s.payments.values()) {
    if (p.state !== 'settled') continue;
    const r = rowOf(s, p);
    if (r !== null) rows.push(r);
  }
  const day = (r: Row): string => r.day;
  const month = (r: Row): string => r.day.slice(0, 7);
  const d = cells(rows, day);
  const m = cells(rows, month);
  const days = periods(rows, day);
  const months = periods(rows, month);
  // Cells of the periods published only (the latest periods_max).
  const since = (list: PublicPeriod[]): string => list[0]?.period ?? '';
  return {
    rules:
      'settled payments on their value date; corridor = payer country -> payee country; currency = the payer’s; ' +
      `cells under ${PUBLIC_LIMITS.cell_count_min} payments folded into "other" or left out; USD at the reference rate of the value date, rounded down to the cent`,
    cell_count_min: PUBLIC_LIMITS.cell_count_min,
    daily: d.cells.filter((c) => c.period >= since(days)),
    monthly: m.cells.filter((c) => c.period >= since(months)),
    days,
    months,
    suppressed_payments: { daily: d.suppressed, monthly: m.suppressed },
  };
}

/** The statistics as CSV: one line per published cell, daily then monthly. */
export function publicStatisticsCsv(st: PublicStatistics): string {
  const lines = ['granularity,period,corridor,currency,count,value_minor,usd_cents'];
  for (const [g, list] of [
    ['day', st.daily],
    ['month', st.monthly],
  ] as const)
    for (const c of list) lines.push([g, c.period, c.corridor, c.currency, c.count, c.value_minor, c.usd_cents].join(','));
  return lines.join('\n') + '\n';
}
