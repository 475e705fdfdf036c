// What a whole-state pass costs this engine: a state digest and a snapshot both
// encode the entire state, holding the event loop for time that grows with it.
// An active engine renews its lease on that event loop, so it must know the cost
// before it pays it: estimated from the last pass measured, scaled by how much the
// state grew since (its weight: records held), never below what that pass took.
// An engine that has measured nothing knows nothing: it must not guess low.

export class WholeStateCost {
  /** Milliseconds per unit of state weight at the last measurement, or null before any. */
  private ms_per_unit: number | null = null;
  private last_ms = 0;

  /**
   * @param small_weight a state of at most this many units is small. A pass over
   * one is mostly fixed cost: the rate is taken over at least this many units, so
   * that timing a near-empty state does not make every larger one look dear (an
   * active engine would then stop digesting early and never time one again). And
   * before any timing, only a small state may be passed over.
   */
  constructor(private readonly small_weight = 1) {
    if (!(Number.isInteger(small_weight) && small_weight >= 1)) throw new Error(`small weight ${small_weight} is not a whole number of at least 1`);
  }

  /** A pass over a state of `weight` units took `ms`. */
  measured(ms: number, weight: number): void {
    if (!(ms >= 0) || !(weight >= 0)) throw new Error(`a whole-state pass of ${ms} ms over weight ${weight} is not a measurement`);
    this.last_ms = ms;
    this.ms_per_unit = ms / Math.max(this.small_weight, weight);
  }

  /** Milliseconds a pass over a state of `weight` units is expected to take; null before any measurement. */
  estimate(weight: number): number | null {
    if (this.ms_per_unit === null) return null;
    return Math.max(this.last_ms, this.ms_per_unit * weight);
  }

  /** Whether a pass now fits in `budget_ms`; before any timing, only a small state does. */
  fits(weight: number, budget_ms: number): boolean {
    return WholeStateCost.fitsAll([this], weight, budget_ms);
  }

  /**
   * Whether a pass that costs at least each of `costs` fits in `budget_ms`: the
   * largest estimate of those timed; when none is timed, only a state small for all.
   */
  static fitsAll(costs: readonly WholeStateCost[], weight: number, budget_ms: number): boolean {
    let largest: number | null = null;
    for (const c of costs) {
      const ms = c.estimate(weight);
      if (ms !== null && (largest === null || ms > largest)) largest = ms;
    }
    return largest === null ? costs.every((c) => weight <= c.small_weight) : largest <= budget_ms;
  }

  /** What the last measured pass took (ms; 0 before any). */
  get lastMs(): number {
    return this.last_ms;
  }
}
