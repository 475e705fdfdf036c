// Which simulated payments a bank may send in the payee's home currency instead
// of its own (the liquidity policy's recycling, src/sim/liquidity_policy.ts):
// single-currency traffic (never an interbank payment) to a payee in another
// member, between participants. Whether it does is decided on the main thread
// from balances and a seeded draw (./day.ts); a worker preparing payments ahead
// (./prepare_worker.ts) asks the same question to build both forms.

import { MEMBERS, type SimPayment } from '../sim/index.js';
import { interbankKindOf } from './interbank.js';

export interface RecyclingCandidate {
  /** The payee's home currency. */
  readonly home: string;
  /** Whether payer and payee both hold it (else the payment is never recycled, but the seeded draw is still made). */
  readonly both: boolean;
}

/** The payee's home currency the payment may be sent in; null when recycling is not considered at all. */
export function recyclingCandidate(sp: SimPayment, currenciesOf: (bic: string) => readonly string[] | undefined): RecyclingCandidate | null {
  // An interbank payment is made in the currency it is about, never another.
  if (sp.payee_currency !== sp.currency || interbankKindOf(sp.end_to_end_id) !== null) return null;
  const home = MEMBERS.find((m) => m.country === sp.payee_country)?.currency;
  if (home === undefined || home === sp.currency) return null;
  const payer = currenciesOf(sp.payer_bic);
  const payee = currenciesOf(sp.payee_bic);
  if (payer === undefined || payee === undefined) return null;
  return { home, both: payer.includes(home) && payee.includes(home) };
}

/** The payment as sent in `home`: `amount_minor` is its amount converted there. */
export function recycledAs(sp: SimPayment, home: string, amount_minor: bigint): SimPayment {
  return { ...sp, currency: home, payee_currency: home, amount_minor };
}
