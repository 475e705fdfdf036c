// An evenly paced HTTP load: request k is due at start + k / rate, sent on one of
// `connections` keep-alive sockets, whatever the answers before it did (an open
// loop). `bench api` measures its fixed-rate runs with it.
//
// Why not autocannon's rate options: they count requests per second per client
// and reset the count on a 1 s timer, so "40 requests/s on each of 50
// connections" is 50 closed loops sending 40 requests back to back as fast as
// the server answers, then silence until the next second. That measured the
// latency of 2,000-request bursts at saturation (plus whatever the server did in
// the quiet part of the second), not of 2,000 requests/s.
//
// Latency is timed from when a request was sent; how late the sends ran behind
// their schedule (this process's own delays, on a shared host) is reported
// beside it, so a tail the harness made is told from the server's.

import { Agent, request } from 'node:http';
import { percentile, round } from './stats.js';

export interface PacedLoadOptions {
  url: string;
  path: string;
  method: string;
  headers: Record<string, string>;
  /** The body of each request (called once per request). */
  body: () => string;
  rate_per_s: number;
  duration_s: number;
  connections: number;
}

/** The figures of a load run in autocannon's shape: what `bench api` reads of either load generator. */
export interface LoadFigures {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}

/** The figures of a paced run, and the sends' lateness. */
export interface PacedLoadResult extends LoadFigures {
  /** How far behind schedule requests were sent (ms): the load generator's own delay. */
  send_lateness_ms: { p99: number; max: number };
}

/** Answers still outstanding this long after the last send are counted as timeouts. */
const DRAIN_MS = 10_000;

/** Two decimals; 0 for NaN (the percentile of no values). */
function round2(x: number): number {
  return Number.isNaN(x) ? 0 : round(x, 2);
}

/** Sends requests on a keep-alive pool and counts their answers (latency from each send). */
class Sender {
  readonly latencies: number[] = [];
  ok = 0;
  non2xx = 0;
  errors = 0;
  outstanding = 0;
  private readonly agent: Agent;
  private readonly target: URL;
  private idle: (() => void) | null = null;

  constructor(private readonly o: PacedLoadOptions) {
    this.agent = new Agent({ keepAlive: true, maxSockets: o.connections, maxFreeSockets: o.connections });
    this.target = new URL(o.path, o.url);
  }

  send(): void {
    const body = this.o.body();
    const t0 = performance.now();
    this.outstanding++;
    const headers = { ...this.o.headers, 'content-length': String(Buffer.byteLength(body)) };
    const req = request(this.target, { method: this.o.method, agent: this.agent, headers }, (res) => {
      res.resume();
      res.on('end', () => {
        this.latencies.push(performance.now() - t0);
        if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) this.ok++;
        else this.non2xx++;
        this.done();
      });
      res.on('error', () => this.failed());
    });
    req.on('error', () => this.failed());
    req.end(body);
  }

  private failed(): void {
    this.errors++;
    this.done();
  }

  private done(): void {
    this.outstanding--;
    if (this.outstanding === 0) this.idle?.();
  }

  /** Resolves once every answer came, or after `max_ms`; then closes the sockets. */
  async drain(max_ms: number): Promise<void> {
    if (this.outstanding > 0) {
      await Promise.race([new Promise<void>((resolve) => (this.idle = resolve)), new Promise((resolve) => setTimeout(resolve, max_ms).unref())]);
    }
    this.agent.destroy();
  }
}

/** Sends `total` requests, request k at start + k * interval_ms (a 1 ms timer sends all that fell due); how late each went. */
function sendOnSchedule(sender: Sender, total: number, interval_ms: number): Promise<{ lateness: number[]; start: number }> {
  const lateness: number[] = [];
  const start = performance.now();
  let sent = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (sent < total && start + sent * interval_ms <= now) {
        lateness.push(now - (start + sent * interval_ms));
        sent++;
        sender.send();
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve({ lateness, start });
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
}

export async function pacedLoad(o: PacedLoadOptions): Promise<PacedLoadResult> {
  const sender = new Sender(o);
  const { lateness, start } = await sendOnSchedule(sender, Math.round(o.rate_per_s * o.duration_s), 1000 / o.rate_per_s);
  const duration_s = (performance.now() - start) / 1000;
  await sender.drain(DRAIN_MS);
  const latencies = sender.latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  const sum = latencies.reduce((s, x) => s + x, 0);
  return {
    requests: { average: round2(latencies.length / duration_s), total: latencies.length },
    latency: {
      p50: round2(percentile(latencies, 50)),
      p99: round2(percentile(latencies, 99)),
      average: round2(latencies.length === 0 ? 0 : sum / latencies.length),
      max: round2(latencies[latencies.length - 1] ?? 0),
    },
    '2xx': sender.ok,
    non2xx: sender.non2xx,
    errors: sender.errors,
    timeouts: sender.outstanding,
    duration: duration_s,
    send_lateness_ms: { p99: round2(percentile(lateness, 99)), max: round2(lateness[lateness.length - 1] ?? 0) },
  };
}
