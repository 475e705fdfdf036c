// Ledger ids of the fundings that carry a liquidity transfer's reference (rules 4:
// the `fund` command's `reference`, a camt.050's LqdtyTrfId/EndToEndId). Owns the
// id's form: derived from the currency and the reference, so the ledger — whose
// transfer ids are idempotency keys — holds at most one funding per reference and
// currency, and a second one is found by looking the id up; nothing else is stored.
//
// The id lies in the platform's range (bit 126, ../clearing/accounts.ts) with bit
// 125 set too: the platform's counter numbers its transfers from bit 126 upwards
// and would need 2^125 of them to reach this half, and ids a ledger user picks stay
// below bit 126. The low 120 bits are the first 120 of SHA-256(currency, reference).

import { createHash } from 'node:crypto';
import { PLATFORM_TRANSFER_ID_BASE } from '../clearing/accounts.js';

/** ISO 20022 Max35Text: the longest reference a liquidity transfer carries. */
export const LIQUIDITY_REFERENCE_MAX = 35;

const REFERENCED_RANGE = PLATFORM_TRANSFER_ID_BASE | (1n << 125n);
const LOW_120 = (1n << 120n) - 1n;

/** The ledger id of the funding in `currency` with `reference`. */
export function liquidityTransferId(currency: string, reference: string): bigint {
  const digest = createHash('sha256').update(`camt.050\u0000${currency}\u0000${reference}`, 'utf8').digest('hex');
  return REFERENCED_RANGE | (BigInt(`0x${digest.slice(0, 30)}`) & LOW_120);
}
