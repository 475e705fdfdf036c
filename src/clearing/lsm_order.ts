// The candidate order of the LP repairs (lsm_lp_split.ts, lsm_lp_paths.ts):
// items by a float key ascending, ties by item index ascending, with one float
// carried along per item. This module owns that order over typed arrays (keys
// computed once, no comparator calls, no tuples), in place of tuples sorted by
// `(a, b) => a[0] - b[0] || a[1] - b[1]`: on keys that are never NaN that
// comparator is the total order key `<` (equal keys, +0 and -0 or two equal
// infinities, by item), so any correct sort gives its result (test/lsm_order).

/**
 * A stack of (key, item, extra) triples, reused across calls: a caller pushes
 * its candidates above `length`, sorts them with `sortFrom`, reads them, and
 * sets `length` back when done, so a recursive caller keeps its own segment
 * below those of the calls it makes.
 */
export class KeyedItems {
  keys: Float64Array;
  items: Int32Array;
  extra: Float64Array;
  length = 0;
  /** The merge's scratch. */
  private keys2: Float64Array;
  private items2: Int32Array;
  private extra2: Float64Array;

  constructor(capacity = 64) {
    const c = Math.max(1, capacity);
    this.keys = new Float64Array(c);
    this.items = new Int32Array(c);
    this.extra = new Float64Array(c);
    this.keys2 = new Float64Array(c);
    this.items2 = new Int32Array(c);
    this.extra2 = new Float64Array(c);
  }

  push(key: number, item: number, extra = 0): void {
    if (this.length === this.keys.length) this.grow();
    this.keys[this.length] = key;
    this.items[this.length] = item;
    this.extra[this.length] = extra;
    this.length++;
  }

  /** Sorts the triples from `base` to the top: insertion up to INSERTION_MAX, else a bottom-up merge sort. */
  sortFrom(base: number): void {
    const n = this.length - base;
    if (n <= INSERTION_MAX) {
      const { keys, items, extra } = this;
      for (let i = base + 1; i < this.length; i++) {
        const key = keys[i]!;
        const item = items[i]!;
        const x = extra[i]!;
        let j = i - 1;
        for (; j >= base && (keys[j]! > key || (keys[j] === key && items[j]! > item)); j--) {
          keys[j + 1] = keys[j]!;
          items[j + 1] = items[j]!;
          extra[j + 1] = extra[j]!;
        }
        keys[j + 1] = key;
        items[j + 1] = item;
        extra[j + 1] = x;
      }
      return;
    }
    let keys = this.keys;
    let items = this.items;
    let extra = this.extra;
    let keys2 = this.keys2;
    let items2 = this.items2;
    let extra2 = this.extra2;
    const end = this.length;
    for (let width = 1; width < n; width *= 2) {
      for (let lo = base; lo < end; lo += 2 * width) {
        const mid = Math.min(lo + width, end);
        const hi = Math.min(lo + 2 * width, end);
        let a = lo;
        let b = mid;
        for (let o = lo; o < hi; o++) {
          // The right run's head first when it comes strictly first: a smaller key, or an equal key and a smaller item.
          const right = a >= mid || (b < hi && (keys[b]! < keys[a]! || (keys[b] === keys[a] && items[b]! < items[a]!)));
          const from = right ? b++ : a++;
          keys2[o] = keys[from]!;
          items2[o] = items[from]!;
          extra2[o] = extra[from]!;
        }
      }
      const k = keys;
      keys = keys2;
      keys2 = k;
      const i = items;
      items = items2;
      items2 = i;
      const x = extra;
      extra = extra2;
      extra2 = x;
    }
    // The sorted segment ended in the scratch: copied back (below `base` the arrays hold the callers' segments).
    if (keys !== this.keys) {
      this.keys.set(keys.subarray(base, end), base);
      this.items.set(items.subarray(base, end), base);
      this.extra.set(extra.subarray(base, end), base);
    }
  }

  private grow(): void {
    const c = this.keys.length * 2;
    const keys = new Float64Array(c);
    const items = new Int32Array(c);
    const extra = new Float64Array(c);
    keys.set(this.keys);
    items.set(this.items);
    extra.set(this.extra);
    this.keys = keys;
    this.items = items;
    this.extra = extra;
    this.keys2 = new Float64Array(c);
    this.items2 = new Int32Array(c);
    this.extra2 = new Float64Array(c);
  }
}

/** Up to this many triples an insertion sort (fewer moves than the merge's copies on short lists). */
const INSERTION_MAX = 16;

/**
 * A KeyedItems list (sorted) grouped by an integer label per triple (`labelOf`
 * indexed by the triple's `extra`), labels ascending, each group in the list's
 * order: the order of [label, key, item] tuples sorted by label, then key, then
 * item (lsm_lp_paths.ts's moves on, per neighbour). Counting sort by label, so
 * stable and without comparator calls; `labelsMax` bounds the labels.
 */
export class LabelGroups {
  /** The distinct labels, ascending. */
  labels = new Int32Array(0);
  /** Group g is order[g === 0 ? 0 : ends[g - 1], ends[g]). */
  ends = new Int32Array(0);
  /** Positions in the list, group by group. */
  order = new Int32Array(0);
  private readonly count: Int32Array;
  private readonly at: Int32Array;

  constructor(labelsMax: number) {
    this.count = new Int32Array(labelsMax);
    this.at = new Int32Array(labelsMax);
  }

  group(list: KeyedItems, labelOf: Int32Array): void {
    const n = list.length;
    const { count, at } = this;
    if (this.order.length < n) this.order = new Int32Array(Math.max(n, 2 * this.order.length));
    const distinct: number[] = [];
    for (let i = 0; i < n; i++) {
      const u = labelOf[list.extra[i]!]!;
      if (count[u]!++ === 0) distinct.push(u);
    }
    const labels = Int32Array.from(distinct).sort();
    let pos = 0;
    for (const u of labels) {
      at[u] = pos;
      pos += count[u]!;
    }
    for (let i = 0; i < n; i++) this.order[at[labelOf[list.extra[i]!]!]!++] = i;
    this.ends = new Int32Array(labels.length);
    for (let g = 0; g < labels.length; g++) {
      this.ends[g] = at[labels[g]!]!;
      count[labels[g]!] = 0;
    }
    this.labels = labels;
  }
}
