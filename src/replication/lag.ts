// How far a follower trails the stream: for each entry applied, the milliseconds
// from the stream storing it to the follower holding it durably; the last
// WINDOW entries are kept for the percentiles.

const WINDOW = 10_000;

export class LagWindow {
  private readonly samples: number[] = [];
  private next = 0;
  private max = 0;

  add(ms: number): void {
    const v = Math.max(0, ms);
    if (this.samples.length < WINDOW) this.samples.push(v);
    else this.samples[this.next] = v;
    this.next = (this.next + 1) % WINDOW;
    if (v > this.max) this.max = v;
  }

  summary(): { p50: number; p99: number; max: number; samples: number } {
    if (this.samples.length === 0) return { p50: 0, p99: 0, max: 0, samples: 0 };
    const sorted = [...this.samples].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return { p50: at(0.5), p99: at(0.99), max: this.max, samples: this.samples.length };
  }
}
