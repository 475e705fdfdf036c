// How much the dashboard's server side keeps and shows: the bounds of its history
// samples and of the lists in the overview.

export const WEB_LIMITS = Object.freeze({
  /** Samples kept per series (oldest dropped). */
  samples_max: 5_000,
  /** Minimum real time between two samples. */
  sample_interval_ms: 1_000,
  /** Participants whose liquidity is sampled. */
  sampled_participants_max: 500,
  oldest_queued: 25,
  lsm_runs: 50,
  windows: 20,
  cases: 50,
});
