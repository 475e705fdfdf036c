// Liquidity providers' quotes, best-quote selection and quote locks.
//
// A quote is one provider's prices for one currency pair BASE/QUOTE (prices are
// units of QUOTE per 1 unit of BASE, exact decimals), in size tiers: amount ranges
// in minor units of BASE, each with its own bid and ask, and an expiry (ns). A
// provider has at most one live quote per pair; publishing again replaces it.
// Pairs are directional as published (CNY/RUB is not RUB/CNY).
//
// Sides are the client's: 'buy' = the client buys BASE, paying the provider's ask;
// 'sell' = the client sells BASE, receiving the provider's bid. The best quote for
// a buyer is the lowest ask, for a seller the highest bid; ties go to the provider
// id that sorts first, then the lower tier: deterministic, whatever the order of
// publication.
//
// Time is an input (now_ns), never read here. Selection is the hot path: quotes
// are indexed per pair, and per amount segment and side with the covering tiers
// pre-sorted best price first (see PairQuotes), so selecting is a binary search
// and, normally, one expiry check, returning a pre-built tier object (no
// allocation). Locking a selected tier returns a
// quote id that holds its price for lock_seconds; using the id after that, or an
// id never issued (or already used), is an error.

import { memberCurrency } from './iso4217.js';
import { FxError, compare, parseDecimal, sign, type Rational } from './rational.js';

export type Side = 'buy' | 'sell';

export interface QuoteTierInput {
  /** Smallest amount covered, minor units of BASE (inclusive). */
  min_minor: bigint | string;
  /** Largest amount covered, minor units of BASE (inclusive). */
  max_minor: bigint | string;
  /** Decimal string: QUOTE per BASE the provider pays when the client sells BASE. */
  bid: string;
  /** Decimal string: QUOTE per BASE the provider charges when the client buys BASE. */
  ask: string;
}

export interface QuoteInput {
  provider: string;
  base: string;
  quote: string;
  tiers: QuoteTierInput[];
  /** The quote is valid while now_ns < expires_at_ns. */
  expires_at_ns: bigint;
}

/** One tier of a live quote: built once at publication, returned by selection as is. */
export interface QuoteTier {
  readonly provider: string;
  readonly base: string;
  readonly quote: string;
  readonly tier_index: number;
  readonly min_minor: bigint;
  readonly max_minor: bigint;
  readonly bid: Rational;
  readonly ask: Rational;
  readonly bid_text: string;
  readonly ask_text: string;
  readonly expires_at_ns: bigint;
}

export interface QuoteLock {
  /** The quote id to present when converting. */
  readonly id: string;
  readonly provider: string;
  readonly base: string;
  readonly quote: string;
  readonly side: Side;
  /** The locked price: QUOTE per BASE (the ask for 'buy', the bid for 'sell'). */
  readonly price: Rational;
  readonly price_text: string;
  readonly amount_minor: bigint;
  readonly locked_at_ns: bigint;
  readonly expires_at_ns: bigint;
}

export interface QuoteLimits {
  providers_max: number;
  pairs_max: number;
  tiers_per_quote_max: number;
  /** Live (unexpired, unused) locks at once. */
  locks_max: number;
}

export const DEFAULT_QUOTE_LIMITS: Readonly<QuoteLimits> = Object.freeze({
  providers_max: 256,
  pairs_max: 90, // both directions of the 45 member pairs
  tiers_per_quote_max: 16,
  locks_max: 1_000_000,
});

export const DEFAULT_LOCK_SECONDS = 30;
/** A lock longer than an hour is a standing price, not a quote lock. */
export const LOCK_SECONDS_MAX = 3600;
const NS_PER_S = 1_000_000_000n;
const PROVIDER_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const AMOUNT_MAX = (1n << 128n) - 1n;

/**
 * The live quotes of one directional pair, indexed for selection. Every tier
 * boundary (min, max + 1) of every quote cuts the amount axis into segments; a
 * tier covers a segment wholly or not at all, so each segment keeps the list of
 * tiers covering it, best first, per side. Selection is a binary search for the
 * segment, then the first tier in its list that has not expired (normally the
 * first one): O(log tiers), no allocation.
 */
export class PairQuotes {
  readonly base: string;
  readonly quote: string;
  /** provider -> its tiers, in amount order. */
  readonly byProvider = new Map<string, readonly QuoteTier[]>();
  /** Every tier, lowest ask first (best for a buyer). */
  private buy: QuoteTier[] = [];
  /** Every tier, highest bid first (best for a seller). */
  private sell: QuoteTier[] = [];
  /** Segment k is [starts[k], starts[k + 1]); the last one is open-ended. */
  private starts: bigint[] = [];
  private buyBySegment: QuoteTier[][] = [];
  private sellBySegment: QuoteTier[][] = [];

  constructor(base: string, quote: string) {
    this.base = base;
    this.quote = quote;
  }

  /** The best tier covering `amount_minor` and live at `now_ns`, or null. Allocation-free. */
  select(side: Side, amount_minor: bigint, now_ns: bigint): QuoteTier | null {
    const starts = this.starts;
    // The last segment whose start is <= amount.
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid]! <= amount_minor) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return null;
    const list = (side === 'buy' ? this.buyBySegment : this.sellBySegment)[lo - 1]!;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!;
      if (now_ns < t.expires_at_ns) return t;
    }
    return null;
  }

  /** Every tier, best first for `side` (for inspection and tests). */
  ranked(side: Side): readonly QuoteTier[] {
    return side === 'buy' ? this.buy : this.sell;
  }

  /** Rebuilds the sorted lists and the segment index; on every publish/withdraw/purge, off the hot path. */
  reindex(): void {
    const all: QuoteTier[] = [];
    for (const tiers of this.byProvider.values()) all.push(...tiers);
    const tie = (a: QuoteTier, b: QuoteTier): number => (a.provider < b.provider ? -1 : a.provider > b.provider ? 1 : a.tier_index - b.tier_index);
    this.buy = [...all].sort((a, b) => compare(a.ask, b.ask) || tie(a, b));
    this.sell = [...all].sort((a, b) => compare(b.bid, a.bid) || tie(a, b));
    const cuts = new Set<bigint>();
    for (const t of all) {
      cuts.add(t.min_minor);
      cuts.add(t.max_minor + 1n);
    }
    this.starts = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const covering = (ranked: QuoteTier[], start: bigint): QuoteTier[] => ranked.filter((t) => t.min_minor <= start && start <= t.max_minor);
    this.buyBySegment = this.starts.map((start) => covering(this.buy, start));
    this.sellBySegment = this.starts.map((start) => covering(this.sell, start));
  }
}

export class QuoteBook {
  readonly lock_seconds: number;
  readonly limits: Readonly<QuoteLimits>;
  private readonly pairs = new Map<string, Map<string, PairQuotes>>();
  private readonly providers = new Map<string, number>(); // provider -> live quotes
  private pairCount = 0;
  private readonly locks = new Map<string, QuoteLock>();
  private lockSeq = 0;

  constructor(options: { lock_seconds?: number; limits?: Partial<QuoteLimits> } = {}) {
    const s = options.lock_seconds ?? DEFAULT_LOCK_SECONDS;
    if (!Number.isInteger(s) || s < 1 || s > LOCK_SECONDS_MAX) {
      throw new FxError('limit_exceeded', 'lock_seconds', `must be an integer from 1 to ${LOCK_SECONDS_MAX}, got ${s}`);
    }
    this.lock_seconds = s;
    this.limits = Object.freeze({ ...DEFAULT_QUOTE_LIMITS, ...options.limits });
  }

  /** Publishes (or replaces) `q.provider`'s quote for q.base/q.quote; refused whole on any bad field. */
  publish(q: QuoteInput, now_ns: bigint): void {
    if (typeof q.provider !== 'string' || !PROVIDER_RE.test(q.provider)) {
      throw new FxError(
        'invalid_quote',
        'provider',
        `must be 1-64 characters of letters, digits, "_", "." or "-", got ${JSON.stringify(String(q.provider).slice(0, 70))}`,
      );
    }
    memberCurrency(q.base, 'base');
    memberCurrency(q.quote, 'quote');
    if (q.base === q.quote) throw new FxError('invalid_quote', 'quote', `must differ from base (${q.base})`);
    if (typeof q.expires_at_ns !== 'bigint' || q.expires_at_ns <= now_ns) {
      throw new FxError('quote_expired', 'expires_at_ns', `must be a time (ns) after now (${now_ns}), got ${String(q.expires_at_ns)}`);
    }
    if (!Array.isArray(q.tiers) || q.tiers.length === 0) throw new FxError('invalid_quote', 'tiers', 'must hold at least one tier');
    if (q.tiers.length > this.limits.tiers_per_quote_max) {
      throw new FxError('limit_exceeded', 'tiers', `${q.tiers.length} tiers; at most ${this.limits.tiers_per_quote_max} per quote`);
    }
    const built = q.tiers.map((t, i) => buildTier(q, t, i));
    // Keep tiers in amount order and refuse overlaps: a quote must give one price per size.
    built.sort((a, b) => (a.min_minor < b.min_minor ? -1 : a.min_minor > b.min_minor ? 1 : 0));
    const tiers = built.map((t, i) => Object.freeze({ ...t, tier_index: i }));
    for (let i = 1; i < tiers.length; i++) {
      if (tiers[i]!.min_minor <= tiers[i - 1]!.max_minor) {
        throw new FxError(
          'invalid_quote',
          `tiers`,
          `tier ${tiers[i - 1]!.min_minor}..${tiers[i - 1]!.max_minor} overlaps tier ${tiers[i]!.min_minor}..${tiers[i]!.max_minor}`,
        );
      }
    }
    let byQuote = this.pairs.get(q.base);
    let pair = byQuote?.get(q.quote);
    if (pair === undefined && this.pairCount >= this.limits.pairs_max) {
      throw new FxError('limit_exceeded', 'pair', `${q.base}/${q.quote} would be pair ${this.pairCount + 1}; at most ${this.limits.pairs_max}`);
    }
    const replacing = pair?.byProvider.has(q.provider) ?? false;
    if (!this.providers.has(q.provider) && this.providers.size >= this.limits.providers_max) {
      throw new FxError('limit_exceeded', 'provider', `${q.provider} would be provider ${this.providers.size + 1}; at most ${this.limits.providers_max}`);
    }
    if (pair === undefined) {
      if (byQuote === undefined) this.pairs.set(q.base, (byQuote = new Map()));
      byQuote.set(q.quote, (pair = new PairQuotes(q.base, q.quote)));
      this.pairCount++;
    }
    pair.byProvider.set(q.provider, tiers);
    if (!replacing) this.providers.set(q.provider, (this.providers.get(q.provider) ?? 0) + 1);
    pair.reindex();
  }

  /** Removes a provider's quote for a pair (no error if it had none). */
  withdraw(provider: string, base: string, quote: string): void {
    const pair = this.pairs.get(base)?.get(quote);
    if (pair === undefined || !pair.byProvider.delete(provider)) return;
    this.dropProviderQuote(provider);
    pair.reindex();
  }

  /** The pair's index, for callers that select many times on one pair. */
  pair(base: string, quote: string): PairQuotes | undefined {
    return this.pairs.get(base)?.get(quote);
  }

  /** The best live tier covering `amount_minor` (minor units of BASE) for the client's `side`. */
  select(base: string, quote: string, side: Side, amount_minor: bigint, now_ns: bigint): QuoteTier {
    const pair = this.pairs.get(base)?.get(quote);
    if (pair === undefined) {
      memberCurrency(base, 'base');
      memberCurrency(quote, 'quote');
      throw new FxError('pair_not_quoted', 'pair', `no provider quotes ${base}/${quote}`);
    }
    const t = pair.select(side, amount_minor, now_ns);
    if (t === null) {
      throw new FxError('no_quote_covers_amount', 'amount', `no live ${base}/${quote} quote covers ${amount_minor} minor units of ${base} at ${now_ns}`);
    }
    return t;
  }

  /** Locks `tier`'s price for the client's side and amount for lock_seconds; returns the lock with its quote id. */
  lock(tier: QuoteTier, side: Side, amount_minor: bigint, now_ns: bigint): QuoteLock {
    if (now_ns >= tier.expires_at_ns)
      throw new FxError('quote_expired', 'quote', `${tier.provider} ${tier.base}/${tier.quote} expired at ${tier.expires_at_ns}`);
    if (amount_minor < tier.min_minor || amount_minor > tier.max_minor) {
      throw new FxError('invalid_quote', 'amount', `${amount_minor} is outside the tier ${tier.min_minor}..${tier.max_minor}`);
    }
    if (side !== 'buy' && side !== 'sell') throw new FxError('invalid_quote', 'side', `must be "buy" or "sell", got ${JSON.stringify(side)}`);
    if (this.locks.size >= this.limits.locks_max) this.purgeExpiredLocks(now_ns);
    if (this.locks.size >= this.limits.locks_max)
      throw new FxError('limit_exceeded', 'locks', `${this.locks.size} live quote locks; at most ${this.limits.locks_max}`);
    const id = `q${++this.lockSeq}`; // deterministic: no randomness in the core
    const lock: QuoteLock = Object.freeze({
      id,
      provider: tier.provider,
      base: tier.base,
      quote: tier.quote,
      side,
      price: side === 'buy' ? tier.ask : tier.bid,
      price_text: side === 'buy' ? tier.ask_text : tier.bid_text,
      amount_minor,
      locked_at_ns: now_ns,
      expires_at_ns: now_ns + BigInt(this.lock_seconds) * NS_PER_S,
    });
    this.locks.set(id, lock);
    return lock;
  }

  /** select then lock. */
  selectAndLock(base: string, quote: string, side: Side, amount_minor: bigint, now_ns: bigint): QuoteLock {
    return this.lock(this.select(base, quote, side, amount_minor, now_ns), side, amount_minor, now_ns);
  }

  /** The lock for `id` if still valid at now_ns, without using it up. */
  lookupLock(id: string, now_ns: bigint): QuoteLock {
    const lock = this.locks.get(id);
    if (lock === undefined)
      throw new FxError('quote_not_found', 'quote_id', `${JSON.stringify(String(id).slice(0, 40))} was never issued or has already been used`);
    if (now_ns >= lock.expires_at_ns) {
      this.locks.delete(id);
      throw new FxError(
        'quote_expired',
        'quote_id',
        `${id} expired at ${lock.expires_at_ns} (locked at ${lock.locked_at_ns} for ${this.lock_seconds} s); now is ${now_ns}`,
      );
    }
    return lock;
  }

  /** Uses up the lock: valid once, before it expires. */
  useLock(id: string, now_ns: bigint): QuoteLock {
    const lock = this.lookupLock(id, now_ns);
    this.locks.delete(id);
    return lock;
  }

  /** Drops expired locks and expired quotes. */
  purgeExpired(now_ns: bigint): void {
    this.purgeExpiredLocks(now_ns);
    for (const byQuote of this.pairs.values()) {
      for (const pair of byQuote.values()) {
        let changed = false;
        for (const [provider, tiers] of pair.byProvider) {
          if (tiers.length > 0 && now_ns >= tiers[0]!.expires_at_ns) {
            pair.byProvider.delete(provider);
            this.dropProviderQuote(provider);
            changed = true;
          }
        }
        if (changed) pair.reindex();
      }
    }
  }

  get live_locks(): number {
    return this.locks.size;
  }

  get provider_count(): number {
    return this.providers.size;
  }

  get pair_count(): number {
    return this.pairCount;
  }

  private purgeExpiredLocks(now_ns: bigint): void {
    for (const [id, lock] of this.locks) if (now_ns >= lock.expires_at_ns) this.locks.delete(id);
  }

  private dropProviderQuote(provider: string): void {
    const n = (this.providers.get(provider) ?? 1) - 1;
    if (n <= 0) this.providers.delete(provider);
    else this.providers.set(provider, n);
  }
}

function buildTier(q: QuoteInput, t: QuoteTierInput, i: number): QuoteTier {
  const at = `tiers[${i}]`;
  const min_minor = amountOf(t.min_minor, `${at}.min_minor`);
  const max_minor = amountOf(t.max_minor, `${at}.max_minor`);
  if (min_minor < 1n) throw new FxError('invalid_quote', `${at}.min_minor`, 'must be at least 1');
  if (max_minor < min_minor) throw new FxError('invalid_quote', `${at}.max_minor`, `${max_minor} is below min_minor ${min_minor}`);
  const bid = priceOf(t.bid, `${at}.bid`);
  const ask = priceOf(t.ask, `${at}.ask`);
  if (compare(bid, ask) > 0) throw new FxError('invalid_quote', `${at}.bid`, `bid ${t.bid} is above ask ${t.ask} (a crossed quote)`);
  return {
    provider: q.provider,
    base: q.base,
    quote: q.quote,
    tier_index: i,
    min_minor,
    max_minor,
    bid,
    ask,
    bid_text: t.bid,
    ask_text: t.ask,
    expires_at_ns: q.expires_at_ns,
  };
}

function amountOf(v: bigint | string, field: string): bigint {
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'string' && /^[0-9]{1,39}$/.test(v)) n = BigInt(v);
  else throw new FxError('invalid_quote', field, `must be an integer number of minor units, got ${JSON.stringify(String(v).slice(0, 48))}`);
  if (n < 0n || n > AMOUNT_MAX) throw new FxError('invalid_quote', field, `must be from 0 to ${AMOUNT_MAX}`);
  return n;
}

function priceOf(text: string, field: string): Rational {
  let r: Rational;
  try {
    r = parseDecimal(text, field);
  } catch (err) {
    if (err instanceof FxError) throw new FxError('invalid_quote', field, err.reason);
    throw err;
  }
  if (sign(r) <= 0) throw new FxError('invalid_quote', field, `must be greater than zero, got ${JSON.stringify(text)}`);
  return r;
}
