// The verify door: re-checks a whole store (checksums, the hash chain, every
// ledger invariant and a replay of every platform command on a fresh state; see
// journal/verify.ts) given its URL. The store is opened for the check and closed
// after it, whatever the outcome.

import { openStore } from '../store/open.js';
import type { VerifyReport } from '../journal/verify.js';
import { Platform } from './platform.js';

export type { VerifyReport } from '../journal/verify.js';

export interface VerifiedStore {
  report: VerifyReport;
  /** The store's location with any password removed, for messages. */
  display: string;
}

export async function verifyStore(url: string, onProgress?: (message: string) => void): Promise<VerifiedStore> {
  const store = await openStore(url);
  try {
    const report = await Platform.verify(store, onProgress);
    return { report, display: store.display };
  } finally {
    await store.close();
  }
}
