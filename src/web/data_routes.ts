// The dashboard's authenticated, read-only data routes beyond src/api, on the
// same server and behind the same guard (src/http/guard.ts: `config.roles`,
// scopes from src/http/access.ts, data outside the caller's scope answered 404):
//   GET /v1/dashboard/currencies          the ISO 4217 table the platform uses
//   GET /v1/dashboard/overview            the business day at a glance (scoped)
//   GET /v1/dashboard/history             a currency's business day from the store's history
//                                         (./history.ts): queue, settled, balances over time
//   GET /v1/participants/:id/statement    camt.053 of an account for a date
//   GET /v1/payments/:uetr/messages       a payment's pacs.008 and pacs.002s (as the caller may see
//                                         them: src/http/payment_view.ts)

import type { FastifyInstance, FastifyReply } from 'fastify';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { bigintJson, type Platform } from '../platform/platform.js';
import { CURRENCIES } from '../platform/reference.js';
import { seesCurrency, seesParticipant, seesPayment, type Scope } from '../http/access.js';
import { ApiError, notFound } from '../http/errors.js';
import { callerOf } from '../http/guard.js';
import { paymentSeenBy } from '../http/payment_view.js';
import { withUnits } from '../http/units.js';
import type { RouteDoc } from '../http/route_doc.js';
import { ACCOUNT_READERS, EVERY_ROLE, type Role } from '../http/roles.js';
import { ReportError, statementXml } from '../iso20022/reports.js';
import { dayHistory } from './history.js';
import { paymentMessages } from './messages.js';
import { overview } from './overview.js';

const OVERVIEW: readonly Role[] = ['operator', 'central_bank', 'auditor'];

const strict = { additionalProperties: false } as const;
const NoQuery = Type.Object({}, strict);
const StatementParams = Type.Object({ id: Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$' }) }, strict);
const StatementQuery = Type.Object({ currency: Type.String({ pattern: '^[A-Z]{3}$' }), date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }, strict);
const MessagesParams = Type.Object({ uetr: Type.String({ minLength: 36, maxLength: 36 }) }, strict);

// What the routes answer, for the OpenAPI document (src/http/route_doc.ts). The
// dashboard's shapes change with it, so they are described by their top level.
const Minor = Type.String({ pattern: '^-?[0-9]+$', description: 'integer in minor units' });
const CurrenciesBody = Type.Object({
  currencies: Type.Array(
    Type.Object({ code: Type.String(), numeric: Type.Integer(), minor_units: Type.Integer({ minimum: 0 }), name: Type.String(), sco_member: Type.Boolean() }),
  ),
});
const Rows = (what: string) => Type.Array(Type.Object({}, { additionalProperties: true }), { description: what });
const OverviewBody = Type.Object({
  now_ns: Type.String({ pattern: '^[0-9]+$' }),
  scope: Type.Object({ currency: Type.Union([Type.String(), Type.Null()]), participant: Type.Union([Type.String(), Type.Null()]) }),
  day: Type.Union([
    Type.Object({ date: Type.String(), state: Type.String(), opened_at_ns: Type.String(), cutoffs: Type.Record(Type.String(), Type.String()) }),
    Type.Null(),
  ]),
  queue: Type.Unknown({ description: 'RTGS queue depth and value per currency' }),
  lsm_runs: Rows('the latest liquidity-saving runs'),
  windows: Rows('the latest settlement windows'),
  liquidity: Rows('balances and credit per participant and currency'),
  facilities: Rows('intraday credit facilities in use'),
  swap_lines: Rows('central-bank swap lines'),
  issued: Rows('money issued and held per currency'),
  cases: Type.Unknown({ description: 'open compliance cases' }),
});
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const HistoryQuery = Type.Object({ currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })) }, strict);
const HistoryBody = Type.Object({
  currency: Nullable(Type.String()),
  currencies: Type.Array(Type.String(), { description: 'the currencies the caller may chart' }),
  time_zone: Nullable(Type.String({ description: "the currency's home zone (IANA)" })),
  business_date: Nullable(Type.String()),
  on_calendar: Type.Boolean(),
  from_ns: Nullable(Type.String({ pattern: '^[0-9]+$', description: 'start of the business day (ns since the epoch, UTC)' })),
  to_ns: Nullable(Type.String({ pattern: '^[0-9]+$', description: 'end of the business day, null while the platform day is open' })),
  now_ns: Type.String({ pattern: '^[0-9]+$' }),
  times: Type.Array(Type.Number({ description: 'milliseconds since the epoch' })),
  queue: Type.Object({ depth: Type.Array(Type.Integer()), value_minor: Type.Array(Minor) }),
  settled: Type.Object({ count: Type.Array(Type.Integer()), value_minor: Type.Array(Minor) }),
  balances: Type.Record(Type.String(), Type.Array(Minor), { description: 'posted settlement-account balance per participant' }),
});
const MessagesBody = Type.Object({
  uetr: Type.String(),
  state: Type.String(),
  messages: Type.Array(Type.Object({ name: Type.String(), file: Type.String(), xml: Type.String() })),
});

function doc(operationId: string, summary: string, schema: RouteDoc['responses'][number]['schema'], content_type?: string): RouteDoc {
  return { operationId, tag: 'dashboard', summary, responses: { 200: { schema, ...(content_type !== undefined ? { content_type } : {}) } } };
}

function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply
    .type('application/json')
    .header('cache-control', 'no-store')
    .send(JSON.stringify(withUnits(body), bigintJson));
}

const STATEMENT_ROUTE = {
  config: {
    roles: ACCOUNT_READERS,
    doc: doc(
      'getStatement',
      'camt.053 statement of an account for a date (ISO 20022 XML download)',
      { type: 'string', description: 'a camt.053.001 document' },
      'application/xml',
    ),
  },
  schema: { params: StatementParams, querystring: StatementQuery },
};
const MESSAGES_ROUTE = {
  config: { roles: EVERY_ROLE, doc: doc('getPaymentMessages', "A payment's pacs.008 and pacs.002 messages as the caller may see them", MessagesBody) },
  schema: { params: MessagesParams, querystring: NoQuery },
};

/** camt.053 of a participant's account in a currency for a date, as the caller may see it. */
async function statement(
  platform: Platform,
  req: { params: Static<typeof StatementParams>; query: Static<typeof StatementQuery> },
  scope: Scope,
): Promise<string> {
  const { id } = req.params;
  const { currency, date } = req.query;
  const p = platform.participant(id);
  if (p === undefined || !seesParticipant(scope, p)) throw notFound(`participant ${id}`, 'id');
  if (!seesCurrency(scope, currency) || !p.currencies.includes(currency)) throw notFound(`${currency} account of ${id}`, 'query.currency');
  try {
    return await statementXml(platform, id, currency, date);
  } catch (err) {
    if (err instanceof ReportError)
      throw new ApiError(
        err.code === 'invalid_date' ? 400 : 404,
        err.code === 'invalid_date' ? 'invalid_field' : 'not_found',
        err.message,
        `query.${err.field}`,
      );
    throw err;
  }
}

/** Registers the data routes. */
export function registerDataRoutes(app: FastifyInstance, platform: Platform): void {
  app.get(
    '/v1/dashboard/currencies',
    { config: { roles: EVERY_ROLE, doc: doc('listCurrencies', 'The ISO 4217 table the platform uses', CurrenciesBody) }, schema: { querystring: NoQuery } },
    async (_req, reply) =>
      sendJson(reply, {
        currencies: [...CURRENCIES.values()].map((c) => ({
          code: c.code,
          numeric: c.numeric,
          minor_units: c.minor_units,
          name: c.name,
          sco_member: c.sco_member,
        })),
      }),
  );

  app.get(
    '/v1/dashboard/overview',
    { config: { roles: OVERVIEW, doc: doc('getOverview', 'The business day at a glance (scoped)', OverviewBody) }, schema: { querystring: NoQuery } },
    async (req, reply) => sendJson(reply, overview(platform, callerOf(req).scope)),
  );

  app.get(
    '/v1/dashboard/history',
    {
      config: {
        roles: OVERVIEW,
        doc: doc('getHistory', "A currency's business day from the store's history: queue, settled and balances over time", HistoryBody),
      },
      schema: { querystring: HistoryQuery },
    },
    async (req, reply) => sendJson(reply, await dayHistory(platform, callerOf(req).scope, (req.query as Static<typeof HistoryQuery>).currency)),
  );

  app.get<{ Params: Static<typeof StatementParams>; Querystring: Static<typeof StatementQuery> }>(
    '/v1/participants/:id/statement',
    STATEMENT_ROUTE,
    async (req, reply) => {
      const { id } = req.params;
      const { currency, date } = req.query;
      const xml = await statement(platform, req, callerOf(req).scope);
      return reply
        .type('application/xml; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="camt.053-${id}-${currency}-${date}.xml"`)
        .send(xml);
    },
  );

  app.get<{ Params: Static<typeof MessagesParams> }>('/v1/payments/:uetr/messages', MESSAGES_ROUTE, async (req, reply) => {
    const { uetr } = req.params;
    const p = platform.payment(uetr);
    const { user, scope } = callerOf(req);
    if (p === undefined || !seesPayment(scope, p)) throw notFound(`payment ${uetr}`, 'uetr');
    // A bank's download tells a hold, or a rejection at the close while held, without the case.
    const seen = paymentSeenBy({ scope, user_name: user.name }, p);
    return sendJson(reply, { uetr, state: p.state, messages: paymentMessages(platform, seen) });
  });
}
