// What a user may see: the scope of each role. Operator, compliance and auditor
// see the whole platform (routes restrict what they may do); a central bank's
// users see its currency's data; a participant's or liquidity provider's users
// see their participant's data only. Data outside the scope is answered as if it
// did not exist (404), never 403, so its existence does not leak. The API's
// routes and the dashboard's apply the same scopes.

import type { Platform } from '../platform/platform.js';
import type { Participant, Payment } from '../platform/types.js';
import type { User } from './auth.js';

/** A participant's scope may also be limited to one currency (on a member replica, ./guard.ts). */
export type Scope = { kind: 'all' } | { kind: 'participant'; id: string; currency?: string } | { kind: 'currency'; currency: string; id: string };

export function scopeOf(user: User, platform: Platform): Scope {
  if (user.role === 'participant' || user.role === 'liquidity_provider') return { kind: 'participant', id: user.participant ?? '' };
  if (user.role === 'central_bank') {
    const p = user.participant === null ? undefined : platform.participant(user.participant);
    // A central bank not (yet) on the platform, or one that issues nothing, sees no currency's data.
    return { kind: 'currency', currency: p?.issues ?? '', id: user.participant ?? '' };
  }
  return { kind: 'all' };
}

export function seesParticipant(scope: Scope, p: Participant): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind === 'participant') return p.id === scope.id;
  return scope.currency !== '' && p.currencies.includes(scope.currency);
}

export function seesPayment(scope: Scope, p: Payment): boolean {
  if (scope.kind === 'all') return true;
  const ins = p.instruction;
  const inCurrency = scope.currency !== undefined && scope.currency !== '' && (ins.currency === scope.currency || ins.payee_currency === scope.currency);
  if (scope.kind === 'participant')
    return (ins.payer === scope.id || ins.payee === scope.id || p.fx?.provider === scope.id) && (scope.currency === undefined || inCurrency);
  return inCurrency;
}

/** Whether the scope covers a currency (central banks: their own only; a participant on a member replica: the member's). */
export function seesCurrency(scope: Scope, currency: string): boolean {
  return scope.kind === 'all' || scope.currency === undefined || scope.currency === currency;
}

/**
 * A member replica serves its member's currency only: the caller's scope narrowed
 * to it (the operator and auditors see that currency as its central bank does; a
 * participant its own data in it), or null when the caller is another currency's
 * central bank.
 */
export function memberScope(scope: Scope, currency: string): Scope | null {
  if (scope.kind === 'participant') return { kind: 'participant', id: scope.id, currency };
  if (scope.kind === 'currency') return scope.currency === currency ? scope : null;
  return { kind: 'currency', currency, id: '' };
}
