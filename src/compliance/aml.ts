// AML rules over a stream of payment records, and the suspicious-transaction report
// (STR) built from their alerts.
//
// This module owns the rules, their configuration and the STR layout. Every rule is
// a pure function of the records and the configuration: records are taken in
// (timestamp, id) order, time is the records' own, amounts are bigint minor units
// (never floating point), and the same input gives the same alerts in the same order.
// Rules:
//   - structuring: at least `min_count` payments by one debtor in one currency within
//     `window_ms`, each just under the reporting threshold (within `band_bp` basis
//     points below it);
//   - velocity_participant / velocity_corridor: more than `max_count` payments, or
//     more than `max_amount` (per currency), by one debtor participant, or on one
//     corridor (debtor country -> creditor country, currency), within `window_ms`;
//   - round_amount_burst: at least `min_count` payments by one debtor within
//     `window_ms` whose amounts are whole multiples of the currency's round unit;
//   - high_risk_counterparty: a payment whose debtor or creditor country, or whose
//     debtor, creditor or agent id, is on the configured high-risk lists.
// A windowed rule fires once when its window first crosses the limit and re-arms only
// after the window has fallen back below it, so a burst is one alert, not one per
// payment. Evidence lists at most EVIDENCE_PAYMENTS_MAX payment ids.

export const EVIDENCE_PAYMENTS_MAX = 100;
export const AML_RECORDS_MAX = 10_000_000;

export interface PaymentRecord {
  id: string;
  /** Milliseconds since the epoch. */
  timestamp_ms: number;
  /** The debtor participant (or customer) id. */
  debtor: string;
  creditor: string;
  debtor_country: string;
  creditor_country: string;
  currency: string;
  /** Minor units. */
  amount: bigint;
  debtor_agent?: string;
  creditor_agent?: string;
}

export interface AmlConfig {
  structuring: { threshold: Record<string, bigint>; band_bp: number; window_ms: number; min_count: number };
  velocity: { window_ms: number; max_count: number; max_amount: Record<string, bigint>; corridor_max_count: number };
  round_amount: { unit: Record<string, bigint>; window_ms: number; min_count: number };
  high_risk: { countries: string[]; parties: string[] };
}

export type AmlRule = 'structuring' | 'velocity_participant' | 'velocity_corridor' | 'round_amount_burst' | 'high_risk_counterparty';

export interface AmlAlert {
  /** Stable within one run: rule, subject and the first payment of the evidence. */
  alert_id: string;
  rule: AmlRule;
  /** Who or what the alert is about: a participant id, a corridor "KZ->CN CNY", a payment. */
  subject: string;
  currency: string | null;
  from_ms: number;
  to_ms: number;
  payment_ids: string[];
  /** Total of the evidenced payments, minor units, as a decimal string. */
  total_amount: string;
  reason: string;
}

/** A reasonable starting configuration (amounts in minor units of each currency). */
export function defaultAmlConfig(): AmlConfig {
  const hour = 3_600_000;
  const day = 24 * hour;
  return {
    structuring: {
      threshold: { CNY: 5_000_000n, RUB: 60_000_000n, INR: 100_000_000n, KZT: 500_000_000n, USD: 1_000_000n, EUR: 1_000_000n },
      band_bp: 1000,
      window_ms: 7 * day,
      min_count: 3,
    },
    velocity: { window_ms: hour, max_count: 50, max_amount: {}, corridor_max_count: 500 },
    round_amount: {
      unit: { CNY: 1_000_000n, RUB: 10_000_000n, INR: 10_000_000n, KZT: 100_000_000n, USD: 100_000n, EUR: 100_000n },
      window_ms: day,
      min_count: 5,
    },
    high_risk: { countries: ['KP', 'IR', 'MM'], parties: [] },
  };
}

/** A sliding window over records of one key: at most the records within window_ms of the newest. */
class Window {
  readonly items: PaymentRecord[] = [];
  private head = 0;
  total = 0n;
  armed = true;
  push(r: PaymentRecord, windowMs: number): void {
    this.items.push(r);
    this.total += r.amount;
    this.age(r.timestamp_ms, windowMs);
  }
  /** Drops records older than windowMs before `now`. */
  age(now: number, windowMs: number): void {
    while (this.head < this.items.length && this.items[this.head]!.timestamp_ms <= now - windowMs) {
      this.total -= this.items[this.head]!.amount;
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }
  get live(): PaymentRecord[] {
    return this.items.slice(this.head);
  }
  get count(): number {
    return this.items.length - this.head;
  }
}

function windowFor(map: Map<string, Window>, key: string): Window {
  let w = map.get(key);
  if (w === undefined) map.set(key, (w = new Window()));
  return w;
}

function alertOf(rule: AmlRule, subject: string, currency: string | null, records: readonly PaymentRecord[], reason: string): AmlAlert {
  const ev = records.slice(0, EVIDENCE_PAYMENTS_MAX);
  let total = 0n;
  for (const r of records) total += r.amount;
  return {
    alert_id: `${rule}:${subject}:${ev[0]?.id ?? ''}`,
    rule,
    subject,
    currency,
    from_ms: records[0]?.timestamp_ms ?? 0,
    to_ms: records[records.length - 1]?.timestamp_ms ?? 0,
    payment_ids: ev.map((r) => r.id),
    total_amount: total.toString(),
    reason,
  };
}

/** Runs every rule over `records`; alerts in order of the payment that raised them. */
export function runAmlRules(records: readonly PaymentRecord[], config: AmlConfig): AmlAlert[] {
  if (records.length > AML_RECORDS_MAX) throw new RangeError(`more than ${AML_RECORDS_MAX} payment records; split the input`);
  const sorted = [...records].sort((a, b) => a.timestamp_ms - b.timestamp_ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const alerts: AmlAlert[] = [];
  const windows: RuleWindows = { structuring: new Map(), velocity: new Map(), corridor: new Map(), round: new Map() };
  const riskyCountries = new Set(config.high_risk.countries.map((c) => c.toUpperCase()));
  const riskyParties = new Set(config.high_risk.parties);
  for (const r of sorted) {
    checkStructuring(r, config, windows.structuring, alerts);
    checkVelocity(r, config, windows, alerts);
    checkRoundAmounts(r, config, windows.round, alerts);
    checkHighRisk(r, riskyCountries, riskyParties, alerts);
  }
  return alerts;
}

/** The sliding windows of the rules, by key (debtor and currency, or corridor). */
interface RuleWindows {
  structuring: Map<string, Window>;
  velocity: Map<string, Window>;
  corridor: Map<string, Window>;
  round: Map<string, Window>;
}

/** Structuring: just under the threshold. */
function checkStructuring(r: PaymentRecord, config: AmlConfig, structuring: Map<string, Window>, alerts: AmlAlert[]): void {
  const threshold = config.structuring.threshold[r.currency];
  if (threshold === undefined || threshold <= 0n) return;
  const floor = threshold - (threshold * BigInt(config.structuring.band_bp)) / 10_000n;
  const w = windowFor(structuring, `${r.debtor}|${r.currency}`);
  if (r.amount >= floor && r.amount < threshold) {
    w.push(r, config.structuring.window_ms);
    if (w.count >= config.structuring.min_count && w.armed) {
      w.armed = false;
      alerts.push(
        alertOf(
          'structuring',
          r.debtor,
          r.currency,
          w.live,
          `${w.count} payments between ${floor} and ${threshold} ${r.currency} (minor units) within ${config.structuring.window_ms} ms`,
        ),
      );
    }
  } else w.age(r.timestamp_ms, config.structuring.window_ms);
  if (w.count < config.structuring.min_count) w.armed = true;
}

/** Velocity per participant (count, and amount per currency), then per corridor. */
function checkVelocity(r: PaymentRecord, config: AmlConfig, windows: RuleWindows, alerts: AmlAlert[]): void {
  {
    const w = windowFor(windows.velocity, `${r.debtor}|${r.currency}`);
    w.push(r, config.velocity.window_ms);
    const maxAmount = config.velocity.max_amount[r.currency];
    const over = w.count > config.velocity.max_count || (maxAmount !== undefined && w.total > maxAmount);
    if (over && w.armed) {
      w.armed = false;
      alerts.push(
        alertOf(
          'velocity_participant',
          r.debtor,
          r.currency,
          w.live,
          `${w.count} payments totalling ${w.total} ${r.currency} (minor units) within ${config.velocity.window_ms} ms`,
        ),
      );
    } else if (!over) w.armed = true;
  }
  const key = `${r.debtor_country.toUpperCase()}->${r.creditor_country.toUpperCase()} ${r.currency}`;
  const w = windowFor(windows.corridor, key);
  w.push(r, config.velocity.window_ms);
  const over = w.count > config.velocity.corridor_max_count;
  if (over && w.armed) {
    w.armed = false;
    alerts.push(alertOf('velocity_corridor', key, r.currency, w.live, `${w.count} payments on the corridor within ${config.velocity.window_ms} ms`));
  } else if (!over) w.armed = true;
}

/** Round-amount bursts. */
function checkRoundAmounts(r: PaymentRecord, config: AmlConfig, round: Map<string, Window>, alerts: AmlAlert[]): void {
  const unit = config.round_amount.unit[r.currency];
  if (unit === undefined || unit <= 0n) return;
  const w = windowFor(round, `${r.debtor}|${r.currency}`);
  if (r.amount > 0n && r.amount % unit === 0n) {
    w.push(r, config.round_amount.window_ms);
    if (w.count >= config.round_amount.min_count && w.armed) {
      w.armed = false;
      alerts.push(
        alertOf(
          'round_amount_burst',
          r.debtor,
          r.currency,
          w.live,
          `${w.count} payments in whole multiples of ${unit} ${r.currency} (minor units) within ${config.round_amount.window_ms} ms`,
        ),
      );
    }
  } else w.age(r.timestamp_ms, config.round_amount.window_ms);
  if (w.count < config.round_amount.min_count) w.armed = true;
}

/** High-risk counterparties. */
function checkHighRisk(r: PaymentRecord, riskyCountries: ReadonlySet<string>, riskyParties: ReadonlySet<string>, alerts: AmlAlert[]): void {
  const why: string[] = [];
  if (riskyCountries.has(r.debtor_country.toUpperCase())) why.push(`debtor country ${r.debtor_country.toUpperCase()}`);
  if (riskyCountries.has(r.creditor_country.toUpperCase())) why.push(`creditor country ${r.creditor_country.toUpperCase()}`);
  for (const [role, id] of [
    ['debtor', r.debtor],
    ['creditor', r.creditor],
    ['debtor agent', r.debtor_agent],
    ['creditor agent', r.creditor_agent],
  ] as const) {
    if (id !== undefined && riskyParties.has(id)) why.push(`${role} ${id}`);
  }
  if (why.length > 0) alerts.push(alertOf('high_risk_counterparty', r.id, r.currency, [r], `high-risk ${why.join(', ')}`));
}

// --- suspicious-transaction report ---------------------------------------------

export interface StrMeta {
  reporting_entity: string;
  /** ISO 8601; an input, never read from a clock here. */
  generated_at: string;
  recipient: string;
}

export interface StrReport {
  format: 'sco-settle-str/1';
  reporting_entity: string;
  recipient: string;
  generated_at: string;
  alert_count: number;
  alerts: Array<
    AmlAlert & {
      payments: Array<{ id: string; timestamp: string; debtor: string; creditor: string; corridor: string; currency: string; amount_minor: string }>;
    }
  >;
}

/** Builds the STR document from alerts and the records they cite. */
export function buildStr(alerts: readonly AmlAlert[], records: readonly PaymentRecord[], meta: StrMeta): StrReport {
  const byId = new Map(records.map((r) => [r.id, r]));
  return {
    format: 'sco-settle-str/1',
    reporting_entity: meta.reporting_entity,
    recipient: meta.recipient,
    generated_at: meta.generated_at,
    alert_count: alerts.length,
    alerts: alerts.map((a) => ({
      ...a,
      payments: a.payment_ids
        .map((id) => byId.get(id))
        .filter((r): r is PaymentRecord => r !== undefined)
        .map((r) => ({
          id: r.id,
          timestamp: new Date(r.timestamp_ms).toISOString(),
          debtor: r.debtor,
          creditor: r.creditor,
          corridor: `${r.debtor_country}->${r.creditor_country}`,
          currency: r.currency,
          amount_minor: r.amount.toString(),
        })),
    })),
  };
}

function csvField(v: string | number): string {
  const s = String(v);
  // Quote always-dangerous characters; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const STR_CSV_HEADER = [
  'alert_id',
  'rule',
  'subject',
  'reason',
  'payment_id',
  'timestamp',
  'debtor',
  'creditor',
  'corridor',
  'currency',
  'amount_minor',
];

/** The STR as CSV: one row per (alert, payment), CRLF line ends, a header row. */
export function strToCsv(report: StrReport): string {
  const lines = [STR_CSV_HEADER.join(',')];
  for (const a of report.alerts) {
    for (const p of a.payments) {
      lines.push(
        [a.alert_id, a.rule, a.subject, a.reason, p.id, p.timestamp, p.debtor, p.creditor, p.corridor, p.currency, p.amount_minor].map(csvField).join(','),
      );
    }
  }
  return lines.join('\r\n') + '\r\n';
}
