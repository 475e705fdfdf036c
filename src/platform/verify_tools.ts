// The verify door: re-checks a whole store (checksums, the hash chain, every
// ledger invariant and a replay of every platform command on a fresh state; see
// journal/verify.ts) given its URL, and holds the journal's end against the head
// recorded outside it and, when given, a receipt ("SEQ:HASH"). The store is
// opened for the check and closed after it, whatever the outcome.

import { openStore } from '../store/open.js';
import type { VerifyOptions, VerifyReport } from '../journal/verify.js';
import { Platform } from './platform.js';

export type { JournalHead, VerifyCode, VerifyOptions, VerifyReport } from '../journal/verify.js';
export { formatHead, parseHead } from '../journal/verify.js';

export interface VerifiedStore {
  report: VerifyReport;
  /** The store's location with any password removed, for messages. */
  display: string;
}

export async function verifyStore(url: string, onProgress?: (message: string) => void, options: VerifyOptions = {}): Promise<VerifiedStore> {
  const store = await openStore(url);
  try {
    const report = await Platform.verify(store, onProgress, options);
    return { report, display: store.display };
  } finally {
    await store.close();
  }
}
