// `sco-settle bench soak`: the simulated day at ten times its volume through the
// HTTP API for a long time (an hour by default), to show that memory and latency
// stay flat and nothing acknowledged is lost. A real server in a child process on
// the given store (PostgreSQL for the campaign; a temporary SQLite file by
// default), the scheme of the simulated day (every bank and liquidity provider of
// the default profile, the embedded reference rates, generous funding), and
// `clients` API clients that submit the day's payments paced evenly over the
// duration. Every window of `sample_s` records the server's resident memory, the
// requests answered and their p50/p99 latency. At the end the server stops, the
// store is reopened, every acknowledged UETR is looked up (lost = acknowledged
// but absent) and the whole journal is verified. The report is JSON plus an HTML
// page with the memory and latency series drawn.

import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserDirectory } from '../http/auth.js';
import { Platform } from '../platform/platform.js';
import { formatMajor } from '../platform/fx_tools.js';
import { REFERENCE_FILE, REFERENCE_RATES } from '../platform/reference.js';
import { verifyStore } from '../platform/verify_tools.js';
import { apiInstruction, defaultProfile, generatePayments, MEMBERS } from '../sim/index.js';
import { startServer } from './api_bench.js';
import { median, percentile, slope } from './stats.js';

export interface SoakOptions {
  /** Store URL; null = a temporary SQLite file. */
  store: string | null;
  duration_s: number;
  /** Payments over the whole run (10x the default day: 200,000). */
  payments: number;
  clients: number;
  sample_s: number;
  /** Folder for the HTML report; null = none. */
  report_dir: string | null;
  progress: (m: string) => void;
}

export interface SoakSample {
  t_s: number;
  rss_mb: number;
  /** The server's JS heap in use, from its /metrics (nodejs_heap_size_used_bytes); null when the scrape failed. */
  heap_used_mb: number | null;
  /** Memory V8 accounts for outside its heap: buffers and typed arrays (nodejs_external_memory_bytes). */
  external_mb: number | null;
  /** Resident memory neither the heap V8 reserved nor its external memory explains: the allocator, code, stacks. */
  native_mb: number | null;
  answered: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
}

// Today (UTC): the server runs on the wall clock, so a fixed past date put every
// payment after its cut-off and into the warehouse instead of settlement. A run
// that crosses midnight UTC warehouses what arrives after it.
const DAY = new Date().toISOString().slice(0, 10);

export async function runSoak(o: SoakOptions): Promise<Record<string, unknown>> {
  const dir = o.store === null ? mkdtempSync(join(tmpdir(), 'sco-settle-soak-')) : null;
  const url = o.store ?? `sqlite:${join(dir!, 'soak.db')}`;
  let child: ChildProcess | null = null;
  try {
    o.progress(`seeding ${url}: the simulated day's scheme`);
    const token = await seed(url);
    const server = await startServer(url, null);
    child = server.child;
    const run = await drive(o, server.base, token, child.pid!);
    await stop(child);
    child = null;
    o.progress(`checking ${run.acked.length} acknowledged payments and verifying the journal`);
    const { lost, states } = await acknowledgedStates(url, run.acked);
    const verified = await verifyStore(url);
    const result = soakResult(o, url, run, lost, states, verified.report.ok);
    if (o.report_dir !== null) writeReport(o.report_dir, result, run.samples);
    return result;
  } finally {
    if (child !== null) await stop(child);
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
}

/** Banks and liquidity providers of the default profile, the reference rates, funding for the whole run, an open day. */
async function seed(url: string): Promise<string> {
  const platform = await Platform.open(url);
  try {
    const profile = defaultProfile();
    // The embedded figures dated to the soak's day (today): dated as published, they
    // are too old for the rate policy and every PvP payment would be refused FX_RATE_STALE.
    const rows = REFERENCE_RATES.map((r) => ({ currency: r.currency, units_per_usd: r.units_per_usd, date: DAY, source: `${r.source} (figure of ${r.date})` }));
    await platform.run({ type: 'import_rates', file: `embedded ${REFERENCE_FILE}`, rows });
    for (const m of MEMBERS) {
      // A test BIC per member's central bank (location code "20": never a live one).
      await platform.run({
        type: 'register_participant',
        id: `CBSK${m.country}20`,
        kind: 'central_bank',
        name: `Central bank ${m.country}`,
        country: m.country,
        currencies: [m.currency],
      });
    }
    const participants = [...profile.banks.map((p) => ({ p, kind: 'bank' })), ...profile.liquidity_providers.map((p) => ({ p, kind: 'liquidity_provider' }))];
    for (const { p, kind } of participants) {
      await platform.run({ type: 'register_participant', id: p.bic, kind, name: p.name, country: p.country, currencies: Object.keys(p.liquidity) });
      for (const ccy of Object.keys(p.liquidity)) {
        await platform.run({ type: 'fund', participant: p.bic, currency: ccy, amount: formatMajor(fundingMinor(ccy), ccy) });
      }
    }
    await platform.run({ type: 'open_day', date: DAY, default_cutoff: '23:59' });
    const users = await UserDirectory.load(platform);
    await users.createUser('soak', 'operator', null);
    return (await users.createKey('soak')).token;
  } finally {
    await platform.close();
  }
}

/** What each participant is funded with in each of its currencies: the same value in every currency (USD 10 bn: IRR then has 18 digits in minor units, the most an amount may have). */
const FUNDING_USD = 10n ** 10n;

/**
 * FUNDING_USD in `ccy`'s minor units at the embedded reference rate, exact (the
 * rate is a decimal string). One figure in minor units for every currency (10^15)
 * was 10.5 M USD in IRR (950,000 a dollar): in the hour-long run the IRR
 * payers ran dry, and their PvP payments held the other currencies' queues
 * behind them (41,395 of 200,000 still queued at the end).
 */
export function fundingMinor(ccy: string): bigint {
  const r = REFERENCE_RATES.find((x) => x.currency === ccy);
  if (r === undefined) return 10n ** 15n;
  const [whole, frac = ''] = r.units_per_usd.split('.');
  return (FUNDING_USD * BigInt(`${whole}${frac}`) * 10n ** BigInt(r.minor_units)) / 10n ** BigInt(frac.length);
}

interface Driven {
  samples: SoakSample[];
  acked: string[];
  refused: number;
  errors: number;
  wall_s: number;
}

/** The clients: payment i is due at i/payments of the duration; each client takes the next due one. */
async function drive(o: SoakOptions, base: string, token: string, pid: number): Promise<Driven> {
  const payments = [...generatePayments(defaultProfile(), { seed: 7, payments: o.payments })];
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const acked: string[] = [];
  let refused = 0;
  let errors = 0;
  let window: number[] = [];
  let windowErrors = 0;
  const samples: SoakSample[] = [];
  const t0 = performance.now();
  const sampler = setInterval(() => {
    const t_s = (performance.now() - t0) / 1000;
    const [latencies, failed] = [window, windowErrors];
    window = [];
    windowErrors = 0;
    void serverMemory(base).then((memory) => {
      const last = sampleOf(t_s, rssMb(pid), memory, latencies, failed);
      samples.push(last);
      o.progress(`t=${last.t_s} s: ${acked.length} acknowledged, rss ${last.rss_mb} MB (heap ${last.heap_used_mb} MB), p99 ${last.p99_ms} ms`);
    });
  }, o.sample_s * 1000);
  let next = 0;
  const client = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= payments.length) return;
      const due_ms = (i / payments.length) * o.duration_s * 1000;
      const wait = due_ms - (performance.now() - t0);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const started = performance.now();
      try {
        const res = await fetch(`${base}/v1/payments`, { method: 'POST', headers, body: JSON.stringify(apiInstruction(payments[i]!, DAY)) });
        await res.arrayBuffer();
        window.push(performance.now() - started);
        if (res.status === 200 || res.status === 201) acked.push(payments[i]!.uetr);
        else if (res.status < 500) refused++;
        else {
          errors++;
          windowErrors++;
        }
      } catch {
        errors++;
        windowErrors++;
      }
    }
  };
  await Promise.all(Array.from({ length: o.clients }, client));
  clearInterval(sampler);
  const t_s = (performance.now() - t0) / 1000;
  samples.push(sampleOf(t_s, rssMb(pid), await serverMemory(base), window, windowErrors));
  samples.sort((a, b) => a.t_s - b.t_s);
  return { samples, acked, refused, errors, wall_s: (performance.now() - t0) / 1000 };
}

function sampleOf(t_s: number, rss_mb: number, memory: ServerMemory | null, latencies: number[], errors: number): SoakSample {
  return {
    t_s: Math.round(t_s),
    rss_mb,
    heap_used_mb: memory === null ? null : mb(memory.heap_used),
    external_mb: memory === null ? null : mb(memory.external),
    native_mb: memory === null || rss_mb === 0 ? null : Math.max(0, rss_mb - mb(memory.heap_total) - mb(memory.external)),
    answered: latencies.length,
    errors,
    p50_ms: latencies.length > 0 ? Math.round(median(latencies) * 10) / 10 : 0,
    p99_ms: latencies.length > 0 ? Math.round(percentile(latencies, 99) * 10) / 10 : 0,
  };
}

interface ServerMemory {
  heap_used: number;
  heap_total: number;
  external: number;
}

const mb = (bytes: number): number => Math.round(bytes / (1024 * 1024));

/** The server's heap and external memory from its public /metrics (Node's standard gauges), or null. */
async function serverMemory(base: string): Promise<ServerMemory | null> {
  try {
    const res = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await res.text();
    const gauge = (name: string): number => {
      const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
      return m === null ? Number.NaN : Number(m[1]);
    };
    const memory = {
      heap_used: gauge('nodejs_heap_size_used_bytes'),
      heap_total: gauge('nodejs_heap_size_total_bytes'),
      external: gauge('nodejs_external_memory_bytes'),
    };
    return Object.values(memory).every(Number.isFinite) ? memory : null;
  } catch {
    return null;
  }
}

/** The server's resident memory, from /proc (Linux); 0 where there is no /proc. */
function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? 0 : Math.round(Number(m[1]) / 1024);
  } catch {
    return 0;
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Acknowledged payments absent from the reopened store (lost), and the states of
 * the others: flat memory means little if the payments were parked (warehoused,
 * queued) rather than settled.
 */
async function acknowledgedStates(url: string, acked: readonly string[]): Promise<{ lost: number; states: Record<string, number> }> {
  const platform = await Platform.open(url);
  try {
    let lost = 0;
    const states: Record<string, number> = {};
    for (const u of acked) {
      const p = platform.payment(u);
      if (p === undefined) lost++;
      else states[p.state] = (states[p.state] ?? 0) + 1;
    }
    return { lost, states };
  } finally {
    await platform.close();
  }
}

/** Median of the first and of the last tenth of the windows: flat means their ratio is near 1. */
function ends(samples: readonly SoakSample[], pick: (s: SoakSample) => number): { first: number; last: number; max: number } {
  const busy = samples.filter((s) => s.answered > 0);
  const n = Math.max(1, Math.floor(busy.length / 10));
  const head = busy.slice(0, n).map(pick);
  const tail = busy.slice(-n).map(pick);
  return { first: head.length > 0 ? median(head) : 0, last: tail.length > 0 ? median(tail) : 0, max: Math.max(0, ...busy.map(pick)) };
}

/**
 * The least-squares slope of the server's resident memory against payments
 * answered, bytes a payment: over the whole run and over its second half (after
 * the heap has sized itself). Flat memory is a slope near 0; memory held per
 * payment shows as a steady slope.
 */
export function rssPerPayment(
  samples: readonly SoakSample[],
  pick: (s: SoakSample) => number | null = (s) => s.rss_mb,
): { whole_run: number | null; second_half: number | null } {
  let answered = 0;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of samples) {
    answered += s.answered;
    const v = pick(s);
    if (v === null) continue;
    xs.push(answered);
    ys.push(v * 1024 * 1024);
  }
  const fit = (from: number): number | null => {
    const v = slope(xs.slice(from), ys.slice(from));
    return Number.isFinite(v) ? Math.round(v) : null;
  };
  return { whole_run: fit(0), second_half: fit(Math.floor(xs.length / 2)) };
}

function soakResult(o: SoakOptions, url: string, run: Driven, lost: number, states: Record<string, number>, verify_ok: boolean): Record<string, unknown> {
  return {
    suite: 'soak',
    metrics: {
      payments_acknowledged: run.acked.length,
      payments_refused: run.refused,
      server_errors: run.errors,
      lost,
      acknowledged_by_state: states,
      verify_ok,
      rss_mb: ends(run.samples, (s) => s.rss_mb),
      p99_ms: ends(run.samples, (s) => s.p99_ms),
      p50_ms: ends(run.samples, (s) => s.p50_ms),
      rss_bytes_per_payment: rssPerPayment(run.samples),
      heap_used_bytes_per_payment: rssPerPayment(run.samples, (s) => s.heap_used_mb),
      external_bytes_per_payment: rssPerPayment(run.samples, (s) => s.external_mb),
      native_bytes_per_payment: rssPerPayment(run.samples, (s) => s.native_mb),
    },
    workload: {
      store: url.startsWith('postgres') ? 'postgresql' : 'sqlite',
      duration_s: o.duration_s,
      wall_s: Math.round(run.wall_s),
      payments: o.payments,
      clients: o.clients,
      sample_s: o.sample_s,
    },
    samples: run.samples,
  };
}

function writeReport(dir: string, result: Record<string, unknown>, samples: readonly SoakSample[]): void {
  mkdirSync(dir, { recursive: true });
  const chart = (title: string, pick: (s: SoakSample) => number | null, unit: string): string => {
    const w = 720;
    const h = 200;
    const tMax = Math.max(1, ...samples.map((s) => s.t_s));
    const known = samples.filter((s) => pick(s) !== null);
    const yMax = Math.max(1, ...known.map((s) => pick(s)!)) * 1.1;
    const points = known.map((s) => `${((s.t_s / tMax) * w).toFixed(1)},${(h - (pick(s)! / yMax) * h).toFixed(1)}`).join(' ');
    return `<h2>${title}</h2><svg width="${w + 60}" height="${h + 30}" viewBox="-50 -5 ${w + 60} ${h + 30}"><polyline fill="none" stroke="#2563eb" stroke-width="1.5" points="${points}"/><line x1="0" y1="${h}" x2="${w}" y2="${h}" stroke="#999"/><line x1="0" y1="0" x2="0" y2="${h}" stroke="#999"/><text x="-45" y="10" font-size="11">${yMax.toFixed(0)} ${unit}</text><text x="-45" y="${h}" font-size="11">0</text><text x="${w - 60}" y="${h + 20}" font-size="11">${tMax} s</text></svg>`;
  };
  const html = `<!doctype html><meta charset="utf-8"><title>sco-settle soak</title><body style="font-family:sans-serif;max-width:820px;margin:2em auto"><h1>Soak: the simulated day at 10× volume through the API</h1><pre>${JSON.stringify({ metrics: result.metrics, workload: result.workload }, null, 2)}</pre>${chart('Server resident memory', (s) => s.rss_mb, 'MB')}${chart('Server JS heap in use', (s) => s.heap_used_mb, 'MB')}${chart('Server external memory (buffers, typed arrays)', (s) => s.external_mb, 'MB')}${chart('Server native memory (resident, outside the heap and external)', (s) => s.native_mb, 'MB')}${chart('p99 latency per window', (s) => s.p99_ms, 'ms')}${chart('Requests answered per window', (s) => s.answered, '')}</body>`;
  writeFileSync(join(dir, 'soak.html'), html);
}
