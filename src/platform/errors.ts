// PlatformError: the one error type of the platform layer — a stable `code`, the
// `field` at fault (a JSON path into the request, or '' for the whole request) and
// a human `message`. API and CLI show these as they are.

export type PlatformErrorCode =
  | 'invalid_command'
  | 'invalid_field'
  | 'unknown_participant'
  | 'unknown_currency'
  | 'participant_exists'
  | 'central_bank_exists'
  | 'no_central_bank'
  | 'not_found'
  | 'invalid_state'
  | 'insufficient_funds'
  | 'limit_exceeded'
  | 'four_eyes'
  | 'no_business_day'
  | 'day_open'
  | 'rate_unavailable'
  | 'ledger_refused'
  | 'financing';

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

/** ISO 20022 status reason codes (ExternalStatusReason1Code) the platform gives. */
export const REASON = Object.freeze({
  /** Insufficient funds (also: a window participant that could not cover its net debit). */
  insufficient_funds: 'AM04',
  /** Invalid amount: zero, negative, or too many decimals for the currency. */
  invalid_amount: 'AM12',
  /** Currency not allowed (not settled on the platform, or no account in it). */
  currency_not_allowed: 'AM03',
  /** Agent unknown to the platform. */
  incorrect_agent: 'AGNT',
  /** Duplicate UETR. */
  duplicate: 'DUPL',
  /** Transaction forbidden (payer = payee, suspended participant). */
  forbidden: 'AG01',
  /** Value date outside the business day. */
  invalid_date: 'DT01',
  /** After the currency's cut-off. */
  cut_off: 'CUTO',
  /** Rejected by compliance (sanctions / AML). */
  regulatory: 'RR04',
  /** Missing or malformed field. */
  format: 'FF01',
  /** Narrative: see the detail. */
  narrative: 'NARR',
});
