// Commands of the FX market data: importing reference rates, liquidity
// providers publishing quotes, locking a quote for one conversion
// (fx/quote_locks.ts), the scheme's staleness rule for reference rates
// (fx/rate_policy.ts) and, under rules 3, PvP pricing with it and the operator
// alerts it raises. Also the facade's gate for lock commands (admitLockQuote):
// the random lock id and the per-minute bound, before anything is journaled.

import { randomBytes } from 'node:crypto';
import { pricePaymentV3, type PricingViewV3, type StaleRateNotice } from '../clearing/pvp.js';
import type { Payment } from '../clearing/types.js';
import {
  boundLockFromTier,
  expiredLocks,
  keptInputs,
  LOCK_ID_RANDOM_BYTES,
  LOCK_ID_RE,
  lockFromTier,
  openLocksOf,
  QUOTE_LOCK_LIMITS,
  QUOTE_LOCKS_MAX,
  type LockRateGate,
} from '../fx/quote_locks.js';
import { DEFAULT_LOCK_SECONDS, type QuoteInput } from '../fx/quotes.js';
import { checkRatePolicy, DEFAULT_RATE_POLICY, type RatePolicy } from '../fx/rate_policy.js';
import { RateBook } from '../fx/rates.js';
import { REFERENCE_FILE, REFERENCE_RATES } from '../fx/reference_data.js';
import type { Command } from './commands.js';
import type { CommandContext } from './context.js';
import { PlatformError } from './errors.js';
import { activeCurrency, amount, need } from './participant_commands.js';
import type { PlatformState } from './state.js';
import type { OperatorAlert } from './types.js';
import { checkRateSources, refuseUnderScheme } from './governance_effect.js';

/** Stale-rate alerts kept (oldest dropped first): one per currency, rate date, value date and action, so few a day. */
export const RATE_ALERTS_MAX = 10_000;

export function importRates(cx: CommandContext, file: string, rows: Extract<Command, { type: 'import_rates' }>['rows'], field = 'rows'): unknown {
  const s = cx.s;
  // Rules 3 under a scheme: every row from a source the scheme names (rates.sources).
  if (cx.rules_version >= 3) checkRateSources(s, rows, (i) => (field === 'rows' ? `rows[${i}].source` : field));
  const merged = [...s.rateRows, ...rows.map((r) => ({ ...r, file }))];
  try {
    RateBook.fromRows(
      merged.map((r, i) => ({ line: i + 1, row: r })),
      {},
      file,
    );
    // Each row checked on its own too, so the error names the line of this file.
    RateBook.fromRows(
      rows.map((r, i) => ({ line: i + 2, row: r })),
      {},
      file,
    );
  } catch (err) {
    const e = err as Error & { field?: string };
    throw new PlatformError('invalid_field', e.field ?? 'rows', e.message);
  }
  s.rateRows = merged;
  s.rateBook = null;
  return { file, imported: rows.length, total: merged.length };
}

export function publishQuote(cx: CommandContext, cmd: Extract<Command, { type: 'publish_quote' }>): unknown {
  const s = cx.s;
  const lp = need(s, cmd.provider, 'provider');
  if (lp.kind !== 'liquidity_provider') throw new PlatformError('invalid_field', 'provider', `${lp.id} is not a liquidity provider`);
  const b = activeCurrency(s, cmd.base, 'base');
  const q = activeCurrency(s, cmd.quote, 'quote');
  if (!lp.currencies.includes(b.code) || !lp.currencies.includes(q.code))
    throw new PlatformError('invalid_field', 'quote', `${lp.id} holds no account in ${lp.currencies.includes(b.code) ? q.code : b.code}`);
  const input: QuoteInput = {
    provider: lp.id,
    base: b.code,
    quote: q.code,
    expires_at_ns: cx.now + BigInt(cmd.valid_s) * 1_000_000_000n,
    tiers: cmd.tiers.map((t, i) => ({
      min_minor: amount(t.min, b, `tiers[${i}].min`, cx.rules_version),
      max_minor: amount(t.max, b, `tiers[${i}].max`, cx.rules_version),
      bid: t.bid,
      ask: t.ask,
    })),
  };
  try {
    s.quotes().publish(input, cx.now);
  } catch (err) {
    const e = err as Error & { field?: string; code?: string };
    throw new PlatformError(e.code === 'limit_exceeded' ? 'limit_exceeded' : 'invalid_field', e.field ?? 'tiers', e.message);
  }
  s.quoteInputs = keptInputs(s.quoteInputs, input, cx.now);
  return { provider: lp.id, base: b.code, quote: q.code, expires_at_ns: input.expires_at_ns, tiers: input.tiers.length };
}

/** The best live quote covering a conversion of `amount` of BASE into QUOTE, locked for the quote book's lock time. */
export function lockQuote(cx: CommandContext, cmd: Extract<Command, { type: 'lock_quote' }>): unknown {
  const s = cx.s;
  // Rules 3: the lock is bound to its participant and user, its id is the facade's random one.
  const holder = cx.rules_version >= 3 ? lockHolder(cx, cmd) : null;
  const b = activeCurrency(s, cmd.base, 'base');
  activeCurrency(s, cmd.quote, 'quote');
  const value = amount(cmd.amount, b, 'amount', cx.rules_version);
  let tier: ReturnType<ReturnType<typeof s.quotes>['select']>;
  try {
    tier = s.quotes().select(b.code, cmd.quote, 'sell', value, cx.now);
  } catch (err) {
    throw new PlatformError('rate_unavailable', 'amount', (err as Error).message);
  }
  const lock =
    holder === null ? lockFromTier(++s.lockSeq, tier, value, cx.now) : boundLockFromTier(holder.lock_id, tier, value, cx.now, holder.participant, cmd.by);
  for (const id of expiredLocks(s.quoteLocks, cx.now)) s.quoteLocks.delete(id);
  if (s.quoteLocks.size >= QUOTE_LOCKS_MAX) throw new PlatformError('limit_exceeded', 'amount', 'too many live quote locks');
  s.quoteLocks.set(lock.id, lock);
  return {
    quote_id: lock.id,
    ...(holder === null ? {} : { participant: holder.participant }),
    provider: lock.provider,
    base: lock.base,
    quote: lock.quote,
    amount_minor: value,
    price: lock.price_text,
    expires_at_ns: lock.expires_at_ns,
  };
}

/** Rules 3: who takes a lock, checked (participant, open-lock bound) before anything changes; the id's format too. */
function lockHolder(cx: CommandContext, cmd: Extract<Command, { type: 'lock_quote' }>): { participant: string; lock_id: string } {
  const s = cx.s;
  if (cmd.lock_id === undefined || !LOCK_ID_RE.test(cmd.lock_id))
    throw new PlatformError('invalid_field', 'lock_id', 'must be "Q" and 16 base64url characters, assigned by the platform');
  if (s.quoteLocks.has(cmd.lock_id)) throw new PlatformError('invalid_field', 'lock_id', 'is already in use');
  if (cmd.participant === undefined)
    throw new PlatformError('invalid_field', 'participant', 'name the participant taking the lock (only its payments may use it)');
  const p = need(s, cmd.participant, 'participant');
  if (p.kind === 'central_bank') throw new PlatformError('invalid_field', 'participant', `${p.id} is a central bank; a lock is for a bank's PvP payment`);
  if (!p.currencies.includes(cmd.base)) throw new PlatformError('invalid_field', 'base', `${p.id} holds no account in ${cmd.base}`);
  const { open } = openLocksOf(s.quoteLocks, p.id, cx.now);
  if (open >= QUOTE_LOCK_LIMITS.open_per_participant_max) {
    throw new PlatformError(
      'rate_limited',
      'quote_locks',
      `${p.id} holds ${open} open quote locks; at most ${QUOTE_LOCK_LIMITS.open_per_participant_max} (use or let one expire first)`,
    );
  }
  return { participant: p.id, lock_id: cmd.lock_id };
}

/** A lock refused before journaling: too many locks now; retry after `retry_after_s`. */
export class QuoteLockLimitError extends PlatformError {
  constructor(
    message: string,
    readonly retry_after_s: number,
  ) {
    super('rate_limited', 'quote_locks', message);
  }
}

/**
 * The facade's gate for a lock_quote command about to be journaled (rules 3): a
 * caller may not choose the id; the platform draws 96 random bits for it; a
 * participant over its open-lock bound or its per-minute bound is refused here,
 * with nothing written. Returns the command to journal.
 */
export function admitLockQuote(s: PlatformState, gate: LockRateGate, command: Record<string, unknown>, now_ns: bigint): Record<string, unknown> {
  if (command.lock_id !== undefined) throw new PlatformError('invalid_field', 'lock_id', 'is assigned by the platform; do not send one');
  // Refused here, with nothing written, so a flood of nameless locks cannot fill the journal either.
  const participant = typeof command.participant === 'string' ? command.participant : undefined;
  if (participant === undefined) throw new PlatformError('invalid_field', 'participant', 'name the participant taking the lock (only its payments may use it)');
  if (s.participant(participant) === undefined) throw new PlatformError('unknown_participant', 'participant', `${participant} is not a participant`);
  const { open, first_expiry_ns } = openLocksOf(s.quoteLocks, participant, now_ns);
  if (open >= QUOTE_LOCK_LIMITS.open_per_participant_max) {
    const wait = first_expiry_ns === null ? DEFAULT_LOCK_SECONDS : Number((first_expiry_ns - now_ns + 999_999_999n) / 1_000_000_000n);
    throw new QuoteLockLimitError(
      `${participant} holds ${open} open quote locks; at most ${QUOTE_LOCK_LIMITS.open_per_participant_max} (use or let one expire first)`,
      Math.max(1, wait),
    );
  }
  const wait = gate.take(participant, now_ns);
  if (wait > 0)
    throw new QuoteLockLimitError(`${participant} took ${gate.per_minute_max} quote locks in the last minute; at most ${gate.per_minute_max}`, wait);
  return { ...command, lock_id: `Q${randomBytes(LOCK_ID_RANDOM_BYTES).toString('base64url')}` };
}

/**
 * Rules 3: a central bank publishes its own currency's reference rate for a
 * business day (the operator may publish it on the central bank's behalf, naming
 * it). One row, checked like an imported one; a date after the open business
 * day is refused (a rate is published for a day that has come), and a second
 * rate for the same currency and date too (corrections are not modelled).
 */
export function publishReferenceRate(cx: CommandContext, cmd: Extract<Command, { type: 'publish_reference_rate' }>): unknown {
  if (cx.rules_version < 3) throw new PlatformError('invalid_command', 'type', 'publish_reference_rate needs rules version 3');
  const s = cx.s;
  const c = activeCurrency(s, cmd.currency, 'currency');
  const issuer = s.centralBankOf(c.code)!;
  need(s, cmd.participant, 'participant');
  if (issuer.id !== cmd.participant)
    throw new PlatformError(
      'invalid_field',
      'participant',
      `${cmd.participant} does not issue ${c.code}; only its central bank (${issuer.id}) publishes its rate`,
    );
  const today = s.business_date;
  if (today !== null && cmd.date > today)
    throw new PlatformError('invalid_field', 'date', `${cmd.date} is after the open business day ${today}; a rate is published for a day that has come`);
  const row = { currency: c.code, units_per_usd: cmd.units_per_usd, date: cmd.date, source: cmd.source };
  // The embedded rates apply until the first import; a published rate adds to them rather than replacing them all.
  const seeded = s.rateRows.length === 0;
  if (seeded)
    s.rateRows = REFERENCE_RATES.map((r) => ({
      currency: r.currency,
      units_per_usd: r.units_per_usd,
      date: r.date,
      source: r.source,
      file: `embedded ${REFERENCE_FILE}`,
    }));
  try {
    const out = importRates(cx, `published by ${issuer.id}`, [row], 'source');
    return { ...(out as object), published: { ...row, participant: issuer.id } };
  } catch (err) {
    if (seeded) s.rateRows = [];
    throw err;
  }
}

// ---- the staleness rule (rules 3) ------------------------------------------------------------

export function ratePolicyOf(s: PlatformState): RatePolicy {
  return s.ratePolicy ?? DEFAULT_RATE_POLICY;
}

export function setRatePolicy(cx: CommandContext, cmd: Extract<Command, { type: 'set_rate_policy' }>): unknown {
  if (cx.rules_version < 3) throw new PlatformError('invalid_command', 'type', 'set_rate_policy needs rules version 3');
  // Rules 4: under a scheme its version sets the policy (rates.*); the operator alone may not.
  if (cx.rules_version >= 4) refuseUnderScheme(cx.s, 'the rate policy (rates.max_age_business_days, extended_age_business_days, quote_tolerance_bp)', '');
  const policy: RatePolicy = {
    max_age_business_days: cmd.max_age_business_days,
    extended_age_business_days: cmd.extended_age_business_days,
    quote_tolerance_bp: cmd.quote_tolerance_bp,
  };
  try {
    checkRatePolicy(policy);
  } catch (err) {
    const e = err as Error & { field?: string; reason?: string };
    throw new PlatformError('invalid_field', e.field ?? '', e.reason ?? e.message);
  }
  cx.s.ratePolicy = policy;
  return { rate_policy: policy };
}

/** Rules 3: fixes a PvP payment's leg with pricePaymentV3; false when the payment was rejected instead (recorded here). */
export function priceRules3(cx: CommandContext, p: Payment): boolean {
  const s = cx.s;
  const view: PricingViewV3 = {
    participants: s.participants,
    participant: (id) => s.byId.get(id),
    available: (q, currency) => s.available(q, currency),
    crossRate: (from, to, date) => s.rates().crossRate(from, to, date),
    quoteLock: (id) => s.quoteLocks.get(id),
    policy: ratePolicyOf(s),
    rateAsOf: (currency, date) => s.rates().rateAsOf(currency, date),
    providerQuote: (provider, base, quote, amount_minor, now_ns) => {
      const tiers = s.quotes().pair(base, quote)?.byProvider.get(provider) ?? [];
      const t = tiers.find((x) => x.min_minor <= amount_minor && amount_minor <= x.max_minor && now_ns < x.expires_at_ns);
      return t === undefined ? null : { price: t.bid, text: t.bid_text };
    },
  };
  const pricing = pricePaymentV3(p.instruction, p.submitted_by, view, cx.now);
  if (pricing.consumed_lock !== null) s.quoteLocks.delete(pricing.consumed_lock);
  for (const n of pricing.stale) raiseStaleAlert(cx, n);
  if (!pricing.outcome.ok) {
    cx.change(p, 'rejected', pricing.outcome.reason, pricing.outcome.detail);
    return false;
  }
  p.fx = pricing.outcome.fx;
  return true;
}

/** One alert per currency, rate date, value date and action: kept in the state and reported with the command. */
function raiseStaleAlert(cx: CommandContext, n: StaleRateNotice): void {
  const list = cx.s.rateAlerts;
  for (let i = list.length - 1; i >= 0; i--) {
    const a = list[i]!;
    if (a.currency === n.currency && a.rate_date === n.rate_date && a.value_date === n.value_date && a.action === n.action) return;
  }
  const policy = ratePolicyOf(cx.s);
  const what =
    n.action === 'provider_quote'
      ? "PvP payments are priced at the liquidity provider's own quote where it is within the tolerance band"
      : n.action === 'last_rate'
        ? 'PvP payments are priced at this stale rate'
        : 'PvP payments needing it are refused (FX_RATE_STALE)';
  const alert: OperatorAlert = {
    at_ns: cx.now.toString(),
    kind: 'rate_stale',
    currency: n.currency,
    rate_date: n.rate_date,
    value_date: n.value_date,
    age_business_days: n.age_business_days,
    action: n.action,
    message:
      `the ${n.currency} reference rate for ${n.value_date} is dated ${n.rate_date}, ${n.age_business_days} business days old ` +
      `(the scheme allows ${policy.max_age_business_days}); ${what}. Publish the day's rate.`,
  };
  if (list.length >= RATE_ALERTS_MAX) list.shift();
  list.push(alert);
  cx.alerts.push(alert);
}
