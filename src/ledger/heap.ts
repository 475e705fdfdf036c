// A binary min-heap keyed by a bigint, used to expire pending transfers in
// deadline order. Entries are never removed from the middle: a caller checks on
// pop whether an entry is still live, which keeps rollback of linked chains simple.

export interface HeapEntry<T> {
  key: bigint;
  /** Insertion order; breaks ties so that expiry order is deterministic. */
  seq: number;
  value: T;
}

export class MinHeap<T> {
  private readonly items: HeapEntry<T>[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  push(key: bigint, value: T): void {
    const items = this.items;
    items.push({ key, seq: this.nextSeq++, value });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(items[i]!, items[parent]!)) break;
      swap(items, i, parent);
      i = parent;
    }
  }

  peek(): HeapEntry<T> | undefined {
    return this.items[0];
  }

  pop(): HeapEntry<T> | undefined {
    const items = this.items;
    const top = items[0];
    if (top === undefined) return undefined;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < items.length && less(items[l]!, items[m]!)) m = l;
        if (r < items.length && less(items[r]!, items[m]!)) m = r;
        if (m === i) break;
        swap(items, i, m);
        i = m;
      }
    }
    return top;
  }
}

function less<T>(a: HeapEntry<T>, b: HeapEntry<T>): boolean {
  return a.key < b.key || (a.key === b.key && a.seq < b.seq);
}

function swap<T>(items: T[], i: number, j: number): void {
  const t = items[i]!;
  items[i] = items[j]!;
  items[j] = t;
}
