// Sanctions screening and AML for the shells (`sco-settle screen …` and the
// demo's watch-list): reading list files, keeping list versions in a store's
// documents (given by URL: the store is opened for the call and closed after it),
// screening names and payment instructions against an index of lists, and the
// AML rules with their suspicious-transaction report.
//
// The parsers, the matcher, the payment screening and the AML rules of
// compliance/ are re-exported because this module is the door to them. Payments
// submitted to the platform are screened by the Platform itself (./screening.ts).

import { activeVersions, loadActiveLists, saveListVersion } from '../compliance/list_store.js';
import type { ListVersion, SanctionsList } from '../compliance/types.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/types.js';

export { buildStr, defaultAmlConfig, runAmlRules, strToCsv, type AmlConfig, type PaymentRecord } from '../compliance/aml.js';
export { LIST_FORMATS, parseListFiles as parseSanctionsList } from '../compliance/list_store.js';
export { DEFAULT_THRESHOLD, ScreeningIndex } from '../compliance/matcher.js';
export { parsePaymentInstruction, screenPayment } from '../compliance/payments.js';
export { SCREENING_RESULT_CACHE } from './screening.js';
export { ListError, type ListFormat, type ListVersion, type SanctionsList } from '../compliance/types.js';

async function withStore<T>(url: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(url);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Stores a new version of a list and makes it the active one (atomically). */
export function saveSanctionsList(url: string, list: SanctionsList): Promise<void> {
  return withStore(url, (store) => saveListVersion(store, list));
}

/** The active version of every list loaded in the store. */
export function activeListVersions(url: string): Promise<ListVersion[]> {
  return withStore(url, (store) => activeVersions(store));
}

/** The active lists of the store (only those named in `only`, when given); empty when none is loaded. */
export function loadActiveSanctionsLists(url: string, only?: readonly string[]): Promise<SanctionsList[]> {
  return withStore(url, (store) => loadActiveLists(store, only));
}
