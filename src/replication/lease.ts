// The active engine's lease: one key in a JetStream key-value bucket (replicated
// like the journal), holding who is active and where its API answers. Taking and
// renewing are compare-and-set on the key's revision, so that two engines do not
// both succeed (the journal stream's own fencing is what keeps the journal whole
// if they ever do). The holder renews every third of the lease; a standby takes the key
// when it is absent, or when it has watched the same revision for a whole lease
// without a renewal and then for as long as the engine defers its take (a read
// that fails in between neither starts nor ends the watch; after a quorum loss every standby may try at once, and the
// compare-and-set lets one win; a taker reads the key back, since nats-server
// 2.9 now and then lets two compare-and-sets of one revision both succeed).
// The holder counts its own lease from when it sent its last successful renewal, on a
// monotonic clock: past lease_ms it must stop writing even before it learns that
// another engine took over (a paused process finds out this way).

import type { KV } from 'nats';
import type { StreamLog } from './stream_log.js';

const KEY = 'active';

export interface LeaseHolder {
  node_id: string;
  /** Where the holder's API answers (for not_leader answers), or '' when it serves none. */
  address: string;
}

export type LeaseStep = { kind: 'held' } | { kind: 'lost'; reason: string } | { kind: 'acquired' } | { kind: 'waiting'; holder: LeaseHolder | null };

/** How long opening the lease bucket is retried (its stream API calls time out while the cluster is loaded or electing). */
const LEASE_OPEN_TIMEOUT_MS = 30_000;
const LEASE_OPEN_RETRY_MS = 250;

export class Lease {
  private readonly kv: KV;
  private readonly me: LeaseHolder;
  private readonly lease_ms: number;
  private revision = 0;
  private heldFlag = false;
  /** Monotonic ms of the last successful take or renewal (holder). */
  private renewedAt = 0;
  /** Standby: the revision seen and since when (monotonic ms) it has been seen unchanged. */
  private seenRevision = -1;
  private seenSince = 0;
  private lastHolder: LeaseHolder | null = null;
  /** Monotonic ms of the holder's last renew step (whether or not it sent one). */
  private lastRenewStep = 0;
  /** Told when a renewal lands late or fails (why a lease may lapse under a live holder: a late step, or a slow key-value update). */
  onLate: (m: string) => void = () => undefined;

  private constructor(kv: KV, me: LeaseHolder, lease_ms: number) {
    this.kv = kv;
    this.me = me;
    this.lease_ms = lease_ms;
  }

  static async open(log: StreamLog, me: LeaseHolder): Promise<Lease> {
    // The bucket's operations answer within half a lease, but creating or binding it is a
    // stream API call on every node: on a loaded cluster, or one still electing its
    // JetStream leader, it can take longer. Retried for a while, as the journal stream's open is.
    const t0 = Date.now();
    for (;;) {
      try {
        const kv = await log.js.views.kv(log.config.lease_bucket, {
          history: 1,
          replicas: log.config.replicas,
          // A backstop: a lease nobody renews disappears on its own.
          ttl: log.config.lease_ms * 20,
          timeout: Math.max(500, Math.floor(log.config.lease_ms / 2)),
        });
        return new Lease(kv, me, log.config.lease_ms);
      } catch (err) {
        if (Date.now() - t0 > LEASE_OPEN_TIMEOUT_MS || log.nc.isClosed()) throw err;
        await new Promise((r) => setTimeout(r, LEASE_OPEN_RETRY_MS));
      }
    }
  }

  /** Whether this engine took the lease and has not learnt of losing it (valid or not). */
  get held(): boolean {
    return this.heldFlag;
  }

  /** Whether this engine holds the lease now, by its own clock (false once a renewal is overdue). */
  get valid(): boolean {
    return this.heldFlag && performance.now() - this.renewedAt < this.lease_ms;
  }

  /** The holder last seen (standby), or this engine (holder). */
  get holder(): LeaseHolder | null {
    return this.heldFlag ? this.me : this.lastHolder;
  }

  /** Milliseconds between steps. */
  get step_ms(): number {
    return Math.max(50, Math.floor(this.lease_ms / 5));
  }

  /**
   * One step: a holder renews (every third of the lease); a standby watches and
   * takes a lapsed lease, `defer` ms after it lapsed (asked only then: see watch).
   */
  async step(defer: () => Promise<number> = async () => 0): Promise<LeaseStep> {
    return this.heldFlag ? this.renew() : this.watch(defer);
  }

  private async renew(): Promise<LeaseStep> {
    const t0 = performance.now();
    const stepGap = t0 - this.lastRenewStep;
    this.lastRenewStep = t0;
    if (t0 - this.renewedAt < this.lease_ms / 3) return { kind: 'held' };
    const late = (what: string): void =>
      this.onLate(
        `lease renewal ${what}: ${Math.round(performance.now() - this.renewedAt)} ms after the last one sent (this step came ${Math.round(stepGap)} ms after the one before; the update took ${Math.round(performance.now() - t0)} ms)`,
      );
    try {
      this.revision = await this.kv.update(KEY, this.value(), this.revision);
      if (performance.now() - this.renewedAt > (this.lease_ms * 2) / 3) late('landed late');
      // From when the renewal was sent: a late answer (a paused holder) must not stretch the lease past what a standby counts.
      this.renewedAt = t0;
      return { kind: 'held' };
    } catch (err) {
      if (isWrongRevision(err)) {
        this.heldFlag = false;
        late('refused');
        return { kind: 'lost', reason: `another engine took the lease (${(err as Error).message})` };
      }
      late(`failed (${(err as Error).message})`);
      // Unreachable: keep trying; `valid` turns false when the lease runs out meanwhile.
      return { kind: 'held' };
    }
  }

  /**
   * A standby's step. A lease unchanged for lease_ms has lapsed; the standby then
   * waits `defer()` ms more before it takes it (a standby far behind the stream lets
   * one that is caught up take first; see ClusterNode.takeDeferral), asked again at
   * each step, so the wait shrinks as the standby catches up meanwhile.
   */
  private async watch(defer: () => Promise<number>): Promise<LeaseStep> {
    const now = performance.now();
    let entry: Awaited<ReturnType<KV['get']>>;
    try {
      entry = await this.kv.get(KEY);
    } catch {
      // A read that failed (a timeout on a loaded host) neither starts nor ends the watch: the next read
      // decides, and only one standby can win the compare-and-set of a lapsed lease.
      return { kind: 'waiting', holder: this.lastHolder };
    }
    if (entry === null || entry.operation !== 'PUT') return this.take(() => this.kv.create(KEY, this.value()));
    if (entry.revision !== this.seenRevision) {
      this.seenRevision = entry.revision;
      this.seenSince = now;
      this.lastHolder = parseHolder(entry.value);
      return { kind: 'waiting', holder: this.lastHolder };
    }
    if (now - this.seenSince < this.lease_ms) return { kind: 'waiting', holder: this.lastHolder };
    let wait = 0;
    try {
      wait = await defer();
    } catch {
      // Not known (the stream did not answer): take as before.
    }
    if (performance.now() - this.seenSince < this.lease_ms + wait) return { kind: 'waiting', holder: this.lastHolder };
    const rev = entry.revision;
    return this.take(() => this.kv.update(KEY, this.value(), rev));
  }

  private async take(op: () => Promise<number>): Promise<LeaseStep> {
    const t0 = performance.now();
    try {
      this.revision = await op();
      // nats-server 2.9 in a cluster lets two updates of the same revision both succeed now and then (99 of 300
      // concurrent pairs on 2.9.10): the key read back after the take must still be this one, or another engine
      // took it at once. The stream's fencing keeps the journal whole either way; this keeps two engines from both
      // serving until a renewal fails.
      const back = await this.kv.get(KEY);
      if (back === null || back.revision !== this.revision) throw new Error('taken by another engine at the same time');
    } catch {
      this.seenRevision = -1;
      return { kind: 'waiting', holder: this.lastHolder };
    }
    // Counted from before the take: the holder's own clock must never run past the lease a standby counts.
    this.heldFlag = true;
    this.renewedAt = t0;
    this.lastRenewStep = performance.now();
    return { kind: 'acquired' };
  }

  /** Gives the lease up (a clean stop): standbys may take it at once. */
  async release(): Promise<void> {
    if (!this.heldFlag) return;
    this.heldFlag = false;
    await this.kv.delete(KEY, { previousSeq: this.revision }).catch(() => undefined);
  }

  private value(): Uint8Array {
    return Buffer.from(JSON.stringify(this.me));
  }
}

function parseHolder(v: Uint8Array): LeaseHolder | null {
  try {
    const o = JSON.parse(Buffer.from(v).toString('utf8')) as Partial<LeaseHolder>;
    return typeof o.node_id === 'string' && typeof o.address === 'string' ? { node_id: o.node_id, address: o.address } : null;
  } catch {
    return null;
  }
}

function isWrongRevision(err: unknown): boolean {
  const e = err as { message?: string; api_error?: { err_code?: number } };
  return e.api_error?.err_code === 10071 || /wrong last sequence/i.test(e.message ?? '');
}
