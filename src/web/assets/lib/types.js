// @ts-check
// Types of the API payloads the web app reads (JSDoc only: this module exports
// nothing at run time). Amounts are integer strings of minor units (`MinorText`),
// instants are integer strings of nanoseconds since the epoch, UTC (`NsText`):
// the server sends bigints as decimal strings and the app never turns a figure
// it shows into a float.

/** @typedef {string} MinorText integer minor units of a currency, e.g. "150000" */
/** @typedef {string} NsText nanoseconds since the epoch (UTC), e.g. "1764720000000000000" */
/** @typedef {'operator' | 'central_bank' | 'participant' | 'liquidity_provider' | 'compliance' | 'auditor'} Role */

/** GET /v1/me. @typedef {{ name: string, role: Role, participant: string | null }} Me */

/** GET /v1/dashboard/currencies. @typedef {{ code: string, numeric: number, minor_units: number, name: string, sco_member: boolean }} Currency */

/** A payment's state change, as in the history and the event stream. @typedef {{ state: string, at_ns: NsText, reason?: string, detail?: string }} StateChange */
/** One change on GET /v1/events ("payments" events). @typedef {StateChange & { uetr: string }} PaymentChange */

/**
 * GET /v1/payments/:uetr and the items of GET /v1/payments.
 * @typedef {object} Payment
 * @property {string} uetr
 * @property {string} end_to_end_id
 * @property {string} payer
 * @property {string} payee
 * @property {string} currency
 * @property {MinorText} amount_minor
 * @property {string} payee_currency
 * @property {MinorText} payee_amount_minor
 * @property {string} value_date
 * @property {string} priority
 * @property {string} settlement
 * @property {string} state
 * @property {{ provider: string, rate: string, source: string } | null} fx
 * @property {number | null} case_id
 * @property {StateChange[]} history
 * @property {string} [submitted_by] absent for a bank when another bank's user submitted it
 * @property {string} [remittance]
 * @property {{ name?: string }} [debtor]
 * @property {{ name?: string }} [creditor]
 */

/** An item of POST /v1/payments's answer. @typedef {{ uetr: string | null, state: string, reason?: string, field?: string, detail?: string }} PaymentResult */

/** GET /v1/payments/:uetr/messages. @typedef {{ uetr: string, state: string, messages: Array<{ name: string, file: string, xml: string }> }} PaymentMessages */

/**
 * GET /v1/cases.
 * @typedef {object} Case
 * @property {number} id
 * @property {string} uetr
 * @property {NsText} opened_at_ns
 * @property {{ hit: boolean, score: number, list_version: string, detail?: string }} screening
 * @property {'open' | 'proposed' | 'released' | 'rejected'} status
 * @property {{ decision: 'release' | 'reject', officer: string, at_ns: NsText, note?: string } | null} proposal
 * @property {string[]} decided_by
 * @property {NsText | null} decided_at_ns
 */

/**
 * GET /v1/participants/:id/balances.
 * @typedef {object} Balance
 * @property {string} currency
 * @property {MinorText} available_minor
 * @property {MinorText} debits_pending_minor
 * @property {MinorText} debits_posted_minor
 * @property {MinorText} credits_posted_minor
 * @property {MinorText} credit_line_minor
 * @property {MinorText} credit_outstanding_minor
 */

/** @typedef {{ id: string, kind: string, currency: string, market_value_minor: MinorText, haircut_bp: number }} CollateralItem */
/** Facilities of the overview and of GET /v1/participants/:id/facilities (which adds the collateral). @typedef {{ participant: string, currency: string, line_minor: MinorText, outstanding_minor: MinorText, auto_draw: boolean, drawdowns: number, collateral?: CollateralItem[] }} Facility */

/** GET /v1/day (also the overview's day, which adds each cut-off's home zone). @typedef {{ date: string, state: string, opened_at_ns: NsText, closed_at_ns: NsText | null, cutoffs: Record<string, NsText>, cutoff_zones?: Record<string, string> }} Day */

/** GET /v1/rates. @typedef {{ date: string, rates: Array<{ currency: string, units_per_usd?: string, date?: string, source?: string, error?: string }> }} Rates */

/** @typedef {{ count: number, value_minor: MinorText }} Tally */
/** A settled-value row: its USD equivalent in cents at the business date's reference rate (rounded down), null without a rate. @typedef {Tally & { usd_cents: MinorText | null }} ValueTally */
/** @typedef {{ id: number, currency: string, state: string, opened_at_ns: NsText, closed_at_ns: NsText | null, payments: number, net_positions: Array<{ participant: string, net_minor: MinorText }>, defaulters: string[] }} SettlementWindow */
/** @typedef {{ id: string, provider: string, drawer: string, provider_currency: string, limit_minor: MinorText, drawn_minor: MinorText, maturity_date: string, status: string }} SwapLine */
/** @typedef {{ participant: string, name: string, currency: string, available_minor: MinorText, pending_minor: MinorText, credit_line_minor: MinorText, credit_outstanding_minor: MinorText }} LiquidityRow */
/** @typedef {{ uetr: string, end_to_end_id: string, payer: string, payee: string, currency: string, amount_minor: MinorText, priority: string, queued_at_ns: NsText }} QueuedPayment */
/** @typedef {{ id: number, uetr: string, status: string, opened_at_ns: NsText, score: number, detail: string, currency?: string, amount_minor?: MinorText }} OverviewCase */

/**
 * GET /v1/dashboard/overview (src/web/routes.ts): the business day at a glance.
 * @typedef {object} Overview
 * @property {Day | null} day
 * @property {Record<string, number>} states
 * @property {Array<ValueTally & { currency: string }>} settled_by_currency sorted by USD equivalent, largest first
 * @property {Array<ValueTally & { from: string, to: string, currency: string }>} settled_by_corridor sorted by USD equivalent, largest first
 * @property {Array<Tally & { reason: string }>} rejections_by_reason
 * @property {Array<Tally & { provider: string, from: string, to: string }>} fx_quotes
 * @property {{ by_currency: Array<Tally & { currency: string }>, depth: number, oldest: QueuedPayment[] }} queue
 * @property {Array<{ at_ns: NsText, currency: string, queued: number, released: number, value_minor: MinorText }>} lsm_runs
 * @property {SettlementWindow[]} windows
 * @property {LiquidityRow[]} liquidity
 * @property {Facility[]} facilities
 * @property {SwapLine[]} swap_lines
 * @property {Array<{ currency: string, issued_minor: MinorText, held_minor: MinorText }>} issued
 * @property {{ open: number, list: OverviewCase[] }} cases
 * @property {CurrencyDay[]} [calendars] each currency with an operating calendar (rules 3)
 * @property {Array<{ pair: string, windows_utc: string[] }>} [overlaps] today's PvP overlap windows per pair (UTC)
 */

/**
 * A currency's day on its own calendar.
 * @typedef {object} CurrencyDay
 * @property {string} currency
 * @property {string} time_zone
 * @property {boolean} accepting
 * @property {string} business_date
 * @property {string | null} closed_because
 * @property {string[]} hours_local
 * @property {string[]} hours_utc
 * @property {string | null} cutoff_local
 * @property {string | null} cutoff_utc
 */

/**
 * GET /v1/dashboard/history?currency=CCY: one currency's business day from the
 * store's history (times in ms since the epoch, UTC; each series a step function
 * with a value at every time).
 * @typedef {object} History
 * @property {string | null} currency
 * @property {string[]} currencies the currencies the caller may chart
 * @property {string | null} time_zone the currency's home zone (IANA)
 * @property {string | null} business_date
 * @property {boolean} on_calendar
 * @property {NsText | null} from_ns
 * @property {NsText | null} to_ns
 * @property {NsText} now_ns
 * @property {number[]} times
 * @property {{ depth: number[], value_minor: MinorText[] }} queue
 * @property {{ count: number[], value_minor: MinorText[] }} settled
 * @property {Record<string, MinorText[]>} balances posted settlement-account balance per participant
 */

/** An API error body. @typedef {{ code?: string, message?: string, path?: string }} ErrorBody */

/**
 * What the router shows: a page and how it follows events and goes away.
 * @typedef {object} View
 * @property {string} title
 * @property {HTMLElement} el
 * @property {boolean} [keepFocus]
 * @property {(changes: PaymentChange[]) => void} [onEvents]
 * @property {() => void} [dispose]
 */

export {};
