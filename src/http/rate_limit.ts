// Per-key token buckets: `rate` requests per second refill, `burst` at most. A
// request without tokens is refused 429 with Retry-After (whole seconds, ≥ 1).
// The table of buckets is bounded; the least recently created bucket goes first.
// Below, the limit on failed authentications (per key id and client address).

export const RATE_LIMIT_BUCKETS_MAX = 100_000;

export interface RateLimitOptions {
  rate: number;
  burst: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(
    readonly opts: RateLimitOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(opts.rate > 0) || !(opts.burst >= 1)) throw new Error('rate limit: rate > 0 and burst ≥ 1');
  }

  /** 0 when the request may go ahead; otherwise the seconds to wait. */
  take(key: string): number {
    const t = this.now();
    let b = this.buckets.get(key);
    if (b === undefined) {
      if (this.buckets.size >= RATE_LIMIT_BUCKETS_MAX) this.buckets.delete(this.buckets.keys().next().value!);
      b = { tokens: this.opts.burst, at: t };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.rate);
      b.at = t;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.rate));
  }
}

// Failed authentications, counted per key id and per client address in fixed
// windows: past `failures_max` in `window_ms`, that key id or address is refused
// 429 until the window ends, before any scrypt runs. The table is capped; an
// entry whose window has passed counts as empty, and the oldest window goes first.

export const AUTH_FAILURE_ENTRIES_MAX = 100_000;

export interface AuthFailureLimits {
  /** Failed attempts a client address may make per window. */
  address_failures_max: number;
  /** Failed attempts, from any address, against one key id per window. */
  key_failures_max: number;
  window_ms: number;
}

export const AUTH_FAILURE_DEFAULTS: AuthFailureLimits = Object.freeze({ address_failures_max: 20, key_failures_max: 100, window_ms: 60_000 });

export class AuthFailureLimiter {
  private readonly windows = new Map<string, { failures: number; until_ms: number }>();
  constructor(
    readonly limits: AuthFailureLimits = AUTH_FAILURE_DEFAULTS,
    private readonly now_ms: () => number = () => performance.now(),
  ) {
    if (!(limits.address_failures_max >= 1) || !(limits.key_failures_max >= 1) || !(limits.window_ms > 0))
      throw new Error('auth failure limit: maxima ≥ 1 and window_ms > 0');
  }

  /** 0 when the address and key id (null: none parsed) may try; otherwise the seconds until one may. */
  wait(address: string, key_id: string | null): number {
    const a = this.waitFor(`a:${address}`, this.limits.address_failures_max);
    const k = key_id === null ? 0 : this.waitFor(`k:${key_id}`, this.limits.key_failures_max);
    return Math.max(a, k);
  }

  /** Counts one failed authentication against the address and the key id. */
  fail(address: string, key_id: string | null): void {
    this.count(`a:${address}`);
    if (key_id !== null) this.count(`k:${key_id}`);
  }

  get size(): number {
    return this.windows.size;
  }

  private waitFor(entry: string, max: number): number {
    const w = this.windows.get(entry);
    const t = this.now_ms();
    if (w === undefined || t >= w.until_ms || w.failures < max) return 0;
    return Math.max(1, Math.ceil((w.until_ms - t) / 1000));
  }

  private count(entry: string): void {
    const t = this.now_ms();
    const w = this.windows.get(entry);
    if (w !== undefined && t < w.until_ms) {
      w.failures += 1;
      return;
    }
    // A new window goes to the end of the map, so the first entry is the oldest.
    this.windows.delete(entry);
    while (this.windows.size >= AUTH_FAILURE_ENTRIES_MAX) this.windows.delete(this.windows.keys().next().value!);
    this.windows.set(entry, { failures: 1, until_ms: t + this.limits.window_ms });
  }
}
