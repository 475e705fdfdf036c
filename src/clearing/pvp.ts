// Payment versus payment: a payment whose payee receives another currency
// settles as two legs in one linked chain — payer to liquidity provider in the
// payer's currency, provider to payee in the payee's — so either both move or
// neither. Owns pricing (a locked quote, or the business day's reference cross
// rate; the provider named, locked, or the one with the most of the payee
// currency), the legs, and the FX rounding residue: the exact conversion minus
// the rounded amount, counted per provider and currency when the payment settles,
// whole minor units booked between the provider and the operator's residue
// account, the fraction carried.
//
// Pure: balances, rates and locks come in through a read-only view.
//
// Rules 3 (pricePaymentV3): a quote lock prices only its own participant's
// payment submitted by the user that took it (to anyone else it is unknown, and
// it is not used up); the reference rate of each leg is judged by the scheme's
// staleness rule (fx/rate_policy.ts) with its fallbacks; and a refusal for a rate
// problem carries its own proprietary reason (RATE_REASON), not NARR. Rules 1 and
// 2 keep pricePayment, unchanged.

import { PairConverter } from '../fx/convert.js';
import { memberCurrency } from '../fx/iso4217.js';
import { lockBelongsTo, lockProblem, type QuoteLockRecord } from '../fx/quote_locks.js';
import { judgeRateAge, type RateAge, type RatePolicy } from '../fx/rate_policy.js';
import { absRational, addNormalised, compare, div, mul, rational, roundQuotient, sub, ZERO, type Rational } from '../fx/rational.js';
import type { CrossRate, ReferenceRate } from '../fx/rates.js';
import { TransferFlags, type Transfer } from '../ledger/types.js';
import { ACCOUNT_KIND, accountId, ledgerTransfer, OPERATOR_NO, settlementAccountOf, TRANSFER_CODE, uetrBits, type IdSource } from './accounts.js';
import { RATE_REASON, REASON } from './reasons.js';
import type { FxLeg, Participant, Payment, PaymentInstruction } from './types.js';

/** What pricing reads. */
export interface PricingView {
  readonly participants: readonly Participant[];
  participant(id: string): Participant | undefined;
  available(p: Participant, currency: string): bigint;
  crossRate(from: string, to: string, date: string): CrossRate;
  quoteLock(id: string): QuoteLockRecord | undefined;
}

export interface Pricing {
  /** A quote lock the pricing used up (it is gone even when the payment is then rejected). */
  consumed_lock: string | null;
  outcome: { ok: true; fx: FxLeg } | { ok: false; reason: string; detail: string };
}

/** Fixes a PvP payment's provider and rate at `now_ns`, or says why it is rejected. */
export function pricePayment(ins: PaymentInstruction, view: PricingView, now_ns: bigint): Pricing {
  let rate: Rational;
  let source: string;
  let lockedProvider: string | null = null;
  let consumed_lock: string | null = null;
  const reject = (reason: string, detail: string): Pricing => ({ consumed_lock, outcome: { ok: false, reason, detail } });
  if (ins.quote_id !== undefined) {
    const lock = view.quoteLock(ins.quote_id);
    const why = lockProblem(lock, ins.currency, ins.payee_currency, ins.amount_minor, now_ns);
    if (why !== null) return reject(REASON.narrative, `quote ${ins.quote_id} ${why}`);
    consumed_lock = ins.quote_id;
    rate = { num: lock!.price_num, den: lock!.price_den };
    source = `quote ${lock!.id} of ${lock!.provider}: ${lock!.price_text} ${lock!.quote} per ${lock!.base}`;
    lockedProvider = lock!.provider;
  } else {
    try {
      const x = view.crossRate(ins.currency, ins.payee_currency, ins.value_date);
      rate = x.rate;
      source = x.legs.map((l) => `${l.currency} ${l.units_per_usd_text}/USD ${l.date} (${l.source})`).join('; ');
    } catch (err) {
      return reject(REASON.narrative, `no usable rate ${ins.currency}->${ins.payee_currency}: ${(err as Error).message}`);
    }
  }
  const conv = new PairConverter(ins.currency, ins.payee_currency, rate).convert(ins.amount_minor, 'half_even');
  if (conv.amount_minor <= 0n) return reject(REASON.invalid_amount, 'converts to zero in the payee currency');
  const named = lockedProvider ?? ins.fx_provider;
  let provider: Participant | undefined;
  if (named !== undefined) {
    provider = view.participant(named);
    if (provider === undefined || !convertsBetween(provider, ins))
      return reject(REASON.incorrect_agent, `${named} is not a liquidity provider in ${ins.currency} and ${ins.payee_currency}`);
  } else {
    provider = bestProvider(ins, view);
    if (provider === undefined) return reject(REASON.incorrect_agent, `no liquidity provider holds both ${ins.currency} and ${ins.payee_currency}`);
  }
  const fx: FxLeg = {
    provider: provider.id,
    rate_num: rate.num,
    rate_den: rate.den,
    rate_source: source,
    payee_amount_minor: conv.amount_minor,
    residue_num: conv.residue.num,
    residue_den: conv.residue.den,
  };
  return { consumed_lock, outcome: { ok: true, fx } };
}

// ---- rules 3 ----------------------------------------------------------------------------------

/** What rules-3 pricing reads besides PricingView. */
export interface PricingViewV3 extends PricingView {
  readonly policy: RatePolicy;
  /** The latest reference rate of `currency` dated on or before `date`, without a staleness check; throws when there is none. */
  rateAsOf(currency: string, date: string): ReferenceRate;
  /** `provider`'s live quote price (QUOTE per BASE, the bid: the platform sells BASE) covering `amount_minor` of BASE; null when none. */
  providerQuote(provider: string, base: string, quote: string, amount_minor: bigint, now_ns: bigint): { price: Rational; text: string } | null;
}

/** A stale reference rate met while pricing: the platform raises an operator alert for it (once per currency, rate date and value date). */
export interface StaleRateNotice {
  currency: string;
  rate_date: string;
  value_date: string;
  age_business_days: number;
  /** What pricing did: priced at the provider's quote, at the stale rate, or refused the payment. */
  action: 'provider_quote' | 'last_rate' | 'rejected';
}

export interface PricingV3 extends Pricing {
  stale: StaleRateNotice[];
}

/** `converter`: the rate's converter when it is a shared reference pair's (referencePair), else the caller builds one. */
type RateChoice = { ok: true; rate: Rational; source: string; converter?: PairConverter } | { ok: false; reason: string; detail: string };

/** Two reference rates' cross rate, its source text and converter, built once per pair (referencePair). */
interface ReferencePair {
  readonly rate: Rational;
  readonly source: string;
  converter: PairConverter | null;
}

// Keyed by the rate book's own rate objects: immutable, and replaced (so dropped here) when rates are imported.
const referencePairs = new WeakMap<ReferenceRate, WeakMap<ReferenceRate, ReferencePair>>();

/**
 * The cross rate of `b` per `a` with its source text: every payment of a day
 * between two currencies prices at the same two rate objects, so the division,
 * the text and the converter (its reduced scale, its display decimal) are made
 * once for them, and the payments share the one source string.
 */
function referencePair(a: ReferenceRate, b: ReferenceRate): ReferencePair {
  let byB = referencePairs.get(a);
  if (byB === undefined) {
    byB = new WeakMap();
    referencePairs.set(a, byB);
  }
  let pair = byB.get(b);
  if (pair === undefined) {
    const text = (r: ReferenceRate): string => `${r.currency} ${r.units_per_usd_text}/USD ${r.date} (${r.source})`;
    pair = { rate: div(b.units_per_usd, a.units_per_usd), source: `${text(a)}; ${text(b)}`, converter: null };
    byB.set(b, pair);
  }
  return pair;
}

/** Rules 3: fixes a PvP payment's provider and rate at `now_ns` for a payment submitted by `user`, or says why it is rejected. */
export function pricePaymentV3(ins: PaymentInstruction, user: string, view: PricingViewV3, now_ns: bigint): PricingV3 {
  const stale: StaleRateNotice[] = [];
  let consumed_lock: string | null = null;
  const reject = (reason: string, detail: string): PricingV3 => ({ consumed_lock, stale, outcome: { ok: false, reason, detail } });
  let lock: QuoteLockRecord | undefined;
  if (ins.quote_id !== undefined) {
    const found = view.quoteLock(ins.quote_id);
    // Another participant's (or user's) lock is refused word for word like an unknown one, and left alone.
    lock = lockBelongsTo(found, ins.payer, user) ? found : undefined;
    const why = lockProblem(lock, ins.currency, ins.payee_currency, ins.amount_minor, now_ns);
    if (why !== null) return reject(RATE_REASON.quote, `quote ${ins.quote_id} ${why}`);
    consumed_lock = ins.quote_id;
  }
  const named = lock?.provider ?? ins.fx_provider;
  const provider = named !== undefined ? view.participant(named) : bestProvider(ins, view);
  if (named !== undefined && (provider === undefined || !convertsBetween(provider, ins)))
    return reject(REASON.incorrect_agent, `${named} is not a liquidity provider in ${ins.currency} and ${ins.payee_currency}`);
  if (provider === undefined) return reject(REASON.incorrect_agent, `no liquidity provider holds both ${ins.currency} and ${ins.payee_currency}`);
  const choice: RateChoice =
    lock !== undefined
      ? {
          ok: true,
          rate: { num: lock.price_num, den: lock.price_den },
          source: `quote ${lock.id} of ${lock.provider}: ${lock.price_text} ${lock.quote} per ${lock.base}`,
        }
      : referenceRateV3(ins, provider.id, view, now_ns, stale);
  if (!choice.ok) return reject(choice.reason, choice.detail);
  const conv = (choice.converter ?? new PairConverter(ins.currency, ins.payee_currency, choice.rate)).convert(ins.amount_minor, 'half_even');
  if (conv.amount_minor <= 0n) return reject(REASON.invalid_amount, 'converts to zero in the payee currency');
  const fx: FxLeg = {
    provider: provider.id,
    rate_num: choice.rate.num,
    rate_den: choice.rate.den,
    rate_source: choice.source,
    payee_amount_minor: conv.amount_minor,
    residue_num: conv.residue.num,
    residue_den: conv.residue.den,
  };
  return { consumed_lock, stale, outcome: { ok: true, fx } };
}

/** The reference cross rate of the value date under the staleness rule, with its fallbacks; stale legs are added to `stale`. */
function referenceRateV3(ins: PaymentInstruction, provider: string, view: PricingViewV3, now_ns: bigint, stale: StaleRateNotice[]): RateChoice {
  const legs: Array<{ r: ReferenceRate; age: RateAge }> = [];
  for (const c of [ins.currency, ins.payee_currency]) {
    let r: ReferenceRate;
    try {
      r = view.rateAsOf(c, ins.value_date);
    } catch (err) {
      return { ok: false, reason: RATE_REASON.missing, detail: `no usable rate ${ins.currency}->${ins.payee_currency}: ${(err as Error).message}` };
    }
    legs.push({ r, age: judgeRateAge(r.date, ins.value_date, view.policy) });
  }
  const [a, b] = [legs[0]!, legs[1]!];
  const pair = referencePair(a.r, b.r);
  const { rate, source } = pair;
  const old = legs.filter((l) => l.age.state !== 'fresh');
  if (old.length === 0) {
    // The converter is made where it was before (a rate it refuses throws here, as then), then kept with the pair.
    if (a.r.currency !== ins.currency || b.r.currency !== ins.payee_currency) return { ok: true, rate, source };
    pair.converter ??= new PairConverter(ins.currency, ins.payee_currency, rate);
    return { ok: true, rate, source, converter: pair.converter };
  }
  const p = view.policy;
  const ages = old.map((l) => `${l.r.currency} rate of ${l.r.date} is ${l.age.age_business_days} business days old`).join(', ');
  const note = (action: StaleRateNotice['action']): void => {
    for (const l of old)
      stale.push({ currency: l.r.currency, rate_date: l.r.date, value_date: ins.value_date, age_business_days: l.age.age_business_days, action });
  };
  const q = p.quote_tolerance_bp > 0 ? view.providerQuote(provider, ins.currency, ins.payee_currency, ins.amount_minor, now_ns) : null;
  if (q !== null && withinBand(q.price, rate, p.quote_tolerance_bp)) {
    note('provider_quote');
    const why = `STALE reference rate (${ages}; at most ${p.max_age_business_days}): priced at the provider's own quote, within ${p.quote_tolerance_bp} bp of it`;
    return { ok: true, rate: q.price, source: `quote of ${provider}: ${q.text} ${ins.payee_currency} per ${ins.currency}; ${why}; reference ${source}` };
  }
  if (old.every((l) => l.age.state === 'stale')) {
    note('last_rate');
    const why = `STALE reference rate (${ages}; at most ${p.max_age_business_days}, used up to ${p.extended_age_business_days})`;
    return { ok: true, rate, source: `${why}: ${source}` };
  }
  note('rejected');
  return {
    ok: false,
    reason: RATE_REASON.stale,
    detail: `no usable rate ${ins.currency}->${ins.payee_currency} on ${ins.value_date}: ${ages}; the scheme uses a rate up to ${p.max_age_business_days} business days old, or up to ${p.extended_age_business_days} when no quote of the provider applies`,
  };
}

/** |quote - reference| <= tolerance_bp / 10,000 of the reference, exactly. */
export function withinBand(quote: Rational, reference: Rational, tolerance_bp: number): boolean {
  const gap = absRational(sub(quote, reference));
  return compare(mul(gap, rational(10_000n)), mul(reference, rational(BigInt(tolerance_bp)))) <= 0;
}

function convertsBetween(q: Participant, ins: PaymentInstruction): boolean {
  return q.kind === 'liquidity_provider' && q.currencies.includes(ins.currency) && q.currencies.includes(ins.payee_currency);
}

/** The provider with the most of the payee currency available; ties by registration order. */
export function bestProvider(ins: PaymentInstruction, view: Pick<PricingView, 'participants' | 'available'>): Participant | undefined {
  let best = -1n;
  let provider: Participant | undefined;
  for (const q of view.participants) {
    if (!convertsBetween(q, ins)) continue;
    const a = view.available(q, ins.payee_currency);
    if (a > best) {
      best = a;
      provider = q;
    }
  }
  return provider;
}

/** The two legs of a priced payment, payer leg linked to payee leg. */
export function pvpLegs(p: Payment, view: { participant(id: string): Participant | undefined }, ids: IdSource): Transfer[] {
  const ins = p.instruction;
  const fx = p.fx!;
  const payer = view.participant(ins.payer)!;
  const payee = view.participant(ins.payee)!;
  const lp = view.participant(fx.provider)!;
  const c = memberCurrency(ins.currency);
  const d = memberCurrency(ins.payee_currency);
  const a = ledgerTransfer(
    ids(),
    settlementAccountOf(payer, c.code),
    settlementAccountOf(lp, c.code),
    ins.amount_minor,
    c.numeric,
    TRANSFER_CODE.pvp_payer_leg,
    TransferFlags.linked,
  );
  const b = ledgerTransfer(
    ids(),
    settlementAccountOf(lp, d.code),
    settlementAccountOf(payee, d.code),
    fx.payee_amount_minor,
    d.numeric,
    TRANSFER_CODE.pvp_payee_leg,
    0,
  );
  a.user_data_128 = uetrBits(ins.uetr);
  b.user_data_128 = a.user_data_128;
  return [a, b];
}

/** Residues are kept per provider and payee currency. */
export function residueKey(provider: string, currency: string): string {
  return `${provider}:${currency}`;
}

/**
 * The residue after a settled conversion adds its own. Both are normalised (the
 * conversion's residue and every running sum come from rational.ts), so the sum
 * takes addNormalised: the same fraction, without Euclid on the cross product.
 */
export function withResidue(residue: Rational | undefined, fx: FxLeg): Rational {
  return addNormalised(residue ?? ZERO, { num: fx.residue_num, den: fx.residue_den });
}

export interface ResidueBooking {
  transfer: Transfer;
  /** The residue left once the transfer is accepted: less than one minor unit. */
  rest: Rational;
}

/** Books the whole minor units of `residue` between the provider and the residue account; null when there are none. */
export function residueBooking(provider: Participant, currency: string, residue: Rational, id: bigint): ResidueBooking | null {
  const whole = roundQuotient(residue.num, residue.den, 'down');
  if (whole === 0n) return null;
  const c = memberCurrency(currency);
  const residueAcct = accountId(OPERATOR_NO, c.numeric, ACCOUNT_KIND.fx_residue);
  const lpAcct = settlementAccountOf(provider, currency);
  const transfer =
    whole > 0n
      ? ledgerTransfer(id, lpAcct, residueAcct, whole, c.numeric, TRANSFER_CODE.fx_residue, 0)
      : ledgerTransfer(id, residueAcct, lpAcct, -whole, c.numeric, TRANSFER_CODE.fx_residue, 0);
  return { transfer, rest: sub(residue, rational(whole)) };
}
