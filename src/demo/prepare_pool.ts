// Worker threads that prepare the demo day's payments ahead of the main thread
// (./prepare_worker.ts: screening and the ISO 20022 message path), so that the
// thread driving the platform only decides, submits and settles. A bounded
// pipeline: the generator is read a few chunks ahead and no further, chunks go
// to the workers in turn, and the day takes them back in the order generated.
// Each answer is a pure function of its payment, so the day is the same
// whichever thread prepared what, and however many there are.

import { Worker } from 'node:worker_threads';
import type { SimPayment } from '../sim/index.js';
import { unpackPrepared } from './prepared_codec.js';
import { PREPARE_WORKER_ROLE, type HeldHint, type Prepared, type PrepareInit, type PrepareReply, type PrepareRequest } from './prepare_worker.js';

/** Payments per request: large enough that messaging costs little, small enough to start the day at once. */
const CHUNK = 250;
/**
 * Requests in flight per worker: enough to keep it busy through the main thread's
 * long rounds (an LSM run, a window close), when the day takes nothing; with
 * fewer the two threads take turns (both profiles showed a third idle at 4).
 */
export const AHEAD_PER_WORKER = 32;

interface Waiting {
  resolve: (reply: { prepared: Prepared[]; ends?: [string, string] | null }) => void;
  reject: (err: Error) => void;
}

/** A chunk of payments and, for each, what a worker prepared. */
export interface PreparedChunk {
  payments: SimPayment[];
  prepared: Prepared[];
}

export class PreparePool {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, Waiting>();
  private next = 0;
  private failed: Error | null = null;

  constructor(size: number, init: Omit<PrepareInit, 'role'>) {
    const data: PrepareInit = { ...init, role: PREPARE_WORKER_ROLE };
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const w = new Worker(new URL('./prepare_worker.js', import.meta.url), { workerData: data });
      w.on('message', (reply: PrepareReply) => this.onReply(reply));
      w.on('error', (err: Error) => this.fail(err));
      // A worker gone for any reason answers nothing more: whoever waits is told.
      w.on('exit', (code) => this.fail(new Error(`prepare worker exited (${code})`)));
      return w;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** The payments prepared by the next worker in turn, in order; `held`: the payers' balances now (./prepare_worker.ts). */
  prepare(payments: SimPayment[], held?: HeldHint): Promise<Prepared[]> {
    return this.request({ payments }, held).then((reply) => reply.prepared);
  }

  /**
   * As prepare, for `chunk`, the day's traffic from position `from`, which the next worker in turn generates itself
   * from the recipe it was started with (PrepareInit.traffic): the payments are not copied to the worker. Positions
   * must be asked for in increasing order. A worker whose payments are not `chunk`'s (its answer's count, first or
   * last UETR differs) fails the request.
   */
  prepareGenerated(chunk: readonly SimPayment[], from: number, held?: HeldHint): Promise<Prepared[]> {
    return this.request({ generate: { from, count: chunk.length } }, held).then((reply) => {
      const ends = reply.ends ?? null;
      const same =
        reply.prepared.length === chunk.length &&
        (chunk.length === 0 ? ends === null : ends !== null && ends[0] === chunk[0]!.uetr && ends[1] === chunk.at(-1)!.uetr);
      if (!same) throw new Error(`prepare worker: the traffic it generated from payment ${from} is not the day's`);
      return reply.prepared;
    });
  }

  private request(body: Pick<PrepareRequest, 'payments' | 'generate'>, held?: HeldHint): Promise<{ prepared: Prepared[]; ends?: [string, string] | null }> {
    if (this.failed !== null) return Promise.reject(this.failed);
    const n = this.next++;
    const request: PrepareRequest = held === undefined ? { n, ...body } : { n, ...body, held };
    return new Promise((resolve, reject) => {
      this.waiting.set(n, { resolve, reject });
      this.workers[n % this.workers.length]!.postMessage(request);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.fail(new Error('prepare pool closed'));
  }

  private onReply(reply: PrepareReply): void {
    const w = this.waiting.get(reply.n);
    if (w === undefined) return;
    this.waiting.delete(reply.n);
    if ('fail' in reply) w.reject(new Error(`prepare worker: ${reply.fail}`));
    else {
      let prepared: Prepared[];
      try {
        prepared = unpackPrepared(reply.packed);
      } catch (err) {
        w.reject(new Error(`prepare worker: ${(err as Error).message}`));
        return;
      }
      w.resolve({ prepared, ends: reply.ends });
    }
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}

/** How long the day waited for the workers' answers, and how often. */
export interface AheadWaits {
  waits: number;
  wait_ms: number;
}

/**
 * How a chunk of the payments reaches a worker: `chunk`, its payments; `from`, the position of its first in the
 * payments given; `held`, the payers' balances as it is sent. Answers what the worker prepared, one per payment.
 */
export type SendChunk = (chunk: SimPayment[], from: number, held: HeldHint | undefined) => Promise<Prepared[]>;

/** Sends each chunk's payments to the worker (PreparePool.prepare). */
export function sendPayments(pool: Pick<PreparePool, 'prepare'>): SendChunk {
  return (chunk, _from, held) => pool.prepare(chunk, held);
}

/**
 * Sends only each chunk's position, for the day's traffic (the payments, from its first) when the pool's workers were
 * started with its recipe: each worker generates the chunks it prepares (PreparePool.prepareGenerated).
 */
export function sendPositions(pool: Pick<PreparePool, 'prepareGenerated'>): SendChunk {
  return (chunk, from, held) => pool.prepareGenerated(chunk, from, held);
}

/**
 * The payments, each with what a worker prepared for it, in the order given; at
 * most `ahead` chunks per worker (of `size`) read ahead, each sent by `send`.
 * `held`, when given, is read as each chunk is sent: the payers' balances, which
 * tell the worker which forms of a recyclable payment to prepare.
 */
export async function* preparedAhead(
  size: number,
  send: SendChunk,
  payments: Iterable<SimPayment>,
  ahead = AHEAD_PER_WORKER,
  waits: AheadWaits = { waits: 0, wait_ms: 0 },
  held?: () => HeldHint,
): AsyncGenerator<[SimPayment, Prepared]> {
  for await (const { payments: chunk, prepared } of preparedChunksAhead(size, send, payments, ahead, waits, held))
    for (let i = 0; i < chunk.length; i++) yield [chunk[i]!, prepared[i]!];
}

/**
 * As preparedAhead, a chunk at a time (what the day reads: an await and a pair per chunk, not per payment). Chunks
 * are sent at the same points: as the chunk after them is asked for.
 */
export async function* preparedChunksAhead(
  size: number,
  send: SendChunk,
  payments: Iterable<SimPayment>,
  ahead = AHEAD_PER_WORKER,
  waits: AheadWaits = { waits: 0, wait_ms: 0 },
  held?: () => HeldHint,
): AsyncGenerator<PreparedChunk> {
  checkAhead(ahead);
  const source = payments[Symbol.iterator]();
  let from = 0;
  yield* inTurn(
    size,
    ahead,
    () => {
      const chunk = readChunk(source);
      if (chunk.length === 0) return null;
      const at = from;
      from += chunk.length;
      return send(chunk, at, held?.()).then((prepared) => ({ payments: chunk, prepared }));
    },
    waits,
  );
}

/** The payments in chunks as preparedChunksAhead reads them, with nothing prepared (null). */
export function* unpreparedChunks(payments: Iterable<SimPayment>): Generator<{ payments: SimPayment[]; prepared: null }> {
  const source = payments[Symbol.iterator]();
  for (let chunk = readChunk(source); chunk.length > 0; chunk = readChunk(source)) yield { payments: chunk, prepared: null };
}

function readChunk(source: Iterator<SimPayment>): SimPayment[] {
  const chunk: SimPayment[] = [];
  while (chunk.length < CHUNK) {
    const r = source.next();
    if (r.done === true) break;
    chunk.push(r.value);
  }
  return chunk;
}

function checkAhead(ahead: number): void {
  // With nothing read ahead the loop below would end at once and the day would pass no payment.
  if (!Number.isInteger(ahead) || ahead < 1) throw new RangeError(`ahead: chunks read ahead per worker must be a positive integer, got ${ahead}`);
}

/** The chunks `next` requests (null: none left), at most `ahead` per worker in flight, taken back in the order requested. */
async function* inTurn(size: number, ahead: number, next: () => Promise<PreparedChunk> | null, waits: AheadWaits): AsyncGenerator<PreparedChunk> {
  const inFlight: Array<{ chunk: Promise<PreparedChunk>; ready: boolean }> = [];
  const fill = (): void => {
    while (inFlight.length < ahead * size) {
      const chunk = next();
      if (chunk === null) return;
      const entry = { chunk, ready: false };
      // Awaited in turn below; a failure seen earlier must not surface as unhandled.
      entry.chunk.then(
        () => {
          entry.ready = true;
        },
        () => undefined,
      );
      inFlight.push(entry);
    }
  };
  fill();
  while (inFlight.length > 0) {
    const head = inFlight.shift()!;
    const t0 = head.ready ? 0 : performance.now();
    const chunk = await head.chunk;
    if (t0 !== 0) {
      waits.waits++;
      waits.wait_ms += performance.now() - t0;
    }
    fill();
    yield chunk;
  }
}
