// `sco-settle bench api`: the HTTP API under load. A real server (a child
// process running `node bin/sco-settle.js serve` on a temporary SQLite store
// seeded with a scheme) on loopback, and autocannon in this process as the load
// generator. Four figures: payments/s with one payment per request, payments/s
// with 1,000 per request, and the p99 latency of single-payment requests at a
// fixed 2,000 requests/s twice — first right after the batch run, while the
// query index is still catching up with it (the backlog), then again once the
// index has caught up — each with the request rate the server achieved. Payments
// counted are those the server answered 200 for with the payment settled (read
// back from the server's /metrics, not assumed). `rss_mb` is the server process's
// peak resident memory over the whole run.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Platform } from '../platform/platform.js';
import { UserDirectory } from '../http/auth.js';
import { type LoadFigures, pacedLoad } from './paced_load.js';
import { round } from './stats.js';

export interface ApiBenchOptions {
  /** Seconds per timed run. */
  duration_s: number;
  connections_single: number;
  connections_batch: number;
  batch_size: number;
  fixed_rate: number;
  /** Write the server's CPU profile (node --cpu-prof) into this folder. */
  cpu_prof_dir: string | null;
  /** Run the server of another build (its bin/sco-settle.js) under this harness: before/after figures from one harness. */
  server_bin?: string | null;
  /** V8 options for the server process instead of SERVE_NODE_FLAGS (to compare young-generation sizes). */
  server_node_flags?: readonly string[] | null;
  /** Skip the single-payment throughput run (its figures are null): the fixed-rate runs alone, sooner. */
  fixed_only?: boolean;
  /**
   * How the fixed-rate runs send: 'paced' (the default), request k at k / rate
   * (./paced_load.ts); 'bursty', autocannon's per-second rate as before #18 (each
   * second's requests back to back, then silence), for comparison with older figures.
   */
  fixed_load?: 'paced' | 'bursty';
  progress: (m: string) => void;
}

type AutocannonResult = LoadFigures;
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
/** A run's figures: autocannon's, or the paced load's (which adds how late its sends ran). */
type LoadResult = AutocannonResult & { send_lateness_ms?: { p99: number; max: number } };

const BANKS = 20;
/** Connections of the fixed-rate runs. */
const FIXED_RATE_CONNECTIONS = 50;
const require = createRequire(import.meta.url);

function bic(i: number): string {
  return `BK${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}CNBJ`;
}

/** Seeds the store at `url` as every API benchmark does (a central bank, BANKS funded banks, an open day); the operator's API key. */
export async function seedApiBench(url: string): Promise<string> {
  const platform = await Platform.open(url);
  try {
    await platform.run({ type: 'register_participant', id: 'PBOCCNBJ', kind: 'central_bank', name: 'PBOC', country: 'CN', currencies: ['CNY'] });
    for (let i = 0; i < BANKS; i++) {
      await platform.run({ type: 'register_participant', id: bic(i), kind: 'bank', name: `Bank ${i}`, country: 'CN', currencies: ['CNY'] });
      await platform.run({ type: 'fund', participant: bic(i), currency: 'CNY', amount: '1000000000000.00' });
    }
    await platform.run({ type: 'open_day', date: new Date().toISOString().slice(0, 10), default_cutoff: '23:59' });
    const users = await UserDirectory.load(platform);
    await users.createUser('bench', 'operator', null);
    return (await users.createKey('bench')).token;
  } finally {
    await platform.close();
  }
}

/**
 * V8 options the benchmarked server runs with, whichever build it is: the larger young generation
 * bench and demo run with (bin/sco-settle.js). `serve` does not re-run itself with it (the harnesses
 * and tests that kill a server must reach the process that serves), so it is given here.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];

export function startServer(
  url: string,
  cpuProfDir: string | null,
  serverBin: string | null = null,
  nodeFlags: readonly string[] = SERVE_NODE_FLAGS,
): Promise<{ child: ChildProcess; base: string }> {
  const bin = serverBin !== null ? resolve(serverBin) : resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/sco-settle.js');
  const args = [
    ...nodeFlags,
    ...(cpuProfDir !== null ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir] : []),
    bin,
    '--store',
    url,
    'serve',
    '--port',
    '0',
    '--log-level',
    'warn',
    '--rate-limit',
    '0',
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    // A server that never says it listens is stopped, or it (and the benchmark waiting on its pipe) would run on.
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`server did not start: ${err}`));
    }, 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /API on (http:\/\/[^\s]+) /.exec(err);
      if (m !== null) {
        clearTimeout(timer);
        resolve({ child, base: m[1]! });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

async function metric(base: string, re: RegExp): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const m = re.exec(text);
  return m === null ? 0 : Number(m[1]);
}

function settledCount(base: string): Promise<number> {
  return metric(base, /^sco_settle_payments\{state="settled"\} (\d+)/m);
}

function indexBacklog(base: string): Promise<number> {
  return metric(base, /^sco_settle_index_backlog_entries (\d+)/m);
}

/** Waits (at most `max_s`) until the query index holds every durable entry; the seconds it took. */
async function indexCaughtUp(base: string, max_s: number): Promise<number> {
  const t0 = performance.now();
  while ((await indexBacklog(base)) > 0 && performance.now() - t0 < max_s * 1000) await new Promise((r) => setTimeout(r, 100));
  return Math.round((performance.now() - t0) / 100) / 10;
}

/** A request body of `n` payments of 0.01 CNY between random seeded banks (one payment: the payment itself, not a list). */
export function paymentBody(n: number, date: string): string {
  const list: string[] = [];
  for (let k = 0; k < n; k++) {
    const a = Math.floor(Math.random() * BANKS);
    let b = Math.floor(Math.random() * (BANKS - 1));
    if (b >= a) b++;
    list.push(
      `{"uetr":"${randomUUID()}","end_to_end_id":"B${k}","payer":"${bic(a)}","payee":"${bic(b)}","currency":"CNY","amount":"0.01","value_date":"${date}"}`,
    );
  }
  return n === 1 ? list[0]! : `{"payments":[${list.join(',')}]}`;
}

export async function runApiBench(o: ApiBenchOptions): Promise<Record<string, unknown>> {
  const autocannon = require('autocannon') as Autocannon;
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-api-bench-'));
  const url = `sqlite:${join(dir, 'bench.db')}`;
  let child: ChildProcess | null = null;
  try {
    o.progress(`seeding ${url}: a central bank, ${BANKS} funded banks, an open business day`);
    const token = await seedApiBench(url);
    const nodeFlags = o.server_node_flags ?? SERVE_NODE_FLAGS;
    const server = await startServer(url, o.cpu_prof_dir, o.server_bin ?? null, nodeFlags);
    child = server.child;
    const base = server.base;
    const date = new Date().toISOString().slice(0, 10);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const fixedLoad = o.fixed_load ?? 'paced';
    const ctx: RunContext = { o, base, pid: server.child.pid, headers, date, autocannon };
    const run = (label: string, size: number, extra: Record<string, unknown>, paced = false): Promise<ApiRun> => timedRun(ctx, label, size, extra, paced);
    // Warm-up (JIT, SQLite caches).
    await run('warm-up', 1, { connections: o.connections_single, duration: 2 });
    const single = o.fixed_only === true ? null : await run('single', 1, { connections: o.connections_single });
    const batch = await run(`batch of ${o.batch_size}`, o.batch_size, { connections: o.connections_batch });
    // Bursty: autocannon's rate spread over the connections (connectionRate), as measured before #18.
    const fixedRun = { connections: FIXED_RATE_CONNECTIONS, connectionRate: Math.ceil(o.fixed_rate / FIXED_RATE_CONNECTIONS) };
    const paced = fixedLoad === 'paced';
    // Right after the batch run the index still has its entries to write: this run measures the API meanwhile.
    const backlog = await run(`single at ${o.fixed_rate} req/s during the index backlog`, 1, fixedRun, paced);
    const wait_s = await indexCaughtUp(base, 300);
    o.progress(`index caught up ${wait_s} s after the backlog run`);
    const fixed = await run(`single at ${o.fixed_rate} req/s, index caught up`, 1, fixedRun, paced);
    return apiResult(o, single, batch, backlog, fixed, wait_s, peakRssMb(server.child.pid), nodeFlags, fixedLoad);
  } finally {
    if (child !== null && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

interface RunContext {
  o: ApiBenchOptions;
  base: string;
  pid: number | undefined;
  headers: Record<string, string>;
  date: string;
  autocannon: Autocannon;
}

/** The load of one run: autocannon with `extra`, or (paced) the evenly paced load at the fixed rate. */
function sendLoad(c: RunContext, size: number, extra: Record<string, unknown>, paced: boolean): Promise<LoadResult> {
  const { o, base, headers, date } = c;
  if (paced)
    return pacedLoad({
      url: base,
      path: '/v1/payments',
      method: 'POST',
      headers,
      body: () => paymentBody(size, date),
      rate_per_s: o.fixed_rate,
      duration_s: o.duration_s,
      connections: FIXED_RATE_CONNECTIONS,
    });
  return c.autocannon({
    url: base,
    duration: o.duration_s,
    headers,
    requests: [{ method: 'POST', path: '/v1/payments', setupRequest: (req: Record<string, unknown>) => ({ ...req, body: paymentBody(size, date) }) }],
    ...extra,
  });
}

/** One timed run with what the server did meanwhile (payments settled, CPU, scavenges) and the harness's own delays. */
async function timedRun(c: RunContext, label: string, size: number, extra: Record<string, unknown>, paced: boolean): Promise<ApiRun> {
  const { o, base, pid } = c;
  const before = await settledCount(base);
  const backlog_before = await indexBacklog(base);
  const cpu_before = cpuSeconds(pid);
  const gc_before = await minorGc(base);
  // The load generator shares the host: its own event-loop delay says whether a tail is the harness's.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  o.progress(`${label}: ${String(extra.duration ?? o.duration_s)} s`);
  const result = await sendLoad(c, size, extra, paced);
  loop.disable();
  const cpu_after = cpuSeconds(pid);
  const gc = gcDelta(gc_before, await minorGc(base));
  const client_loop_delay = {
    p99_ms: round(loop.percentile(99) / 1e6, 1),
    max_ms: round(loop.max / 1e6, 1),
    ...(result.send_lateness_ms !== undefined ? { send_lateness_p99_ms: result.send_lateness_ms.p99 } : {}),
  };
  const settled = (await settledCount(base)) - before;
  const cpu_s = cpu_before === null || cpu_after === null ? null : cpu_after - cpu_before;
  o.progress(
    `${label}: ${result['2xx']} ok, ${result.non2xx} not ok, ${result.errors} errors; ${settled} payments settled; p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
  );
  return { result, settled, backlog_before, cpu_s, gc, client_loop_delay };
}

interface ApiRun {
  result: AutocannonResult;
  settled: number;
  /** Query index backlog (durable journal entries not yet indexed) when the run started. */
  backlog_before: number;
  /** CPU seconds the server process (all its threads) used during the run; null where /proc is not there. */
  cpu_s: number | null;
  /** The server's young-generation collections (scavenges) during the run: each holds its event loop. */
  gc: MinorGc;
  /** This process's (the load generator's) event-loop delay during the run; paced runs: how late their sends ran. */
  client_loop_delay: { p99_ms: number; max_ms: number; send_lateness_p99_ms?: number };
}

interface MinorGc {
  count: number;
  total_ms: number;
  /** Those that took longer than 10 ms (the histogram's bucket bound). */
  over_10ms: number;
}

/** The server's minor GC figures so far, from its /metrics (prom-client's nodejs_gc_duration_seconds). */
async function minorGc(base: string): Promise<MinorGc> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const read = (re: RegExp): number => Number(re.exec(text)?.[1] ?? 0);
  const count = read(/^nodejs_gc_duration_seconds_count\{kind="minor"\} (\S+)/m);
  return {
    count,
    total_ms: read(/^nodejs_gc_duration_seconds_sum\{kind="minor"\} (\S+)/m) * 1000,
    over_10ms: count - read(/^nodejs_gc_duration_seconds_bucket\{le="0\.01",kind="minor"\} (\S+)/m),
  };
}

function gcDelta(a: MinorGc, b: MinorGc): MinorGc {
  return { count: b.count - a.count, total_ms: round(b.total_ms - a.total_ms, 1), over_10ms: b.over_10ms - a.over_10ms };
}

/**
 * User and system CPU seconds of a process so far (Linux /proc), or null. CPU
 * per payment is the figure that holds on a shared machine, where throughput and
 * latency measure the other jobs as much as the server.
 */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) of proc(5), counted from after the command name; in clock ticks (100 per second on Linux).
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** The most memory the process has held resident so far (VmHWM of Linux /proc), in MB; null where /proc is not there. */
function peakRssMb(pid: number | undefined): number | null {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
    return m === null ? null : Math.round(Number(m[1]) / 1024);
  } catch {
    return null;
  }
}

function cpuUsPerPayment(r: ApiRun): number | null {
  return r.cpu_s === null || r.settled === 0 ? null : Math.round((r.cpu_s * 1e6) / r.settled);
}

/** Requests/s the server answered 200 (a 429 of back-pressure is an answer, but not one of these). */
function okPerS(r: ApiRun): number {
  return Math.round(r.result['2xx'] / r.result.duration);
}

function fixedDetail(o: ApiBenchOptions, r: ApiRun): Record<string, unknown> {
  return {
    rate: o.fixed_rate,
    requests_per_s: r.result.requests.average,
    p50_ms: r.result.latency.p50,
    p99_ms: r.result.latency.p99,
    non_2xx: r.result.non2xx,
    errors: r.result.errors,
    index_backlog_entries_at_start: r.backlog_before,
    server_cpu_us_per_payment: cpuUsPerPayment(r),
    server_minor_gc: r.gc,
    client_loop_delay: r.client_loop_delay,
  };
}

/** The suite's JSON document: the figures, then each run's detail. */
function apiResult(
  o: ApiBenchOptions,
  single: ApiRun | null,
  batch: ApiRun,
  backlog: ApiRun,
  fixed: ApiRun,
  wait_s: number,
  rss_mb: number | null,
  nodeFlags: readonly string[],
  fixedLoad: 'paced' | 'bursty',
): Record<string, unknown> {
  return {
    suite: 'api',
    metrics: {
      payments_per_s_single: single === null ? null : Math.round(single.settled / single.result.duration),
      payments_per_s_batch: Math.round(batch.settled / batch.result.duration),
      p99_ms_single_at_2000_rps: fixed.result.latency.p99,
      p99_ms_single_at_2000_rps_during_backlog: backlog.result.latency.p99,
      ok_per_s_at_2000_rps: okPerS(fixed),
      ok_per_s_at_2000_rps_during_backlog: okPerS(backlog),
      /** The server process's peak resident memory over the whole benchmark. */
      rss_mb,
    },
    detail: {
      duration_s: o.duration_s,
      store: 'sqlite (temporary file)',
      server: o.server_bin ?? 'this build',
      server_node_flags: nodeFlags.join(' '),
      single: single && {
        connections: o.connections_single,
        requests_ok: single.result['2xx'],
        non_2xx: single.result.non2xx,
        errors: single.result.errors,
        p50_ms: single.result.latency.p50,
        p99_ms: single.result.latency.p99,
        server_cpu_us_per_payment: cpuUsPerPayment(single),
      },
      batch: {
        connections: o.connections_batch,
        size: o.batch_size,
        requests_ok: batch.result['2xx'],
        non_2xx: batch.result.non2xx,
        errors: batch.result.errors,
        p50_ms: batch.result.latency.p50,
        p99_ms: batch.result.latency.p99,
        server_cpu_us_per_payment: cpuUsPerPayment(batch),
      },
      fixed_rate_during_backlog: fixedDetail(o, backlog),
      index_caught_up_after_s: wait_s,
      fixed_rate: fixedDetail(o, fixed),
      fixed_rate_load:
        fixedLoad === 'paced'
          ? `paced: request k sent at k/${o.fixed_rate} s on ${FIXED_RATE_CONNECTIONS} keep-alive connections (open loop), latency from its send`
          : `bursty: autocannon, ${FIXED_RATE_CONNECTIONS} connections of ${Math.ceil(o.fixed_rate / FIXED_RATE_CONNECTIONS)} requests/s each (each second's sent back to back)`,
      load_generator: 'autocannon (throughput runs) and node:http (paced runs) in the bench process; server in a child process on loopback',
    },
  };
}
