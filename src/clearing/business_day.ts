// The business day: opening it with a cut-off per currency, the cut-off that
// applies to a payment, and closing it. Pure: the time and the currencies that
// have a central bank are inputs. Refusals are thrown as ClearingRefusal before
// anything changes.

import { memberCurrency } from '../fx/iso4217.js';
import { REASON } from './reasons.js';
import { ClearingRefusal } from './refusal.js';
import type { BusinessDay } from './types.js';

export interface OpenDayInput {
  date: string;
  /** Currency -> HH:MM (UTC); currencies not named get `default_cutoff`. */
  cutoffs: Record<string, string>;
  default_cutoff: string;
}

/**
 * The day `input` opens after `days` (all earlier days, the last one current).
 * `issued` = currencies with a central bank. A cut-off HH:MM means the end of
 * that minute: payments up to HH:MM:59.999999999 are accepted.
 */
export function openBusinessDay(input: OpenDayInput, days: readonly BusinessDay[], issued: Iterable<string>, now_ns: bigint): BusinessDay {
  const { date, cutoffs } = input;
  const last = days[days.length - 1];
  if (last !== undefined && last.state === 'open') throw new ClearingRefusal('day_open', 'date', `business day ${last.date} is open; close it first`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw new ClearingRefusal('invalid_field', 'date', 'must be YYYY-MM-DD');
  if (last !== undefined && last.date >= date) throw new ClearingRefusal('invalid_field', 'date', `must be after the last business day ${last.date}`);
  const midnight = BigInt(Date.parse(`${date}T00:00:00Z`)) * 1_000_000n;
  const at = (hhmm: string, field: string): bigint => {
    const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
    if (m === null) throw new ClearingRefusal('invalid_field', field, 'must be HH:MM (UTC)');
    return midnight + (BigInt(Number(m[1]) * 60 + Number(m[2])) * 60n + 59n) * 1_000_000_000n;
  };
  for (const k of Object.keys(cutoffs)) {
    try {
      memberCurrency(k, `cutoffs.${k}`);
    } catch {
      throw new ClearingRefusal('unknown_currency', `cutoffs.${k}`, `${k} is not an SCO member currency`);
    }
  }
  const fallback = at(input.default_cutoff, 'default_cutoff');
  const active = new Set(issued);
  const list: Array<[string, bigint]> = [];
  for (const c of [...active].sort()) list.push([c, cutoffs[c] !== undefined ? at(cutoffs[c]!, `cutoffs.${c}`) : fallback]);
  for (const k of Object.keys(cutoffs)) if (!active.has(k)) list.push([k, at(cutoffs[k]!, `cutoffs.${k}`)]);
  return { date, state: 'open', opened_at_ns: now_ns, closed_at_ns: null, cutoffs: list };
}

export function isOpen(day: BusinessDay | null): day is BusinessDay {
  return day !== null && day.state === 'open';
}

/** The cut-off of `currency` on `day`; 0 (everything is late) without a day or a cut-off. */
export function cutoffOf(day: BusinessDay | null, currency: string): bigint {
  if (day === null) return 0n;
  for (const [c, ns] of day.cutoffs) if (c === currency) return ns;
  return 0n;
}

/** Whether a payment in `currency` arriving at `now_ns` is past its cut-off (rules 1 and 2 reject it CUTO; rules 3 warehouse it, ./warehouse.ts). */
export function pastCutoff(day: BusinessDay | null, currency: string, now_ns: bigint): boolean {
  return now_ns > cutoffOf(day, currency);
}

/**
 * The day closed at `now_ns`. What happens at the close, in order (the platform
 * drives it): open windows settle, queues are re-examined once more, payments
 * still queued or held are rejected CUTO (closeRejection) under rules 1 and 2 —
 * under rules 3 queued ones are warehoused to the next business day and held
 * ones carried over (./warehouse.ts closeDisposition) —, intraday credit is
 * repaid (financing/intraday_credit.ts), then the day closes.
 */
export function closedDay(day: BusinessDay, now_ns: bigint): BusinessDay {
  return { ...day, state: 'closed', closed_at_ns: now_ns };
}

/**
 * Rules 1 and 2: why a payment still waiting at the close is rejected — queued for
 * liquidity, or held by compliance case `case_id` (a text that reaches banks; rules
 * 3 rejects at the close only for a settle_by and names no case).
 */
export function closeRejection(case_id: number | null): { reason: string; detail: string } {
  return {
    reason: REASON.cut_off,
    detail: case_id === null ? 'still queued at the close of the business day' : `held by compliance case ${case_id} at the close of the business day`,
  };
}
