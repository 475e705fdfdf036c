// The dashboard's history: queue depth and value per currency and the liquidity of
// each participant's settlement accounts, sampled in memory by this process (after
// commands, at most once a second, plus once at start) — a server restart starts
// a new series — and served as columns in the caller's scope.

import type { Platform } from '../platform/platform.js';
import { seesCurrency, seesParticipant, type Scope } from '../http/access.js';
import { WEB_LIMITS } from './limits.js';

interface Sample {
  t_ns: bigint;
  /** currency -> queued count and value (minor units, payer currency). */
  queue: Map<string, { depth: number; value: bigint }>;
  /** "participant:currency" -> available (settlement accounts). */
  liquidity: Map<string, bigint>;
}

export class History {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  constructor(private readonly platform: Platform) {}

  take(): void {
    const queue = new Map<string, { depth: number; value: bigint }>();
    for (const p of this.platform.queuedPayments()) {
      const c = p.instruction.currency;
      const q = queue.get(c) ?? { depth: 0, value: 0n };
      q.depth++;
      q.value += p.instruction.amount_minor;
      queue.set(c, q);
    }
    const liquidity = new Map<string, bigint>();
    for (const p of this.platform.participants().slice(0, WEB_LIMITS.sampled_participants_max)) {
      if (p.kind === 'central_bank') continue;
      for (const c of p.currencies) liquidity.set(`${p.id}:${c}`, this.platform.balance(p, c).available_minor);
    }
    this.samples.push({ t_ns: this.platform.now(), queue, liquidity });
    if (this.samples.length > WEB_LIMITS.samples_max) this.samples.shift();
    this.last = Date.now();
  }

  /** After a command: a sample now, or at the end of the interval (one pending at most). */
  schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.last + WEB_LIMITS.sample_interval_ms - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.take();
      } catch {
        // the platform closed between the command and the sample
      }
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The sampled series in the caller's scope, as columns (times in ms since the epoch). */
  columns(scope: Scope): Record<string, unknown> {
    const times = this.samples.map((s) => Number(s.t_ns / 1_000_000n));
    const queueKeys = new Set<string>();
    const liqKeys = new Set<string>();
    for (const s of this.samples) {
      for (const k of s.queue.keys()) if (seesCurrency(scope, k)) queueKeys.add(k);
      for (const k of s.liquidity.keys()) {
        const [pid, c] = k.split(':') as [string, string];
        const p = this.platform.participant(pid);
        if (p !== undefined && seesParticipant(scope, p) && seesCurrency(scope, c)) liqKeys.add(k);
      }
    }
    const queue: Record<string, { depth: number[]; value_minor: string[] }> = {};
    for (const c of [...queueKeys].sort())
      queue[c] = { depth: this.samples.map((s) => s.queue.get(c)?.depth ?? 0), value_minor: this.samples.map((s) => String(s.queue.get(c)?.value ?? 0n)) };
    const liquidity: Record<string, Array<string | null>> = {};
    for (const k of [...liqKeys].sort()) liquidity[k] = this.samples.map((s) => (s.liquidity.has(k) ? String(s.liquidity.get(k)) : null));
    return { times, queue, liquidity };
  }
}
