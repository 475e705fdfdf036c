// PlatformError: the one error type of the platform layer — a stable `code`, the
// `field` at fault (a JSON path into the request, or '' for the whole request) and
// a human `message`. API and CLI show these as they are.

import type { GovernanceErrorCode } from '../governance/errors.js';

export type PlatformErrorCode =
  /** The scheme's governance (../governance/errors.ts, ./governance_commands.ts). */
  | GovernanceErrorCode
  | 'scheme_exists'
  | 'no_scheme'
  | 'no_signing_key'
  /** The scheme in force does not allow it (a rate from a source it does not name). */
  | 'not_in_scheme'
  | 'bad_signature'
  | 'invalid_command'
  | 'invalid_field'
  | 'unknown_participant'
  | 'unknown_currency'
  | 'participant_exists'
  | 'user_exists'
  | 'central_bank_exists'
  | 'no_central_bank'
  | 'not_found'
  | 'invalid_state'
  | 'insufficient_funds'
  | 'limit_exceeded'
  /** Too many requests of one kind for now (quote locks, rules 3); the HTTP API answers 429 with Retry-After. */
  | 'rate_limited'
  | 'four_eyes'
  /** A liquidity proposal listed before the state moved on and no longer proposed (./liquidity_proposal_ids.ts). */
  | 'stale_proposal'
  | 'no_business_day'
  | 'day_open'
  | 'rate_unavailable'
  | 'ledger_refused'
  | 'financing'
  // Operating calendars (clearing/calendar.ts).
  | 'unknown_time_zone'
  | 'invalid_window'
  | 'overlapping_windows'
  | 'invalid_holiday'
  /** Cluster mode: this engine is a standby or a member replica; the API answers 503 naming the active engine. */
  | 'not_leader'
  /** Cluster mode: the journal stream takes no appends (no quorum); the API answers 503. */
  | 'journal_unavailable';

export class PlatformError extends Error {
  readonly code: PlatformErrorCode;
  readonly field: string;
  constructor(code: PlatformErrorCode, field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
    this.name = 'PlatformError';
  }
}

/** A write sent to an engine that is not the active one: where the active one answers, when known. */
export class NotLeaderError extends PlatformError {
  readonly leader: string | null;
  constructor(message: string, leader: string | null) {
    super('not_leader', '', message);
    this.leader = leader;
  }
}

export { REASON } from '../clearing/reasons.js';
