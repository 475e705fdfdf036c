// Quote locks as the platform keeps them: a liquidity provider's price held for
// one conversion of one amount until it expires, named by a payment's quote_id.
// Owns the lock record, when a lock may be used, how a lock is made from a quote
// tier, and which published quotes are kept (one per provider and pair, live
// ones). Pure: the time is an input.

import { DEFAULT_LOCK_SECONDS, QuoteBook, type QuoteInput, type QuoteTier } from './quotes.js';

/** Live locks the platform keeps at most. */
export const QUOTE_LOCKS_MAX = 100_000;

/** A locked quote: the provider's price held for one conversion until it expires. */
export interface QuoteLockRecord {
  id: string;
  provider: string;
  base: string;
  quote: string;
  amount_minor: bigint;
  /** QUOTE per BASE, exact. */
  price_num: bigint;
  price_den: bigint;
  price_text: string;
  expires_at_ns: bigint;
}

/** Why `lock` cannot price a conversion of `amount_minor` BASE into QUOTE now; null when it can. */
export function lockProblem(lock: QuoteLockRecord | undefined, base: string, quote: string, amount_minor: bigint, now_ns: bigint): string | null {
  if (lock === undefined) return 'was never issued or has been used';
  if (now_ns >= lock.expires_at_ns) return `expired at ${lock.expires_at_ns}`;
  if (lock.base !== base || lock.quote !== quote) return `is for ${lock.base}/${lock.quote}`;
  if (lock.amount_minor !== amount_minor) return `locks ${lock.amount_minor} minor units, not ${amount_minor}`;
  return null;
}

/** The lock number `seq` on the bid of `tier` (the platform converts BASE into QUOTE: it sells BASE). */
export function lockFromTier(seq: number, tier: QuoteTier, amount_minor: bigint, now_ns: bigint): QuoteLockRecord {
  return {
    id: `Q${seq}`,
    provider: tier.provider,
    base: tier.base,
    quote: tier.quote,
    amount_minor,
    price_num: tier.bid.num,
    price_den: tier.bid.den,
    price_text: tier.bid_text,
    expires_at_ns: now_ns + BigInt(DEFAULT_LOCK_SECONDS) * 1_000_000_000n,
  };
}

/** Ids of the locks that have expired at `now_ns`, in the map's order. */
export function expiredLocks(locks: ReadonlyMap<string, QuoteLockRecord>, now_ns: bigint): string[] {
  const out: string[] = [];
  for (const [id, l] of locks) if (l.expires_at_ns <= now_ns) out.push(id);
  return out;
}

/** A quote book holding the published inputs, re-published at time 0: expiry is checked at selection against the command's time. */
export function bookOf(inputs: readonly QuoteInput[]): QuoteBook {
  const book = new QuoteBook();
  for (const q of inputs) book.publish(q, 0n);
  return book;
}

/** The inputs kept after publishing `input`: one per provider and pair (the new one replaces it), expired ones dropped. */
export function keptInputs(inputs: readonly QuoteInput[], input: QuoteInput, now_ns: bigint): QuoteInput[] {
  const out = inputs.filter((x) => !(x.provider === input.provider && x.base === input.base && x.quote === input.quote) && x.expires_at_ns > now_ns);
  out.push(input);
  return out;
}
