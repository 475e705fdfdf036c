// Who may cancel or return which payment: this module owns the platform's rules
// for a participant's request about a payment it is a party to, whatever shell
// carries the request (a camt.056 or pacs.004 today, the API later):
//
//   cancel  only the payer (its agent) may ask; a payment already cancelled is
//           cancelled again by doing nothing;
//   return  only the payee (its agent) may return; the money goes back to the
//           original payer only, and in full (no partial returns).
//
// A request from anyone but the party (or from a caller scoped to another
// participant) is decided exactly as one about a payment the platform does not hold:
// telling it "only the payer may ask" would reveal that the payment exists, and who
// its payer is and what state it is in, to a participant that is not party to it.
//
// Whether the payment's state allows the cancellation or the return (queued or
// held for a cancel, settled for a return) is decided by the command itself, so
// that a refusal in the payment's state is journaled like any refused command.
//
// A decision is data, not text: the shell words it in its own vocabulary (ISO 20022
// reason codes and additional information for the ISO shell).

import type { Payment } from './types.js';

export type AuthorityRequest =
  | {
      action: 'cancel';
      uetr: string;
      /** The participant asking; undefined when the request names none the platform knows. */
      participant: string | undefined;
      /** The participant the caller acts for, when it is scoped to one: it must be the payer too. */
      caller?: string;
    }
  | {
      action: 'return';
      uetr: string;
      /** The participant returning the payment; undefined when the request names none. */
      participant: string | undefined;
      /** The participant the caller acts for, when it is scoped to one: it must be the payee too. */
      caller?: string;
      /** The participant the return is sent to, when the request names one. */
      to?: string;
      /** The amount returned; minor null when it cannot be read in `currency`. */
      amount: { currency: string; minor: bigint | null };
    };

export type AuthorityDecision =
  | { allowed: true; payment: Payment /** Nothing to do: the request is already met (a cancel of a cancelled payment). */; already_done: boolean }
  | { allowed: false; rule: 'no_such_payment' }
  | { allowed: false; rule: 'back_to_payer'; payment: Payment; payer: string }
  | { allowed: false; rule: 'full_amount_only'; payment: Payment; currency: string; amount_minor: bigint };

/** The decision on `request` about `payment` as it is now (undefined: the platform holds no such payment). */
export function decideAuthority(payment: Payment | undefined, request: AuthorityRequest): AuthorityDecision {
  if (payment === undefined || !isParty(payment, request)) return { allowed: false, rule: 'no_such_payment' };
  const ins = payment.instruction;
  if (request.action === 'cancel') return { allowed: true, payment, already_done: payment.state === 'cancelled' };
  if (request.to !== undefined && request.to !== ins.payer) return { allowed: false, rule: 'back_to_payer', payment, payer: ins.payer };
  if (request.amount.currency !== ins.currency || request.amount.minor !== ins.amount_minor) {
    return { allowed: false, rule: 'full_amount_only', payment, currency: ins.currency, amount_minor: ins.amount_minor };
  }
  return { allowed: true, payment, already_done: false };
}

/** Whether the request comes from the payment's party for its action (the payer cancels, the payee returns), caller included. */
function isParty(payment: Payment, request: AuthorityRequest): boolean {
  const party = request.action === 'cancel' ? payment.instruction.payer : payment.instruction.payee;
  return request.participant === party && (request.caller === undefined || request.caller === party);
}
