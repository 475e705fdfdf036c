// How far a follower (standby or member replica) trails the active engine. The
// lag of one journal entry is the wall-clock milliseconds from its append on the
// active engine — the moment the stream stored it, which is the earliest the
// engine could acknowledge anything in it — to this follower holding it applied
// and verified: checksum and hash chain checked, replayed against its recorded
// results, the active engine's state digest compared when one was due: what reads
// on it see from then on (its own store gets the entry within FOLLOWER_APPEND_MS
// of journal/durable_ledger.ts; until then the replicated log holds it). It
// counts only entries appended while the follower followed (a catch-up of older
// history is not lag), and it includes any wait in between: delivery, the
// follower's queue, its pauses, a failover. The last WINDOW entries are kept for
// the percentiles.

const WINDOW = 10_000;

export interface LagSummary {
  p50: number;
  p99: number;
  max: number;
  samples: number;
}

export class LagWindow {
  private readonly samples: number[] = [];
  private next = 0;
  private max = 0;
  /**
   * The last summary, until the next sample: an active engine's window no longer changes, and `/readyz`,
   * polled every 100 ms by a harness or an orchestrator, sorted its 10,000 samples on every call (stop 49).
   */
  private cached: LagSummary | null = null;

  add(ms: number): void {
    const v = Math.max(0, ms);
    if (this.samples.length < WINDOW) this.samples.push(v);
    else this.samples[this.next] = v;
    this.next = (this.next + 1) % WINDOW;
    if (v > this.max) this.max = v;
    this.cached = null;
  }

  summary(): LagSummary {
    if (this.cached === null) this.cached = this.compute();
    return { ...this.cached };
  }

  private compute(): LagSummary {
    if (this.samples.length === 0) return { p50: 0, p99: 0, max: 0, samples: 0 };
    // A typed copy sorts numerically without a comparator call per pair.
    const sorted = Float64Array.from(this.samples).sort();
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { p50: at(0.5), p99: at(0.99), max: this.max, samples: this.samples.length };
  }
}
