// The roles an API user may have, and the role sets routes of the API and the
// dashboard declare (a route lists the roles that may call it; see ./guard.ts).

import { API_ROLES, roleNeedsParticipant, type ApiRole } from '../platform/platform.js';

/** The platform's roles (src/platform/api_directory.ts: users are journaled there). */
export const ROLES = API_ROLES;
export type Role = ApiRole;

/** Every role: routes any authenticated user may call (data still scoped, see ./access.ts). */
export const EVERY_ROLE: readonly Role[] = ROLES;
export const OPERATOR_ONLY: readonly Role[] = ['operator'];
/** Roles that act for one bank: a participant or a liquidity provider. */
export const BANK_ROLES: readonly Role[] = ['participant', 'liquidity_provider'];
/** Roles that may read a participant's accounts (not compliance). */
export const ACCOUNT_READERS: readonly Role[] = ['operator', 'central_bank', 'participant', 'liquidity_provider', 'auditor'];

/** Whether a user of this role acts for one participant (and so names it). */
export function needsParticipant(role: Role): boolean {
  return roleNeedsParticipant(role);
}
