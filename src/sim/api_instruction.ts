// The HTTP API's payment instruction for a simulated payment: what a bank's
// systems send to POST /v1/payments for it (amounts as major-unit decimal
// strings at the currency's ISO 4217 exponent, the day's value date, the
// parties, purpose and remittance that screening reads). One home for both
// senders that go through the API: `sim run --server` (src/cli/sim_http.ts,
// through the typed client) and the soak benchmark (src/bench/soak_bench.ts,
// through fetch), so the two cannot drift apart. The shape is the client's
// PaymentInstruction (src/client/types.ts); sim/ may not import the client, so
// it is restated here and the CLI's type check holds the two together.

import { memberCurrency } from '../fx/iso4217.js';
import { formatScaled } from '../fx/rational.js';
import type { Priority, SimParty, SimPayment } from './traffic.js';

/** A payment instruction as POST /v1/payments takes it (a subset of the client's PaymentInstruction). */
export interface SimApiInstruction {
  uetr: string;
  end_to_end_id: string;
  payer: string;
  payee: string;
  currency: string;
  /** Major units, e.g. "1250.00" for 125,000 minor units of a two-decimal currency. */
  amount: string;
  /** Present only for a cross-currency (PvP) payment. */
  payee_currency?: string;
  value_date: string;
  priority: Priority;
  purpose: string;
  remittance: string;
  debtor: SimParty;
  creditor: SimParty;
}

/** The API's instruction for `p`, valued on `value_date` (the open business day). */
export function apiInstruction(p: SimPayment, value_date: string): SimApiInstruction {
  const ins: SimApiInstruction = {
    uetr: p.uetr,
    end_to_end_id: p.end_to_end_id,
    payer: p.payer_bic,
    payee: p.payee_bic,
    currency: p.currency,
    amount: formatScaled(p.amount_minor, memberCurrency(p.currency).minor_units),
    value_date,
    priority: p.priority,
    purpose: p.purpose,
    remittance: p.remittance,
    debtor: { name: p.debtor.name, country: p.debtor.country },
    creditor: { name: p.creditor.name, country: p.creditor.country },
  };
  if (p.payee_currency !== p.currency) ins.payee_currency = p.payee_currency;
  return ins;
}
