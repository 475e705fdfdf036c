// A cluster of sco-settle engines for `bench ha` and the fault tests: a local
// three-node NATS cluster (or one given), engines as child processes (`serve
// --cluster`, each on its own SQLite store in a temporary folder, the first one
// seeded with a scheme and an operator key), and a client that retries a write by
// its Idempotency-Key against whichever engine answers as active — following the
// `sco-leader` header of a standby's 503 — until it is acknowledged.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Platform } from '../platform/platform.js';
import { UserDirectory } from '../http/auth.js';
import { LocalNatsCluster } from '../replication/local_cluster.js';
import { openStore } from '../store/open.js';

export const HA_BANKS = 10;
const START_TIMEOUT_MS = 90_000;
/** A request unanswered this long goes to the next engine (an engine busy catching up answers late). */
const REQUEST_TIMEOUT_MS = 3_000;

export function haBic(i: number): string {
  return `HA${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}CNBJ`;
}

/** A central bank, HA_BANKS funded banks, an open business day and an operator key (returned) on a fresh store. */
export async function seedHaStore(url: string): Promise<string> {
  const platform = await Platform.open(url);
  try {
    await platform.run({ type: 'register_participant', id: 'PBOCCNBJ', kind: 'central_bank', name: 'PBOC', country: 'CN', currencies: ['CNY'] });
    for (let i = 0; i < HA_BANKS; i++) {
      await platform.run({ type: 'register_participant', id: haBic(i), kind: 'bank', name: `Bank ${i}`, country: 'CN', currencies: ['CNY'] });
      await platform.run({ type: 'fund', participant: haBic(i), currency: 'CNY', amount: '1000000000000.00' });
    }
    await platform.run({ type: 'open_day', date: new Date().toISOString().slice(0, 10), default_cutoff: '23:59' });
    const users = await UserDirectory.load(platform);
    await users.createUser('ha', 'operator', null);
    return (await users.createKey('ha')).token;
  } finally {
    await platform.close();
  }
}

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../../bin/sco-settle.js');

/**
 * Node options for a spawned engine or replica: with SCO_SETTLE_HA_CPU_PROF=DIR each
 * writes its CPU profile (node --cpu-prof) into DIR as NODE-TIME.cpuprofile when it
 * exits on its own (a SIGKILLed engine writes none). NODE_OPTIONS may not carry --cpu-prof.
 */
export function cpuProfArgs(node_id: string): string[] {
  const dir = process.env.SCO_SETTLE_HA_CPU_PROF;
  if (dir === undefined || dir === '') return [];
  return ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', `${node_id}-${Date.now()}.cpuprofile`];
}

/** One `sco-settle serve` child process. */
export class EngineProcess {
  readonly child: ChildProcess;
  readonly base: string;
  /** `base` taken apart once, for the clients' requests. */
  readonly address: { host: string; port: number };
  readonly node_id: string;
  log: string;

  private constructor(child: ChildProcess, base: string, node_id: string, log: string) {
    this.child = child;
    this.base = base;
    const url = new URL(base);
    this.address = { host: url.hostname, port: Number(url.port) };
    this.node_id = node_id;
    this.log = log;
    const keep = process.env.SCO_SETTLE_HA_LOG_DIR;
    if (keep !== undefined) mkdirSync(keep, { recursive: true });
    child.stderr!.on('data', (d: Buffer) => {
      this.log = (this.log + d.toString()).slice(-50_000);
      // For a look at a long run afterwards: every engine's stderr, time-stamped, in a folder of the caller's.
      if (keep !== undefined) appendFileSync(join(keep, `${node_id}.log`), `${new Date().toISOString()} ${d.toString()}`);
    });
  }

  /** Starts `serve` on `store` (with --cluster when urls are given) and waits until it listens. */
  static start(store: string, urls: readonly string[] | null, node_id: string, extra: readonly string[] = []): Promise<EngineProcess> {
    const cluster = urls === null ? [] : ['--cluster', urls.join(','), '--node-id', node_id, ...extra];
    const args = [...cpuProfArgs(node_id), BIN, '--store', store, 'serve', '--port', '0', '--log-level', 'warn', '--rate-limit', '0', ...cluster];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    return new Promise((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`engine ${node_id} did not start: ${err.slice(-2000)}`));
      }, START_TIMEOUT_MS);
      const onData = (d: Buffer): void => {
        err += d.toString();
        const m = /API on (http:\/\/[^\s]+) /.exec(err);
        if (m === null) return;
        clearTimeout(timer);
        child.stderr!.off('data', onData);
        resolve(new EngineProcess(child, m[1]!, node_id, err));
      };
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`engine ${node_id} exited ${code}: ${err.slice(-2000)}`));
      });
    });
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Sends `signal` and (unless SIGSTOP) waits for the exit. */
  async signal(signal: NodeJS.Signals): Promise<void> {
    if (!this.alive) return;
    if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
      this.child.kill(signal);
      return;
    }
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }

  async readyz(): Promise<{ role?: string; stream_seq?: number; status?: string } | null> {
    try {
      const r = await fetch(`${this.base}/readyz`, { signal: AbortSignal.timeout(1_000) });
      return (await r.json()) as { role?: string; stream_seq?: number };
    } catch {
      return null;
    }
  }
}

export interface HaClusterOptions {
  engines: number;
  lease_ms: number;
  /** NATS URLs to use instead of starting a local cluster. */
  urls?: string[];
  /** Names the stream (with a given cluster, one prefix per cluster of engines). */
  prefix?: string;
}

export class HaCluster {
  readonly nats: LocalNatsCluster | null;
  readonly urls: string[];
  readonly dir: string;
  readonly token: string;
  readonly engines: Array<EngineProcess | null>;
  /** The clients' kept-alive connections to the engines. */
  private readonly agent = new Agent({ keepAlive: true });
  /** The engine that last acknowledged a write: the next write goes there first, as a load balancer's health check would send it. */
  private lastActive: string | null = null;
  private readonly extra: string[];

  private constructor(nats: LocalNatsCluster | null, urls: string[], dir: string, token: string, n: number, extra: string[]) {
    this.nats = nats;
    this.urls = urls;
    this.dir = dir;
    this.token = token;
    this.engines = Array.from({ length: n }, () => null);
    this.extra = extra;
  }

  storeOf(i: number): string {
    return `sqlite:${join(this.dir, `e${i + 1}.db`)}`;
  }

  /** NATS (unless given), the seeded first engine as the active one, then the others as standbys. */
  static async start(o: HaClusterOptions): Promise<HaCluster> {
    const nats = o.urls === undefined ? await LocalNatsCluster.start() : null;
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-ha-'));
    const extra = ['--lease-ms', String(o.lease_ms), ...(o.prefix !== undefined ? ['--stream-prefix', o.prefix] : [])];
    let c: HaCluster | null = null;
    try {
      const token = await seedHaStore(`sqlite:${join(dir, 'e1.db')}`);
      c = new HaCluster(nats, o.urls ?? nats!.urls, dir, token, o.engines, extra);
      await c.startEngine(0);
      await c.waitActive(START_TIMEOUT_MS);
      for (let i = 1; i < o.engines; i++) await c.startEngine(i);
      return c;
    } catch (err) {
      if (c !== null) await c.stop();
      else {
        await nats?.stop();
        rmSync(dir, { recursive: true, force: true });
      }
      throw err;
    }
  }

  /** One engine without a cluster (no NATS) on a seeded store: the single-engine baseline. */
  static async startSingle(): Promise<HaCluster> {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-ha-'));
    try {
      const token = await seedHaStore(`sqlite:${join(dir, 'e1.db')}`);
      const c = new HaCluster(null, [], dir, token, 1, []);
      c.engines[0] = await EngineProcess.start(c.storeOf(0), null, 'single');
      return c;
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private stopping = false;
  /** Why engines stopped for the cluster (exit 3) and were started again, as a supervisor (systemd Restart=always) would. */
  readonly restarts: string[] = [];

  /** Engines being started (a restart after exit 3 runs beside everything else): stop() waits for them. */
  private readonly starting = new Set<Promise<EngineProcess>>();

  /** Starts engine i on its store; restarts it when it stops for the cluster (exit 3). */
  async startEngine(i: number): Promise<EngineProcess> {
    const p = EngineProcess.start(this.storeOf(i), this.urls, `e${i + 1}`, this.extra);
    this.starting.add(p);
    const e = await p.finally(() => this.starting.delete(p));
    // One that came up while the cluster stopped would outlive it (holding the test's event loop, writing a removed folder).
    if (this.stopping) {
      await e.signal('SIGKILL');
      throw new Error(`engine ${e.node_id} started while the cluster stopped`);
    }
    this.engines[i] = e;
    e.child.once('exit', (code) => {
      if (code !== 3 || this.stopping || this.engines[i] !== e) return;
      this.restarts.push(`${e.node_id}: ${/stops: (.*)/.exec(e.log)?.[1] ?? 'exit 3'}`);
      void this.startEngine(i).catch(() => undefined);
    });
    return e;
  }

  /** What every live engine answers now (its /readyz and a probe payment), for a failure's message. */
  async diagnose(): Promise<string> {
    const out: string[] = [];
    for (const e of this.live()) {
      const ready = await e.readyz();
      const uetr = randomUUID();
      const body = {
        uetr,
        end_to_end_id: `PROBE-${uetr.slice(0, 24)}`,
        payer: haBic(0),
        payee: haBic(1),
        currency: 'CNY',
        amount: '0.01',
        value_date: new Date().toISOString().slice(0, 10),
      };
      const probe = await this.postOnce(e, '/v1/payments', JSON.stringify(body), `probe-${uetr}`);
      out.push(
        `${e.node_id}: readyz ${JSON.stringify(ready)}; probe ${probe === null ? 'no answer' : `${probe.status} ${JSON.stringify(probe.body).slice(0, 300)}`}`,
      );
    }
    return out.join('\n');
  }

  /** The end of every engine's stderr, for a failure's message. */
  engineLogs(chars: number): string {
    return this.engines.map((e) => `--- ${e?.node_id} (${e?.alive === true ? 'running' : 'stopped'}):\n${e?.log.slice(-chars) ?? ''}`).join('\n');
  }

  /** The engine answering as active (polling every engine's /readyz). */
  async waitActive(timeout_ms: number, not?: EngineProcess): Promise<EngineProcess> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeout_ms) {
      for (const e of this.engines) {
        if (e === null || e === not || !e.alive) continue;
        if ((await e.readyz())?.role === 'active') return e;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no active engine after ${timeout_ms} ms:\n${this.engineLogs(1_500)}`);
  }

  /** The engines running now. */
  live(): EngineProcess[] {
    const out: EngineProcess[] = [];
    for (const e of this.engines) if (e?.alive === true) out.push(e);
    return out;
  }

  /** Waits until every live engine holds the journal stream up to the same entry; returns it. */
  async waitConverged(timeout_ms: number): Promise<number> {
    const t0 = Date.now();
    let seqs: Array<number | undefined> = [];
    while (Date.now() - t0 < timeout_ms) {
      seqs = await Promise.all(this.live().map(async (e) => (await e.readyz())?.stream_seq));
      if (seqs.length > 0 && seqs.every((s) => s !== undefined && s === seqs[0])) return seqs[0]!;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`engines did not converge: ${JSON.stringify(seqs)}`);
  }

  /**
   * POSTs `body` with `key` as Idempotency-Key until an engine acknowledges it:
   * connection failures and 503s move on to the next engine (the one a standby
   * names first). Returns the answer and the engine that gave it.
   */
  async post(path: string, body: string, key: string, deadline_ms: number): Promise<{ status: number; body: unknown; by: EngineProcess }> {
    let prefer: string | null = this.lastActive;
    const t0 = Date.now();
    for (let round = 0; Date.now() - t0 < deadline_ms; round++) {
      const live = this.live();
      live.sort((a, b) => (a.base === prefer ? -1 : b.base === prefer ? 1 : 0));
      for (const e of live) {
        const r = await this.postOnce(e, path, body, key);
        if (r === null) continue;
        if (r.status !== 503) {
          this.lastActive = e.base;
          return { ...r, by: e };
        }
        prefer = r.leader;
        if (prefer !== null) break;
      }
      await new Promise((r) => setTimeout(r, Math.min(100, 10 * (round + 1))));
      // As a health-checking load balancer would: ask every engine its role at once, and go to the active one first.
      prefer = (await this.findActive())?.base ?? prefer;
    }
    throw new Error(`${key}: not acknowledged within ${deadline_ms} ms`);
  }

  /** The engine whose /readyz says active (all asked at once, each for at most a second), or null. */
  private async findActive(): Promise<EngineProcess | null> {
    const live = this.live();
    const roles = await Promise.all(live.map((e) => e.readyz()));
    return live.find((_, i) => roles[i]?.role === 'active') ?? null;
  }

  /**
   * One POST over a kept-alive connection (node:http, not fetch: the load
   * generator shares the host's two cores with the engines it measures, and fetch
   * cost it about three times the CPU a request). Null when the engine does not
   * answer: refused, reset, or silent for REQUEST_TIMEOUT_MS.
   */
  private postOnce(e: EngineProcess, path: string, body: string, key: string): Promise<{ status: number; body: unknown; leader: string | null } | null> {
    return new Promise((resolve) => {
      const req = request(
        {
          ...e.address,
          path,
          method: 'POST',
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: {
            authorization: `Bearer ${this.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'idempotency-key': key,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () => resolve(null));
          res.on('end', () => {
            try {
              const leader = res.headers['sco-leader'];
              resolve({
                status: res.statusCode ?? 0,
                body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
                leader: typeof leader === 'string' ? leader : null,
              });
            } catch {
              resolve(null);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', () => resolve(null));
      req.end(body);
    });
  }

  /** Stops every engine (SIGTERM; SIGKILL for a paused one) and NATS; removes the folders unless `keep`. */
  async stop(keep = false): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.starting]);
    // Standbys first: an active engine stopped first gives its lease up, and a standby still running would take
    // it and append a fencing entry of its own, leaving the stores one entry apart.
    const roles = await Promise.all(this.engines.map((e) => (e?.alive === true ? e.readyz() : null)));
    const order = this.engines.map((e, i) => ({ e, active: roles[i]?.role === 'active' })).sort((a, b) => Number(a.active) - Number(b.active));
    for (const { e } of order) {
      if (e === null || !e.alive) continue;
      e.child.kill('SIGCONT');
      await Promise.race([e.signal('SIGTERM'), new Promise((r) => setTimeout(r, 10_000))]);
      if (e.alive) await e.signal('SIGKILL');
    }
    this.agent.destroy();
    await this.nats?.stop();
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** What the stores of a stopped cluster hold, against the payments clients saw acknowledged. */
export interface HaAudit {
  /** Acknowledged payments missing (or rejected) on a store, summed over stores. */
  acknowledged_lost: number;
  /** The first few of them per store, with what the store holds ('missing' or the payment's state and reason). */
  lost_examples: Array<{ store: string; uetr: string; found: string }>;
  /** Payments booked more than once: an end-to-end id on two payments. */
  duplicates: number;
  /** Per store: its journal head, verify's verdict and the state digest. */
  stores: Array<{ store: string; head: string; verify_ok: boolean; problem: string | null; state_digest: string }>;
}

/** Opens each store on its own (no cluster): verify, then every acknowledged UETR present and not rejected, and no end-to-end id twice. */
export async function auditStores(stores: readonly string[], acked: ReadonlySet<string>): Promise<HaAudit> {
  const audit: HaAudit = { acknowledged_lost: 0, lost_examples: [], duplicates: 0, stores: [] };
  for (const url of stores) {
    // Opened first: an engine killed before it wrote its users index gets it rewritten, as any restart does.
    await (await Platform.open(url)).close();
    const store = await openStore(url);
    const report = await Platform.verify(store).finally(() => store.close());
    const platform = await Platform.open(url);
    try {
      const head = platform.journalHead();
      for (const uetr of acked) {
        const p = platform.payment(uetr);
        if (p !== undefined && p.state !== 'rejected') continue;
        audit.acknowledged_lost++;
        if (audit.lost_examples.filter((l) => l.store === url).length < 5)
          audit.lost_examples.push({
            store: url,
            uetr,
            found: p === undefined ? 'missing' : JSON.stringify(p, (_, v) => (typeof v === 'bigint' ? String(v) : v)).slice(0, 400),
          });
      }
      const seen = new Set<string>();
      for (const p of platform.everyPayment()) {
        if (seen.has(p.instruction.end_to_end_id)) audit.duplicates++;
        seen.add(p.instruction.end_to_end_id);
      }
      audit.stores.push({
        store: url,
        head: `${head.seq}:${head.head_hash}`,
        verify_ok: report.ok,
        problem: report.problem,
        state_digest: platform.stateDigest(),
      });
    } finally {
      await platform.close();
    }
  }
  return audit;
}

/** One acknowledged payment: its UETR, when the answer came (ms, this process's clock) and which engine gave it. */
export interface HaAck {
  uetr: string;
  at_ms: number;
  by: string;
  /** When its request was first sent: a request first sent after a kill was never seen by the killed engine. */
  sent_ms: number;
}

/**
 * Clients sending payments (`batch` per request) to a cluster until stop():
 * each request retried by its Idempotency-Key until an engine acknowledges it.
 * A payment counts as acknowledged when the answer says settled or queued.
 */
export class HaLoad {
  readonly acks: HaAck[] = [];
  readonly acked = new Set<string>();
  private stopped = false;
  private readonly runs: Promise<void>[] = [];
  errors: string[] = [];

  constructor(
    private readonly c: HaCluster,
    clients: number,
    private readonly batch: number,
  ) {
    for (let i = 0; i < clients; i++) this.runs.push(this.client(i));
  }

  private async client(id: number): Promise<void> {
    const date = new Date().toISOString().slice(0, 10);
    for (let n = 0; !this.stopped; n++) {
      const list = Array.from({ length: this.batch }, (_, k) => {
        const a = (id + n + k) % HA_BANKS;
        const b = (a + 1 + (n % (HA_BANKS - 1))) % HA_BANKS;
        return { uetr: randomUUID(), end_to_end_id: `HA-${id}-${n}-${k}`, payer: haBic(a), payee: haBic(b), currency: 'CNY', amount: '0.01', value_date: date };
      });
      const body = JSON.stringify(this.batch === 1 ? list[0] : { payments: list });
      const sent = performance.now();
      try {
        const r = await this.c.post('/v1/payments', body, `ha-${id}-${n}`, 60_000);
        const at = performance.now();
        const results = (r.body as { payments?: Array<{ uetr: string; state: string }> }).payments ?? [];
        if (r.status !== 200) this.errors.push(`${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        for (const p of results) {
          if (p.state !== 'settled' && p.state !== 'queued') {
            this.errors.push(`${p.uetr}: ${JSON.stringify(p)}`);
            continue;
          }
          this.acked.add(p.uetr);
          this.acks.push({ uetr: p.uetr, at_ms: at, by: r.by.node_id, sent_ms: sent });
        }
      } catch (err) {
        this.errors.push((err as Error).message);
      }
    }
  }

  /** Payments acknowledged from `from_ms` on (performance.now() clock). */
  countSince(from_ms: number): number {
    let n = 0;
    for (let i = this.acks.length - 1; i >= 0 && this.acks[i]!.at_ms >= from_ms; i--) n++;
    return n;
  }

  /**
   * The first acknowledgement, by an engine other than `not_by`, of a request
   * first sent after `from_ms`, or null: a new payment an engine committed, not
   * the answer to a retry of one it already held (a standby answers those from
   * the stream).
   */
  firstAckAfter(from_ms: number, not_by: string): HaAck | null {
    for (const a of this.acks) if (a.sent_ms > from_ms && a.by !== not_by) return a;
    return null;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.runs);
  }
}

/**
 * Kills the active engine (SIGKILL) under the running load, measures the time to
 * the first payment acknowledged by another engine, and starts the killed one
 * again on its store (it comes back as a standby).
 */
export async function failoverOnce(
  c: HaCluster,
  load: HaLoad,
  timeout_ms: number,
): Promise<{ failover_ms: number; killed: string; new_active: string; takeover_ms: number | null }> {
  const active = await c.waitActive(timeout_ms);
  const i = c.engines.indexOf(active);
  const t = performance.now();
  await active.signal('SIGKILL');
  // A standby may answer a retried payment it already holds from the stream (durable, so truly acknowledged),
  // but the failover ends with the first new payment (its request first sent after the kill) another engine
  // acknowledged — whichever: the first to take over may itself lose the lease to the third before it serves.
  await c.waitActive(timeout_ms, active);
  let ack: HaAck | null = null;
  while ((ack = load.firstAckAfter(t, active.node_id)) === null) {
    if (performance.now() - t > timeout_ms)
      throw new Error(
        `no payment acknowledged within ${timeout_ms} ms of killing ${active.node_id}: ${load.errors.slice(-3).join('; ')}\n${await c.diagnose()}\n${c.engineLogs(1_500)}`,
      );
    await new Promise((r) => setTimeout(r, 5));
  }
  await c.startEngine(i);
  const by = c.engines.find((e) => e?.node_id === ack.by);
  const took = [...(by?.log ?? '').matchAll(/took over in (\d+) ms/g)].pop()?.[1];
  return { failover_ms: ack.at_ms - t, killed: active.node_id, new_active: ack.by, takeover_ms: took === undefined ? null : Number(took) };
}
