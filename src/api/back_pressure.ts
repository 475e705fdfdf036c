// Back-pressure on the API's writes: two bounded queues in front of the journal.
// A write (any POST route) is refused with 429 `overloaded` and a Retry-After
// before it reaches the platform when
// - the server already has `writes_in_flight_max` writes accepted and not yet
//   answered (the commit queue as this server sees it: each waits for its journal
//   entry to be durable), or
// - the query index is more than `index_backlog_events_max` events behind the
//   journal (each such event is work the commit path still owes the index).
// Refusing early keeps the latency of the writes that are accepted bounded,
// instead of letting every caller's latency grow with an unbounded queue. A
// refused write did nothing: no journal entry, no idempotency record, so the
// same request (with the same Idempotency-Key or UETR) may simply be sent again.

import { ApiError } from '../http/errors.js';

export interface BackPressureLimits {
  /** Write requests accepted and not yet answered, at most. */
  writes_in_flight_max: number;
  /** Query index backlog (events) above which writes are refused until it has shrunk. */
  index_backlog_events_max: number;
  /** The Retry-After of a refusal, whole seconds (≥ 1). */
  retry_after_s: number;
}

/**
 * Defaults: 4,096 writes in flight is 64 times what a group commit takes at a
 * time in `bench api` and far above what a client at 2,000 requests/s keeps open
 * (a few dozen); 1,000,000 index events is half the backlog at which the durable
 * ledger stops to write the whole index in one go (its index_backlog_max_events),
 * so the API pushes back before that stall.
 */
export const BACK_PRESSURE_DEFAULTS: BackPressureLimits = {
  writes_in_flight_max: 4_096,
  index_backlog_events_max: 1_000_000,
  retry_after_s: 1,
};

export class BackPressure {
  private inFlight = 0;
  /** Writes refused so far, by reason (for the metrics). */
  readonly refused = { writes_in_flight: 0, index_backlog: 0 };

  constructor(
    readonly limits: BackPressureLimits,
    private readonly indexBacklogEvents: () => number,
  ) {
    if (!(limits.writes_in_flight_max >= 1) || !(limits.index_backlog_events_max >= 0) || !(limits.retry_after_s >= 1))
      throw new Error('back-pressure: writes_in_flight_max ≥ 1, index_backlog_events_max ≥ 0, retry_after_s ≥ 1');
  }

  get writes_in_flight(): number {
    return this.inFlight;
  }

  /** Admits one write (the returned function ends it, exactly once) or throws 429 overloaded. */
  admit(): () => void {
    if (this.inFlight >= this.limits.writes_in_flight_max) {
      this.refused.writes_in_flight++;
      throw this.refusal(`${this.inFlight} writes are in flight, the server's bound`);
    }
    const backlog = this.indexBacklogEvents();
    if (backlog > this.limits.index_backlog_events_max) {
      this.refused.index_backlog++;
      throw this.refusal(`the query index is ${backlog} events behind the journal (bound ${this.limits.index_backlog_events_max})`);
    }
    this.inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight--;
    };
  }

  private refusal(why: string): ApiError {
    return new ApiError(429, 'overloaded', `the server is over its load bound (${why}); nothing was done: retry after Retry-After seconds`, '', {
      'retry-after': String(this.limits.retry_after_s),
    });
  }
}
