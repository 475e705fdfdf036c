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
   * @param floor_weight a pass over a small state is mostly fixed cost: its rate is
   * taken over at least this many units, so that timing a near-empty state does not
   * make every larger one look dear (an active engine would then stop digesting
   * early and never time one again).
   */
  constructor(private readonly floor_weight = 1) {
    if (!(Number.isInteger(floor_weight) && floor_weight >= 1)) throw new Error(`floor weight ${floor_weight} is not a whole number of at least 1`);
  }

  /** A pass over a state of `weight` units took `ms`. */
  measured(ms: number, weight: number): void {
    if (!(ms >= 0) || !(weight >= 0)) throw new Error(`a whole-state pass of ${ms} ms over weight ${weight} is not a measurement`);
    this.last_ms = ms;
    this.ms_per_unit = ms / Math.max(this.floor_weight, weight);
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
