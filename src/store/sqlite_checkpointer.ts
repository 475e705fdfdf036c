// The SQLite store's checkpoint thread: a second worker (the same module as the
// commit thread, ./sqlite_worker.ts, with its own connection) that runs only
// PASSIVE checkpoints, at most one at a time and one per CHECKPOINT_INTERVAL_MS.
//
// Why: a checkpoint copies the WAL's pages into the main file and fsyncs it (tens
// of ms under load). On the commit thread every append posted meanwhile waited
// behind it — at 2,000 requests/s that wait was a large part of the p99 latency.
// A PASSIVE checkpoint takes no write lock, so on its own connection it runs
// beside the commits instead of between them. Its failure only leaves a longer
// WAL (the next checkpoint, or the one on close, copies it), so it is not
// reported; once the thread is gone, `running` is false and the store falls back
// to checkpointing on its commit thread as before.

import { Worker } from 'node:worker_threads';
import { WORKER_ROLE, type WorkerInit, type WorkerReply } from './sqlite_worker.js';

/** A checkpoint starts at most this often: each copies what the WAL gathered meanwhile (one fsync of the file each). */
export const CHECKPOINT_INTERVAL_MS = 250;

export class Checkpointer {
  private worker: Worker | null;
  private nextId = 1;
  private inFlight = false;
  private lastStartMs = Number.NEGATIVE_INFINITY;
  /** A checkpoint asked for while one ran or too soon after one: it runs when the interval allows. */
  private trailing: NodeJS.Timeout | null = null;
  private due = false;
  private closing = false;
  /** Checkpoints started (for tests and diagnostics). */
  started = 0;

  constructor(path: string, busy_timeout_ms: number) {
    const init: WorkerInit = { role: WORKER_ROLE, path, busy_timeout_ms };
    const worker = new Worker(new URL('./sqlite_worker.js', import.meta.url), { workerData: init, execArgv: [] });
    // Checkpoints never keep the process alive.
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', () => this.gone());
    worker.on('messageerror', () => this.gone());
    worker.on('exit', () => this.gone());
    this.worker = worker;
  }

  /** Whether checkpoints go to this thread (false once it failed or closed). */
  get running(): boolean {
    return this.worker !== null && !this.closing;
  }

  /** Asks for a checkpoint: now, or after the one in flight and the interval (requests meanwhile are one). */
  request(): void {
    if (!this.running) return;
    this.due = true;
    this.pump();
  }

  private pump(): void {
    if (!this.due || this.inFlight || this.trailing !== null || this.worker === null || this.closing) return;
    const wait_ms = this.lastStartMs + CHECKPOINT_INTERVAL_MS - performance.now();
    if (wait_ms > 0) {
      this.trailing = setTimeout(() => {
        this.trailing = null;
        this.pump();
      }, wait_ms);
      this.trailing.unref();
      return;
    }
    this.due = false;
    this.inFlight = true;
    this.lastStartMs = performance.now();
    this.started++;
    this.worker.postMessage({ kind: 'checkpoint', id: this.nextId++ });
  }

  private onReply(_reply: WorkerReply): void {
    this.inFlight = false;
    this.pump();
  }

  private gone(): void {
    this.worker = null;
    this.inFlight = false;
    this.cancelTrailing();
  }

  private cancelTrailing(): void {
    if (this.trailing !== null) clearTimeout(this.trailing);
    this.trailing = null;
  }

  /** Lets a checkpoint in flight finish, then stops the thread (its connection closed) before the store closes its own. */
  async close(): Promise<void> {
    this.closing = true;
    this.cancelTrailing();
    const worker = this.worker;
    if (worker === null) return;
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // The worker answers queued requests before the close and exits after it.
    worker.postMessage({ kind: 'close', id: this.nextId++ });
    await exited;
  }
}
