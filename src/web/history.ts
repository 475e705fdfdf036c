// The dashboard's charts over one currency's business day, read from the store's
// history on every request — not sampled by the server, so a restart loses
// nothing and every server of a cluster draws the same day:
//  - the span: the currency's business day (its calendar's session in its home
//    zone, or the platform's business day) from Platform.currencyDaySpan;
//  - RTGS queue depth and value, and settled count and value, in the payer's
//    currency: from the payments' recorded state histories;
//  - each participant's settlement-account balance (posted): the ledger account
//    now, less the transfers booked since the day's start, walked forward.
// Values are step functions evaluated at every instant something changed (at
// most WEB_LIMITS.history_points_max instants, evenly chosen, on a busier day).

import type { Platform } from '../platform/platform.js';
import type { Transfer } from '../platform/reference.js';
import { ACCOUNT_KIND, accountId, memberCurrency, TransferFlags } from '../platform/reference.js';
import { seesCurrency, seesParticipant, seesPayment, type Scope } from '../http/access.js';
import { notFound } from '../http/errors.js';
import { WEB_LIMITS } from './limits.js';

/** A change of a series at an instant. */
type Step = [at_ns: bigint, delta: bigint];

export interface DayHistory {
  currency: string | null;
  currencies: string[];
  time_zone: string | null;
  business_date: string | null;
  on_calendar: boolean;
  from_ns: bigint | null;
  to_ns: bigint | null;
  now_ns: bigint;
  /** Milliseconds since the epoch (UTC). */
  times: number[];
  queue: { depth: number[]; value_minor: string[] };
  settled: { count: number[]; value_minor: string[] };
  /** participant -> posted balance of its settlement account, minor units. */
  balances: Record<string, string[]>;
}

/** The value of a step series at each of `times` (ascending): `start` plus every step at or before it. */
function evaluate(start: bigint, steps: Step[], times: bigint[]): bigint[] {
  steps.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: bigint[] = [];
  let v = start;
  let i = 0;
  for (const t of times) {
    while (i < steps.length && steps[i]![0] <= t) v += steps[i++]![1];
    out.push(v);
  }
  return out;
}

/** Queue entries and exits, and settlements, of the scope's payments in `currency` (the payer's). */
function paymentSteps(platform: Platform, scope: Scope, currency: string): { depth: Step[]; value: Step[]; count: Step[]; settled: Step[] } {
  const r = { depth: [] as Step[], value: [] as Step[], count: [] as Step[], settled: [] as Step[] };
  for (const p of platform.everyPayment()) {
    const ins = p.instruction;
    if (ins.currency !== currency || (scope.kind !== 'all' && !seesPayment(scope, p))) continue;
    let queued = false;
    for (const h of p.history) {
      const now = h.state === 'queued';
      if (now !== queued) {
        r.depth.push([h.at_ns, now ? 1n : -1n]);
        r.value.push([h.at_ns, now ? ins.amount_minor : -ins.amount_minor]);
      }
      queued = now;
    }
    if (p.settled_at_ns !== null) {
      r.count.push([p.settled_at_ns, 1n]);
      r.settled.push([p.settled_at_ns, ins.amount_minor]);
    }
  }
  return r;
}

/** What a booked transfer did to `account`'s posted balance (credits less debits); pending and voided reservations did nothing. */
function postedEffect(t: Transfer, account: bigint): bigint {
  if ((t.flags & (TransferFlags.pending | TransferFlags.void_pending_transfer)) !== 0) return 0n;
  return (t.credit_account_id === account ? t.amount : 0n) - (t.debit_account_id === account ? t.amount : 0n);
}

/** Each charted participant's settlement-account balance over the day: the balance now, walked back over the transfers since `from_ns`. */
async function balanceSeries(platform: Platform, scope: Scope, currency: string, from_ns: bigint): Promise<Map<string, [bigint, Step[]]>> {
  const numeric = memberCurrency(currency).numeric;
  const steps = new Map<string, [bigint, Step[]]>();
  for (const p of platform.participants()) {
    if (steps.size >= WEB_LIMITS.charted_participants_max) break;
    if (p.kind === 'central_bank' || !p.currencies.includes(currency) || !seesParticipant(scope, p)) continue;
    const id = accountId(p.no, numeric, ACCOUNT_KIND.settlement);
    const acc = platform.ledgerAccount(id);
    if (acc === undefined) continue;
    let start = acc.credits_posted - acc.debits_posted;
    const s: Step[] = [];
    for (const t of await platform.accountTransfers(id, from_ns, 0n)) {
      const d = postedEffect(t, id);
      if (d === 0n) continue;
      start -= d;
      s.push([t.timestamp, d]);
    }
    steps.set(p.id, [start, s]);
  }
  return steps;
}

/** At most `max` of the instants, evenly chosen, the first and last kept. */
function thin(times: bigint[], max: number): bigint[] {
  if (times.length <= max) return times;
  const out: bigint[] = [];
  for (let i = 0; i < max; i++) out.push(times[Math.round((i * (times.length - 1)) / (max - 1))]!);
  return out;
}

/** The currencies the caller may chart: those with a central bank on the platform, in scope. */
function chartable(platform: Platform, scope: Scope): string[] {
  return platform
    .conservation()
    .map((c) => c.currency)
    .filter((c) => seesCurrency(scope, c))
    .sort();
}

/** `currency`'s business day from the store (the first chartable currency when none is named). */
export async function dayHistory(platform: Platform, scope: Scope, asked: string | undefined): Promise<DayHistory> {
  const currencies = chartable(platform, scope);
  const currency = asked ?? (scope.kind === 'currency' ? scope.currency : currencies[0]);
  if (asked !== undefined && !currencies.includes(asked)) throw notFound(`currency ${asked}`, 'query.currency');
  const now = platform.now();
  const span = currency === undefined ? null : platform.currencyDaySpan(currency);
  const empty: DayHistory = {
    currency: currency ?? null,
    currencies,
    time_zone: span?.time_zone ?? null,
    business_date: span?.business_date ?? null,
    on_calendar: span?.on_calendar ?? false,
    from_ns: span?.from_ns ?? null,
    to_ns: span?.to_ns ?? null,
    now_ns: now,
    times: [],
    queue: { depth: [], value_minor: [] },
    settled: { count: [], value_minor: [] },
    balances: {},
  };
  if (span === null || currency === undefined || span.from_ns > now) return empty;
  const end = span.to_ns !== null && span.to_ns < now ? span.to_ns : now;
  const pay = paymentSteps(platform, scope, currency);
  const bal = await balanceSeries(platform, scope, currency, span.from_ns);
  const instants = new Set<bigint>([span.from_ns, end]);
  const within = (s: Step[]): void => {
    for (const [t] of s) if (t > span.from_ns && t < end) instants.add(t);
  };
  within(pay.depth);
  within(pay.settled);
  for (const [, s] of bal.values()) within(s);
  const times = thin(
    [...instants].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    WEB_LIMITS.history_points_max,
  );
  // Settled counts start at zero at the day's start: what settled before belongs to earlier days.
  const before = (s: Step[]): Step[] => s.filter(([t]) => t >= span.from_ns);
  const str = (xs: bigint[]): string[] => xs.map(String);
  return {
    ...empty,
    times: times.map((t) => Number(t / 1_000_000n)),
    queue: { depth: evaluate(0n, pay.depth, times).map(Number), value_minor: str(evaluate(0n, pay.value, times)) },
    settled: { count: evaluate(0n, before(pay.count), times).map(Number), value_minor: str(evaluate(0n, before(pay.settled), times)) },
    balances: Object.fromEntries([...bal].map(([pid, [start, s]]) => [pid, str(evaluate(start, s, times))])),
  };
}
