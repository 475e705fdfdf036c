// One payer's RTGS queue in one currency: urgent before normal, then arrival
// order. Entries leave lazily: a payment that settled, was cancelled or rejected
// elsewhere (an LSM release, a cancellation) is skipped and dropped when reached,
// so removal is O(1) and the queue never holds a stale entry at its head for long.

import type { Payment, Priority } from './types.js';

/** Dropped entries a list may carry before it is compacted. */
const COMPACT_MIN = 1_024;

class Lane {
  items: Payment[] = [];
  head = 0;

  skipDead(isLive: (p: Payment) => boolean): void {
    while (this.head < this.items.length && !isLive(this.items[this.head]!)) this.head++;
    if (this.head >= COMPACT_MIN && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

const queuedOnly = (p: Payment): boolean => p.state === 'queued';

export class RtgsQueue {
  private readonly urgent = new Lane();
  private readonly normal = new Lane();

  push(p: Payment): void {
    (p.instruction.priority === 'urgent' ? this.urgent : this.normal).items.push(p);
  }

  /** Whether a queued payment of `priority` or higher waits (a new one may not overtake it under FIFO). */
  hasAtOrAbove(priority: Priority): boolean {
    this.urgent.skipDead(queuedOnly);
    if (this.urgent.head < this.urgent.items.length) return true;
    if (priority === 'urgent') return false;
    this.normal.skipDead(queuedOnly);
    return this.normal.head < this.normal.items.length;
  }

  /**
   * Tries queued payments in queue order. Under FIFO the first one that cannot
   * settle stops the examination (nothing behind it may overtake); with bypass
   * the rest are still tried. `trySettle` returns true when the payment left the
   * queue (settled, or rejected as impossible).
   */
  examine(bypass: boolean, isLive: (p: Payment) => boolean, trySettle: (p: Payment) => boolean): void {
    for (const lane of [this.urgent, this.normal]) {
      lane.skipDead(isLive);
      for (let i = lane.head; i < lane.items.length; i++) {
        const p = lane.items[i]!;
        if (!isLive(p)) continue;
        if (trySettle(p)) continue;
        if (!bypass) {
          lane.skipDead(isLive);
          return;
        }
      }
      lane.skipDead(isLive);
    }
  }

  /** Live entries in queue order. */
  live(isLive: (p: Payment) => boolean): Payment[] {
    const out: Payment[] = [];
    for (const lane of [this.urgent, this.normal]) {
      for (let i = lane.head; i < lane.items.length; i++) if (isLive(lane.items[i]!)) out.push(lane.items[i]!);
    }
    return out;
  }

  clear(): void {
    for (const lane of [this.urgent, this.normal]) {
      lane.items = [];
      lane.head = 0;
    }
  }
}
