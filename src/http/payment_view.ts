// What a caller sees of a payment: this module owns the redaction of a payment's
// view, and of its change events, by the caller's scope. The platform keeps the full
// record (screening score, list, case number, who submitted); a bank must not be
// tipped off that its payment, or its counterparty's, is under compliance review
// beyond the bare `held` state. So participant and liquidity-provider callers see:
//   - a held entry as `held for compliance review` (the wording of the pacs.002),
//     and the compliance decision after it (released, rejected) without its detail;
//   - no case number (case_id null);
//   - submitted_by only when it is their own user (omitted otherwise).
// Operators, compliance officers, auditors and central banks see the full view.
// Every API and dashboard route, and the event stream, that return a payment or its
// history go through here.

import { paymentView, type ChangeEvent, type Platform } from '../platform/platform.js';
import type { Payment } from '../platform/types.js';
import { seesPayment, type Scope } from './access.js';

/** Who is looking: the caller's scope and user name. */
export interface Viewer {
  scope: Scope;
  user_name: string;
}

/** What a bank sees of a held entry: the wording of the platform's pacs.002 for a hold. */
export const HELD_DETAIL = 'held for compliance review';

interface Entry {
  state: string;
  detail?: string;
}

/** Whether the viewer sees compliance detail (screening, case, other users): everyone but a bank. */
function seesCompliance(viewer: Viewer): boolean {
  return viewer.scope.kind !== 'participant';
}

/** The platform's view of `p` as `viewer` may see it. */
export function paymentViewFor(viewer: Viewer, p: Payment): Record<string, unknown> {
  return redactPaymentView(viewer, paymentView(p));
}

/** The payment as `viewer` may see it, for a shell that builds more than the view from it (its ISO messages). */
export function paymentSeenBy(viewer: Viewer, p: Payment): Payment {
  if (seesCompliance(viewer)) return p;
  return { ...p, case_id: null, history: redactHistory(p.history) };
}

/** A payment view (paymentView, or a command's result that is one) as `viewer` may see it. */
export function redactPaymentView(viewer: Viewer, view: Record<string, unknown>): Record<string, unknown> {
  if (seesCompliance(viewer)) return view;
  const out: Record<string, unknown> = { ...view };
  if ('case_id' in out) out.case_id = null;
  if (Array.isArray(out.history)) out.history = redactHistory(out.history as Entry[]);
  if ('submitted_by' in out && out.submitted_by !== viewer.user_name) delete out.submitted_by;
  return out;
}

/** Payment change events as `viewer` may see them (the stream has already dropped those out of scope). */
export function redactChanges(viewer: Viewer, platform: Platform, changes: ChangeEvent[]): ChangeEvent[] {
  if (seesCompliance(viewer)) return changes;
  return changes.map((c) => {
    if (c.state === 'held') return withoutDetail(c);
    const history = platform.payment(c.uetr)?.history ?? [];
    // The entry this change recorded (the newest with its state and time): does it follow a hold?
    let i = history.length - 1;
    while (i >= 0 && !(history[i]!.state === c.state && String(history[i]!.at_ns) === c.at_ns)) i--;
    return i > 0 && history[i - 1]!.state === 'held' ? withoutDetail(c) : c;
  });
}

/** A history with the hold and the compliance decision that follows it told without detail. */
function redactHistory<T extends Entry>(history: readonly T[]): T[] {
  return history.map((h, i) => (h.state === 'held' || history[i - 1]?.state === 'held' ? withoutDetail(h) : h));
}

/** The entry without its detail; a hold keeps the neutral wording. */
function withoutDetail<T extends Entry>(h: T): T {
  const { detail: _dropped, ...rest } = h;
  return (h.state === 'held' ? { ...rest, detail: HELD_DETAIL } : rest) as T;
}

/** The changes of payments in the scope (the event stream's and webhooks' filter, before redaction). */
export function visibleChanges(platform: Platform, scope: Scope, changes: readonly ChangeEvent[]): ChangeEvent[] {
  if (scope.kind === 'all') return [...changes];
  return changes.filter((c) => {
    const p = platform.payment(c.uetr);
    return p !== undefined && seesPayment(scope, p);
  });
}
