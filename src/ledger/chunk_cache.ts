// The few spilled chunks a reader keeps after reading them back, the most recently
// used ones. Owns: which chunks are held and which one goes when a read needs room
// (its buffer is reused for the read). The ledger's transfer log and the platform's
// payment book read their spilled chunks through one; the read itself is the caller's.

export class ChunkCache<B> {
  /** Chunk number -> buffer; a Map iterates in insertion order, so the first entry is the least recently used. */
  private readonly held = new Map<number, B>();

  constructor(private readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) throw new Error(`invariant: a chunk cache holds at least one chunk, not ${capacity}`);
  }

  get size(): number {
    return this.held.size;
  }

  values(): IterableIterator<B> {
    return this.held.values();
  }

  /** Chunk `c`, now the most recently used: from the cache, or read by `read` into the evicted chunk's buffer (or `fresh()` while there is room). */
  get(c: number, read: (into: B) => void, fresh: () => B): B {
    const hit = this.held.get(c);
    if (hit !== undefined) {
      this.held.delete(c);
      this.held.set(c, hit);
      return hit;
    }
    const b = this.evict() ?? fresh();
    read(b);
    this.held.set(c, b);
    return b;
  }

  /** Holds `b` as chunk `c`, the most recently used, dropping the least recently used when full. */
  put(c: number, b: B): void {
    this.held.delete(c);
    this.evict();
    this.held.set(c, b);
  }

  delete(c: number): void {
    this.held.delete(c);
  }

  clear(): void {
    this.held.clear();
  }

  /** Drops the least recently used chunk when the cache is full, handing back its buffer for reuse. */
  private evict(): B | undefined {
    if (this.held.size < this.capacity) return undefined;
    const [c, b] = this.held.entries().next().value as [number, B];
    this.held.delete(c);
    return b;
  }
}
