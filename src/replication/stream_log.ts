// The journal as a JetStream stream: one message per journal entry, stream
// sequence = journal seq, the entry's exact wire bytes (journal/replicated.ts) as
// the payload. The active engine appends with an expected-last-sequence condition
// (the stream itself fences a stale engine: its append finds the stream moved on)
// and a message id of seq and hash (a retried append that did land is answered as
// a duplicate, not appended twice). A group's entries go out pipelined, so each
// after the first also names the message id of the one before it: a position
// alone would let a stale engine's second entry land on top of the new engine's
// entry that took its first one's place, breaking the hash chain in the stream. While the stream has no quorum, an append
// retries and the log reports itself stalled, so new writes are refused with a
// clear reason and nothing in flight is acknowledged before it is durable.

import type { Consumer, ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg, Msg, NatsConnection } from 'nats';

// The client library is loaded when a cluster is opened: a process without `--cluster` never pays its start-up.
type Nats = typeof import('nats');
import { decodeEntryWire, encodeEntryWire, WIRE_ENTRY_BYTES_MAX, type JournalReplicator, type ReplicatedEntry } from '../journal/replicated.js';
import type { JournalEntry } from '../store/types.js';
import type { ClusterConfig } from './cluster_config.js';

/** The header carrying the active engine's state digest (hex) after an entry. */
const DIGEST_HEADER = 'Sco-State-Digest';
/** The header naming the engine that appended an entry. */
const NODE_HEADER = 'Sco-Node';
const PUBLISH_TIMEOUT_MS = 2_000;
const RETRY_WAIT_MS = 250;
/** How long the stream remembers message ids (a retried append within it is a duplicate). */
const DUPLICATE_WINDOW_NS = 10 * 60 * 1_000_000_000;
const WRONG_LAST_SEQUENCE = 10071;
/** JetStream's publish headers (what the client library's publish sets, in its order). */
const MSG_ID_HEADER = 'Nats-Msg-Id';
const EXPECTED_LAST_MSG_ID_HEADER = 'Nats-Expected-Last-Msg-Id';
const EXPECTED_LAST_SEQ_HEADER = 'Nats-Expected-Last-Sequence';
const WRONG_LAST_MSG_ID = 10070;
const STREAM_OPEN_TIMEOUT_MS = 30_000;
/**
 * A follower applies what arrived this long after the first entry of a batch, not
 * in the same turn: each apply costs a wake-up, a lane turn of the durable ledger,
 * its index and snapshot checks and timers, whatever the entries it holds, and at
 * `bench ha`'s rates a batch was about one commit group of the active engine
 * (1 to 4 entries). Entries arriving while a batch applies still go as the next
 * batch at once. It adds at most this much to a follower's lag (docs/benchmarks.md).
 */
const FOLLOW_GATHER_MS = 25;
/**
 * A batch of this many entries applies at once, without waiting for the gather (a catch-up);
 * a follower holds at most twice this many (one applying, one waiting: StreamLog.follow).
 */
export const FOLLOW_BATCH_MAX = 4_096;
/** How many messages a follower's consumer asks the server for at a time. */
const FOLLOW_PULL_MAX = 1_024;

/** The stream moved past the position an engine appended at: another engine is active. */
export class FencedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FencedError';
  }
}

/** One stream message read back: the entry, the digest the active engine attached, who appended it, and when the reader got it. */
export interface StreamEntry extends ReplicatedEntry {
  node: string;
  /** Wall-clock ms the stream stored it. */
  stored_ms: number;
}

export class StreamLog implements JournalReplicator {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly config: ClusterConfig;
  private readonly node_id: string;
  private readonly nats: Nats;
  /** Why appends are stalled (no quorum), or null. */
  private stalledReason: string | null = null;
  /**
   * Appends are published with a reply subject under this inbox and their acks
   * arrive on one subscription (`waiting`, by token), not through the client's
   * JetStream publish: that one made a request per entry with its own timer, two
   * captured stack traces and a third error on success, about 10 % of an active
   * engine's main thread (docs/benchmarks.md). What is sent is the same message.
   */
  private readonly ackInbox: string;
  private readonly waiting = new Map<number, (ack: Msg | Error) => void>();
  private nextToken = 0;

  private constructor(nats: Nats, nc: NatsConnection, jsm: JetStreamManager, config: ClusterConfig, node_id: string) {
    this.nats = nats;
    this.nc = nc;
    this.js = nc.jetstream({ timeout: PUBLISH_TIMEOUT_MS });
    this.jsm = jsm;
    this.config = config;
    this.node_id = node_id;
    this.ackInbox = nats.createInbox();
    nc.subscribe(`${this.ackInbox}.*`, {
      callback: (err, m) => {
        if (err !== null) return this.failWaiting(err);
        const token = Number(m.subject.slice(this.ackInbox.length + 1));
        const w = this.waiting.get(token);
        if (w === undefined) return; // answered after its deadline
        this.waiting.delete(token);
        w(m);
      },
    });
  }

  /** Every append waiting for its ack fails with `err` (the ack subscription ended). */
  private failWaiting(err: Error): void {
    const ws = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of ws) w(err);
  }

  /** Connects to the cluster and makes sure the journal stream exists (replicas as configured). */
  static async open(config: ClusterConfig, node_id: string): Promise<StreamLog> {
    const nats = await import('nats');
    const nc = await nats.connect({
      servers: config.urls,
      name: `sco-settle ${node_id}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      timeout: 5_000,
      pingInterval: 2_000,
      // No stack captured per request (the lease's and the consumers' requests): errors keep their messages.
      noAsyncTraces: true,
    });
    try {
      // A cluster that just started may still be electing its JetStream leader: retry for a while.
      const t0 = Date.now();
      for (;;) {
        try {
          const jsm = await nc.jetstreamManager({ timeout: 5_000 });
          const log = new StreamLog(nats, nc, jsm, config, node_id);
          await log.ensureStream();
          return log;
        } catch (err) {
          if (Date.now() - t0 > STREAM_OPEN_TIMEOUT_MS) throw err;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    } catch (err) {
      await nc.close().catch(() => undefined);
      throw err;
    }
  }

  private async ensureStream(): Promise<void> {
    try {
      await this.jsm.streams.info(this.config.stream);
      return;
    } catch (err) {
      if (!/stream not found/i.test((err as Error).message)) throw err;
    }
    await this.jsm.streams.add({
      name: this.config.stream,
      subjects: [this.config.subject],
      num_replicas: this.config.replicas,
      storage: this.nats.StorageType.File,
      duplicate_window: DUPLICATE_WINDOW_NS,
      max_msg_size: WIRE_ENTRY_BYTES_MAX,
      deny_delete: true,
      deny_purge: true,
      allow_direct: false,
    });
  }

  /** Null while appends go through; else why they are stalled. */
  get stalled(): string | null {
    return this.stalledReason;
  }

  /**
   * Appends entries after the stream's current end, in order: first all at once
   * (pipelined), then one by one from the first that did not answer, retrying
   * until the stream has quorum again. Throws FencedError when the stream holds
   * another entry at one of their positions.
   */
  async publish(items: readonly ReplicatedEntry[]): Promise<void> {
    await this.mayAppend();
    const first = await Promise.allSettled(this.sendAll(items));
    let from = first.findIndex((r) => r.status === 'rejected');
    if (from < 0) return;
    const reason = (first[from] as PromiseRejectedResult).reason as Error;
    if (reason instanceof FencedError) throw reason;
    this.stalledReason = stalledBecause(this.config.stream, reason.message);
    // From the first that did not answer on: one at a time (an append that did land answers as a duplicate).
    for (; from < items.length; from++) await this.appendRetrying(items[from]!);
  }

  /** Set by the cluster node: resolves when this engine may append (its lease is valid), throws FencedError once it never may again. */
  mayAppend: () => Promise<void> = async () => undefined;

  private async appendRetrying(item: ReplicatedEntry): Promise<void> {
    for (;;) {
      try {
        await this.appendOnce(item);
        this.stalledReason = null;
        return;
      } catch (err) {
        if (err instanceof FencedError) throw err;
        this.stalledReason = stalledBecause(this.config.stream, (err as Error).message);
        if (this.nc.isClosed()) throw new Error(this.stalledReason);
        await new Promise((r) => setTimeout(r, RETRY_WAIT_MS));
      }
    }
  }

  /** Appends one entry at its position, alone (the entry before it is already acknowledged as this engine's, and the position fences). */
  private appendOnce(item: ReplicatedEntry): Promise<void> {
    return this.sendAll([item])[0]!;
  }

  /**
   * Sends entries at their positions, pipelined, and settles each with its ack
   * (or fails the ones still unanswered after PUBLISH_TIMEOUT_MS: one timer for
   * all). Each after the first names the message id of the one before it, still
   * in flight: the stream then takes it only on top of exactly that entry.
   */
  private sendAll(items: readonly ReplicatedEntry[]): Promise<void>[] {
    const tokens: number[] = [];
    const ids = items.map((it) => msgIdOf(it.entry));
    const acks = items.map((item, i) => {
      const token = ++this.nextToken;
      tokens.push(token);
      const acked = new Promise<Msg | Error>((resolve) => this.waiting.set(token, resolve));
      try {
        this.send(item, ids[i]!, i === 0 ? null : ids[i - 1]!, token);
      } catch (err) {
        this.waiting.get(token)?.(err as Error);
        this.waiting.delete(token);
      }
      return acked.then((ack) => checkAck(item.entry, ack));
    });
    const timer = setTimeout(() => {
      for (const t of tokens) {
        const w = this.waiting.get(t);
        if (w === undefined) continue;
        this.waiting.delete(t);
        w(new Error(`no acknowledgement from the journal stream within ${PUBLISH_TIMEOUT_MS} ms`));
      }
    }, PUBLISH_TIMEOUT_MS);
    void Promise.allSettled(acks).then(() => clearTimeout(timer));
    return acks;
  }

  /** Publishes one entry with the headers the JetStream publish sets (message id, expected last sequence and message id). */
  private send({ entry, state_digest }: ReplicatedEntry, id: string, after: string | null, token: number): void {
    const h = this.nats.headers();
    h.set(NODE_HEADER, this.node_id);
    if (state_digest !== null) h.set(DIGEST_HEADER, state_digest.toString('hex'));
    h.set(MSG_ID_HEADER, id);
    if (after !== null) h.set(EXPECTED_LAST_MSG_ID_HEADER, after);
    h.set(EXPECTED_LAST_SEQ_HEADER, String(entry.seq - 1));
    this.nc.publish(this.config.subject, encodeEntryWire(entry), { reply: `${this.ackInbox}.${token}`, headers: h });
  }

  /** The stream's first and last sequence (0, 0 when empty). */
  async bounds(): Promise<{ first_seq: number; last_seq: number }> {
    const info = await this.jsm.streams.info(this.config.stream);
    return { first_seq: info.state.messages === 0 ? 0 : info.state.first_seq, last_seq: info.state.last_seq };
  }

  /** The entry at `seq` (null when the stream holds none there). */
  async entryAt(seq: number): Promise<StreamEntry | null> {
    try {
      const m = await this.jsm.streams.getMessage(this.config.stream, { seq });
      return toStreamEntry(m.data, m.header, m.time.getTime());
    } catch (err) {
      if (/no message found|not found/i.test((err as Error).message)) return null;
      throw err;
    }
  }

  /**
   * Delivers the stream's entries from `from_seq` on, in order, in batches of
   * what arrived within FOLLOW_GATHER_MS of a batch's first entry (or while the
   * batch before applied), to `apply` (awaited before the next batch); until
   * stop() of the returned handle. An error of `apply` ends it (`done` rejects).
   *
   * What it holds is bounded: the client library asks the server for more as
   * messages arrive, not as they apply, so a follower that is behind would be
   * sent the stream's whole tail to hold until applied. When FOLLOW_BATCH_MAX
   * entries wait while a batch applies, it stops taking messages (the consumer
   * is stopped and deleted) and goes on with a new one from the next entry once
   * they went to apply: at most 2 × FOLLOW_BATCH_MAX entries held (`held_max`).
   */
  async follow(
    from_seq: number,
    apply: (batch: StreamEntry[]) => Promise<void>,
  ): Promise<{ stop: () => void; done: Promise<void>; readonly held_max: number }> {
    const { DeliverPolicy } = this.nats;
    const f = new Follower(
      from_seq,
      apply,
      (seq) => this.js.consumers.get(this.config.stream, { opt_start_seq: seq, deliver_policy: DeliverPolicy.StartSequence }),
      () => this.nc.isClosed(),
    );
    await f.open();
    const done = f.run();
    return {
      stop: () => f.stop(),
      done,
      get held_max() {
        return f.held_max;
      },
    };
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
    this.failWaiting(new Error('the connection to the journal stream is closed'));
  }
}

/** An entry's message id: its position and hash (a retried append of it is a duplicate; the next one in a group names it). */
function msgIdOf(entry: JournalEntry): string {
  return `${entry.seq}:${entry.hash.toString('hex')}`;
}

/**
 * What the stream answered to an append of `entry`: resolves when it holds the
 * entry at its position (a retried append that did land answers as a duplicate
 * there); FencedError when the stream moved past the position before it, or put
 * the entry elsewhere; another error otherwise (no quorum, no stream, a timeout).
 */
function checkAck(entry: JournalEntry, ack: Msg | Error): void {
  if (ack instanceof Error) throw ack;
  if (ack.headers?.hasError === true)
    throw new Error(ack.headers.code === 503 ? 'no responders: the journal stream does not answer (503)' : `${ack.headers.code} ${ack.headers.description}`);
  let a: { stream?: string; seq?: number; error?: { code: number; err_code?: number; description?: string } };
  try {
    a = JSON.parse(Buffer.from(ack.data.buffer, ack.data.byteOffset, ack.data.byteLength).toString()) as typeof a;
  } catch {
    throw new Error('the journal stream answered an append with no valid acknowledgement');
  }
  if (a.error !== undefined) {
    const code = a.error.err_code;
    const message = a.error.description ?? `error ${a.error.code}`;
    if (code === WRONG_LAST_SEQUENCE || code === WRONG_LAST_MSG_ID || /wrong last (sequence|msg id)/i.test(message))
      throw new FencedError(`the journal stream moved past entry ${entry.seq - 1}: another engine appended (${message}); this engine stops`);
    throw new Error(`${message} (JetStream error ${code ?? a.error.code})`);
  }
  if (typeof a.stream !== 'string' || a.stream === '' || typeof a.seq !== 'number')
    throw new Error('the journal stream answered an append with no valid acknowledgement');
  if (a.seq !== entry.seq) throw new FencedError(`journal entry ${entry.seq} landed at stream sequence ${a.seq}`);
}

function stalledBecause(stream: string, why: string): string {
  return `the journal stream ${stream} does not take appends (${why}): a majority of the NATS cluster is unreachable; writes resume when it is back`;
}

function toStreamEntry(data: Uint8Array, h: { get(k: string): string } | undefined, stored_ms: number): StreamEntry {
  const entry: JournalEntry = decodeEntryWire(data);
  const digest = h?.get(DIGEST_HEADER) ?? '';
  return { entry, state_digest: digest === '' ? null : Buffer.from(digest, 'hex'), node: h?.get(NODE_HEADER) ?? '', stored_ms };
}

/**
 * One StreamLog.follow(): entries taken from the stream wait in `pending`, one
 * batch applies at a time, and a consumer (a round) stops when a whole batch
 * waits while one applies; the next round starts at the next entry once that
 * batch went to apply.
 */
class Follower {
  /** The most entries held at once (applying and waiting): at most 2 × FOLLOW_BATCH_MAX. */
  held_max = 0;
  private pending: StreamEntry[] = [];
  /** Entries of the batch that applies. */
  private applying = 0;
  /** The stream sequence of the next entry to take. */
  private next: number;
  private failure: Error | null = null;
  /** A message that is no entry: the follower ends after what came before applied. */
  private broken: Error | null = null;
  private stopped = false;
  // One batch applies at a time; whatever arrives meanwhile waits in `pending` and
  // goes as the next batch, whole (one local append, not one per network read).
  private busy = false;
  private idle: Promise<void> = Promise.resolve();
  /** The consumer taking messages now; `full` when it was stopped for room, and `room` resumes. */
  private round = 0;
  private current: { consumer: Consumer; msgs: ConsumerMessages } | null = null;
  private full = false;
  private room: (() => void) | null = null;

  constructor(
    from_seq: number,
    private readonly apply: (batch: StreamEntry[]) => Promise<void>,
    private readonly consumerAt: (seq: number) => Promise<Consumer>,
    private readonly closed: () => boolean,
  ) {
    this.next = from_seq;
  }

  stop(): void {
    this.stopped = true;
    this.endRound();
    this.wake();
  }

  private endRound(): void {
    this.current?.msgs.stop();
  }

  private wake(): void {
    const r = this.room;
    this.room = null;
    r?.();
  }

  private pump(): void {
    if (this.busy || this.failure !== null || this.pending.length === 0) return;
    this.busy = true;
    this.idle = (async () => {
      try {
        while (this.pending.length > 0 && this.failure === null) {
          const batch = this.pending;
          this.pending = [];
          this.applying = batch.length;
          this.wake();
          await this.apply(batch);
          this.applying = 0;
        }
      } catch (err) {
        this.failure ??= err as Error;
        this.endRound();
      }
      this.applying = 0;
      this.busy = false;
      this.wake();
    })();
  }

  // Messages arrive through a callback, in order, not an async iterator: the iterator cost a promise and a
  // microtask turn per message on a follower's main thread, where nothing awaits between messages anyway
  // (docs/benchmarks.md, "Replication (#15): a follower's messages by callback").
  // A message that is no entry ends the follower, after what arrived before it applied.
  private onMessage(r: number, m: JsMsg): void {
    // A round stopped for room may still have a message on its way: the next round takes it again.
    if (r !== this.round || this.full || this.stopped || this.failure !== null || this.broken !== null) return;
    try {
      this.pending.push(toStreamEntry(m.data, m.headers, m.info.timestampNanos / 1_000_000));
    } catch (err) {
      this.broken = err as Error;
      this.endRound();
      return;
    }
    this.next = m.seq + 1;
    this.held_max = Math.max(this.held_max, this.applying + this.pending.length);
    // Whatever arrives within FOLLOW_GATHER_MS goes with it; a long backlog goes at once.
    if (this.pending.length === 1 && !this.busy) setTimeout(() => this.pump(), FOLLOW_GATHER_MS);
    else if (this.pending.length >= FOLLOW_BATCH_MAX) {
      this.pump();
      // A batch applies and a whole one waits: take nothing more until that one went to apply.
      if (this.pending.length >= FOLLOW_BATCH_MAX) {
        this.full = true;
        this.round++;
        this.endRound();
      }
    }
  }

  /** Starts a round: a consumer from the next entry on. */
  async open(): Promise<void> {
    const consumer = await this.consumerAt(this.next);
    const r = ++this.round;
    const msgs = await consumer.consume({ max_messages: FOLLOW_PULL_MAX, callback: (m) => this.onMessage(r, m) });
    this.current = { consumer, msgs };
    // A failure, a stop or a full batch in a message that came before consume() answered.
    if (this.full || this.stopped || this.failure !== null || this.broken !== null) msgs.stop();
  }

  /** Rounds until stop(), a failure or the consumer's end; then what was taken applies. */
  async run(): Promise<void> {
    let err: Error | undefined;
    rounds: for (;;) {
      const { consumer, msgs } = this.current!;
      const end = await msgs.closed();
      if (end instanceof Error) err = end;
      if (!this.full || this.stopped || this.failure !== null || this.broken !== null || err !== undefined) break;
      // Stopped for room: its consumer goes (ordered consumers are the server's memory until they time out).
      consumer.delete().catch(() => undefined);
      if (this.pending.length >= FOLLOW_BATCH_MAX) await new Promise<void>((r) => (this.room = r));
      if (this.stopped || this.failure !== null) break;
      this.full = false;
      // The stream may be without quorum just now: retry as the client library's consumer would, until stop().
      while (!this.stopped) {
        try {
          await this.open();
          break;
        } catch (e) {
          if (this.closed()) {
            err = e as Error;
            break rounds;
          }
          await new Promise((r) => setTimeout(r, RETRY_WAIT_MS));
        }
      }
      if (this.stopped) break;
    }
    this.pump();
    await this.idle;
    if (this.failure !== null) throw this.failure;
    if (this.broken !== null) throw this.broken;
    if (err !== undefined) throw err;
  }
}
