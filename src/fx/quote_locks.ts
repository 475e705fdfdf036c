// Quote locks as the platform keeps them: a liquidity provider's price held for
// one conversion of one amount until it expires, named by a payment's quote_id.
// Owns the lock record, when a lock may be used, how a lock is made from a quote
// tier, and which published quotes are kept (one per provider and pair, live
// ones). Pure: the time is an input.
//
// Rules 3 (issue 20): a lock belongs to the participant (and user) that took it,
// and only that participant's payments submitted by that user may use it; to
// anyone else it does not exist (refused word for word like an unknown id). Its id
// carries 96 random bits, drawn by the platform facade before the command is
// journaled (the core only checks the format), so ids cannot be guessed. A
// participant holds at most QUOTE_LOCK_LIMITS.open_per_participant_max open
// locks (checked in the core), and takes at most locks_per_minute_max a minute
// (LockRateGate, checked before journaling so a flood writes nothing).

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
  /** Rules 3: the participant that took the lock; only its payments may use it. Absent on locks taken under rules 1 and 2. */
  participant?: string;
  /** Rules 3: the user that took the lock; only payments this user submits may use it. */
  user?: string;
}

export const QUOTE_LOCK_LIMITS = Object.freeze({
  /** Open (unexpired, unused) locks one participant may hold: a lock is for a payment about to be sent, not a price reserve. */
  open_per_participant_max: 20,
  /** Locks one participant may take in any 60 s (one key took 2,119 in 5 s before this bound). */
  locks_per_minute_max: 60,
  /** Participants the rate gate remembers at once (the least recently seen is forgotten first). */
  gate_participants_max: 100_000,
});

/** The random part of a rules-3 lock id: 96 bits as 16 base64url characters. */
export const LOCK_ID_RANDOM_BYTES = 12;
/** A rules-3 lock id: "Q" then 16 base64url characters (96 random bits); at most 20 characters, as a payment's quote_id. */
export const LOCK_ID_RE = /^Q[A-Za-z0-9_-]{16}$/;

/** Whether `lock` may be used by a payment of `payer` submitted by `user` (rules 3: bound locks only). */
export function lockBelongsTo(lock: QuoteLockRecord | undefined, payer: string, user: string): boolean {
  return lock !== undefined && lock.participant === payer && lock.user === user;
}

/** The open locks `participant` holds at `now_ns`, and when the first of them expires (null when none). */
export function openLocksOf(
  locks: ReadonlyMap<string, QuoteLockRecord>,
  participant: string,
  now_ns: bigint,
): { open: number; first_expiry_ns: bigint | null } {
  let open = 0;
  let first: bigint | null = null;
  for (const l of locks.values()) {
    if (l.participant !== participant || l.expires_at_ns <= now_ns) continue;
    open++;
    if (first === null || l.expires_at_ns < first) first = l.expires_at_ns;
  }
  return { open, first_expiry_ns: first };
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

/** A rules-3 lock: id drawn by the facade, bound to the participant and user that took it. */
export function boundLockFromTier(id: string, tier: QuoteTier, amount_minor: bigint, now_ns: bigint, participant: string, user: string): QuoteLockRecord {
  return { ...lockFromTier(0, tier, amount_minor, now_ns), id, participant, user };
}

/**
 * Locks per participant per minute, counted before a lock command is journaled (in
 * the facade: a refused flood writes nothing). A sliding window of the times of
 * the last locks_per_minute_max locks per participant; the time is an input.
 */
export class LockRateGate {
  private readonly taken = new Map<string, bigint[]>();
  constructor(readonly per_minute_max: number = QUOTE_LOCK_LIMITS.locks_per_minute_max) {}

  /** 0 when `participant` may take a lock at `now_ns` (and counts it); otherwise the whole seconds to wait (at least 1). */
  take(participant: string, now_ns: bigint): number {
    const window_ns = 60_000_000_000n;
    let times = this.taken.get(participant);
    if (times === undefined) {
      if (this.taken.size >= QUOTE_LOCK_LIMITS.gate_participants_max) this.taken.delete(this.taken.keys().next().value!);
      times = [];
    } else {
      this.taken.delete(participant); // re-inserted below: most recently seen last
    }
    while (times.length > 0 && times[0]! <= now_ns - window_ns) times.shift();
    this.taken.set(participant, times);
    if (times.length >= this.per_minute_max) {
      const wait_ns = times[0]! + window_ns - now_ns;
      return Math.max(1, Number((wait_ns + 999_999_999n) / 1_000_000_000n));
    }
    times.push(now_ns);
    return 0;
  }
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
