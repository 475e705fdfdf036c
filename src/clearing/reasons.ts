// The ISO 20022 status reason codes a payment's state changes carry. The clearing
// rules choose them; the platform reports them (pacs.002, events).

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
