// The JSON Schemas (TypeBox) of the API's requests: bodies, path parameters and
// query strings. Every object refuses unknown fields; every string and array has
// a limit. The platform checks meaning (participants, amounts, dates); these
// check shape, so a malformed request is refused before it reaches a command.

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { COMMAND_LIMITS } from '../platform/commands.js';
import { isAssignedCountry, participantNameProblem } from '../platform/participant_rules.js';
import { PAYMENT_QUERY_MAX } from '../platform/platform.js';
import { pageQuerySchema, updatedSinceSchema } from './cursors.js';

const strict = { additionalProperties: false } as const;

/**
 * String formats beyond JSON Schema's, checked by the platform's own rules so the
 * API refuses at its edge, with the code the platform would use (invalid_field),
 * what a command under rules 3 would refuse (src/platform/participant_rules.ts).
 */
export const API_FORMATS: Record<string, (value: string) => boolean> = {
  'participant-name': (v) => participantNameProblem(v) === null,
  'country-code': isAssignedCountry,
};

export const Bic = Type.String({ minLength: 8, maxLength: 11, pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$', description: 'BIC (ISO 9362)' });
export const Currency = Type.String({ minLength: 3, maxLength: 3, pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });
/**
 * Financing and FX amounts (collateral values, credit and swap drawings, quote
 * tiers, quote locks): only the length is checked here; the platform reads them
 * with the payments' grammar (src/platform/amounts.ts) and names the rule a bad
 * one breaks, as it does for a payment's amount.
 */
export const Amount = Type.String({
  maxLength: 40,
  description:
    "decimal string in major units of the currency named beside it: digits, optionally a point and at most the currency's minor-unit digits; no sign or exponent; at most 18 digits in minor units",
});
export const Uetr = Type.String({ minLength: 36, maxLength: 36, description: 'UUID v4, lower case' });
const Text = (max: number = COMMAND_LIMITS.string_max) => Type.String({ maxLength: max });

export const Party = Type.Object(
  { name: Text(), country: Type.Optional(Type.String({ maxLength: 2 })), address: Type.Optional(Text(COMMAND_LIMITS.text_max)) },
  strict,
);

export const PaymentIn = Type.Object(
  {
    uetr: Type.String({ maxLength: 36 }),
    end_to_end_id: Type.String({ maxLength: 35 }),
    payer: Type.String({ maxLength: 11 }),
    payee: Type.String({ maxLength: 11 }),
    currency: Type.String({ maxLength: 3 }),
    amount: Type.String({ maxLength: 40 }),
    payee_currency: Type.Optional(Type.String({ maxLength: 3 })),
    value_date: Type.Optional(Type.String({ maxLength: 10 })),
    priority: Type.Optional(Type.Union([Type.Literal('urgent'), Type.Literal('normal')])),
    settlement: Type.Optional(Type.Union([Type.Literal('rtgs'), Type.Literal('dns')])),
    fx_provider: Type.Optional(Type.String({ maxLength: 11 })),
    quote_id: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'a locked quote (POST /v1/quotes/lock) for a PvP payment' })),
    purpose: Type.Optional(Type.String({ maxLength: 35 })),
    remittance: Type.Optional(Text(COMMAND_LIMITS.text_max)),
    debtor: Type.Optional(Party),
    creditor: Type.Optional(Party),
    message: Type.Optional(Type.String({ maxLength: 15 })),
    settle_by: Type.Optional(
      Type.String({
        maxLength: 35,
        description:
          'reject if not settled by this time (ISO 8601 date-time with a zone, e.g. 2025-09-01T15:00:00Z); without it a payment that misses the day is warehoused to the next business day',
      }),
    ),
  },
  { ...strict, title: 'PaymentInstruction' },
);

export const PaymentBatchIn = Type.Object(
  { payments: Type.Array(PaymentIn, { minItems: 1, maxItems: COMMAND_LIMITS.payments_per_command_max }) },
  { ...strict, title: 'PaymentBatch' },
);

/**
 * One payment, or a batch under "payments", told apart by the "payments" field
 * before either is checked (if/then/else, not anyOf: a union reports the first
 * branch's complaint, "must have required property 'payments'", for a bad field
 * of a single payment).
 */
export const PaymentsBody = Type.Unsafe<Static<typeof PaymentBatchIn> | Static<typeof PaymentIn>>({
  title: 'PaymentsBody',
  description: 'one payment, or a batch under "payments"',
  type: 'object',
  if: { type: 'object', required: ['payments'] },
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else; this object is a schema, never awaited
  then: PaymentBatchIn,
  else: PaymentIn,
});

export const PaymentResult = Type.Object({
  uetr: Type.Union([Type.String(), Type.Null()]),
  state: Type.String(),
  reason: Type.Optional(Type.String()),
  field: Type.Optional(Type.String()),
  detail: Type.Optional(Type.String()),
});
export const PaymentsResponse = Type.Object({ payments: Type.Array(PaymentResult) });

export const RegisterParticipantBody = Type.Object(
  {
    id: Bic,
    kind: Type.Union([Type.Literal('central_bank'), Type.Literal('bank'), Type.Literal('liquidity_provider')]),
    name: Type.String({ minLength: 1, maxLength: COMMAND_LIMITS.string_max, format: 'participant-name' }),
    country: Type.String({ minLength: 2, maxLength: 2, format: 'country-code' }),
    currencies: Type.Array(Currency, { minItems: 1, maxItems: 10 }),
  },
  strict,
);

/** Funding and defunding amounts: the platform reads them (src/platform/amounts.ts) and names the rule a bad one breaks. */
const FundingAmount = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^[0-9]+(\\.[0-9]+)?$',
  description: 'decimal string in major units of the currency named beside it',
});
export const FundingBody = Type.Object({ currency: Currency, amount: FundingAmount }, strict);
export const ReasonBody = Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 4, pattern: '^[A-Z0-9]{1,4}$' })) }, strict);
export const EmptyBody = Type.Object({}, strict);
export const OpenDayBody = Type.Object(
  {
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    cutoffs: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Z]{3}$' }), Type.String({ pattern: '^\\d{2}:\\d{2}$' }), { maxProperties: 20 })),
    default_cutoff: Type.Optional(Type.String({ pattern: '^\\d{2}:\\d{2}$' })),
  },
  strict,
);
export const RatesBody = Type.Object(
  {
    file: Type.String({ minLength: 1, maxLength: COMMAND_LIMITS.text_max }),
    rows: Type.Array(
      Type.Object(
        {
          currency: Currency,
          units_per_usd: Type.String({ minLength: 1, maxLength: 60 }),
          date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
          source: Type.String({ minLength: 1, maxLength: COMMAND_LIMITS.text_max }),
        },
        strict,
      ),
      { minItems: 1, maxItems: COMMAND_LIMITS.rate_rows_max },
    ),
  },
  strict,
);
export const CollateralBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1, maxLength: COMMAND_LIMITS.string_max }),
          kind: Type.String({ minLength: 1, maxLength: 40 }),
          currency: Type.String({ minLength: 3, maxLength: 3 }),
          market_value: Amount,
          haircut_bp: Type.Integer({ minimum: 0, maximum: 10_000 }),
        },
        strict,
      ),
      { maxItems: COMMAND_LIMITS.collateral_items_max },
    ),
    auto_draw: Type.Optional(Type.Boolean()),
  },
  strict,
);
export const DrawBody = Type.Object({ amount: Amount }, strict);
const Price = Type.String({ minLength: 1, maxLength: 40, pattern: '^[0-9]{1,20}(\\.[0-9]{1,18})?$', description: 'QUOTE per BASE, decimal' });
export const QuoteBody = Type.Object(
  {
    provider: Type.String({ minLength: 8, maxLength: 11 }),
    base: Currency,
    quote: Currency,
    valid_s: Type.Integer({ minimum: 1, maximum: 86_400 }),
    tiers: Type.Array(Type.Object({ min: Amount, max: Amount, bid: Price, ask: Price }, strict), { minItems: 1, maxItems: 16 }),
  },
  strict,
);
/** One reference rate a central bank publishes for its currency (rules 3). */
export const PublishRateBody = Type.Object(
  {
    units_per_usd: Type.String({
      minLength: 1,
      maxLength: 60,
      pattern: '^[0-9]{1,30}(\\.[0-9]{1,28})?$',
      description: 'units of the currency per 1 USD, decimal',
    }),
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'the business day the rate is for (YYYY-MM-DD)' }),
    source: Type.String({ minLength: 1, maxLength: COMMAND_LIMITS.text_max, description: 'where the figure comes from' }),
  },
  strict,
);
export const QuoteLockBody = Type.Object(
  {
    base: Currency,
    quote: Currency,
    amount: Amount,
    participant: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: COMMAND_LIMITS.string_max,
        description: "the participant taking the lock (a bank's own users: themselves only; the operator must name one)",
      }),
    ),
  },
  strict,
);
export const DecisionBody = Type.Object(
  { decision: Type.Union([Type.Literal('release'), Type.Literal('reject')]), note: Type.Optional(Type.String({ maxLength: COMMAND_LIMITS.text_max })) },
  strict,
);
export const ConfigBody = Type.Object({ bypass_fifo: Type.Boolean() }, strict);

export const IdParams = Type.Object({ id: Bic }, strict);
export const UetrParams = Type.Object({ uetr: Uetr }, strict);
export const CurrencyParams = Type.Object({ currency: Currency }, strict);
export const FacilityParams = Type.Object({ id: Bic, currency: Currency }, strict);
export const CaseParams = Type.Object({ case_id: Type.String({ pattern: '^[1-9][0-9]{0,8}$', description: 'case number' }) }, strict);

/** Query strings are not type-coerced (so bodies are not either): counts are digit strings. */
const Limit = (max: number) => Type.String({ pattern: '^[1-9][0-9]{0,4}$', description: `1..${max}` });

export const PaymentsQuery = Type.Object(
  {
    state: Type.Optional(
      Type.Union(
        ['received', 'validated', 'screened', 'held', 'queued', 'warehoused', 'settled', 'rejected', 'cancelled', 'returned'].map((s) => Type.Literal(s)),
      ),
    ),
    currency: Type.Optional(Currency),
    counterparty: Type.Optional(Bic),
    end_to_end_id: Type.Optional(Type.String({ minLength: 1, maxLength: 35 })),
    limit: Type.Optional(Limit(PAYMENT_QUERY_MAX)),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9_-]+$', description: 'next_cursor of the previous page' })),
    updated_since: Type.Optional(
      Type.String({
        maxLength: 40,
        pattern: '^([0-9]{1,20}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}))$',
        description: 'only payments whose state changed at or after this time (RFC 3339, or nanoseconds since the epoch)',
      }),
    ),
  },
  strict,
);
export const WindowsQuery = Type.Object(
  { currency: Type.Optional(Currency), state: Type.Optional(Type.String({ maxLength: 10 })), limit: Type.Optional(Limit(10_000)) },
  strict,
);
export const CasesQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(['open', 'proposed', 'released', 'rejected'].map((s) => Type.Literal(s)))),
    ...pageQuerySchema(10_000, 100),
    updated_since: updatedSinceSchema('cases opened, proposed or decided'),
  },
  strict,
);
export const AuditQuery = Type.Object(
  {
    by: Type.Optional(Type.String({ maxLength: 140 })),
    action: Type.Optional(Type.String({ maxLength: 40 })),
    ...pageQuerySchema(10_000, 100),
    updated_since: updatedSinceSchema('commands run'),
  },
  strict,
);
/** A list route's query with only its page (./cursors.ts). */
export const PageOnlyQuery = (limit_max: number, limit_default: number) => Type.Object(pageQuerySchema(limit_max, limit_default), strict);
export const RatesQuery = Type.Object({ date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }, strict);
export const NoQuery = Type.Object({}, strict);

export const ErrorSchema = Type.Object({ code: Type.String(), message: Type.String(), path: Type.String() }, { title: 'Error' });

export type Schema = TSchema;
export type { Static };

/** GET /v1/events: resume after this event id (a journal sequence); the Last-Event-ID header does the same. */
export const EventsQuery = Type.Object(
  { after: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,15})$', description: 'the id of the last event seen (a journal sequence)' })) },
  strict,
);
