// The start of the exact searches' property tests (rules 15, 16, 17): a run
// compiled as the solver sees it, its participants, and a weak feasible
// selection for a search to improve on.

import { compileLinked, linkedViolation, type Net } from '../../src/clearing/lsm_linked.js';
import type { LsmRunProblem } from '../../src/clearing/lsm_release.js';
import { participantsOf } from '../../src/clearing/lsm_region_exact.js';

/** `run` compiled as the solver sees it: each node's capacity its balance plus headroom, no FIFO order. */
export function compileRun(run: LsmRunProblem): Net {
  return compileLinked({ capacities: run.nodes.map((n) => n.balance + n.headroom), items: run.items, fifo: false });
}

/** The participant of each of `net`'s nodes, from `run`'s legs. */
export function runParticipants(net: Net, run: LsmRunProblem): Int32Array {
  return participantsOf(
    net.nodes,
    run.items.map((it) => it.legs),
  );
}

/** A weak feasible start: every `step`-th item in queue order, kept when the selection stays feasible with it. */
export function weakStart(net: Net, step: number): Uint8Array {
  const sel = new Uint8Array(net.m);
  for (let k = 0; k < net.m; k += step) {
    sel[k] = 1;
    if (linkedViolation(net, sel) !== null) sel[k] = 0;
  }
  return sel;
}
