// The exit status of `sco-settle`: one table from an error's stable code to the
// status a script sees, so that "verify failed", "store busy" and "not found"
// never look alike. The README's CLI section documents the same table. Every
// code the platform layer can throw (PlatformErrorCode) has its row in
// PLATFORM_EXIT, a record the compiler holds complete: a new platform code
// without a status does not build, instead of exiting 1 ("internal") as a bug.

import type { PlatformErrorCode } from '../platform/errors.js';

/** Every status the CLI exits with, by what it means. */
export const EXIT = {
  ok: 0,
  /** Anything not foreseen below: a bug or an environment fault (see stderr; SCO_SETTLE_DEBUG=1 prints the stack). */
  internal: 1,
  /** Wrong command line: unknown command or option, missing argument. */
  usage: 2,
  /** What was named does not exist: the store (run `init`), a payment, a participant, a file. */
  not_found: 3,
  /** An input that does not read or is out of range: a malformed file, a bad amount, a bad store URL. */
  invalid_input: 4,
  /** A check failed: `verify`, a restored backup, a fuzz run that found a problem. */
  verification_failed: 5,
  /** The store is held by another writer or cannot be reached now: retry later. */
  store_busy: 6,
  /** The platform refused the command by its rules (insufficient funds, wrong state, four eyes, store exists). */
  refused: 7,
  /** Stopped by Ctrl-C between two whole commands. */
  interrupted: 130,
} as const;

export type ExitName = keyof typeof EXIT;

/** The status of every code the platform (and the governance it wraps) can throw. */
export const PLATFORM_EXIT: Readonly<Record<PlatformErrorCode, Exclude<ExitName, 'ok' | 'internal' | 'usage' | 'interrupted'>>> = {
  // not found
  not_found: 'not_found',
  unknown_participant: 'not_found',
  no_scheme: 'not_found',
  no_signing_key: 'not_found',
  // invalid input
  invalid_command: 'invalid_input',
  invalid_field: 'invalid_input',
  unknown_currency: 'invalid_input',
  scheme_invalid: 'invalid_input',
  unknown_path: 'invalid_input',
  patch_invalid: 'invalid_input',
  unknown_time_zone: 'invalid_input',
  invalid_window: 'invalid_input',
  overlapping_windows: 'invalid_input',
  invalid_holiday: 'invalid_input',
  // a signature that does not check is a failed verification, as a tampered journal is
  bad_signature: 'verification_failed',
  // another engine is active, or the journal stream has no quorum: retry (elsewhere) later
  not_leader: 'store_busy',
  journal_unavailable: 'store_busy',
  // refused by the platform's or the scheme's rules
  participant_exists: 'refused',
  user_exists: 'refused',
  central_bank_exists: 'refused',
  no_central_bank: 'refused',
  invalid_state: 'refused',
  insufficient_funds: 'refused',
  limit_exceeded: 'refused',
  rate_limited: 'refused',
  four_eyes: 'refused',
  stale_proposal: 'refused',
  no_business_day: 'refused',
  day_open: 'refused',
  rate_unavailable: 'refused',
  ledger_refused: 'refused',
  financing: 'refused',
  scheme_exists: 'refused',
  not_in_scheme: 'refused',
  patch_test_failed: 'refused',
  not_a_member: 'refused',
  not_your_member: 'refused',
  concerned_member: 'refused',
  window_closed: 'refused',
  proposal_closed: 'refused',
  not_proposer: 'refused',
  not_operator_owned: 'refused',
  out_of_bounds: 'refused',
};

const BY_CODE: Readonly<Record<string, ExitName>> = {
  ...PLATFORM_EXIT,
  // not found
  store_not_found: 'not_found',
  ENOENT: 'not_found',
  // invalid input
  invalid_input: 'invalid_input',
  bad_url: 'invalid_input',
  store_too_new: 'invalid_input',
  not_a_backup: 'invalid_input',
  rejected: 'invalid_input',
  no_lists: 'not_found',
  list_not_found: 'not_found',
  list_malformed: 'invalid_input',
  list_too_large: 'invalid_input',
  list_unreadable: 'invalid_input',
  batch_empty: 'invalid_input',
  batch_too_large: 'invalid_input',
  command_too_large: 'invalid_input',
  query_limit: 'invalid_input',
  journal_corrupt: 'verification_failed',
  // verification
  verify_failed: 'verification_failed',
  journal_truncated: 'verification_failed',
  head_mismatch: 'verification_failed',
  head_record_missing: 'verification_failed',
  head_record_corrupt: 'verification_failed',
  corrupt: 'verification_failed',
  fuzz_findings: 'verification_failed',
  // busy
  writer_busy: 'store_busy',
  unreachable: 'store_busy',
  journal_conflict: 'store_busy',
  // refused to protect data
  store_exists: 'refused',
  backup_exists: 'refused',
  not_a_demo_store: 'refused',
  interrupted: 'interrupted',
  // a server's answers, for the commands that call one (`sim run`)
  unauthenticated: 'refused',
  forbidden: 'refused',
  idempotency_conflict: 'refused',
  overloaded: 'store_busy',
  shutting_down: 'store_busy',
  unavailable: 'store_busy',
};

/** The exit status for an error's code (undefined or unknown: internal). */
export function exitCodeFor(code: string | undefined): number {
  if (code === undefined || !Object.hasOwn(BY_CODE, code)) return EXIT.internal;
  const name = BY_CODE[code];
  return name === undefined ? EXIT.internal : EXIT[name];
}
