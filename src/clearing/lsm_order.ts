// The candidate order of the LP repairs (lsm_lp_split.ts, lsm_lp_paths.ts):
// items by a float key ascending, ties by item index ascending, with one float
// carried along per item. This module owns that order over typed arrays (keys
// computed once, no comparator calls), in place of tuples sorted by
// `(a, b) => a[0] - b[0] || a[1] - b[1]`: on keys that are never NaN that
// comparator is the total order key `<` (equal keys, +0 and -0 or two equal
// infinities, by item), so any correct sort gives its result (test/lsm_order).

/** (key, item, extra) triples, sorted by `sort` into key ascending, item ascending. */
export class KeyedItems {
  keys: Float64Array;
  items: Int32Array;
  extra: Float64Array;
  length = 0;

  constructor(capacity: number) {
    const c = Math.max(1, capacity);
    this.keys = new Float64Array(c);
    this.items = new Int32Array(c);
    this.extra = new Float64Array(c);
  }

  push(key: number, item: number, extra = 0): void {
    if (this.length === this.keys.length) this.grow();
    this.keys[this.length] = key;
    this.items[this.length] = item;
    this.extra[this.length] = extra;
    this.length++;
  }

  /** Sorts the triples: insertion up to INSERTION_MAX, else a bottom-up merge sort. */
  sort(): void {
    const n = this.length;
    if (n <= INSERTION_MAX) {
      const { keys, items, extra } = this;
      for (let i = 1; i < n; i++) {
        const key = keys[i]!;
        const item = items[i]!;
        const x = extra[i]!;
        let j = i - 1;
        for (; j >= 0 && (keys[j]! > key || (keys[j] === key && items[j]! > item)); j--) {
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
    let keys2: Float64Array = new Float64Array(keys.length);
    let items2: Int32Array = new Int32Array(keys.length);
    let extra2: Float64Array = new Float64Array(keys.length);
    for (let width = 1; width < n; width *= 2) {
      for (let lo = 0; lo < n; lo += 2 * width) {
        const mid = Math.min(lo + width, n);
        const hi = Math.min(lo + 2 * width, n);
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
    this.keys = keys;
    this.items = items;
    this.extra = extra;
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
  }
}

/** Up to this many triples an insertion sort (fewer moves than the merge's copies on short lists). */
const INSERTION_MAX = 16;
