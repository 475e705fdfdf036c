// Journal entries of random bytes for the store tests: the store keeps and returns
// them as given, so only their positions and sizes matter, not their meaning.

import { randomBytes } from 'node:crypto';
import type { JournalEntry } from '../../src/store/types.js';

export interface RandomEntryShape {
  /** The entry's event count; the body is 128 bytes an event unless body_bytes says otherwise. */
  events?: number;
  body_bytes?: number;
  results?: Buffer;
}

/** A ledger-batch entry (op 2) at `seq` with random body, checksum and hashes. */
export function randomEntry(seq: number, shape: RandomEntryShape = {}): JournalEntry {
  const events = shape.events ?? 1;
  return {
    seq,
    op: 2,
    clock_ns: 1_700_000_000_000_000_000n + BigInt(seq),
    count: events,
    body: randomBytes(shape.body_bytes ?? 128 * events),
    results: shape.results ?? Buffer.alloc(0),
    checksum: randomBytes(32),
    prev_hash: randomBytes(32),
    hash: randomBytes(32),
  };
}
