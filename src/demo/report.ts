// The settlement report of a day: what settled by currency and corridor, the
// liquidity it took (value settled per unit of liquidity, the CHIPS figure of
// merit, over the day and at its end), the ceiling of the day's traffic (the
// best that figure could be whatever the liquidity policy), what the LSM and the
// deferred-net windows saved, queue times, and rejections by reason.
//
// Two values settled: the trade traffic's payments only (the banks' interbank
// payments — money-market loans, repayments, FX squaring legs, src/demo/interbank.ts
// — are shown apart), and all traffic, interbank included; each has its ceiling.
// Liquidity counts every unit put
// in: funding from home (opening and top-ups), every intraday-credit drawdown,
// and swap-line drawings. Totals are exact minor units per currency, computed from
// the platform's payments; the ledger's balances are the check (see
// `ledgerSettledTotals`). USD equivalents are for display only.
//
// The HTML form is self-contained: uPlot (npm `uplot`) is read from node_modules
// and inlined, so the file opens offline.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { formatMajor } from '../platform/fx_tools.js';
import type { Platform } from '../platform/platform.js';
import type { Payment } from '../platform/types.js';
import { CeilingTally, type CurrencyCeiling, type Leg } from '../sim/liquidity_policy.js';
import { describePolicy } from '../sim/liquidity_policy.js';
import type { NetRouting } from '../sim/net_routing.js';
import type { DayRun, Sample } from './day.js';
import { isInterbank, liquidityPutIn, usdRates } from './day.js';
import { interbankKindOf, type InterbankKind } from './interbank.js';
import { FUNDING_PHASES, type FundingPhase } from './treasury.js';

export interface CurrencyLine {
  currency: string;
  payments: number;
  settled: number;
  settled_value_minor: bigint;
  settled_value: string;
  settled_value_usd: number;
  funding_minor: bigint;
}

export interface CorridorLine {
  corridor: string;
  payments: number;
  settled: number;
  settled_value_usd: number;
}

export interface DaySummary {
  business_date: string;
  wall_s: number;
  messages: number;
  message_errors: number;
  payments: number;
  /** Of `payments`, those the traffic generator made (the rest are placements). */
  traffic_payments: number;
  settled: number;
  rejected: number;
  queued_at_close: number;
  held: number;
  /** Waiting in the warehouse for a later business day (rules version 3: queued at the close, after a cut-off). */
  warehoused: number;
  /** Money-market placements between participants: how many settled and their value. */
  placements: number;
  placements_value_usd: number;
  /** Interbank payments settled by kind (placements, repayments with interest, FX squaring legs): count and value. */
  interbank: Record<InterbankKind, { count: number; value_usd: number }>;
  /** Value of every settled payment, trade traffic and interbank, USD eq. */
  value_settled_all_usd: number;
  /** value_settled_all_usd per unit of liquidity provided. */
  value_per_liquidity_all: number;
  /** value_settled_all_usd / Σ end-of-day net debits of every settled leg: the bound on value_per_liquidity_all. */
  ceiling_all: number;
  /** Value of the traffic's settled payments (placements excluded), USD eq. */
  value_settled_usd: number;
  /**
   * The ceiling of this day's traffic: value settled / Σ end-of-day net debits of
   * every settled leg (placements included), the liquidity no mechanism can avoid.
   */
  ceiling: number;
  /** The same bound over the traffic's legs alone (no placements): what trade alone allows. */
  ceiling_traffic_only: number;
  policy: string;
  pvp_settled: number;
  by_currency: CurrencyLine[];
  by_corridor: CorridorLine[];
  /** Every settled payment's value, placements included. */
  gross_settled_usd: number;
  liquidity_usd: number;
  /** value_settled_usd per unit of liquidity provided (funding + intraday credit drawn + swap drawings). */
  value_per_liquidity: number;
  credit_drawn_usd: number;
  swap_drawn_usd: number;
  /** Funding from home per phase of the day (USD eq.); with credit_drawn_usd and swap_drawn_usd they add up to liquidity_usd. */
  funding_by_phase_usd: Record<FundingPhase, number>;
  lsm_runs: number;
  lsm_released: number;
  lsm_released_usd: number;
  /** Payments settled in the deferred-net windows, their gross value and the net debits that settled them. */
  dns_payments: number;
  dns_gross_usd: number;
  dns_net_usd: number;
  /** Which payments the banks sent to the windows (src/sim/net_routing.ts). */
  dns_routing: NetRouting;
  /** 1 - net / gross over the windows. */
  netting_saving: number;
  queue_time_median_s: number;
  queue_time_p99_s: number;
  queued_then_settled: number;
  rejections: Array<{ reason: string; count: number }>;
  compliance_cases: number;
  samples: Sample[];
}

/** USD display value of an amount in minor units. */
type UsdOf = (minor: bigint, ccy: string) => number;

/** What one pass over the payments counts; USD sums are added in payment order. */
interface PaymentTally {
  by_currency: Map<string, CurrencyLine>;
  by_corridor: Map<string, CorridorLine>;
  reasons: Map<string, number>;
  /** Seconds from queued to settled of RTGS payments that queued, sorted. */
  waits_s: number[];
  settled: number;
  rejected: number;
  held: number;
  warehoused: number;
  pvp: number;
  gross_usd: number;
  placements: number;
  placements_usd: number;
  interbank: Record<InterbankKind, { count: number; value_usd: number }>;
  /** The legs of every settled payment (settledLegs), and of the traffic's alone, taken in the same pass. */
  legs_all: CeilingTally;
  legs_traffic: CeilingTally;
}

export function summarize(run: DayRun): DaySummary {
  const p = run.platform;
  const usd = usdRates(run.business_date);
  const u: UsdOf = (minor, ccy) => Number(minor) * (usd.get(ccy) ?? 0);
  const t = tallyPayments(run, u);
  const liquidity = liquidityPutIn(p, run.funding_minor, usd);
  const interbankUsd = Object.values(t.interbank).reduce((a, k) => a + k.value_usd, 0);
  const value = t.gross_usd - interbankUsd;
  const ceiling = ceilings(t, u);
  const lsm = lsmReleased(p, u);
  const dns = dnsTotals(p, u);
  return {
    business_date: run.business_date,
    wall_s: run.wall_ms / 1000,
    messages: run.messages,
    message_errors: run.message_errors,
    payments: p.paymentCount(),
    traffic_payments: run.traffic_payments,
    settled: t.settled,
    rejected: t.rejected,
    queued_at_close: p.queuedPayments().length,
    held: t.held,
    warehoused: t.warehoused,
    placements: t.placements,
    placements_value_usd: t.placements_usd,
    interbank: t.interbank,
    value_settled_all_usd: t.gross_usd,
    value_per_liquidity_all: liquidity.total_usd > 0 ? t.gross_usd / liquidity.total_usd : 0,
    ceiling_all: ceiling.all_usd > 0 ? t.gross_usd / ceiling.all_usd : 0,
    value_settled_usd: value,
    ceiling: ceiling.all_usd > 0 ? value / ceiling.all_usd : 0,
    ceiling_traffic_only: ceiling.traffic_usd > 0 ? value / ceiling.traffic_usd : 0,
    policy: describePolicy(run.policy),
    pvp_settled: t.pvp,
    by_currency: [...t.by_currency.values()].sort((a, b) => b.settled_value_usd - a.settled_value_usd),
    by_corridor: [...t.by_corridor.values()].sort((a, b) => b.settled_value_usd - a.settled_value_usd),
    gross_settled_usd: t.gross_usd,
    liquidity_usd: liquidity.total_usd,
    value_per_liquidity: liquidity.total_usd > 0 ? value / liquidity.total_usd : 0,
    credit_drawn_usd: liquidity.credit_usd,
    swap_drawn_usd: liquidity.swaps_usd,
    funding_by_phase_usd: fundingByPhase(run, u),
    lsm_runs: p.lsmRuns().length,
    lsm_released: lsm.released,
    lsm_released_usd: lsm.usd,
    dns_payments: dns.payments,
    dns_gross_usd: dns.gross_usd,
    dns_net_usd: dns.net_usd,
    dns_routing: run.routing,
    netting_saving: dns.gross_usd > 0 ? 1 - dns.net_usd / dns.gross_usd : 0,
    queue_time_median_s: quantile(t.waits_s, 0.5),
    queue_time_p99_s: quantile(t.waits_s, 0.99),
    queued_then_settled: t.waits_s.length,
    rejections: [...t.reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    compliance_cases: p.cases().length,
    samples: run.samples,
  };
}

/** Which payments went to the windows, in words. */
function dnsRoutingText(r: NetRouting): string {
  const cap = r.max_usd === null ? 'any value' : `at most USD ${r.max_usd.toLocaleString('en-US')}`;
  return r.share === 1 ? `single-currency normal payments of ${cap}` : `${r.share} of the single-currency normal payments of ${cap}`;
}

/** The funding per phase, in FUNDING_PHASES order, each as `m` formats it. */
function fundingPhasesText(s: DaySummary, m: (x: number) => string): string {
  return FUNDING_PHASES.map((ph) => m(s.funding_by_phase_usd[ph])).join(', ');
}

/** Funding per phase in USD eq., every phase present (0 when nothing was funded then); summed in currency order. */
export function fundingByPhase(run: Pick<DayRun, 'funding_by_phase'>, u: UsdOf): Record<FundingPhase, number> {
  const out = Object.fromEntries(FUNDING_PHASES.map((ph) => [ph, 0])) as Record<FundingPhase, number>;
  for (const ph of FUNDING_PHASES) {
    const m = run.funding_by_phase.get(ph);
    if (m !== undefined) for (const ccy of [...m.keys()].sort()) out[ph] += u(m.get(ccy)!, ccy);
  }
  return out;
}

function tallyPayments(run: DayRun, u: UsdOf): PaymentTally {
  const p = run.platform;
  const t: PaymentTally = {
    by_currency: new Map(),
    by_corridor: new Map(),
    reasons: new Map(),
    waits_s: [],
    settled: 0,
    rejected: 0,
    held: 0,
    warehoused: 0,
    pvp: 0,
    gross_usd: 0,
    placements: 0,
    placements_usd: 0,
    interbank: { placement: { count: 0, value_usd: 0 }, repayment: { count: 0, value_usd: 0 }, fx_squaring: { count: 0, value_usd: 0 } },
    legs_all: new CeilingTally(),
    legs_traffic: new CeilingTally(),
  };
  for (const pay of p.everyPayment()) {
    const ins = pay.instruction;
    const line = t.by_currency.get(ins.currency) ?? newCurrencyLine(ins.currency, run.funding_minor.get(ins.currency) ?? 0n);
    t.by_currency.set(ins.currency, line);
    line.payments++;
    const payer = p.participant(ins.payer);
    const payee = p.participant(ins.payee);
    const corridor = `${payer?.country ?? '??'}→${payee?.country ?? '??'}`;
    const corr = t.by_corridor.get(corridor) ?? { corridor, payments: 0, settled: 0, settled_value_usd: 0 };
    t.by_corridor.set(corridor, corr);
    corr.payments++;
    if (pay.state === 'settled') {
      t.settled++;
      line.settled++;
      line.settled_value_minor += ins.amount_minor;
      const v = u(ins.amount_minor, ins.currency);
      line.settled_value_usd += v;
      corr.settled++;
      corr.settled_value_usd += v;
      t.gross_usd += v;
      const kind = interbankKindOf(ins.end_to_end_id);
      if (kind !== null) {
        t.interbank[kind].count++;
        t.interbank[kind].value_usd += v;
      }
      if (kind === 'placement') {
        t.placements++;
        t.placements_usd += v;
      }
      if (pay.fx !== null) t.pvp++;
      const traffic = !isInterbank(ins.end_to_end_id);
      for (const leg of legsOf(pay)) {
        t.legs_all.add(leg);
        if (traffic) t.legs_traffic.add(leg);
      }
      const q = pay.history.find((h) => h.state === 'queued');
      if (q !== undefined && pay.settled_at_ns !== null && pay.instruction.settlement === 'rtgs') t.waits_s.push(Number(pay.settled_at_ns - q.at_ns) / 1e9);
    } else if (pay.state === 'rejected') {
      t.rejected++;
      const r = pay.history[pay.history.length - 1]!.reason ?? 'NARR';
      t.reasons.set(r, (t.reasons.get(r) ?? 0) + 1);
    } else if (pay.state === 'held') t.held++;
    else if (pay.state === 'warehoused') t.warehoused++;
  }
  for (const r of p.anonymousRejections()) t.reasons.set(r.reason, (t.reasons.get(r.reason) ?? 0) + 1);
  for (const line of t.by_currency.values()) line.settled_value = formatMajor(line.settled_value_minor, line.currency);
  t.waits_s.sort((a, b) => a - b);
  return t;
}

/** The legs of a settled payment: payer → payee, or for PvP payer → provider and provider → payee. */
export function legsOf(pay: Payment): Leg[] {
  const ins = pay.instruction;
  if (pay.fx === null) return [{ from: ins.payer, to: ins.payee, currency: ins.currency, amount_minor: ins.amount_minor }];
  return [
    { from: ins.payer, to: pay.fx.provider, currency: ins.currency, amount_minor: ins.amount_minor },
    { from: pay.fx.provider, to: ins.payee, currency: ins.payee_currency, amount_minor: pay.fx.payee_amount_minor },
  ];
}

/**
 * Σ end-of-day net debits in USD eq., over every settled leg and over the traffic's alone
 * (src/sim/liquidity_policy.ts, trafficCeiling), from the legs tallyPayments took in its one
 * pass over the payments (the payments are decoded from the payment book's records on each pass).
 */
function ceilings(t: PaymentTally, u: UsdOf): { all_usd: number; traffic_usd: number } {
  const sum = (c: CurrencyCeiling[]): number => c.reduce((a, x) => a + u(x.net_debit_minor, x.currency), 0);
  return { all_usd: sum(t.legs_all.ceilings()), traffic_usd: sum(t.legs_traffic.ceilings()) };
}

function lsmReleased(p: Platform, u: UsdOf): { released: number; usd: number } {
  let released = 0;
  let usd = 0;
  for (const r of p.lsmRuns()) {
    released += r.released;
    usd += u(r.value_minor, r.currency);
  }
  return { released, usd };
}

/** Gross value settled through the windows and the net debits that settled it. */
function dnsTotals(p: Platform, u: UsdOf): { payments: number; gross_usd: number; net_usd: number } {
  let payments = 0;
  let gross = 0;
  let net = 0;
  for (const w of p.windows()) {
    for (const uetr of w.uetrs) {
      const pay = p.payment(uetr);
      if (pay?.state !== 'settled') continue;
      payments++;
      gross += u(pay.instruction.amount_minor, w.currency);
    }
    for (const [, position] of w.net_positions) if (position < 0n) net += u(-position, w.currency);
  }
  return { payments, gross_usd: gross, net_usd: net };
}

function newCurrencyLine(currency: string, funding_minor: bigint): CurrencyLine {
  return { currency, payments: 0, settled: 0, settled_value_minor: 0n, settled_value: '0', settled_value_usd: 0, funding_minor };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))]!;
}

/**
 * Settled value per currency as the ledger records it: payment transfers (direct,
 * PvP payer legs, LSM debit halves) plus the payer-side value of window payments.
 * Equal to the report's per-currency totals when nothing was lost or invented.
 */
export function ledgerSettledTotals(p: Platform): Map<string, bigint> {
  const out = new Map<string, bigint>();
  const add = (ccy: string, v: bigint): void => void out.set(ccy, (out.get(ccy) ?? 0n) + v);
  for (const t of p.transferAmounts('settled_payment')) add(t.currency, t.amount_minor);
  for (const w of p.windows()) {
    for (const uetr of w.uetrs) {
      const pay = p.payment(uetr);
      if (pay?.state === 'settled') add(w.currency, pay.instruction.amount_minor);
    }
  }
  // Returned payments settled first: they count as settled value too, but the report counts state 'settled' only.
  for (const pay of p.everyPayment()) if (pay.state === 'returned') add(pay.instruction.currency, -pay.instruction.amount_minor);
  return out;
}

/** The summary as one JSON document (`demo --json`): the figures the report shows, display USD as floats. */
export function summaryJson(s: DaySummary): Record<string, unknown> {
  const byReason: Record<string, number> = {};
  for (const r of s.rejections) byReason[r.reason] = r.count;
  return {
    business_date: s.business_date,
    payments: s.payments,
    traffic_payments: s.traffic_payments,
    settled: s.settled,
    rejected: s.rejected,
    rejected_by_reason: byReason,
    warehoused: s.warehoused,
    held: s.held,
    queued: s.queued_at_close,
    value_settled_usd: s.value_settled_usd,
    liquidity_usd: s.liquidity_usd,
    value_per_liquidity: s.value_per_liquidity,
    ceiling: s.ceiling,
    ceiling_traffic_only: s.ceiling_traffic_only,
    placements: { count: s.placements, value_usd: s.placements_value_usd },
    interbank: s.interbank,
    value_settled_all_usd: s.value_settled_all_usd,
    value_per_liquidity_all: s.value_per_liquidity_all,
    ceiling_all: s.ceiling_all,
    credit_drawn_usd: s.credit_drawn_usd,
    swap_drawn_usd: s.swap_drawn_usd,
    funding_by_phase_usd: s.funding_by_phase_usd,
    lsm_released_value_usd: s.lsm_released_usd,
    dns_saving_share: s.netting_saving,
    dns: {
      max_usd: s.dns_routing.max_usd,
      share: s.dns_routing.share,
      payments: s.dns_payments,
      gross_usd: s.dns_gross_usd,
      net_usd: s.dns_net_usd,
    },
    queue_time_s: { median: s.queue_time_median_s, p99: s.queue_time_p99_s },
    wall_s: s.wall_s,
    payments_per_s: s.wall_s > 0 ? s.payments / s.wall_s : 0,
    policy: s.policy,
  };
}

export function summaryText(s: DaySummary): string {
  const m = (x: number): string => `$${(x / 1e6).toFixed(1)}m`;
  const lines: string[] = [];
  lines.push(`sco-settle demo — business day ${s.business_date}, ${s.wall_s.toFixed(1)} s wall time`);
  lines.push(`  messages: ${s.messages} ISO 20022 pacs.008/pacs.009 built, validated and mapped (${s.message_errors} invalid)`);
  lines.push(
    `  payments: ${s.payments}; settled ${s.settled} (PvP ${s.pvp_settled}); rejected ${s.rejected}; held ${s.held}; warehoused ${s.warehoused}; queued at close ${s.queued_at_close}`,
  );
  lines.push(
    `  value settled ${m(s.value_settled_usd)} with ${m(s.liquidity_usd)} of liquidity (funding + credit ${m(s.credit_drawn_usd)} + swap lines ${m(s.swap_drawn_usd)})`,
  );
  const fp = s.funding_by_phase_usd;
  lines.push(
    `  funding by phase: opening ${m(fp.opening)}, intraday top-ups ${m(fp.intraday)}, deferred-net windows' close ${m(fp.window)}, day's close ${m(fp.close)}, credit repayment ${m(fp.credit_repayment)}`,
  );
  lines.push(
    `  value settled per unit of liquidity: ${s.value_per_liquidity.toFixed(2)} (ceiling of this day's traffic ${s.ceiling.toFixed(2)}; trade alone ${s.ceiling_traffic_only.toFixed(2)})`,
  );
  const ib = s.interbank;
  lines.push(
    `  interbank (not in the trade figures above): money-market loans ${ib.placement.count} ${m(ib.placement.value_usd)}, repayments with interest ${ib.repayment.count} ${m(ib.repayment.value_usd)}, FX squaring legs ${ib.fx_squaring.count} ${m(ib.fx_squaring.value_usd)}`,
  );
  lines.push(
    `  all traffic: value settled ${m(s.value_settled_all_usd)}, per unit of liquidity ${s.value_per_liquidity_all.toFixed(2)} (ceiling ${s.ceiling_all.toFixed(2)})`,
  );
  lines.push(`  liquidity policy: ${s.policy}`);
  lines.push(`  LSM: ${s.lsm_runs} runs released ${s.lsm_released} payments, ${m(s.lsm_released_usd)}`);
  lines.push(
    `  DNS windows (${dnsRoutingText(s.dns_routing)}): ${s.dns_payments} payments, gross ${m(s.dns_gross_usd)} settled with ${m(s.dns_net_usd)} of net debits (saving ${(s.netting_saving * 100).toFixed(1)}%)`,
  );
  lines.push(
    `  queue time of queued-then-settled RTGS payments (${s.queued_then_settled}): median ${s.queue_time_median_s.toFixed(0)} s, p99 ${s.queue_time_p99_s.toFixed(0)} s (business time)`,
  );
  lines.push(`  rejections: ${s.rejections.map((r) => `${r.reason} ${r.count}`).join(', ') || 'none'}; compliance cases ${s.compliance_cases}`);
  lines.push('  by currency (settled):');
  for (const c of s.by_currency)
    lines.push(
      `    ${c.currency}  ${String(c.settled).padStart(6)} of ${String(c.payments).padStart(6)}  ${c.settled_value.padStart(24)}  ${m(c.settled_value_usd).padStart(10)}`,
    );
  lines.push('  top corridors (settled value):');
  for (const c of s.by_corridor.slice(0, 8)) lines.push(`    ${c.corridor}  ${String(c.settled).padStart(6)} payments  ${m(c.settled_value_usd).padStart(10)}`);
  return lines.join('\n');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function uplotAssets(): { js: string; css: string } {
  const require = createRequire(import.meta.url);
  const dir = join(dirname(require.resolve('uplot')), '..', 'dist');
  return { js: readFileSync(join(dir, 'uPlot.iife.min.js'), 'utf8'), css: readFileSync(join(dir, 'uPlot.min.css'), 'utf8') };
}

export function reportHtml(s: DaySummary): string {
  const { js, css } = uplotAssets();
  const m = (x: number): string => `$${(x / 1e6).toFixed(1)}m`;
  const rows = (cells: string[][]): string => cells.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  const data = {
    minute: s.samples.map((x) => x.minute * 60 + Date.parse(`${s.business_date}T08:00:00Z`) / 1000),
    settled: s.samples.map((x) => x.settled_value_usd / 1e6),
    queued: s.samples.map((x) => x.queued_value_usd / 1e6),
    depth: s.samples.map((x) => x.queued),
    vpl: s.samples.map((x) => (x.liquidity_usd > 0 ? x.settled_value_usd / x.liquidity_usd : 0)),
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>sco-settle — settlement report ${esc(s.business_date)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>${css}
body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:1100px;color:#1b1f24}
h1{font-size:1.4rem}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{padding:.2rem .6rem;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}.kpi{display:flex;flex-wrap:wrap;gap:1rem}.kpi div{background:#f3f5f8;padding:.6rem 1rem;border-radius:6px}
.kpi b{display:block;font-size:1.3rem}</style></head><body>
<h1>Settlement report — business day ${esc(s.business_date)}</h1>
<div class="kpi">
<div><b>${s.settled}</b>payments settled of ${s.payments}</div>
<div><b>${m(s.value_settled_usd)}</b>value settled (USD eq.)</div>
<div><b>${s.value_per_liquidity.toFixed(2)}</b>value settled per unit of liquidity</div>
<div><b>${s.ceiling.toFixed(2)}</b>ceiling of this day's traffic (trade alone ${s.ceiling_traffic_only.toFixed(2)})</div>
<div><b>${s.value_per_liquidity_all.toFixed(2)}</b>all traffic, interbank included, per unit of liquidity (ceiling ${s.ceiling_all.toFixed(2)})</div>
<div><b>${s.rejected}</b>rejected${s.warehoused > 0 ? `, ${s.warehoused} warehoused` : ''}</div>
<div><b>${m(s.lsm_released_usd)}</b>released by the LSM (${s.lsm_released} payments)</div>
<div><b>${(s.netting_saving * 100).toFixed(1)}%</b>saved by netting in the windows</div>
<div><b>${s.queue_time_median_s.toFixed(0)} s / ${s.queue_time_p99_s.toFixed(0)} s</b>queue time median / p99</div>
</div>
<h2>Over the day</h2><div id="value"></div><div id="vpl"></div><div id="queue"></div>
<p>The ceiling is value settled divided by the participants' end-of-day net debits: whatever the order of settlement, offsetting or netting, a
participant that paid out more than it received over the day brought that difference in. The banks' interbank payments (money-market loans and their
repayments, FX squaring) return currencies to the banks short of them; without them trade alone allows ${s.ceiling_traffic_only.toFixed(2)}.</p>
<h2>By currency</h2><table><tr><th>currency</th><th>payments</th><th>settled</th><th>settled value</th><th>USD eq.</th></tr>
${rows(s.by_currency.map((c) => [c.currency, String(c.payments), String(c.settled), `${c.settled_value} ${c.currency}`, m(c.settled_value_usd)]))}</table>
<h2>By corridor</h2><table><tr><th>corridor</th><th>payments</th><th>settled</th><th>USD eq.</th></tr>
${rows(s.by_corridor.map((c) => [c.corridor, String(c.payments), String(c.settled), m(c.settled_value_usd)]))}</table>
<h2>Rejections by reason</h2><table><tr><th>ISO reason</th><th>payments</th></tr>${rows(s.rejections.map((r) => [r.reason, String(r.count)]))}</table>
<h2>Liquidity</h2><table>${rows([
    ['liquidity provided (USD eq.)', m(s.liquidity_usd)],
    ['funding by phase: opening, intraday top-ups, windows’ close, day’s close, credit repayment', fundingPhasesText(s, m)],
    ["ceiling of this day's traffic (value / Σ end-of-day net debits)", s.ceiling.toFixed(2)],
    ['ceiling of the trade traffic alone (no placements)', s.ceiling_traffic_only.toFixed(2)],
    ['money-market loans (not counted in the trade value)', `${s.interbank.placement.count}, ${m(s.interbank.placement.value_usd)}`],
    ['loan repayments with interest', `${s.interbank.repayment.count}, ${m(s.interbank.repayment.value_usd)}`],
    ['FX squaring legs', `${s.interbank.fx_squaring.count}, ${m(s.interbank.fx_squaring.value_usd)}`],
    [
      'all traffic: value settled, per unit of liquidity, ceiling',
      `${m(s.value_settled_all_usd)}, ${s.value_per_liquidity_all.toFixed(2)}, ${s.ceiling_all.toFixed(2)}`,
    ],
    ['liquidity policy', s.policy],
    ['of which intraday credit drawn', m(s.credit_drawn_usd)],
    ['of which swap-line drawings', m(s.swap_drawn_usd)],
    ['DNS windows: payments, gross / net', `${s.dns_payments}, ${m(s.dns_gross_usd)} / ${m(s.dns_net_usd)}`],
    ['DNS routing', dnsRoutingText(s.dns_routing)],
    ['ISO 20022 messages (invalid)', `${s.messages} (${s.message_errors})`],
    ['compliance cases', String(s.compliance_cases)],
  ])}</table>
<script>${js}</script>
<script>
const d=${JSON.stringify(data)};
const w=Math.min(1000,window.innerWidth-40);
new uPlot({title:'Settled value, cumulative (USD m)',width:w,height:260,series:[{},{label:'settled',stroke:'#1f6feb',width:2}]},[d.minute,d.settled],document.getElementById('value'));
new uPlot({title:'Value settled per unit of liquidity put in so far',width:w,height:220,series:[{},{label:'value / liquidity',stroke:'#2da44e',width:2}]},[d.minute,d.vpl],document.getElementById('vpl'));
new uPlot({title:'RTGS queue',width:w,height:260,series:[{},{label:'queued value (USD m)',stroke:'#d29922',width:2},{label:'queued payments',stroke:'#8250df',scale:'n'}],axes:[{},{},{scale:'n',side:1}]},[d.minute,d.queued,d.depth],document.getElementById('queue'));
</script></body></html>
`;
}
