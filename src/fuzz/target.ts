// What a fuzz target is: a name, a deterministic input for (seed, index), and a
// run that answers with a stable code (or a disagreement between two readers).
// A run that throws is a crash; a run that does not return within the harness's
// bound is a hang. Inputs depend only on (seed, index), so any finding replays
// alone with `sco-settle fuzz --target T --seed S --replay INDEX`.

import { Prng } from '../sim/prng.js';

/** The answer to one input: the stable code of its acceptance or refusal. */
export interface FuzzOutcome {
  readonly code: string;
  /** Set when a second reader answered otherwise: what each said. */
  readonly disagreement?: string;
}

export interface FuzzTarget {
  readonly name: string;
  /** One-time set-up in the worker (e.g. a platform on a memory store). */
  setup?(): Promise<void>;
  /** Whether set-up must run again before the next input (to bound memory); that set-up is not timed as an input. */
  setupDue?(): boolean;
  input(rng: Prng, index: number): string;
  run(input: string): FuzzOutcome | Promise<FuzzOutcome>;
}

/** The generator of one input: seeded by the run's seed and the input's index only. */
export function inputRng(seed: number, index: number): Prng {
  const rng = new Prng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  rng.nextU32();
  return rng;
}

/** An input shortened for a report line. */
export function preview(input: string, chars_max = 160): string {
  const flat = JSON.stringify(input.length > chars_max ? `${input.slice(0, chars_max)}…` : input);
  return flat.slice(1, -1);
}
