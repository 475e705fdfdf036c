// One engine or member replica in cluster mode: what role it plays and the work
// of each role. Every engine starts as a standby: it follows the journal stream
// (./stream_log.ts), applying each entry to its durable ledger, which checks and
// replays it and compares the active engine's state digests
// (DurableLedger.applyFollowed), and watches the lease (./lease.ts). When it
// takes the lease it stops following, applies what is left up to the stream's
// last entry, appends a fencing entry (so that a stale engine's append can no
// longer land) and becomes active. An active engine that loses its lease or
// finds the stream moved on stops (onFatal): it may hold state it never
// journaled, and a fresh start as a standby rebuilds it from the stream.
//
// A member replica (mode 'replica') follows the same way but never takes the
// lease; it also re-reads the stream at the position it verified and raises an
// alarm when the stream no longer reaches it (truncated) or holds another entry
// there (rewritten), or when an entry fails verification.

import type { DurableLedger } from '../journal/durable_ledger.js';
import type { JournalEntry } from '../store/types.js';
import { Lease, type LeaseHolder } from './lease.js';
import { LagWindow } from './lag.js';
import { FencedError, type StreamEntry, type StreamLog } from './stream_log.js';

export type ClusterRole = 'active' | 'standby' | 'replica';

export interface ClusterStatus {
  role: ClusterRole;
  node_id: string;
  /** The last journal entry this engine holds durably (= its stream position). */
  stream_seq: number;
  /** The active engine's API address as last seen ('' when it serves none), or null when unknown. */
  leader: string | null;
  /** Why appends are stalled (no quorum), or null. */
  stalled: string | null;
  alarms: readonly string[];
  /** Replication lag (./lag.ts): from the active engine's append landing in the stream to this node holding the entry applied and verified. */
  lag_ms: { p50: number; p99: number; max: number; samples: number };
  /** State digests the active engine sent that this node compared, and passed over (its whole-state work budget). */
  state_digests: { compared: number; passed_over: number };
}

export interface ClusterNodeOptions {
  mode: 'engine' | 'replica';
  me: LeaseHolder;
  onProgress: (m: string) => void;
  /** The engine must stop (lost lease, fenced, diverged); the process exits after it. */
  onFatal: (reason: string) => void;
  /** A replica's alarm (also kept in status().alarms). */
  onAlarm?: (alarm: string) => void;
  /** How often a replica re-reads the stream at its verified position. */
  history_check_ms?: number;
}

const ALARMS_KEPT = 100;
const BOOTSTRAP_PAGE = 64;
/** A new active engine lets its follower stream the tail for at most this long before reading entries one by one. */
const TAKEOVER_FOLLOW_MS = 5_000;
/** A follower that applied nothing for this long while a takeover waits for it is stalled: the rest is read directly. */
const FOLLOW_STALL_MS = 300;
/** A follower that applied nothing this long while the stream holds more is started again. */
const FOLLOW_STALL_RESTART_MS = 1_000;
/** Entries applied in one go (one local append) while following. */
const APPLY_SLICE_ENTRIES = 32;
/**
 * A follower's whole-state work (a digest compared, a periodic snapshot: seconds at
 * tens of thousands of payments on a loaded host) holds every entry arriving
 * meanwhile, and a standby behind makes a slow takeover: each is taken at most
 * once per this many times its last cost (0.1 % of the follower's time). A standby
 * snapshots as often as the active engine would (a restart after SIGKILL replays
 * only the tail); a member replica, whose restart is not on anyone's critical path,
 * as rarely as it compares digests.
 */
const FOLLOWER_DIGEST_SHARE = 1_000;
/**
 * A standby defers taking a lapsed lease by this share of the lease per journal
 * entry it is behind the stream (a standby 300 entries behind took 4-7 s to catch
 * up on a loaded host, one caught up a few ms), at most TAKE_DEFER_MAX_LEASES
 * leases: a caught-up standby takes first, and one far behind still takes when it
 * is the only one (catching up meanwhile, so its deferral shrinks step by step).
 */
const TAKE_DEFER_PER_ENTRY = 1 / 100;
const TAKE_DEFER_MAX_LEASES = 2;
/**
 * While entries still arrive from the stream the active engine is alive: only its
 * renewal is late (a starved event loop), and it appends only while its lease is
 * valid by its own clock. A standby does not take the lease until this share of
 * the lease passed without a new entry, so a late renewal that lands meanwhile
 * costs no failover.
 */
const TAKE_QUIET_SHARE = 1 / 2;
const STANDBY_SNAPSHOT_SHARE = 200;
const REPLICA_SNAPSHOT_SHARE = 1_000;

export class ClusterNode {
  private readonly ledger: DurableLedger;
  private readonly log: StreamLog;
  private readonly opts: ClusterNodeOptions;
  private lease: Lease | null = null;
  private role: ClusterRole;
  private following: { stop: () => void; done: Promise<void>; ended: boolean } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private fatal = false;
  private stepping = false;
  private takingOver = false;
  /** The follower is being started again (./watchFollower). */
  private restarting = false;
  /** The follower's last progress: the entry it had applied and since when (monotonic ms). */
  private progress = { seq: 0, at: 0 };
  private lastHistoryCheck = 0;
  /** When (monotonic ms) the follower last received entries the active engine had just appended. */
  private lastArrival = 0;
  private readonly alarmList: string[] = [];
  readonly lag = new LagWindow();
  private readonly startedAt = Date.now();

  private constructor(ledger: DurableLedger, log: StreamLog, opts: ClusterNodeOptions) {
    this.ledger = ledger;
    this.log = log;
    this.opts = opts;
    this.role = opts.mode === 'replica' ? 'replica' : 'standby';
  }

  /** Checks the local journal against the stream, starts following it and (engines) watching the lease. */
  static async start(ledger: DurableLedger, log: StreamLog, opts: ClusterNodeOptions): Promise<ClusterNode> {
    const node = new ClusterNode(ledger, log, opts);
    const problem = await node.compareWithStream();
    if (problem !== null) {
      if (opts.mode === 'engine') throw new Error(problem);
      node.alarm(problem);
    }
    node.progress = { seq: ledger.journal_seq, at: performance.now() };
    ledger.setFollowerBudget({
      digest_share: FOLLOWER_DIGEST_SHARE,
      snapshot_share: opts.mode === 'replica' ? REPLICA_SNAPSHOT_SHARE : STANDBY_SNAPSHOT_SHARE,
    });
    // A member replica serves queries from its index; a standby's is read only once it is active (FollowerIndexing).
    ledger.setFollowerIndexing(opts.mode === 'replica' ? 'lagging' : 'deferred');
    if (opts.mode === 'engine') {
      node.lease = await Lease.open(log, opts.me);
      node.lease.onLate = opts.onProgress;
      log.mayAppend = () => node.waitLease();
    }
    await node.startFollowing();
    node.schedule(0);
    return node;
  }

  status(): ClusterStatus {
    return {
      role: this.role,
      node_id: this.opts.me.node_id,
      stream_seq: this.ledger.durable_head.seq,
      leader: this.leader(),
      stalled: this.log.stalled,
      alarms: this.alarmList,
      lag_ms: this.lag.summary(),
      state_digests: this.ledger.followed_digests,
    };
  }

  /** Where the active engine answers, as far as this engine knows (null: not known). */
  private leader(): string | null {
    return this.role === 'active' ? this.opts.me.address : (this.lease?.holder?.address ?? null);
  }

  /** Why a write must be refused now, or null when this engine takes writes. */
  writeRefusal(): { code: 'not_leader' | 'journal_unavailable'; message: string; leader: string | null } | null {
    if (this.role === 'replica') return { code: 'not_leader', message: 'this is a member replica: it is read-only', leader: null };
    // Stopping (fenced, lease lost, diverged): the process exits at once, but requests may still arrive until then.
    if (this.fatal || this.ledger.failed !== null)
      return {
        code: 'journal_unavailable',
        message: `this engine (${this.opts.me.node_id}) stopped writing: another engine is active or its journal failed`,
        leader: null,
      };
    // Not status(): it sorts the lag window (10,000 samples) after each new sample, and this runs per write.
    const leader = this.leader();
    const stalled = this.log.stalled;
    if (this.role === 'active' && stalled !== null) return { code: 'journal_unavailable', message: stalled, leader: null };
    if (this.role === 'active' && this.lease !== null && !this.lease.valid)
      return {
        code: 'not_leader',
        message: `this engine (${this.opts.me.node_id}) could not renew its lease in time: a majority of the NATS cluster is unreachable, or this process was paused; it takes no writes until it renews`,
        leader: null,
      };
    if (this.role !== 'active' || this.lease === null)
      return {
        code: 'not_leader',
        message: `this engine (${this.opts.me.node_id}) is a standby; the active engine is ${leader === null || leader === '' ? 'not known yet' : `at ${leader}`}`,
        leader,
      };
    return null;
  }

  /**
   * An active engine appends only while its lease is valid by its own clock: a late
   * renewal holds the append until the lease is renewed, and a lost lease (another
   * engine took it) refuses it, so that a standby that waited out the lease never
   * races the old engine's appends.
   */
  private async waitLease(): Promise<void> {
    for (;;) {
      if (this.fatal || this.stopped || this.lease === null || !this.lease.held)
        throw new FencedError(`${this.opts.me.node_id} no longer holds the lease: it may not append`);
      if (this.lease.valid) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Where this engine's API answers (known once it listens); the next lease renewal carries it. */
  advertise(address: string): void {
    this.opts.me.address = address;
  }

  get alarms(): readonly string[] {
    return this.alarmList;
  }

  // ---- following ---------------------------------------------------------------------------

  /** Null when the local journal is a prefix of the stream (or the stream is empty); else what differs. */
  private async compareWithStream(): Promise<string | null> {
    const local = this.ledger.durable_head;
    const { first_seq, last_seq } = await this.log.bounds();
    if (local.seq === 0 || last_seq === 0) return null;
    if (first_seq !== 1) return `the journal stream starts at entry ${first_seq}: entries 1 to ${first_seq - 1} were removed`;
    const at = Math.min(local.seq, last_seq);
    const theirs = await this.log.entryAt(at);
    const ours = at === local.seq ? local.hash : (await this.ledger.store.readJournal(at - 1, 1))[0]?.hash;
    if (theirs === null || ours === undefined || !theirs.entry.hash.equals(ours))
      return `the journal stream holds another entry ${at} than this store verified (stream ${theirs?.entry.hash.toString('hex') ?? 'none'}, store ${ours?.toString('hex') ?? 'none'}): history was rewritten`;
    if (local.seq > last_seq)
      return `the journal stream ends at entry ${last_seq}, but this store verified entries up to ${local.seq}: the stream was truncated`;
    return null;
  }

  private async startFollowing(): Promise<void> {
    const from = this.ledger.durable_head.seq + 1;
    const f = { ...(await this.log.follow(from, (batch) => this.applyBatch(batch))), ended: false };
    this.following = f;
    const ended = (): void => {
      f.ended = true;
    };
    f.done.then(ended, ended);
    f.done.catch((err: Error) => {
      if (this.stopped || this.role === 'active') return;
      const why = `following the journal stream stopped: ${err.message}`;
      if (this.opts.mode === 'replica') this.alarm(why);
      else this.die(why);
    });
  }

  /** Applies what arrived, a slice at a time with a turn of the event loop between: a long catch-up must not hold up lease renewals and requests. */
  private async applyBatch(batch: StreamEntry[]): Promise<void> {
    // Entries the active engine appended just now (not a catch-up of older ones): it is alive. Stored times are the
    // NATS server's clock; a skewed clock only turns the quiet wait off (too old) or stretches it to the catch-up.
    if (Date.now() - batch[batch.length - 1]!.stored_ms < this.log.config.lease_ms) this.lastArrival = performance.now();
    for (let i = 0; i < batch.length; i += APPLY_SLICE_ENTRIES) {
      if (i > 0) await new Promise<void>((r) => setImmediate(r));
      await this.applySlice(batch.slice(i, i + APPLY_SLICE_ENTRIES));
    }
  }

  private async applySlice(batch: StreamEntry[]): Promise<void> {
    // A consumer may redeliver what is already applied (after a reset): skip it.
    const seq = this.ledger.journal_seq;
    const fresh = batch.filter((b) => b.entry.seq > seq);
    if (fresh.length === 0) return;
    try {
      await this.ledger.applyFollowed(fresh);
    } catch (err) {
      const e = err as Error;
      throw new Error(
        `${e.message} (entries ${fresh[0]!.entry.seq}..${fresh[fresh.length - 1]!.entry.seq} appended by ${[...new Set(fresh.map((f) => f.node))].join(', ')})`,
      );
    }
    // Lag (./lag.ts) counts entries appended while this node follows (not a catch-up of older history).
    const now = Date.now();
    for (const b of fresh) if (b.stored_ms >= this.startedAt) this.lag.add(now - b.stored_ms);
  }

  private async stopFollowing(): Promise<void> {
    const f = this.following;
    this.following = null;
    if (f === null) return;
    f.stop();
    await f.done.catch(() => undefined);
  }

  // ---- the periodic step -------------------------------------------------------------------

  private schedule(ms: number): void {
    if (this.stopped || this.fatal) return;
    this.timer = setTimeout(() => void this.step(), ms);
    this.timer.unref();
  }

  private async step(): Promise<void> {
    if (this.stepping) return;
    this.stepping = true;
    try {
      if (this.ledger.failed !== null && this.opts.mode === 'engine') return this.die(`the ledger stopped: ${this.ledger.failed.message}`);
      if (this.opts.mode === 'replica') await this.checkHistoryDue();
      else await this.leaseStep();
      if (!this.restarting && !this.takingOver && this.role !== 'active') void this.watchFollower().catch(() => undefined);
    } catch (err) {
      if (this.opts.mode === 'engine' && this.role === 'active') this.die(`cluster step failed: ${(err as Error).message}`);
    } finally {
      this.stepping = false;
      this.schedule(this.lease?.step_ms ?? 200);
    }
  }

  private async leaseStep(): Promise<void> {
    // A standby whose follower is being started again does not take the lease in the meantime.
    if (this.restarting && !this.lease!.held) return;
    const s = await this.lease!.step(() => this.takeDeferral());
    if (s.kind === 'lost') return this.die(`lost the lease: ${s.reason}`);
    // Taken over beside the steps, not in one: the steps must go on renewing the lease meanwhile, or a
    // catch-up longer than the lease would leave the fencing append waiting for a renewal that never comes.
    if (s.kind === 'acquired') {
      this.takingOver = true;
      void this.takeOver()
        .catch((err: Error) => {
          this.die(`taking over failed: ${err.message}`);
        })
        .finally(() => {
          this.takingOver = false;
        });
    }
  }

  /** How much longer than the lease a standby waits before it takes a lapsed lease (TAKE_DEFER_PER_ENTRY, TAKE_QUIET_SHARE). */
  private async takeDeferral(): Promise<number> {
    const lease_ms = this.log.config.lease_ms;
    const quiet = Math.max(0, lease_ms * TAKE_QUIET_SHARE - (performance.now() - this.lastArrival));
    const behind = Math.max(0, (await this.log.bounds()).last_seq - this.ledger.journal_seq);
    return Math.max(quiet, Math.min(TAKE_DEFER_MAX_LEASES * lease_ms, behind * TAKE_DEFER_PER_ENTRY * lease_ms));
  }

  /**
   * A follower that applied nothing for FOLLOW_STALL_RESTART_MS while the stream
   * holds more is started again from this store's head: a consumer that stalled
   * (it happens under heavy load) would otherwise leave this engine or replica
   * seconds behind, and a takeover reading the tail entry by entry.
   */
  private async watchFollower(): Promise<void> {
    const seq = this.ledger.journal_seq;
    const now = performance.now();
    if (seq !== this.progress.seq) {
      this.progress = { seq, at: now };
      return;
    }
    if (now - this.progress.at < FOLLOW_STALL_RESTART_MS || this.following === null) return;
    this.restarting = true;
    try {
      const { last_seq } = await this.log.bounds();
      if (last_seq > seq && this.following !== null && !this.takingOver && this.role !== 'active') {
        this.opts.onProgress(`the journal stream's follower stalled at entry ${seq} (the stream is at ${last_seq}): following it again`);
        await this.stopFollowing();
        if (!this.takingOver && !this.stopped && !this.fatal) await this.startFollowing();
      }
    } finally {
      this.progress = { seq: this.ledger.journal_seq, at: performance.now() };
      this.restarting = false;
    }
  }

  /** Catches up to the stream's last entry, publishes what only this store holds (first start of a cluster), fences, serves. */
  private async takeOver(): Promise<void> {
    const t0 = performance.now();
    const behind = (await this.log.bounds()).last_seq - this.ledger.journal_seq;
    // The follower is already streaming the tail: let it reach the stream's end, then read what is left one by one.
    await this.followTo(this.ledger.journal_seq + behind, TAKEOVER_FOLLOW_MS);
    await this.stopFollowing();
    const t1 = performance.now();
    const { last_seq } = await this.log.bounds();
    const direct = Math.max(0, last_seq - this.ledger.journal_seq);
    while (this.ledger.journal_seq < last_seq) {
      const e = await this.log.entryAt(this.ledger.journal_seq + 1);
      if (e === null) return this.die(`the journal stream has no entry ${this.ledger.journal_seq + 1} below its last (${last_seq})`);
      await this.ledger.applyFollowed([e]);
    }
    if (last_seq === 0 && this.ledger.journal_seq > 0) await this.bootstrap();
    const t2 = performance.now();
    await this.ledger.activate();
    try {
      await this.ledger.fence();
    } catch (err) {
      return this.die(`could not append the fencing entry after taking the lease: ${(err as Error).message}`);
    }
    this.role = 'active';
    const ms = (a: number, b: number): number => Math.round(b - a);
    this.opts.onProgress(
      `${this.opts.me.node_id} is the active engine from journal entry ${this.ledger.journal_seq} (took over in ${ms(t0, performance.now())} ms: ` +
        `${behind} entries behind, follower ${ms(t0, t1)} ms, ${direct} read directly in ${ms(t1, t2)} ms, fencing ${ms(t2, performance.now())} ms)`,
    );
  }

  /**
   * Waits until the follower has applied entry `seq`, while it makes progress:
   * it stopped, or applied nothing for FOLLOW_STALL_MS (a consumer that stalled
   * or lags far behind), or `timeout_ms` passed, and the rest is read directly.
   */
  private async followTo(seq: number, timeout_ms: number): Promise<void> {
    const t0 = performance.now();
    let last = this.ledger.journal_seq;
    let movedAt = t0;
    while (this.following !== null && !this.following.ended && this.ledger.journal_seq < seq && this.ledger.failed === null) {
      const now = performance.now();
      if (this.ledger.journal_seq !== last) {
        last = this.ledger.journal_seq;
        movedAt = now;
      }
      if (now - movedAt > FOLLOW_STALL_MS || now - t0 > timeout_ms) return;
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** The stream is empty and this store is not: a single-engine store becomes the cluster's journal. */
  private async bootstrap(): Promise<void> {
    const end = this.ledger.journal_seq;
    this.opts.onProgress(`the journal stream is empty: publishing this store's ${end} entries to it`);
    for (let after = 0; after < end; ) {
      const page: JournalEntry[] = await this.ledger.store.readJournal(after, BOOTSTRAP_PAGE);
      if (page.length === 0) break;
      await this.log.publish(page.map((entry) => ({ entry, state_digest: null })));
      after = page[page.length - 1]!.seq;
    }
  }

  // ---- replica: history checks and alarms ----------------------------------------------------

  private async checkHistoryDue(): Promise<void> {
    const every = this.opts.history_check_ms ?? 1_000;
    if (performance.now() - this.lastHistoryCheck < every) return;
    await this.checkHistory();
  }

  /** A replica re-reads the stream at the position it verified; an alarm when the stream no longer agrees. */
  async checkHistory(): Promise<string | null> {
    this.lastHistoryCheck = performance.now();
    if (this.ledger.failed !== null) {
      const why = `verification stopped: ${this.ledger.failed.message}`;
      this.alarm(why);
      return why;
    }
    const problem = await this.compareWithStream();
    if (problem !== null) this.alarm(problem);
    return problem;
  }

  /** Whether a replica has applied the stream up to its last entry (as of now). */
  async caughtUp(): Promise<boolean> {
    const { last_seq } = await this.log.bounds();
    return this.ledger.durable_head.seq >= last_seq;
  }

  private alarm(why: string): void {
    if (this.alarmList.includes(why)) return;
    if (this.alarmList.length >= ALARMS_KEPT) this.alarmList.shift();
    this.alarmList.push(why);
    this.opts.onProgress(`ALARM: ${why}`);
    this.opts.onAlarm?.(why);
  }

  private die(reason: string): void {
    if (this.fatal || this.stopped) return;
    this.fatal = true;
    this.opts.onProgress(`${this.opts.me.node_id} stops: ${reason}`);
    this.opts.onFatal(reason);
  }

  /** Stops following and renewing; an active engine gives its lease up so a standby takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    await this.stopFollowing();
    if (!this.fatal) await this.lease?.release();
    await this.log.close().catch(() => undefined);
  }
}
