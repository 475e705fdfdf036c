// Per-key token buckets: `rate` requests per second refill, `burst` at most. A
// request without tokens is refused 429 with Retry-After (whole seconds, ≥ 1).
// The table of buckets is bounded; the least recently created bucket goes first.

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
