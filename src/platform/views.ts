// The views: how platform records read in command results, the API, the CLI and
// the dashboard (bigints stay bigints here; the shells write them as decimal
// strings), and the JSON writing they share.

import type { BusinessDay, Participant, Payment, SettlementWindow } from '../clearing/types.js';
import type { ComplianceCase } from '../compliance/cases.js';
import type { Facility } from '../financing/intraday_credit.js';
import { remaining, type SwapLine } from '../financing/swap_lines.js';
import { settleByText } from '../clearing/warehouse.js';

export function bigintJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * JSON with bigints as decimal strings. Most outputs hold none, and a replacer
 * function costs a call per key, so the plain form is tried first (JSON.stringify
 * throws on a bigint, it never drops one).
 */
export function stringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(value, bigintJson);
  }
}

export function participantView(p: Participant): unknown {
  return { id: p.id, kind: p.kind, name: p.name, country: p.country, currencies: p.currencies, issues: p.issues, suspended: p.suspended };
}

export function paymentView(p: Payment): Record<string, unknown> {
  const ins = p.instruction;
  return {
    uetr: ins.uetr,
    end_to_end_id: ins.end_to_end_id,
    payer: ins.payer,
    payee: ins.payee,
    currency: ins.currency,
    amount_minor: ins.amount_minor,
    payee_currency: ins.payee_currency,
    payee_amount_minor: p.fx?.payee_amount_minor ?? ins.amount_minor,
    value_date: ins.value_date,
    priority: ins.priority,
    settlement: ins.settlement,
    settle_by: ins.settle_by_ns === undefined ? undefined : settleByText(ins.settle_by_ns),
    state: p.state,
    fx: p.fx === null ? null : { provider: p.fx.provider, rate: `${p.fx.rate_num}/${p.fx.rate_den}`, source: p.fx.rate_source },
    window_id: p.window_id,
    case_id: p.case_id,
    transfer_ids: p.transfer_ids,
    history: p.history,
    submitted_by: p.submitted_by,
    purpose: ins.purpose,
    remittance: ins.remittance,
    debtor: ins.debtor,
    creditor: ins.creditor,
  };
}

export function windowView(w: SettlementWindow): unknown {
  return {
    id: w.id,
    currency: w.currency,
    state: w.state,
    opened_at_ns: w.opened_at_ns,
    closed_at_ns: w.closed_at_ns,
    payments: w.uetrs.length,
    net_positions: w.net_positions.map(([participant, net_minor]) => ({ participant, net_minor })),
    defaulters: w.defaulters,
  };
}

export function dayView(d: BusinessDay): unknown {
  const v: Record<string, unknown> = {
    date: d.date,
    state: d.state,
    opened_at_ns: d.opened_at_ns,
    closed_at_ns: d.closed_at_ns,
    cutoffs: Object.fromEntries(d.cutoffs.map(([c, ns]) => [c, ns])),
  };
  // Days opened under rules 3 count their warehouse (clearing/warehouse.ts); older days read as before.
  if (d.warehoused !== undefined) v.warehoused = d.warehoused;
  if (d.released_from_warehouse !== undefined) v.released_from_warehouse = d.released_from_warehouse;
  return v;
}

export function caseView(c: ComplianceCase): unknown {
  return { ...c };
}

export function swapView(l: SwapLine): unknown {
  const t = l.terms;
  return {
    id: t.id,
    provider: t.provider,
    drawer: t.drawer,
    provider_currency: t.provider_currency,
    drawer_currency: t.drawer_currency,
    limit_minor: t.limit_minor,
    drawn_minor: l.drawn_minor,
    counter_drawn_minor: l.counter_drawn_minor,
    available_minor: remaining(l),
    rate: `${t.rate.num}/${t.rate.den}`,
    interest_rate: `${t.interest_rate.num}/${t.interest_rate.den}`,
    day_count: t.day_count,
    start_date: t.start_date,
    maturity_date: t.maturity_date,
    drawings: l.drawings.length,
    status: l.status,
  };
}

export function facilityView(f: Facility): unknown {
  return { ...f, available_minor: f.line_minor - f.outstanding_minor };
}
