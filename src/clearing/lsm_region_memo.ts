// Issue 16 (speed, no change of result): the outcomes of the exact region searches of one LSM run
// (lsm_region_exact.ts, reChoose), kept so that a region searched again from the same state is not searched again.
//
// The phases of rules 13-21 try the same pairs (and induced sets, triples) of participants again and again, from
// selections that have often not changed around them: the second phase's search of such a region is the first's,
// step for step. regionBranchAndBound is a function of its region (items, rows, each row's room, every item's
// effects and weight), its start and its reduced-cost switch alone, plus the steps it may take: no clock, no
// generator. Within one run (one compiled net: the items' effects and weights fixed) the region is a function of
// its items, its rows and their rooms, so those, the start and the switch are the key (`regionKey`, exact: the
// numbers' decimal texts).
//
// The steps: a search that used S steps of a limit M with S <= M never saw its counter over the limit (steps only
// grow), so under any limit of at least S it takes the same path and ends at the same S; under the same limit M
// it is the same search whatever S was. `lookup` hands back an outcome only then; the caller adds S to its
// counter, so the run's step accounting (and every later decision made on it) is what searching again gives.
// The same holds for a region's root relaxation (rootGap, rules 14's byRootGap), whose limit is the room left on
// the phase's counter (max - steps): its entries are keyed apart ("root|" before the key).
// Pure: the memo lives as long as the run's net (a WeakMap in the caller), nothing of it is journaled.

/** One remembered search: its best choice (null: none heavier than the start), the steps it used, the limit it had. */
export interface RegionSearchEntry {
  readonly best: Uint8Array | null;
  /** A root relaxation's gap (rootGap; byRootGap's entries, keyed apart), else 0. */
  readonly gap: number;
  readonly steps: number;
  readonly max: number;
}

/** The key of a region search (see the header): items, rows (run node ids), the rows' exact rooms, start, switch. */
export function regionKey(items: readonly number[], rows: readonly number[], resid: readonly bigint[], start: Uint8Array, rcFix: boolean): string {
  let bits = '';
  for (let i = 0; i < start.length; i++) bits += start[i] === 1 ? '1' : '0';
  return `${rcFix ? 1 : 0}|${items.join(',')}|${rows.join(',')}|${resid.join(',')}|${bits}`;
}

/**
 * Searches remembered per run at most. Past it the memo stops remembering (a lookup still answers from what it
 * holds), so a run's results and steps are the same whatever the cap; it bounds the memory of the longest runs.
 */
export const REGION_MEMO_ENTRIES_MAX = 16_384;

export class RegionSearchMemo {
  private readonly entries = new Map<string, RegionSearchEntry>();
  /** Searches answered from the memo, and searches run. */
  hits = 0;
  misses = 0;

  /** The remembered search for `key` when searching again under limit `max` would repeat it exactly, else null. */
  lookup(key: string, max: number): RegionSearchEntry | null {
    const e = this.entries.get(key);
    if (e === undefined || !(e.max === max || (e.steps <= e.max && e.steps <= max))) {
      this.misses++;
      return null;
    }
    this.hits++;
    return e;
  }

  /** Remembers a search (the latest kept per key; a new key only below REGION_MEMO_ENTRIES_MAX). */
  remember(key: string, entry: RegionSearchEntry): void {
    if (this.entries.size >= REGION_MEMO_ENTRIES_MAX && !this.entries.has(key)) return;
    this.entries.set(key, entry);
  }
}
