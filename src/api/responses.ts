// The JSON Schemas (TypeBox) of the API's answers: the body of every success
// status of every route, and the problem details of every error. They are
// published in the OpenAPI document (./openapi.ts) and the typed client
// (src/client) is checked against them; test/api.test.ts validates every
// answer of its route matrix against them, so a schema that no longer tells
// the truth fails there. They list what an answer always carries; an answer may
// carry more (objects are open), never less.
//
// Units (src/http/units.ts): `X_minor` is an exact integer in minor units as a
// decimal string, `X` beside it the same amount in major units; `X_at_ns` a
// clock reading in nanoseconds since the Unix epoch, `X_at` the same instant in
// RFC 3339.

import { Type, type TSchema } from '@sinclair/typebox';
import { ROLES } from '../http/roles.js';

const Minor = Type.String({ pattern: '^-?[0-9]+$', description: 'an exact integer amount in minor units of the currency' });
const Major = Type.String({ pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: 'the same amount in major units (decimal, with the ISO 4217 exponent)' });
const Ns = Type.String({ pattern: '^[0-9]+$', description: 'nanoseconds since the Unix epoch (the journal clock)' });
const Rfc3339 = Type.String({ format: 'date-time', description: 'RFC 3339 UTC' });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
const Bic = Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$', description: 'BIC (ISO 9362)' });
const Id = Type.String({ description: 'ledger id (u128 as a decimal string)', pattern: '^[0-9]+$' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const PAYMENT_STATES = ['received', 'validated', 'screened', 'held', 'queued', 'warehoused', 'settled', 'rejected', 'cancelled', 'returned'] as const;
const State = Type.Union(
  PAYMENT_STATES.map((s) => Type.Literal(s)),
  { description: 'payment state' },
);

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'urn:sco-settle:error:<code>' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.String(),
    code: Type.String({ description: 'stable error code (docs/errors.md)' }),
    errors: Type.Array(Type.Object({ field: Type.String(), code: Type.String(), detail: Type.String() }), {
      description: 'every failing field (at most 100)',
    }),
    request_id: Type.String(),
    message: Type.String({ description: 'the same as detail (earlier clients)' }),
    path: Type.String({ description: 'the first failing field (earlier clients)' }),
  },
  { title: 'Problem', description: 'RFC 9457 problem details' },
);

export const Me = Type.Object({ name: Type.String(), role: Type.Union(ROLES.map((r) => Type.Literal(r))), participant: Nullable(Bic) }, { title: 'Me' });

export const Participant = Type.Object(
  {
    id: Bic,
    kind: Type.Union([Type.Literal('central_bank'), Type.Literal('bank'), Type.Literal('liquidity_provider')]),
    name: Type.String(),
    country: Type.String(),
    currencies: Type.Array(Currency),
    issues: Nullable(Currency),
    suspended: Type.Boolean(),
  },
  { title: 'Participant' },
);
/** The cursor of the next page of a list route (./cursors.ts). */
const NextCursor = Nullable(Type.String({ description: 'pass as ?cursor= for the next page; null on the last page' }));
export const ParticipantList = Type.Object({ participants: Type.Array(Participant), next_cursor: NextCursor });

export const Balance = Type.Object(
  {
    participant: Bic,
    currency: Currency,
    account_id: Id,
    kind: Type.Union([Type.Literal('settlement'), Type.Literal('issuing')]),
    debits_posted_minor: Minor,
    credits_posted_minor: Minor,
    debits_pending_minor: Minor,
    available_minor: Minor,
    available: Major,
  },
  { title: 'Balance' },
);
export const Balances = Type.Object({ participant: Bic, balances: Type.Array(Balance) });

export const FundingResult = Type.Object(
  { participant: Bic, currency: Currency, available_minor: Minor, available: Major, transfer_id: Id },
  { title: 'FundingResult' },
);

const FacilityFields = {
  participant: Bic,
  currency: Currency,
  line_minor: Minor,
  line: Major,
  outstanding_minor: Minor,
  outstanding: Major,
  available_minor: Minor,
  available: Major,
  auto_draw: Type.Boolean(),
  drawdowns: Type.Integer({ minimum: 0 }),
};
export const CollateralResult = Type.Object(FacilityFields, { title: 'Facility' });
export const DrawResult = CollateralResult;
export const FacilityList = Type.Object({
  participant: Bic,
  facilities: Type.Array(
    Type.Object({
      ...FacilityFields,
      collateral: Type.Array(
        Type.Object({
          id: Type.String(),
          kind: Type.String(),
          currency: Currency,
          market_value_minor: Minor,
          market_value: Major,
          haircut_bp: Type.Integer({ minimum: 0, maximum: 10_000 }),
        }),
      ),
    }),
  ),
});

const HistoryEntry = Type.Object(
  { state: State, at_ns: Ns, at: Rfc3339, reason: Type.Optional(Type.String()), detail: Type.Optional(Type.String()) },
  { title: 'PaymentHistoryEntry' },
);

/** One payment change on the feed (GET /v1/events data, webhook deliveries). */
export const PaymentChange = Type.Object(
  { uetr: Type.String(), state: State, at_ns: Ns, at: Rfc3339, reason: Type.Optional(Type.String()), detail: Type.Optional(Type.String()) },
  { title: 'PaymentChange' },
);

export const Payment = Type.Object(
  {
    uetr: Type.String(),
    end_to_end_id: Type.String(),
    payer: Bic,
    payee: Bic,
    currency: Currency,
    amount_minor: Minor,
    amount: Major,
    payee_currency: Currency,
    payee_amount_minor: Minor,
    payee_amount: Major,
    value_date: Type.String({ format: 'date' }),
    priority: Type.Union([Type.Literal('urgent'), Type.Literal('normal')]),
    settlement: Type.Union([Type.Literal('rtgs'), Type.Literal('dns')]),
    state: State,
    fx: Nullable(Type.Object({ provider: Bic, rate: Type.String({ description: 'payee units per payer unit, as a fraction' }), source: Type.String() })),
    window_id: Nullable(Type.Integer()),
    case_id: Nullable(Type.Integer()),
    transfer_ids: Type.Array(Id),
    history: Type.Array(HistoryEntry),
    submitted_by: Type.Optional(Type.String({ description: "the submitting user (a bank sees only its own users')" })),
    settle_by: Type.Optional(Type.String()),
  },
  { title: 'Payment' },
);
export const PaymentList = Type.Object(
  {
    payments: Type.Array(Payment),
    next_cursor: Nullable(Type.String({ description: 'pass as ?cursor= for the next page; null on the last page' })),
  },
  { title: 'PaymentList' },
);
export const PaymentsResponse = Type.Object(
  {
    payments: Type.Array(
      Type.Object({
        uetr: Nullable(Type.String()),
        state: State,
        reason: Type.Optional(Type.String({ description: 'ISO 20022 reason code of a rejection' })),
        field: Type.Optional(Type.String()),
        detail: Type.Optional(Type.String()),
      }),
    ),
  },
  { title: 'PaymentsResponse' },
);

export const BusinessDay = Type.Object(
  {
    date: Type.String({ format: 'date' }),
    state: Type.String(),
    opened_at_ns: Ns,
    opened_at: Rfc3339,
    closed_at_ns: Nullable(Ns),
    cutoffs: Type.Record(Type.String(), Ns, { description: 'cut-off per currency (nanoseconds since the epoch)' }),
    warehoused: Type.Integer({ minimum: 0 }),
    released_from_warehouse: Type.Integer({ minimum: 0 }),
  },
  { title: 'BusinessDay' },
);
export const DayClose = Type.Object(
  {
    day: BusinessDay,
    windows_settled: Type.Array(Type.Unknown()),
    rejected_at_close: Type.Integer({ minimum: 0 }),
    warehoused_at_close: Type.Integer({ minimum: 0 }),
    held_at_close: Type.Integer({ minimum: 0 }),
    credit_unrepaid: Type.Array(Type.Unknown()),
    positions: Type.Array(Type.Object({ participant: Bic, currency: Currency, balance_minor: Minor, balance: Major })),
  },
  { title: 'DayClose' },
);

export const Window = Type.Object(
  {
    id: Type.Integer(),
    currency: Currency,
    state: Type.String(),
    opened_at_ns: Ns,
    opened_at: Rfc3339,
    closed_at_ns: Nullable(Ns),
    payments: Type.Integer({ minimum: 0 }),
    net_positions: Type.Array(Type.Object({ participant: Bic, net_minor: Minor, net: Major })),
    defaulters: Type.Array(Type.String()),
  },
  { title: 'SettlementWindow' },
);
export const WindowList = Type.Object({ windows: Type.Array(Window) });

export const LsmRun = Type.Object(
  {
    currency: Currency,
    currencies: Type.Array(Currency),
    queued: Type.Integer({ minimum: 0 }),
    considered: Type.Integer({ minimum: 0 }),
    released: Type.Integer({ minimum: 0 }),
    released_value_minor: Minor,
    released_value: Major,
    released_by_currency: Type.Array(Type.Object({ currency: Currency, released: Type.Integer(), value_minor: Minor, value: Major })),
    method: Type.String(),
  },
  { title: 'LsmRun' },
);
export const Config = Type.Object({ bypass_fifo: Type.Boolean() }, { title: 'Config' });

const RateRow = Type.Object({ currency: Currency, units_per_usd: Type.String(), date: Type.String(), source: Type.String() });
export const ReferenceRates = Type.Object(
  {
    date: Type.String(),
    rates: Type.Array(Type.Union([RateRow, Type.Object({ currency: Currency, error: Type.String() })])),
    cross: Type.Array(
      Type.Union([
        Type.Object({ from: Currency, to: Currency, rate: Type.String({ description: 'exact, as a fraction' }), approx: Type.String() }),
        Type.Object({ from: Currency, to: Currency, error: Type.String() }),
      ]),
    ),
  },
  { title: 'ReferenceRates' },
);
export const RatesImport = Type.Object(
  { file: Type.String(), imported: Type.Integer({ minimum: 0 }), total: Type.Integer({ minimum: 0 }) },
  { title: 'RatesImport' },
);
export const PublishedRate = Type.Object(
  { file: Type.String(), imported: Type.Integer(), total: Type.Integer(), published: Type.Object({ ...RateRow.properties, participant: Bic }) },
  { title: 'PublishedRate' },
);
export const RateAlerts = Type.Object(
  {
    rate_policy: Type.Object({ max_age_business_days: Type.Integer(), extended_age_business_days: Type.Integer(), quote_tolerance_bp: Type.Integer() }),
    alerts: Type.Array(Type.Object({ currency: Currency })),
  },
  { title: 'RateAlerts' },
);
export const Quote = Type.Object(
  { provider: Bic, base: Currency, quote: Currency, expires_at_ns: Ns, expires_at: Rfc3339, tiers: Type.Integer({ minimum: 1 }) },
  { title: 'Quote' },
);
export const QuoteLock = Type.Object(
  {
    quote_id: Type.String(),
    participant: Bic,
    provider: Bic,
    base: Currency,
    quote: Currency,
    amount_minor: Minor,
    price: Type.String({ description: 'QUOTE per BASE, decimal' }),
    expires_at_ns: Ns,
    expires_at: Rfc3339,
  },
  { title: 'QuoteLock' },
);

const CaseSchema = Type.Object(
  {
    id: Type.Integer(),
    uetr: Type.String(),
    opened_at_ns: Ns,
    opened_at: Rfc3339,
    screening: Type.Object({}, { additionalProperties: true, description: 'the screening result that opened the case (score, list version, matches)' }),
    status: Type.Union(['open', 'proposed', 'released', 'rejected'].map((s) => Type.Literal(s))),
    proposal: Nullable(Type.Object({ decision: Type.String(), officer: Type.String(), at_ns: Ns, at: Rfc3339 })),
    decided_by: Type.Array(Type.String()),
    decided_at_ns: Nullable(Ns),
  },
  { title: 'ComplianceCase' },
);
export const CaseList = Type.Object({ cases: Type.Array(CaseSchema), next_cursor: NextCursor });
export const Case = Type.Object({ case: CaseSchema, effective: Type.Boolean(), waiting_for: Type.Optional(Type.String()) }, { title: 'CaseDecision' });

export const AuditList = Type.Object({
  audit: Type.Array(
    Type.Object({ at_ns: Ns, at: Rfc3339, by: Type.String(), action: Type.String(), target: Type.String(), ok: Type.Boolean() }, { title: 'AuditRecord' }),
  ),
  next_cursor: NextCursor,
});

export const LiquidityProposals = Type.Object(
  {
    execution_allowed: Type.Boolean(),
    results: Type.Array(
      Type.Object({
        currency: Currency,
        queued_items: Type.Integer({ minimum: 0 }),
        evaluations: Type.Integer({ minimum: 0 }),
        proposals: Type.Array(Type.Object({}, { additionalProperties: true, description: 'a PvP conversion or swap-line drawing and what it releases' })),
      }),
    ),
  },
  { title: 'LiquidityProposals' },
);

export const User = Type.Object(
  { name: Type.String(), role: Type.Union(ROLES.map((r) => Type.Literal(r))), participant: Nullable(Bic), created_at: Rfc3339, disabled: Type.Boolean() },
  { title: 'User' },
);
export const UserList = Type.Object({ users: Type.Array(User), next_cursor: NextCursor });
export const Key = Type.Object({ key_id: Type.String(), user: Type.String(), created_at: Rfc3339, revoked_at: Nullable(Rfc3339) }, { title: 'ApiKey' });
export const KeyList = Type.Object({ keys: Type.Array(Key), next_cursor: NextCursor });

export const Webhook = Type.Object(
  {
    id: Type.String(),
    participant: Nullable(Bic),
    url: Type.String(),
    created_by: Type.String(),
    created_at_ns: Ns,
    created_at: Rfc3339,
    disabled: Type.Boolean(),
  },
  { title: 'WebhookSubscription' },
);
export const WebhookList = Type.Object({ webhooks: Type.Array(Webhook), next_cursor: NextCursor });
export const WebhookDeliveries = Type.Object(
  {
    id: Type.String(),
    cursor: Type.Integer({ minimum: 0, description: 'the journal sequence of the last event delivered' }),
    log: Type.Array(
      Type.Object({
        seq: Type.Integer(),
        attempt: Type.Integer({ minimum: 1 }),
        at_ns: Ns,
        at: Rfc3339,
        status: Nullable(Type.Integer()),
        ok: Type.Boolean(),
        error: Type.Optional(Type.String()),
        code: Type.Optional(Type.String({ description: 'webhook_target_forbidden: the target was refused, no request was sent' })),
        duration_ms: Type.Integer({ minimum: 0 }),
      }),
    ),
  },
  { title: 'WebhookDeliveries' },
);

/** What a webhook delivery's body is (POSTed to the subscriber, signed). */
export const WebhookDelivery = Type.Object(
  { seq: Type.Integer(), event: Type.Literal('payments'), subscription: Type.String(), changes: Type.Array(PaymentChange) },
  { title: 'WebhookDelivery' },
);

export const Health = Type.Object({ status: Type.Literal('ok') });
export const Readiness = Type.Object({ status: Type.Literal('ready') });
export const OpenApiDocument = Type.Object(
  { openapi: Type.String(), info: Type.Object({ title: Type.String(), version: Type.String() }), paths: Type.Object({}, { additionalProperties: true }) },
  { description: 'an OpenAPI 3.1 document' },
);

export const LiquidityExecution = Type.Object(
  {
    released_payments: Type.Integer({ minimum: 0 }),
    released_value: Type.Array(Type.Object({ currency: Currency, value_minor: Minor })),
  },
  { title: 'LiquidityExecution', description: 'what executing a proposal released (the conversion or drawing it booked is carried beside)' },
);

// The scheme's governance (./governance_routes.ts).
const Member = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166 alpha-2 code of a member state' });
const ProposalState = Type.Union(['open', 'adopted', 'rejected', 'withdrawn'].map((s) => Type.Literal(s)));

export const SchemeVersion = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    adopted_at: Rfc3339,
    effective_date: Nullable(Type.String()),
    in_force: Type.Boolean(),
    document: Type.Object({ version: Type.Optional(Type.Integer()) }, { description: 'the scheme document (docs/governance.md)' }),
  },
  { title: 'SchemeVersion' },
);

export const Proposal = Type.Object(
  {
    id: Type.String({ pattern: '^P-[1-9][0-9]*$' }),
    state: ProposalState,
    title: Type.String(),
    closes_at: Nullable(Rfc3339),
    voters: Type.Array(Member),
    answers: Type.Array(Type.Object({ member: Member, user: Type.String(), answer: Type.String(), reason: Type.String() })),
    reservations: Type.Array(Type.Object({ member: Member, reason: Type.String() })),
  },
  { title: 'SchemeProposal' },
);
export const ProposalList = Type.Object({ proposals: Type.Array(Proposal), next_cursor: NextCursor });

const DaySide = Type.Object({
  settled_count: Type.Integer({ minimum: 0 }),
  rejections_by_reason: Type.Record(Type.String(), Type.Integer({ minimum: 0 })),
  queue_ms: Type.Object({ count: Type.Integer({ minimum: 0 }), median: Nullable(Type.Integer()), p99: Nullable(Type.Integer()) }),
});
export const WhatIf = Type.Object(
  { proposal: Type.String(), day: Type.String(), entries_replayed: Type.Integer({ minimum: 0 }), current: DaySide, proposed: DaySide },
  { title: 'SchemeWhatIf' },
);
export const SchemeAudit = Type.Object(
  {
    in_force: Type.Integer({ minimum: 0 }),
    versions: Type.Array(Type.Object({ version: Type.Integer({ minimum: 1 }), adopted_at: Nullable(Rfc3339) })),
    proposals: Type.Array(Proposal),
    signing_keys: Type.Array(Type.String()),
    trail: Type.Array(Type.Object({ by: Type.String(), action: Type.String(), ok: Type.Boolean() })),
  },
  { title: 'SchemeAudit' },
);

export const CalendarDays = Type.Object(
  {
    currency: Currency,
    from: Type.String({ description: 'YYYY-MM-DD' }),
    to: Type.String({ description: 'YYYY-MM-DD' }),
    days: Type.Array(
      Type.Object({
        date: Type.String(),
        weekday: Type.String(),
        open: Type.Boolean(),
        closed_because: Nullable(Type.String({ description: 'weekend, or the holiday' })),
        half_day: Type.Boolean(),
        hours_local: Type.Array(Type.String({ description: 'HH:MM-HH:MM in the home zone' })),
        hours_utc: Type.Array(Type.String({ description: 'an RFC 3339 UTC interval' })),
        cutoff_local: Nullable(Type.String()),
        cutoff_utc: Nullable(Type.String()),
        holidays_known: Type.Boolean({
          description: 'false outside the calendar’s holidays_from..holidays_through: open unless a weekend, holidays not known',
        }),
      }),
    ),
  },
  { title: 'CalendarDays' },
);
export const Reconciliation = Type.Object(
  {
    central_bank: Bic,
    currency: Currency,
    date: Type.String(),
    time_zone: Type.String({ description: "the zone the day is read in (the currency's home zone, or UTC)" }),
    from: Rfc3339,
    to: Rfc3339,
    mirror_account_id: Id,
    opening_issued_minor: Minor,
    closing_issued_minor: Minor,
    funded_in: Type.Object({ count: Type.Integer({ minimum: 0 }), amount_minor: Minor }),
    defunded_out: Type.Object({ count: Type.Integer({ minimum: 0 }), amount_minor: Minor }),
    other_movements_minor: Minor,
    settlement_accounts_minor: Minor,
    home_mirror_minor: Nullable(Minor),
    differences: Type.Array(Type.Object({ name: Type.String(), amount_minor: Minor, must_be_zero: Type.Boolean() })),
    reconciled: Type.Boolean(),
  },
  { title: 'Reconciliation' },
);
