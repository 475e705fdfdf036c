// The demo's verify, run beside its day instead of after it. A worker thread
// (./verify_worker.ts) opens the store with a connection of its own and replays
// the journal as the day commits it, exactly as `verify` would after the day
// (journal/verify.ts, VerifyOptions.follow): checksums, hash chain, a replay of
// every command on a fresh state, the ledger tallies; once told that the writer
// has closed the store, it reads the rest, then the snapshot, the head record and
// the query index, and answers with the same report a verify after the close
// gives. The day's own state is never handed over: the worker reads only what is
// on disk.
//
// Why: the verify is a replay of the whole day (on the 1M-payment day most of the
// two to three minutes the demo spent after its day), and the day leaves the
// second core partly idle. The worker lowers its own scheduling priority (Linux
// keeps a nice value per thread), so it takes the idle time and gives way to
// the day's threads. Should the worker fail, the caller verifies after the day
// as before.

import { Worker } from 'node:worker_threads';
import type { VerifyReport } from '../platform/verify_tools.js';
import { VERIFY_WORKER_ROLE, type VerifyInit, type VerifyReply } from './verify_worker.js';

export class VerifyFollower {
  private readonly worker: Worker;
  private readonly answer: Promise<VerifyReport | null>;

  constructor(url: string) {
    const data: VerifyInit = { role: VERIFY_WORKER_ROLE, url };
    this.worker = new Worker(new URL('./verify_worker.js', import.meta.url), { workerData: data });
    this.answer = new Promise((resolve) => {
      this.worker.on('message', (reply: VerifyReply) => resolve('report' in reply ? reply.report : null));
      this.worker.on('error', () => resolve(null));
      this.worker.on('exit', () => resolve(null));
    });
  }

  /**
   * Call once the writer has closed the store: the report of the whole store, as
   * `verify` gives it after the close; null when the worker failed (verify again).
   */
  async closed(): Promise<VerifyReport | null> {
    this.worker.postMessage('closed');
    const report = await this.answer;
    await this.worker.terminate();
    return report;
  }

  /** Stops the worker without a report (the day was interrupted or failed). */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}
