// How much the dashboard's server side shows: the bounds of its charts' history
// and of the lists in the overview.

export const WEB_LIMITS = Object.freeze({
  /** Points per chart series: a busier day is drawn at this many evenly chosen instants (each value exact at its instant). */
  history_points_max: 2_000,
  /** Participants whose balances a chart draws. */
  charted_participants_max: 50,
  oldest_queued: 25,
  lsm_runs: 50,
  windows: 20,
  cases: 50,
});
