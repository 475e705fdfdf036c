// The API's routes: each declares its method and path, the roles that may call
// it, its request schemas (validated by fastify, published in the OpenAPI
// document) and a handler over the platform facade (./route.ts types them).
// Handlers see the caller's scope (src/http/access.ts) and answer data outside it
// as 404. Every write goes through platform.execute with the user's name as `by`,
// so it is journaled and audited. Payment routes are in ./payment_routes.ts.

import * as R from './responses.js';
import type { ComplianceCase } from '../platform/types.js';
import {
  type AuditRecord,
  caseView,
  dayView,
  DEFAULT_QUOTE_LOCK_SECONDS,
  facilityView,
  participantView,
  QuoteLockLimitError,
  windowView,
} from '../platform/platform.js';
import { seesCurrency, seesParticipant } from '../http/access.js';
import { ApiError, notFound } from '../http/errors.js';
import { ACCOUNT_READERS, EVERY_ROLE, OPERATOR_ONLY } from '../http/roles.js';
import { CALENDAR_ROUTES } from './calendar_routes.js';
import { LIQUIDITY_ROUTES } from './liquidity_routes.js';
import { RECONCILIATION_ROUTES } from './reconciliation_routes.js';
import { instantNs, PAYMENT_ROUTES } from './payment_routes.js';
import { newestFirstPage, oldestFirstPage } from './cursors.js';
import { USER_ROUTES } from './user_routes.js';
import { WEBHOOK_ROUTES } from './webhook_routes.js';
import { GOVERNANCE_ROUTES } from './governance_routes.js';
import { submitFundingXml } from './iso_submit.js';
import { BODY_LIMIT_BATCH, exec, forbidden, limitOf, mayActFor, route, visibleParticipant, type AnyContext, type RouteDef, type RouteResult } from './route.js';
import * as S from './schemas.js';

export { BODY_LIMIT_BATCH, BODY_LIMIT_DEFAULT, type RouteContext, type RouteDef, type RouteResult } from './route.js';

const PARTICIPANT_ROUTES: RouteDef[] = [
  route({
    method: 'GET',
    url: '/v1/me',
    operationId: 'getMe',
    tag: 'auth',
    summary: 'The authenticated user',
    roles: EVERY_ROLE,
    query: S.NoQuery,
    responses: { 200: R.Me },
    handler: (ctx) => ({ status: 200, body: { name: ctx.user.name, role: ctx.user.role, participant: ctx.user.participant } }),
  }),
  // participants
  route({
    method: 'GET',
    url: '/v1/participants',
    operationId: 'listParticipants',
    tag: 'participants',
    summary: "Participants (those in the caller's scope)",
    roles: EVERY_ROLE,
    query: S.PageOnlyQuery(10_000, 1_000),
    responses: { 200: R.ParticipantList },
    handler: (ctx) => {
      const page = oldestFirstPage(ctx.platform.participants(), ctx.query, PARTICIPANT_PAGES, (p) => seesParticipant(ctx.scope, p));
      return { status: 200, body: { participants: page.items.map(participantView), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'GET',
    url: '/v1/participants/:id',
    operationId: 'getParticipant',
    tag: 'participants',
    summary: 'One participant',
    roles: EVERY_ROLE,
    params: S.IdParams,
    query: S.NoQuery,
    responses: { 200: R.Participant },
    handler: (ctx) => ({ status: 200, body: participantView(visibleParticipant(ctx, ctx.params.id)) }),
  }),
  route({
    method: 'POST',
    url: '/v1/participants',
    operationId: 'registerParticipant',
    tag: 'participants',
    summary: 'Register a participant (opens its accounts)',
    roles: OPERATOR_ONLY,
    body: S.RegisterParticipantBody,
    responses: { 201: R.Participant },
    handler: (ctx) => exec(ctx, { type: 'register_participant', ...ctx.body }, 201),
  }),
  route({
    method: 'GET',
    url: '/v1/participants/:id/balances',
    operationId: 'getBalances',
    tag: 'participants',
    summary: 'Balances of a participant per currency (minor units)',
    roles: ACCOUNT_READERS,
    params: S.IdParams,
    query: S.NoQuery,
    responses: { 200: R.Balances },
    handler: (ctx) => {
      const p = visibleParticipant(ctx, ctx.params.id);
      return { status: 200, body: { participant: p.id, balances: ctx.platform.balances(p.id).filter((b) => seesCurrency(ctx.scope, b.currency)) } };
    },
  }),
  route({
    method: 'POST',
    url: '/v1/participants/:id/funding',
    operationId: 'fundAccount',
    tag: 'liquidity',
    summary: 'Fund a settlement account from the central bank (JSON; or a camt.050.001.05 liquidity transfer as application/xml, answered by a pacs.002)',
    roles: ['operator', 'central_bank'],
    params: S.IdParams,
    body: S.FundingBody,
    responses: { 200: R.FundingResult },
    handler: (ctx) => {
      mayActFor(ctx, ctx.params.id, ctx.body.currency);
      return exec(ctx, { type: 'fund', participant: ctx.params.id, currency: ctx.body.currency, amount: ctx.body.amount });
    },
    xml: (ctx) => submitFundingXml(ctx, ctx.params.id, ctx.body),
  }),
  route({
    method: 'POST',
    url: '/v1/participants/:id/defunding',
    operationId: 'defundAccount',
    tag: 'liquidity',
    summary: 'Return settlement money to the central bank',
    roles: ['operator', 'central_bank'],
    params: S.IdParams,
    body: S.FundingBody,
    responses: { 200: R.FundingResult },
    handler: (ctx) => {
      mayActFor(ctx, ctx.params.id, ctx.body.currency);
      return exec(ctx, { type: 'defund', participant: ctx.params.id, currency: ctx.body.currency, amount: ctx.body.amount });
    },
  }),
  // financing
  route({
    method: 'GET',
    url: '/v1/participants/:id/facilities',
    operationId: 'listFacilities',
    tag: 'financing',
    summary: 'Intraday credit facilities and their collateral',
    roles: ACCOUNT_READERS,
    params: S.IdParams,
    query: S.NoQuery,
    responses: { 200: R.FacilityList },
    handler: (ctx) => {
      const p = visibleParticipant(ctx, ctx.params.id);
      const out = [];
      for (const f of ctx.platform.facilities()) {
        if (f.participant !== p.id || !seesCurrency(ctx.scope, f.currency)) continue;
        out.push({ ...(facilityView(f) as object), collateral: ctx.platform.collateral(p.id, f.currency) });
      }
      return { status: 200, body: { participant: p.id, facilities: out } };
    },
  }),
  route({
    method: 'POST',
    url: '/v1/participants/:id/facilities/:currency',
    operationId: 'setCollateral',
    tag: 'financing',
    summary: 'Set the collateral (and so the credit line) of a facility',
    roles: ['operator', 'central_bank'],
    params: S.FacilityParams,
    body: S.CollateralBody,
    responses: { 200: R.CollateralResult },
    handler: (ctx) => {
      mayActFor(ctx, ctx.params.id, ctx.params.currency);
      return exec(ctx, {
        type: 'set_collateral',
        participant: ctx.params.id,
        currency: ctx.params.currency,
        items: ctx.body.items,
        auto_draw: ctx.body.auto_draw ?? true,
      });
    },
  }),
  route({
    method: 'POST',
    url: '/v1/participants/:id/facilities/:currency/draw',
    operationId: 'drawCredit',
    tag: 'financing',
    summary: 'Draw intraday credit',
    roles: ['operator', 'central_bank', 'participant', 'liquidity_provider'],
    params: S.FacilityParams,
    body: S.DrawBody,
    responses: { 200: R.DrawResult },
    handler: (ctx) => {
      mayActFor(ctx, ctx.params.id, ctx.params.currency);
      return exec(ctx, { type: 'draw_credit', participant: ctx.params.id, currency: ctx.params.currency, amount: ctx.body.amount });
    },
  }),
];

const DAY_AND_SETTLEMENT_ROUTES: RouteDef[] = [
  // business day
  route({
    method: 'GET',
    url: '/v1/day',
    operationId: 'getBusinessDay',
    tag: 'business day',
    summary: 'The current (or last) business day',
    roles: EVERY_ROLE,
    query: S.NoQuery,
    responses: { 200: R.BusinessDay },
    handler: (ctx) => {
      const d = ctx.platform.businessDay();
      if (d === null) throw notFound('business day yet');
      return { status: 200, body: dayView(d) };
    },
  }),
  route({
    method: 'POST',
    url: '/v1/day/open',
    operationId: 'openBusinessDay',
    tag: 'business day',
    summary: 'Open a business day with its cut-offs',
    roles: OPERATOR_ONLY,
    body: S.OpenDayBody,
    responses: { 200: R.BusinessDay },
    handler: (ctx) => exec(ctx, { type: 'open_day', ...ctx.body }),
  }),
  route({
    method: 'POST',
    url: '/v1/day/close',
    operationId: 'closeBusinessDay',
    tag: 'business day',
    summary: 'Close the business day (settles windows, rejects what is queued, repays credit)',
    roles: OPERATOR_ONLY,
    body: S.EmptyBody,
    responses: { 200: R.DayClose },
    handler: (ctx) => exec(ctx, { type: 'close_day' }),
  }),
  // settlement windows, LSM, config
  route({
    method: 'GET',
    url: '/v1/windows',
    operationId: 'listWindows',
    tag: 'settlement',
    summary: 'Settlement windows, newest first',
    roles: ['operator', 'central_bank', 'auditor'],
    query: S.WindowsQuery,
    responses: { 200: R.WindowList },
    handler: (ctx) => {
      const q = ctx.query;
      const out: unknown[] = [];
      const ws = ctx.platform.windows();
      for (let i = ws.length - 1; i >= 0 && out.length < limitOf(q.limit, 10_000); i--) {
        const w = ws[i]!;
        if (!seesCurrency(ctx.scope, w.currency) || (q.currency !== undefined && w.currency !== q.currency) || (q.state !== undefined && w.state !== q.state))
          continue;
        out.push(windowView(w));
      }
      return { status: 200, body: { windows: out } };
    },
  }),
  route({
    method: 'POST',
    url: '/v1/windows/:currency/open',
    operationId: 'openWindow',
    tag: 'settlement',
    summary: 'Open a deferred net settlement window',
    roles: OPERATOR_ONLY,
    params: S.CurrencyParams,
    body: S.EmptyBody,
    responses: { 201: R.Window },
    handler: (ctx) => exec(ctx, { type: 'open_window', currency: ctx.params.currency }, 201),
  }),
  route({
    method: 'POST',
    url: '/v1/windows/:currency/close',
    operationId: 'closeWindow',
    tag: 'settlement',
    summary: 'Close and settle the open window of a currency',
    roles: OPERATOR_ONLY,
    params: S.CurrencyParams,
    body: S.EmptyBody,
    responses: { 200: R.Window },
    handler: (ctx) => exec(ctx, { type: 'close_window', currency: ctx.params.currency }),
  }),
  route({
    method: 'POST',
    url: '/v1/lsm/:currency/run',
    operationId: 'runLsm',
    tag: 'settlement',
    summary: "Run the liquidity-saving mechanism on a currency's queue",
    roles: ['operator', 'central_bank'],
    params: S.CurrencyParams,
    body: S.EmptyBody,
    responses: { 200: R.LsmRun },
    handler: (ctx) => {
      if (!seesCurrency(ctx.scope, ctx.params.currency)) throw forbidden('a central bank runs the LSM of its own currency only', 'currency');
      return exec(ctx, { type: 'run_lsm', currency: ctx.params.currency });
    },
  }),
  route({
    method: 'POST',
    url: '/v1/config',
    operationId: 'setConfig',
    tag: 'settlement',
    summary: 'Scheme settings (queue bypass)',
    roles: OPERATOR_ONLY,
    body: S.ConfigBody,
    responses: { 200: R.Config },
    handler: (ctx) => exec(ctx, { type: 'set_config', bypass_fifo: ctx.body.bypass_fifo }),
  }),
];

const FX_COMPLIANCE_AUDIT_ROUTES: RouteDef[] = [
  // FX rates
  route({
    method: 'GET',
    url: '/v1/rates',
    operationId: 'getRates',
    tag: 'fx',
    summary: 'Reference rates in force and their cross rates',
    roles: EVERY_ROLE,
    query: S.RatesQuery,
    responses: { 200: R.ReferenceRates },
    handler: (ctx) => ({ status: 200, body: ctx.platform.referenceRates(ctx.query.date) }),
  }),
  route({
    method: 'POST',
    url: '/v1/quotes',
    operationId: 'publishQuote',
    tag: 'fx',
    summary: "Publish (or replace) a liquidity provider's tiered quote for BASE/QUOTE",
    roles: ['operator', 'liquidity_provider'],
    body: S.QuoteBody,
    responses: { 200: R.Quote },
    handler: (ctx) => {
      mayActFor(ctx, ctx.body.provider, ctx.body.base);
      return exec(ctx, {
        type: 'publish_quote',
        provider: ctx.body.provider,
        base: ctx.body.base,
        quote: ctx.body.quote,
        tiers: ctx.body.tiers,
        valid_s: ctx.body.valid_s,
      });
    },
  }),
  route({
    method: 'POST',
    url: '/v1/quotes/lock',
    operationId: 'lockQuote',
    tag: 'fx',
    summary: 'Lock the best live quote covering a conversion (a PvP payment then names its quote_id)',
    roles: ['operator', 'participant', 'liquidity_provider'],
    body: S.QuoteLockBody,
    responses: { 200: R.QuoteLock },
    handler: (ctx) => {
      // A bank's users lock for their own participant only (another is answered as unknown); the operator names one.
      const own = ctx.scope.kind === 'participant' ? ctx.scope.id : undefined;
      if (own !== undefined && ctx.body.participant !== undefined && ctx.body.participant !== own)
        throw notFound(`participant ${ctx.body.participant}`, 'participant');
      const participant = own ?? ctx.body.participant;
      if (participant === undefined) throw new ApiError(400, 'invalid_field', 'name the participant taking the lock', 'participant');
      return lockExec(ctx, { type: 'lock_quote', base: ctx.body.base, quote: ctx.body.quote, amount: ctx.body.amount, participant });
    },
  }),
  route({
    method: 'POST',
    url: '/v1/rates/:currency',
    operationId: 'publishReferenceRate',
    tag: 'fx',
    summary: "A central bank publishes its currency's reference rate for a business day (the operator may, for it)",
    roles: ['operator', 'central_bank'],
    params: S.CurrencyParams,
    body: S.PublishRateBody,
    responses: { 200: R.PublishedRate },
    handler: (ctx) => {
      const currency = ctx.params.currency;
      if (!seesCurrency(ctx.scope, currency)) throw forbidden('a central bank publishes the rate of its own currency only', 'currency');
      const issuer = ctx.scope.kind === 'currency' ? ctx.scope.id : ctx.platform.participants().find((p) => p.issues === currency)?.id;
      if (issuer === undefined) throw notFound(`central bank of ${currency}`, 'currency');
      return exec(ctx, { type: 'publish_reference_rate', participant: issuer, currency, ...ctx.body });
    },
  }),
  route({
    method: 'GET',
    url: '/v1/rates/alerts',
    operationId: 'listRateAlerts',
    tag: 'fx',
    summary: 'Operator alerts about stale reference rates, oldest first (a central bank sees its currency only)',
    roles: ['operator', 'central_bank', 'auditor'],
    query: S.NoQuery,
    responses: { 200: R.RateAlerts },
    handler: (ctx) => ({
      status: 200,
      body: { rate_policy: ctx.platform.ratePolicy(), alerts: ctx.platform.rateAlerts().filter((a) => seesCurrency(ctx.scope, a.currency)) },
    }),
  }),
  route({
    method: 'POST',
    url: '/v1/rates',
    operationId: 'importRates',
    tag: 'fx',
    summary: 'Import reference-rate rows',
    roles: OPERATOR_ONLY,
    body: S.RatesBody,
    bodyLimit: BODY_LIMIT_BATCH,
    responses: { 200: R.RatesImport },
    handler: (ctx) => exec(ctx, { type: 'import_rates', file: ctx.body.file, rows: ctx.body.rows }),
  }),
  // compliance
  route({
    method: 'GET',
    url: '/v1/cases',
    operationId: 'listCases',
    tag: 'compliance',
    summary: 'Compliance cases, newest first',
    roles: ['operator', 'compliance', 'auditor'],
    query: S.CasesQuery,
    responses: { 200: R.CaseList },
    handler: (ctx) => {
      const q = ctx.query;
      const since = q.updated_since === undefined ? undefined : instantNs(q.updated_since, 'query.updated_since');
      const keep = (c: ComplianceCase): boolean => (q.status === undefined || c.status === q.status) && (since === undefined || caseChangedAt(c) >= since);
      const page = newestFirstPage(ctx.platform.cases(), q, CASE_PAGES, keep);
      return { status: 200, body: { cases: page.items.map(caseView), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'POST',
    url: '/v1/cases/:case_id/decision',
    operationId: 'decideCase',
    tag: 'compliance',
    summary: 'Propose or confirm (four eyes) a release or rejection',
    roles: ['compliance'],
    params: S.CaseParams,
    body: S.DecisionBody,
    responses: { 200: R.Case },
    handler: (ctx) => exec(ctx, { type: 'decide_case', case_id: Number(ctx.params.case_id), decision: ctx.body.decision, note: ctx.body.note ?? '' }),
  }),
  // audit
  route({
    method: 'GET',
    url: '/v1/audit',
    operationId: 'listAudit',
    tag: 'audit',
    summary: 'The audit trail: every command, by whom, newest first',
    roles: ['operator', 'auditor'],
    query: S.AuditQuery,
    responses: { 200: R.AuditList },
    handler: (ctx) => {
      const q = ctx.query;
      const since = q.updated_since === undefined ? undefined : instantNs(q.updated_since, 'query.updated_since');
      const keep = (r: AuditRecord): boolean =>
        (q.by === undefined || r.by === q.by) && (q.action === undefined || r.action === q.action) && (since === undefined || r.at_ns >= since);
      const page = newestFirstPage(ctx.platform.auditTrail(), q, AUDIT_PAGES, keep);
      return { status: 200, body: { audit: page.items, next_cursor: page.next_cursor } };
    },
  }),
];

const PARTICIPANT_PAGES = { list: 'participants', limit_max: 10_000, limit_default: 1_000 };
const CASE_PAGES = { list: 'cases', limit_max: 10_000, limit_default: 100 };
const AUDIT_PAGES = { list: 'audit', limit_max: 10_000, limit_default: 100 };

/** When a case last changed: opened, proposed or decided. */
function caseChangedAt(c: ComplianceCase): bigint {
  return [c.opened_at_ns, c.proposal?.at_ns ?? 0n, c.decided_at_ns ?? 0n].reduce((a, b) => (b > a ? b : a));
}

/** exec for a quote lock: too many locks is 429 with Retry-After (seconds until a lock may be taken again; at most the lock time). */
async function lockExec(ctx: AnyContext, command: Record<string, unknown>): Promise<RouteResult> {
  try {
    return await exec(ctx, command);
  } catch (err) {
    if (err instanceof QuoteLockLimitError) throw new ApiError(429, 'rate_limited', err.message, err.field, { 'retry-after': String(err.retry_after_s) });
    if (err instanceof ApiError && err.status === 429 && err.headers['retry-after'] === undefined)
      throw new ApiError(429, err.code, err.message, err.path, { 'retry-after': String(DEFAULT_QUOTE_LOCK_SECONDS) });
    throw err;
  }
}

/** Every route, in the order the OpenAPI document lists them. */
export const ROUTES: RouteDef[] = [
  ...PARTICIPANT_ROUTES,
  ...PAYMENT_ROUTES,
  ...DAY_AND_SETTLEMENT_ROUTES,
  ...LIQUIDITY_ROUTES,
  ...CALENDAR_ROUTES,
  ...RECONCILIATION_ROUTES,
  ...FX_COMPLIANCE_AUDIT_ROUTES,
  ...USER_ROUTES,
  ...WEBHOOK_ROUTES,
  ...GOVERNANCE_ROUTES,
];

export const EVENTS_ROUTE = {
  method: 'GET' as const,
  url: '/v1/events',
  tag: 'events',
  summary: "Server-sent events: payment state changes in the caller's scope",
  roles: EVERY_ROLE,
};
