// The body of the demo's verifying worker thread (./verify_follower.ts), and the
// messages it exchanges. It verifies the store at `url` following its journal
// (journal/verify.ts, VerifyOptions.follow) until the main thread posts
// 'closed'; then one more read takes what was committed before the close, and
// the report is posted back. The body runs only under its workerData role, so
// the follower and tests import this module freely.

import { setPriority } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { verifyStore, type VerifyReport } from '../platform/verify_tools.js';

/** workerData marker: the body runs only under it. */
export const VERIFY_WORKER_ROLE = 'sco-settle-demo-verify';

export interface VerifyInit {
  role: typeof VERIFY_WORKER_ROLE;
  url: string;
}

export type VerifyReply = { report: VerifyReport } | { fail: string };

/** How long the follower sleeps when it has caught up with the journal (a post of 'closed' wakes it at once). */
const CAUGHT_UP_SLEEP_MS = 250;

/**
 * The follow callback of a verify that ends once `isClosed()` is true: it asks for
 * one more read after it first sees the close (entries committed between the last
 * read and the close), then ends; until then it sleeps, woken early by `wake`.
 */
export function followUntilClosed(isClosed: () => boolean, sleep: () => Promise<void>): () => Promise<boolean> {
  let lastRead = false;
  return async () => {
    if (lastRead) return false;
    if (isClosed()) {
      lastRead = true;
      return true;
    }
    await sleep();
    return true;
  };
}

const init = workerData as VerifyInit | null;
if (!isMainThread && parentPort !== null && init?.role === VERIFY_WORKER_ROLE) {
  const port = parentPort;
  let closed = false;
  let wake: (() => void) | null = null;
  port.on('message', (m: unknown) => {
    if (m === 'closed') closed = true;
    wake?.();
  });
  try {
    // This thread only (a nice value is per thread on Linux): the day's threads come first.
    setPriority(19);
  } catch {
    // Not permitted or not supported: it runs at the day's priority.
  }
  const sleep = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, CAUGHT_UP_SLEEP_MS);
      function done(): void {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });
  verifyStore(init.url, undefined, { follow: followUntilClosed(() => closed, sleep) }).then(
    ({ report }) => port.postMessage({ report } satisfies VerifyReply),
    (err: unknown) => port.postMessage({ fail: (err as Error).message } satisfies VerifyReply),
  );
}
