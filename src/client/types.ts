// The types of the sco-settle HTTP API as the typed client (./client.ts) sees
// them: requests and answers of every operation. They mirror the schemas the
// server publishes (src/api/schemas.ts, src/api/responses.ts, the OpenAPI
// document); test/client.test.ts checks both ways at compile time that each
// answer type here accepts what the server's schema allows, and validates real
// answers against the document. Amounts: `X_minor` exact minor units, `X` major
// units, both decimal strings; times: `X_at_ns` nanoseconds since the epoch and
// `X_at` RFC 3339.

export type Role = 'operator' | 'central_bank' | 'participant' | 'liquidity_provider' | 'compliance' | 'auditor';
export type PaymentState = 'received' | 'validated' | 'screened' | 'held' | 'queued' | 'warehoused' | 'settled' | 'rejected' | 'cancelled' | 'returned';

/** An error answer: RFC 9457 problem details. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: Array<{ field: string; code: string; detail: string }>;
  request_id: string;
  message: string;
  path: string;
}

export interface Me {
  name: string;
  role: Role;
  participant: string | null;
}

export interface Participant {
  id: string;
  kind: 'central_bank' | 'bank' | 'liquidity_provider';
  name: string;
  country: string;
  currencies: string[];
  issues: string | null;
  suspended: boolean;
}

export interface RegisterParticipantRequest {
  id: string;
  kind: 'central_bank' | 'bank' | 'liquidity_provider';
  name: string;
  country: string;
  currencies: string[];
}

export interface Balance {
  participant: string;
  currency: string;
  account_id: string;
  kind: 'settlement' | 'issuing';
  debits_posted_minor: string;
  credits_posted_minor: string;
  debits_pending_minor: string;
  available_minor: string;
  available: string;
}

export interface FundingResult {
  participant: string;
  currency: string;
  available_minor: string;
  available: string;
  transfer_id: string;
}

export interface Facility {
  participant: string;
  currency: string;
  line_minor: string;
  line: string;
  outstanding_minor: string;
  outstanding: string;
  available_minor: string;
  available: string;
  auto_draw: boolean;
  drawdowns: number;
}

export interface CollateralItem {
  id: string;
  kind: string;
  currency: string;
  market_value: string;
  haircut_bp: number;
}

export interface FacilityWithCollateral extends Facility {
  collateral: Array<{ id: string; kind: string; currency: string; market_value_minor: string; market_value: string; haircut_bp: number }>;
}

export interface Party {
  name: string;
  country?: string;
  address?: string;
}

/** A payment to submit: amounts in major units of `currency`. */
export interface PaymentInstruction {
  uetr: string;
  end_to_end_id: string;
  payer: string;
  payee: string;
  currency: string;
  amount: string;
  payee_currency?: string;
  value_date?: string;
  priority?: 'urgent' | 'normal';
  settlement?: 'rtgs' | 'dns';
  fx_provider?: string;
  quote_id?: string;
  purpose?: string;
  remittance?: string;
  debtor?: Party;
  creditor?: Party;
  message?: string;
  settle_by?: string;
}

export interface PaymentResult {
  uetr: string | null;
  state: PaymentState;
  reason?: string;
  field?: string;
  detail?: string;
}

export interface PaymentsResponse {
  payments: PaymentResult[];
}

export interface PaymentHistoryEntry {
  state: PaymentState;
  at_ns: string;
  at: string;
  reason?: string;
  detail?: string;
}

export interface Payment {
  uetr: string;
  end_to_end_id: string;
  payer: string;
  payee: string;
  currency: string;
  amount_minor: string;
  amount: string;
  payee_currency: string;
  payee_amount_minor: string;
  payee_amount: string;
  value_date: string;
  priority: 'urgent' | 'normal';
  settlement: 'rtgs' | 'dns';
  state: PaymentState;
  fx: { provider: string; rate: string; source: string } | null;
  window_id: number | null;
  case_id: number | null;
  transfer_ids: string[];
  history: PaymentHistoryEntry[];
  submitted_by?: string;
  settle_by?: string;
}

export interface PaymentList {
  payments: Payment[];
  next_cursor: string | null;
}

/** A page of a list route other than payments: at most `limit` items from `cursor` (a previous page's next_cursor). */
export interface PageQuery {
  limit?: number;
  cursor?: string;
}

export interface ParticipantList {
  participants: Participant[];
  next_cursor: string | null;
}

export interface CaseList {
  cases: ComplianceCase[];
  next_cursor: string | null;
}

export interface AuditList {
  audit: AuditRecord[];
  next_cursor: string | null;
}

export interface UserList {
  users: User[];
  next_cursor: string | null;
}

export interface KeyList {
  keys: ApiKey[];
  next_cursor: string | null;
}

export interface WebhookList {
  webhooks: WebhookSubscription[];
  next_cursor: string | null;
}

export interface SchemeProposalList {
  proposals: SchemeProposal[];
  next_cursor: string | null;
}

export interface PaymentsQuery {
  state?: PaymentState;
  currency?: string;
  counterparty?: string;
  end_to_end_id?: string;
  limit?: number;
  cursor?: string;
  /** RFC 3339, or nanoseconds since the epoch. */
  updated_since?: string;
}

export interface PaymentChange {
  uetr: string;
  state: PaymentState;
  at_ns: string;
  at: string;
  reason?: string;
  detail?: string;
}

/** One event of GET /v1/events: its id (a journal sequence) and the payment changes of that journal entry. */
export interface FeedEvent {
  id: number;
  changes: PaymentChange[];
}

export interface BusinessDay {
  date: string;
  state: string;
  opened_at_ns: string;
  opened_at: string;
  closed_at_ns: string | null;
  cutoffs: Record<string, string>;
  warehoused: number;
  released_from_warehouse: number;
}

export interface DayClose {
  day: BusinessDay;
  windows_settled: unknown[];
  rejected_at_close: number;
  warehoused_at_close: number;
  held_at_close: number;
  credit_unrepaid: unknown[];
  positions: Array<{ participant: string; currency: string; balance_minor: string; balance: string }>;
}

export interface SettlementWindow {
  id: number;
  currency: string;
  state: string;
  opened_at_ns: string;
  opened_at: string;
  closed_at_ns: string | null;
  payments: number;
  net_positions: Array<{ participant: string; net_minor: string; net: string }>;
  defaulters: string[];
}

export interface LsmRun {
  currency: string;
  currencies: string[];
  queued: number;
  considered: number;
  released: number;
  released_value_minor: string;
  released_value: string;
  released_by_currency: Array<{ currency: string; released: number; value_minor: string; value: string }>;
  method: string;
}

export interface ReferenceRates {
  date: string;
  rates: Array<{ currency: string; units_per_usd: string; date: string; source: string } | { currency: string; error: string }>;
  cross: Array<{ from: string; to: string; rate: string; approx: string } | { from: string; to: string; error: string }>;
}

export interface RateRow {
  currency: string;
  units_per_usd: string;
  date: string;
  source: string;
}

export interface RatesImport {
  file: string;
  imported: number;
  total: number;
}

export interface PublishedRate extends RatesImport {
  published: RateRow & { participant: string };
}

export interface RateAlerts {
  rate_policy: { max_age_business_days: number; extended_age_business_days: number; quote_tolerance_bp: number };
  alerts: Array<{ currency: string } & Record<string, unknown>>;
}

export interface QuoteRequest {
  provider: string;
  base: string;
  quote: string;
  valid_s: number;
  tiers: Array<{ min: string; max: string; bid: string; ask: string }>;
}

export interface Quote {
  provider: string;
  base: string;
  quote: string;
  expires_at_ns: string;
  expires_at: string;
  tiers: number;
}

export interface QuoteLock {
  quote_id: string;
  participant: string;
  provider: string;
  base: string;
  quote: string;
  amount_minor: string;
  price: string;
  expires_at_ns: string;
  expires_at: string;
}

export interface ComplianceCase {
  id: number;
  uetr: string;
  opened_at_ns: string;
  opened_at: string;
  screening: Record<string, unknown>;
  status: 'open' | 'proposed' | 'released' | 'rejected';
  proposal: { decision: string; officer: string; at_ns: string; at: string } | null;
  decided_by: string[];
  decided_at_ns: string | null;
}

export interface CaseDecision {
  case: ComplianceCase;
  effective: boolean;
  waiting_for?: string;
}

export interface AuditRecord {
  at_ns: string;
  at: string;
  by: string;
  action: string;
  target: string;
  ok: boolean;
}

export interface LiquidityProposals {
  execution_allowed: boolean;
  results: Array<{ currency: string; queued_items: number; evaluations: number; proposals: Array<Record<string, unknown>> }>;
}

export interface CalendarDay {
  date: string;
  weekday: string;
  open: boolean;
  closed_because: string | null;
  half_day: boolean;
  hours_local: string[];
  hours_utc: string[];
  cutoff_local: string | null;
  cutoff_utc: string | null;
  holidays_known: boolean;
}

export interface CalendarDays {
  currency: string;
  from: string;
  to: string;
  days: CalendarDay[];
}

/** Amounts are exact minor units; each `X_minor` has its major-unit `X` beside it. */
export interface Reconciliation {
  central_bank: string;
  currency: string;
  date: string;
  time_zone: string;
  from: string;
  to: string;
  mirror_account_id: string;
  opening_issued_minor: string;
  closing_issued_minor: string;
  funded_in: { count: number; amount_minor: string; amount?: string };
  defunded_out: { count: number; amount_minor: string; amount?: string };
  other_movements_minor: string;
  settlement_accounts_minor: string;
  home_mirror_minor: string | null;
  differences: Array<{ name: string; amount_minor: string; amount?: string; must_be_zero: boolean }>;
  reconciled: boolean;
}

export interface User {
  name: string;
  role: Role;
  participant: string | null;
  created_at: string;
  disabled: boolean;
}

export interface ApiKey {
  key_id: string;
  user: string;
  created_at: string;
  revoked_at: string | null;
}

export interface WebhookSubscription {
  id: string;
  participant: string | null;
  url: string;
  created_by: string;
  created_at_ns: string;
  created_at: string;
  disabled: boolean;
}

export interface WebhookDeliveries {
  id: string;
  cursor: number;
  log: Array<{
    seq: number;
    attempt: number;
    at_ns: string;
    at: string;
    status: number | null;
    ok: boolean;
    error?: string;
    code?: string;
    duration_ms: number;
  }>;
}

/** The body POSTed to a webhook subscriber (signed: see verifyWebhookSignature). */
export interface WebhookDelivery {
  seq: number;
  event: 'payments';
  subscription: string;
  changes: PaymentChange[];
}

export interface PaymentMessages {
  uetr: string;
  state: string;
  messages: Array<{ name: string; file: string; xml: string }>;
}

export interface Currencies {
  currencies: Array<{ code: string; numeric: number; minor_units: number; name: string; sco_member: boolean }>;
}

export interface LiquidityExecution {
  released_payments: number;
  released_value: Array<{ currency: string; value_minor: string }>;
}

export type ProposalState = 'open' | 'adopted' | 'rejected' | 'withdrawn';

export interface SchemeVersion {
  version: number;
  adopted_at: string;
  effective_date: string | null;
  in_force: boolean;
  document: Record<string, unknown>;
}

export interface SchemeProposal {
  id: string;
  state: ProposalState;
  title: string;
  closes_at: string | null;
  voters: string[];
  answers: Array<{ member: string; user: string; answer: string; reason: string }>;
  reservations: Array<{ member: string; reason: string }>;
}

export interface SchemeProposalInput {
  title: string;
  rationale: string;
  changes: unknown[];
  window_s: number;
  effective: string;
  signature: string;
}

export interface SchemeAnswerInput {
  answer: 'approve' | 'object' | 'reserve';
  reason?: string;
  member?: string;
  signature: string;
}
