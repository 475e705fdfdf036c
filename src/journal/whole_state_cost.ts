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

  /** A pass over a state of `weight` units took `ms`. */
  measured(ms: number, weight: number): void {
    if (!(ms >= 0) || !(weight >= 0)) throw new Error(`a whole-state pass of ${ms} ms over weight ${weight} is not a measurement`);
    this.last_ms = ms;
    this.ms_per_unit = ms / Math.max(1, weight);
  }

  /** Milliseconds a pass over a state of `weight` units is expected to take; null before any measurement. */
  estimate(weight: number): number | null {
    if (this.ms_per_unit === null) return null;
    return Math.max(this.last_ms, this.ms_per_unit * weight);
  }

  /** Whether a pass now fits in `budget_ms`; unmeasured, only a state of at most `unmeasured_weight_max` units does. */
  fits(weight: number, budget_ms: number, unmeasured_weight_max: number): boolean {
    const ms = this.estimate(weight);
    return ms === null ? weight <= unmeasured_weight_max : ms <= budget_ms;
  }

  /** What the last measured pass took (ms; 0 before any). */
  get lastMs(): number {
    return this.last_ms;
  }
}
