// The ISO 20022 status reason codes a payment's state changes carry. The clearing
// rules choose them; the platform reports them (pacs.002, events).
//
// ExternalStatusReason1Code has no code for an exchange-rate problem, so from
// rules 3 a PvP payment refused for its rate carries a proprietary reason of the
// platform (RATE_REASON): longer than 4 characters, so the pacs.002 mapping
// (iso20022/mapping.ts isoStatusOf) writes it as StsRsnInf/Rsn/Prtry, never as
// Rsn/Cd. Under rules 1 and 2 such payments replay with NARR, as they ran.

/** ISO 20022 status reason codes (ExternalStatusReason1Code) the platform gives. */
export const REASON = Object.freeze({
  /** Insufficient funds (also: a window participant that could not cover its net debit). */
  insufficient_funds: 'AM04',
  /** Invalid amount: zero, negative, or too many decimals for the currency. */
  invalid_amount: 'AM12',
  /** Amount above the maximum the scheme allows for one payment in its currency (rules 3, under a scheme). */
  amount_limit: 'AM02',
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

/** Proprietary reasons (pacs.002 Rsn/Prtry, Max35Text) for a PvP payment refused for its rate (rules 3). */
export const RATE_REASON = Object.freeze({
  /** No reference rate on or before the value date for a leg (or the legs' cross rate cannot be formed). */
  missing: 'FX_RATE_MISSING',
  /** The reference rate is older than the scheme's staleness rule allows, and its fallback did not apply. */
  stale: 'FX_RATE_STALE',
  /** The named quote lock is unknown, used, expired, for another pair or amount, or not the payer's (all worded alike). */
  quote: 'FX_QUOTE_INVALID',
});

/** Proprietary reason (pacs.002 Rsn/Prtry) for a payment that would queue behind more payments of its payer than the scheme allows (rules 3, `limits.queue_length_max`). */
export const QUEUE_FULL_REASON = 'QUEUE_FULL';
