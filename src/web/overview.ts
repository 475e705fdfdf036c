// The business day at a glance, in the caller's scope (GET /v1/dashboard/overview):
// payments by state, settled value by currency, corridor and FX provider,
// rejections by reason, the RTGS queue, liquidity, windows, LSM runs, facilities,
// swap lines, money issued and open compliance cases. Computed from the
// platform's queries on every request (O(payments)).

import { facilityView, swapView, windowView, type Platform } from '../platform/platform.js';
import type { Payment } from '../platform/types.js';
import { seesCurrency, seesParticipant, seesPayment, type Scope } from '../http/access.js';
import { WEB_LIMITS } from './limits.js';

type Tally = Map<string, { count: number; value: bigint }>;

function add(m: Tally, key: string, value: bigint): void {
  const e = m.get(key) ?? { count: 0, value: 0n };
  e.count++;
  e.value += value;
  m.set(key, e);
}

function rows<K extends string>(m: Tally, keys: (k: string) => Record<K, string>): Array<Record<K, string> & { count: number; value_minor: bigint }> {
  return [...m]
    .map(([k, v]) => ({ ...keys(k), count: v.count, value_minor: v.value }))
    .sort((a, b) => (a.value_minor > b.value_minor ? -1 : a.value_minor < b.value_minor ? 1 : 0));
}

/** Whether a payment touches the scope's currency (central banks) — all for the platform-wide roles. */
function inScope(scope: Scope, p: Payment): boolean {
  return scope.kind === 'all' || seesPayment(scope, p);
}

function queuedSince(p: Payment): bigint {
  for (let i = p.history.length - 1; i >= 0; i--) if (p.history[i]!.state === 'queued') return p.history[i]!.at_ns;
  return p.history[0]?.at_ns ?? 0n;
}

type ValueRow = { currency: string; count: number; value_minor: bigint; usd_cents: bigint | null };

/**
 * Each row's USD equivalent: its value at the reference rate of the business
 * date (latest on or before it; the public statistics' rule), rounded down to the
 * cent, exact integers throughout; null without a rate. Rows sort by it, largest
 * first (rows without a rate last, by nominal value), so a currency with many
 * units per dollar does not come first for its nominal size.
 */
function byUsd<R extends { currency: string; count: number; value_minor: bigint }>(platform: Platform, date: string | undefined, rs: R[]): Array<R & ValueRow> {
  const out = rs.map((r) => ({ ...r, usd_cents: date === undefined ? null : platform.usdCents(r.currency, r.value_minor, date) }));
  const cmp = (a: bigint, b: bigint): number => (a > b ? -1 : a < b ? 1 : 0);
  return out.sort((a, b) =>
    a.usd_cents !== null && b.usd_cents !== null
      ? cmp(a.usd_cents, b.usd_cents)
      : a.usd_cents !== b.usd_cents
        ? a.usd_cents === null
          ? 1
          : -1
        : cmp(a.value_minor, b.value_minor),
  );
}

/** The day's payments: counts by state, settled value by currency, corridor and FX quote, rejections by reason. */
function paymentFigures(platform: Platform, scope: Scope, since: bigint, date: string | undefined): Record<string, unknown> {
  const country = new Map(platform.participants().map((p) => [p.id, p.country]));
  const byCurrency: Tally = new Map();
  const byCorridor: Tally = new Map();
  const rejections: Tally = new Map();
  const quotes: Tally = new Map();
  const states: Record<string, number> = {};
  for (const p of platform.everyPayment()) {
    if (!inScope(scope, p)) continue;
    const ins = p.instruction;
    const first = p.history[0]?.at_ns ?? 0n;
    if (first >= since) states[p.state] = (states[p.state] ?? 0) + 1;
    if (p.settled_at_ns !== null && p.settled_at_ns >= since) {
      add(byCurrency, ins.currency, ins.amount_minor);
      add(byCorridor, `${country.get(ins.payer) ?? '??'}>${country.get(ins.payee) ?? '??'}>${ins.currency}`, ins.amount_minor);
      if (p.fx !== null) add(quotes, `${p.fx.provider}>${ins.currency}>${ins.payee_currency}`, ins.amount_minor);
    }
    if (p.state === 'rejected') {
      const last = p.history[p.history.length - 1];
      if (last !== undefined && last.at_ns >= since) add(rejections, last.reason ?? 'unspecified', ins.amount_minor);
    }
  }
  if (scope.kind === 'all') for (const r of platform.anonymousRejections()) if (r.at_ns >= since) add(rejections, r.reason, 0n);
  return {
    states,
    settled_by_currency: byUsd(
      platform,
      date,
      rows(byCurrency, (k) => ({ currency: k })),
    ),
    settled_by_corridor: byUsd(
      platform,
      date,
      rows(byCorridor, (k) => {
        const [from, to, currency] = k.split('>');
        return { from: from!, to: to!, currency: currency! };
      }),
    ),
    rejections_by_reason: rows(rejections, (k) => ({ reason: k })),
    fx_quotes: rows(quotes, (k) => {
      const [provider, from, to] = k.split('>');
      return { provider: provider!, from: from!, to: to! };
    }),
  };
}

/** The RTGS queue: value per currency, depth and the oldest waiting payments. */
function queueFigures(platform: Platform, scope: Scope): Record<string, unknown> {
  const queued = platform.queuedPayments().filter((p) => inScope(scope, p));
  const queueBy: Tally = new Map();
  for (const p of queued) add(queueBy, p.instruction.currency, p.instruction.amount_minor);
  const oldest = queued.slice(0, WEB_LIMITS.oldest_queued).map((p) => ({
    uetr: p.instruction.uetr,
    end_to_end_id: p.instruction.end_to_end_id,
    payer: p.instruction.payer,
    payee: p.instruction.payee,
    currency: p.instruction.currency,
    amount_minor: p.instruction.amount_minor,
    priority: p.instruction.priority,
    queued_at_ns: queuedSince(p),
  }));
  return { by_currency: rows(queueBy, (k) => ({ currency: k })), depth: queued.length, oldest };
}

/** Settlement-account liquidity of every bank and liquidity provider in scope. */
function liquidityRows(platform: Platform, scope: Scope): unknown[] {
  const liquidity: unknown[] = [];
  for (const p of platform.participants()) {
    if (p.kind === 'central_bank' || !seesParticipant(scope, p)) continue;
    for (const c of p.currencies) {
      if (!seesCurrency(scope, c)) continue;
      const b = platform.balance(p, c);
      liquidity.push({
        participant: p.id,
        name: p.name,
        currency: c,
        available_minor: b.available_minor,
        pending_minor: b.debits_pending_minor,
        credit_line_minor: b.credit_line_minor,
        credit_outstanding_minor: b.credit_outstanding_minor,
      });
    }
  }
  return liquidity;
}

/** Compliance cases waiting for a decision, newest first. */
function openCases(platform: Platform, scope: Scope): { open: number; list: unknown[] } {
  const list: unknown[] = [];
  let open = 0;
  const cases = platform.cases();
  for (let i = cases.length - 1; i >= 0; i--) {
    const c = cases[i]!;
    if (c.status !== 'open' && c.status !== 'proposed') continue;
    const p = platform.payment(c.uetr);
    if (p !== undefined && !inScope(scope, p)) continue;
    open++;
    if (list.length < WEB_LIMITS.cases)
      list.push({
        id: c.id,
        uetr: c.uetr,
        status: c.status,
        opened_at_ns: c.opened_at_ns,
        score: c.screening.score,
        detail: c.screening.detail ?? '',
        proposal: c.proposal,
        payer: p?.instruction.payer,
        payee: p?.instruction.payee,
        currency: p?.instruction.currency,
        amount_minor: p?.instruction.amount_minor,
      });
  }
  return { open, list };
}

/** The business day at a glance, in the caller's scope. */
export function overview(platform: Platform, scope: Scope): Record<string, unknown> {
  const day = platform.businessDay();
  const since = day?.opened_at_ns ?? 0n;
  const figures = paymentFigures(platform, scope, since, day?.date);
  const queue = queueFigures(platform, scope);
  const liquidity = liquidityRows(platform, scope);
  const windows: unknown[] = [];
  const ws = platform.windows();
  for (let i = ws.length - 1; i >= 0 && windows.length < WEB_LIMITS.windows; i--) if (seesCurrency(scope, ws[i]!.currency)) windows.push(windowView(ws[i]!));
  const lsm = platform
    .lsmRuns()
    .filter((r) => seesCurrency(scope, r.currency))
    .slice(-WEB_LIMITS.lsm_runs)
    .reverse();
  const facilities = platform
    .facilities()
    .filter((f) => seesCurrency(scope, f.currency) && (f.line_minor > 0n || f.outstanding_minor > 0n))
    .map(facilityView);
  const swapLines = platform
    .swapLines()
    .filter((l) => scope.kind === 'all' || (scope.kind === 'currency' && (l.terms.provider === scope.id || l.terms.drawer === scope.id)))
    .map(swapView);
  const issued = platform.conservation().filter((c) => seesCurrency(scope, c.currency));
  const cases = openCases(platform, scope);
  return {
    now_ns: platform.now(),
    scope: scope.kind === 'currency' ? { currency: scope.currency, participant: scope.id } : { currency: null, participant: null },
    day:
      day === null
        ? null
        : {
            date: day.date,
            state: day.state,
            opened_at_ns: day.opened_at_ns,
            closed_at_ns: day.closed_at_ns,
            cutoffs: Object.fromEntries(day.cutoffs.map(([c, ns]) => [c, ns])),
            // Each cut-off is shown in its currency's home time (the calendar's zone, or its central bank's capital).
            cutoff_zones: Object.fromEntries(day.cutoffs.map(([c]) => [c, platform.currencyDaySpan(c)?.time_zone ?? 'UTC'])),
          },
    ...figures,
    queue,
    lsm_runs: lsm,
    windows,
    liquidity,
    facilities,
    swap_lines: swapLines,
    issued,
    cases,
    // Operating calendars (rules 3, when the scheme has them): each currency's hours and cut-off in home time and UTC, and today's PvP overlaps.
    calendars: platform.currencyDays().filter((c) => seesCurrency(scope, c.currency)),
    overlaps: platform
      .calendarOverlaps(new Date(Number(platform.now() / 1_000_000n)).toISOString().slice(0, 10))
      .filter((o) => o.pair.split('/').some((c) => seesCurrency(scope, c))),
  };
}
