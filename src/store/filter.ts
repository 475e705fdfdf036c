// Time-range, order and limit selection shared by the stores that filter in
// memory (the memory store); SQL stores express the same rules in their queries.

import type { AccountFilter } from './types.js';

/** Rows must be in ascending timestamp order. */
export function selectByFilter<T extends { timestamp: bigint }>(rows: readonly T[], filter: AccountFilter): T[] {
  const inRange = rows.filter(
    (r) => (filter.timestamp_min === 0n || r.timestamp >= filter.timestamp_min) && (filter.timestamp_max === 0n || r.timestamp <= filter.timestamp_max),
  );
  if (filter.reversed) inRange.reverse();
  return inRange.slice(0, filter.limit);
}
