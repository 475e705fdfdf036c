// The API's routes: each declares its method and path, the roles that may call
// it, its request schemas (validated by fastify, published in the OpenAPI
// document) and a handler over the platform facade. Handlers see the caller's
// scope (./access.ts) and answer data outside it as 404. Every write goes through
// platform.execute with the user's name as `by`, so it is journaled and audited.

import type { FastifyRequest } from 'fastify';
import { PAYMENT_QUERY_MAX, type Platform } from '../platform/platform.js';
import { caseView, dayView, facilityView, participantView, paymentView, windowView } from '../platform/state_machine.js';
import type { Payment, ScreeningOutcome } from '../platform/types.js';
import { toFixed, toFractionString } from '../fx/rational.js';
import type { Role, User } from './auth.js';
import { scopeOf, seesCurrency, seesParticipant, seesPayment, type Scope } from './access.js';
import { ApiError, fromRefusal } from './errors.js';
import { ApiMetrics } from './metrics.js';
import * as S from './schemas.js';

export const BODY_LIMIT_DEFAULT = 64 * 1024;
export const BODY_LIMIT_BATCH = 10 * 1024 * 1024;

export interface RouteContext {
  platform: Platform;
  user: User;
  scope: Scope;
  params: Record<string, any>;
  query: Record<string, any>;
  body: any;
  req: FastifyRequest;
  /** The request carries an Idempotency-Key not seen before (or not remembered after a restart). */
  keyed: boolean;
  metrics: ApiMetrics;
}

export interface RouteResult {
  status: number;
  body: unknown;
  /** Payment submissions: the UETRs, kept durably for idempotent replay. */
  uetrs?: Array<string | null>;
}

export interface RouteDef {
  method: 'GET' | 'POST';
  url: string;
  tag: string;
  summary: string;
  roles: readonly Role[];
  params?: S.Schema;
  query?: S.Schema;
  body?: S.Schema;
  /** Also accepts application/xml (ISO 20022) bodies. */
  xml?: boolean;
  response?: S.Schema;
  bodyLimit?: number;
  handler(ctx: RouteContext): Promise<RouteResult> | RouteResult;
  /** Rebuilds the answer of an earlier request from its UETRs (idempotent replay after a restart). */
  rebuild?(ctx: RouteContext, uetrs: Array<string | null>, status: number): RouteResult;
}

const ALL: readonly Role[] = ['operator', 'central_bank', 'participant', 'liquidity_provider', 'compliance', 'auditor'];
const OPERATOR: readonly Role[] = ['operator'];
const BANKS: readonly Role[] = ['participant', 'liquidity_provider'];

/** A validated digit-string query limit (default 100). */
function limitOf(text: string | undefined, max: number): number {
  const n = text === undefined ? 100 : Number(text);
  if (n > max) throw new ApiError(400, 'invalid_field', `at most ${max}`, 'query.limit');
  return n;
}

function notFound(what: string, path = ''): ApiError {
  return new ApiError(404, 'not_found', `no ${what}`, path);
}

function forbidden(message: string, path = ''): ApiError {
  return new ApiError(403, 'forbidden', message, path);
}

/** Executes a command as the user; a refusal becomes its ApiError. */
async function exec(ctx: RouteContext, command: Record<string, unknown>, status = 200): Promise<RouteResult> {
  const out = await ctx.platform.execute(command, ctx.user.name);
  if (!out.ok) throw fromRefusal(out.error!);
  return { status, body: out.result };
}

function visibleParticipant(ctx: RouteContext, id: string): NonNullable<ReturnType<Platform['participant']>> {
  const p = ctx.platform.participant(id);
  if (p === undefined || !seesParticipant(ctx.scope, p)) throw notFound(`participant ${id}`, 'id');
  return p;
}

function visiblePayment(ctx: RouteContext, uetr: string): Payment {
  const p = ctx.platform.payment(uetr);
  if (p === undefined || !seesPayment(ctx.scope, p)) throw notFound(`payment ${uetr}`, 'uetr');
  return p;
}

/** A central bank acts on its own currency only; banks on their own participant only. */
function mayActFor(ctx: RouteContext, participant: string, currency: string): void {
  const s = ctx.scope;
  if (s.kind === 'participant' && s.id !== participant) throw notFound(`participant ${participant}`, 'id');
  if (s.kind === 'currency') {
    const p = ctx.platform.participant(participant);
    if (p === undefined || !seesParticipant(s, p)) throw notFound(`participant ${participant}`, 'id');
    if (s.currency !== currency) throw forbidden(`a central bank acts in its own currency (${s.currency || 'none'}) only`, 'currency');
  }
}

function shortResult(p: Payment): { uetr: string; state: string; reason?: string } {
  const last = p.history[p.history.length - 1];
  const r: { uetr: string; state: string; reason?: string } = { uetr: p.instruction.uetr, state: p.state };
  if (last?.reason !== undefined) r.reason = last.reason;
  return r;
}

// ---- ISO 20022 seam ------------------------------------------------------------------------------

/** What the API needs of src/iso20022/submit.ts (another module's; loaded when present). */
interface IsoSubmitResult {
  message_type: string | null;
  accepted: boolean;
  payments: Array<{ uetr: string | null }>;
  errors: Array<{ path: string; code: string; message: string }>;
  resolutions?: string[];
  returns?: string[];
}
type IsoSubmit = (
  platform: Platform,
  xml: string,
  by: string,
  opts?: {
    screen?: (instructions: Array<Record<string, unknown>>) => Promise<Array<ScreeningOutcome | null>>;
    authorize?: (req: { action: 'cancel' | 'return'; participant: string; uetr: string }) => void;
  },
) => Promise<IsoSubmitResult>;
let isoModule: Promise<{ submitIsoMessage?: IsoSubmit } | null> | null = null;

/**
 * The seam to src/iso20022/submit.ts: submitIsoMessage(platform, xml, by, opts).
 * Loaded dynamically so this module builds and answers 415 for XML while that
 * module is absent. Participant users may only pay from their own participant:
 * checked in the `screen` hook, which runs on the mapped instructions before the
 * command is journaled (a refusal there journals nothing) and screens them against
 * the store's sanctions lists; cancellations and returns go through `authorize`.
 */
function loadIso(): Promise<{ submitIsoMessage?: IsoSubmit } | null> {
  if (isoModule === null) {
    const path = '../iso20022/submit.js';
    isoModule = import(path).catch(() => null) as Promise<{ submitIsoMessage?: IsoSubmit } | null>;
  }
  return isoModule;
}

async function submitXml(ctx: RouteContext, xml: string): Promise<RouteResult> {
  const mod = await loadIso();
  if (mod === null || typeof mod.submitIsoMessage !== 'function') {
    throw new ApiError(415, 'unsupported_media_type', 'ISO 20022 XML submission is not available on this server; send application/json', '');
  }
  const own = ctx.scope.kind === 'participant' ? ctx.scope.id : null;
  const result = await mod.submitIsoMessage(ctx.platform, xml, ctx.user.name, {
    screen: async (instructions) => {
      instructions.forEach((ins, i) => {
        if (own !== null && ins.payer !== own) throw forbidden(`payments are submitted as payer ${own} only`, `payments[${i}].payer`);
      });
      // Screened against the store's active sanctions lists, as JSON submissions are.
      const screener = await ctx.platform.screener();
      return instructions.map((ins) => (screener === null ? null : screener.screen(ins)));
    },
    // A camt.056 or pacs.004 names its sender: a participant user may act for its own participant only.
    authorize: (req) => {
      if (own !== null && req.participant !== own) throw forbidden(`only ${own} may ${req.action} its payments`, 'uetr');
    },
  });
  if (result.payments.length === 0) {
    const first = result.errors[0];
    return { status: result.message_type === null ? 400 : 422, body: { code: 'invalid_message', message: first?.message ?? 'the message was not submitted', path: first?.path ?? '', ...result } };
  }
  return { status: 200, body: result };
}

// ---- routes ---------------------------------------------------------------------------------------

export const ROUTES: RouteDef[] = [
  {
    method: 'GET', url: '/v1/me', tag: 'auth', summary: 'The authenticated user', roles: ALL, query: S.NoQuery,
    handler: (ctx) => ({ status: 200, body: { name: ctx.user.name, role: ctx.user.role, participant: ctx.user.participant } }),
  },
  // participants
  {
    method: 'GET', url: '/v1/participants', tag: 'participants', summary: 'Participants (those in the caller\'s scope)', roles: ALL, query: S.NoQuery,
    handler: (ctx) => ({ status: 200, body: { participants: ctx.platform.state.participants.filter((p) => seesParticipant(ctx.scope, p)).map(participantView) } }),
  },
  {
    method: 'GET', url: '/v1/participants/:id', tag: 'participants', summary: 'One participant', roles: ALL, params: S.IdParams, query: S.NoQuery,
    handler: (ctx) => ({ status: 200, body: participantView(visibleParticipant(ctx, ctx.params.id)) }),
  },
  {
    method: 'POST', url: '/v1/participants', tag: 'participants', summary: 'Register a participant (opens its accounts)', roles: OPERATOR, body: S.RegisterParticipantBody,
    handler: (ctx) => exec(ctx, { type: 'register_participant', ...ctx.body }, 201),
  },
  {
    method: 'GET', url: '/v1/participants/:id/balances', tag: 'participants', summary: 'Balances of a participant per currency (minor units)', roles: ['operator', 'central_bank', 'participant', 'liquidity_provider', 'auditor'], params: S.IdParams, query: S.NoQuery,
    handler: (ctx) => {
      const p = visibleParticipant(ctx, ctx.params.id);
      return { status: 200, body: { participant: p.id, balances: ctx.platform.balances(p.id).filter((b) => seesCurrency(ctx.scope, b.currency)) } };
    },
  },
  {
    method: 'POST', url: '/v1/participants/:id/funding', tag: 'liquidity', summary: 'Fund a settlement account from the central bank', roles: ['operator', 'central_bank'], params: S.IdParams, body: S.FundingBody,
    handler: (ctx) => {
      mayActFor(ctx, ctx.params.id, ctx.body.currency);
      return exec(ctx, { type: 'fund', participant: ctx.params.id, currency: ctx.body.currency, amount: ctx.body.amount });
    },
  },
  {
    method: 'POST', url: '/v1/participants/:id/defunding', tag: 'liquidity', summary: 'Return settlement money to the central bank', roles: ['operator', 'central_bank'], params: S.IdParams, body: S.FundingBody,
    handler: (ctx) => {
      mayActFor(ctx, ctx.params.id, ctx.body.currency);
      return exec(ctx, { type: 'defund', participant: ctx.params.id, currency: ctx.body.currency, amount: ctx.body.amount });
    },
  },
  // financing
  {
    method: 'GET', url: '/v1/participants/:id/facilities', tag: 'financing', summary: 'Intraday credit facilities and their collateral', roles: ['operator', 'central_bank', 'participant', 'liquidity_provider', 'auditor'], params: S.IdParams, query: S.NoQuery,
    handler: (ctx) => {
      const p = visibleParticipant(ctx, ctx.params.id);
      const out = [];
      for (const f of ctx.platform.state.facilities.values()) {
        if (f.participant !== p.id || !seesCurrency(ctx.scope, f.currency)) continue;
        out.push({ ...(facilityView(f) as object), collateral: ctx.platform.state.collateral.get(`${p.id}:${f.currency}`) ?? [] });
      }
      return { status: 200, body: { participant: p.id, facilities: out } };
    },
  },
  {
    method: 'POST', url: '/v1/participants/:id/facilities/:currency', tag: 'financing', summary: 'Set the collateral (and so the credit line) of a facility', roles: ['operator', 'central_bank'], params: S.FacilityParams, body: S.CollateralBody,
    handler: (ctx) => {
      mayActFor(ctx, ctx.params.id, ctx.params.currency);
      return exec(ctx, { type: 'set_collateral', participant: ctx.params.id, currency: ctx.params.currency, items: ctx.body.items, auto_draw: ctx.body.auto_draw ?? true });
    },
  },
  {
    method: 'POST', url: '/v1/participants/:id/facilities/:currency/draw', tag: 'financing', summary: 'Draw intraday credit', roles: ['operator', 'central_bank', 'participant', 'liquidity_provider'], params: S.FacilityParams, body: S.DrawBody,
    handler: (ctx) => {
      mayActFor(ctx, ctx.params.id, ctx.params.currency);
      return exec(ctx, { type: 'draw_credit', participant: ctx.params.id, currency: ctx.params.currency, amount: ctx.body.amount });
    },
  },
  // payments
  {
    method: 'POST', url: '/v1/payments', tag: 'payments', summary: 'Submit one payment, or a batch of up to 8,189 under "payments" (JSON; ISO 20022 XML when available)', roles: ['operator', ...BANKS], body: S.PaymentsBody, xml: true, response: S.PaymentsResponse, bodyLimit: BODY_LIMIT_BATCH,
    handler: async (ctx) => {
      if (typeof ctx.body === 'string') return submitXml(ctx, ctx.body);
      const list: Array<Record<string, unknown>> = Array.isArray(ctx.body.payments) ? ctx.body.payments : [ctx.body];
      const prefix = Array.isArray(ctx.body.payments) ? 'payments' : '';
      if (ctx.scope.kind === 'participant') {
        const own = ctx.scope.id;
        list.forEach((p, i) => {
          if (p.payer !== own) throw forbidden(`payments are submitted as payer ${own} only`, prefix === '' ? 'payer' : `payments[${i}].payer`);
        });
      }
      // A keyed request not remembered (a restart lost the record, or it was never written):
      // payments this user already submitted are answered with their current state, not DUPL.
      const results: Array<Record<string, unknown> | null> = list.map(() => null);
      const fresh: Array<Record<string, unknown>> = [];
      const freshAt: number[] = [];
      list.forEach((raw, i) => {
        const existing = ctx.keyed && typeof raw.uetr === 'string' ? ctx.platform.payment(raw.uetr) : undefined;
        if (existing !== undefined && existing.submitted_by === ctx.user.name) results[i] = shortResult(existing);
        else {
          fresh.push(raw);
          freshAt.push(i);
        }
      });
      if (fresh.length > 0) {
        const t0 = performance.now();
        const out = await ctx.platform.execute({ type: 'submit_payments', payments: fresh }, ctx.user.name);
        ctx.metrics.batchCommit.observe({ size: ApiMetrics.sizeBucket(fresh.length) }, (performance.now() - t0) / 1000);
        if (!out.ok) throw fromRefusal(out.error!);
        const rs = (out.result as { payments: Array<Record<string, unknown>> }).payments;
        rs.forEach((r, j) => {
          results[freshAt[j]!] = r;
          ctx.metrics.paymentsSubmitted.inc({ state: String(r.state) });
        });
      }
      const uetrs = list.map((raw) => (typeof raw.uetr === 'string' ? raw.uetr : null));
      return { status: 200, body: { payments: results }, uetrs };
    },
    rebuild: (ctx, uetrs, status) => ({
      status,
      body: {
        payments: uetrs.map((u) => {
          const p = u === null ? undefined : ctx.platform.payment(u);
          return p === undefined || p.submitted_by !== ctx.user.name ? { uetr: u, state: 'rejected', reason: 'FF01' } : shortResult(p);
        }),
      },
      uetrs,
    }),
  },
  {
    method: 'GET', url: '/v1/payments', tag: 'payments', summary: 'Payments, newest first, filtered', roles: ALL, query: S.PaymentsQuery,
    handler: (ctx) => {
      const q = ctx.query;
      const filter: Parameters<Platform['payments']>[0] = { limit: limitOf(q.limit, PAYMENT_QUERY_MAX) };
      if (q.state !== undefined) filter.state = q.state;
      if (q.currency !== undefined) filter.currency = q.currency;
      if (q.counterparty !== undefined) filter.counterparty = q.counterparty;
      if (q.end_to_end_id !== undefined) filter.end_to_end_id = q.end_to_end_id;
      const s = ctx.scope;
      if (s.kind === 'participant') filter.participant = s.id;
      if (s.kind === 'currency') {
        if (q.currency !== undefined && q.currency !== s.currency) return { status: 200, body: { payments: [] } };
        filter.currency = s.currency;
      }
      const list = ctx.platform.payments(filter).filter((p) => seesPayment(s, p));
      return { status: 200, body: { payments: list.map(paymentView) } };
    },
  },
  {
    method: 'GET', url: '/v1/payments/:uetr', tag: 'payments', summary: 'One payment with its full history', roles: ALL, params: S.UetrParams, query: S.NoQuery,
    handler: (ctx) => ({ status: 200, body: paymentView(visiblePayment(ctx, ctx.params.uetr)) }),
  },
  {
    method: 'POST', url: '/v1/payments/:uetr/cancel', tag: 'payments', summary: 'Cancel a queued or held payment (its payer)', roles: ['operator', ...BANKS], params: S.UetrParams, body: S.ReasonBody,
    handler: (ctx) => {
      const p = visiblePayment(ctx, ctx.params.uetr);
      if (ctx.scope.kind === 'participant' && p.instruction.payer !== ctx.scope.id) throw forbidden('only the payer cancels a payment', 'uetr');
      return exec(ctx, { type: 'cancel_payment', uetr: p.instruction.uetr, ...(ctx.body.reason !== undefined ? { reason: ctx.body.reason } : {}) });
    },
  },
  {
    method: 'POST', url: '/v1/payments/:uetr/return', tag: 'payments', summary: 'Return a settled payment (its payee)', roles: ['operator', ...BANKS], params: S.UetrParams, body: S.ReasonBody,
    handler: (ctx) => {
      const p = visiblePayment(ctx, ctx.params.uetr);
      if (ctx.scope.kind === 'participant' && p.instruction.payee !== ctx.scope.id) throw forbidden('only the payee returns a payment', 'uetr');
      return exec(ctx, { type: 'return_payment', uetr: p.instruction.uetr, ...(ctx.body.reason !== undefined ? { reason: ctx.body.reason } : {}) });
    },
  },
  // business day
  {
    method: 'GET', url: '/v1/day', tag: 'business day', summary: 'The current (or last) business day', roles: ALL, query: S.NoQuery,
    handler: (ctx) => {
      const d = ctx.platform.state.day;
      if (d === null) throw notFound('business day yet');
      return { status: 200, body: dayView(d) };
    },
  },
  {
    method: 'POST', url: '/v1/day/open', tag: 'business day', summary: 'Open a business day with its cut-offs', roles: OPERATOR, body: S.OpenDayBody,
    handler: (ctx) => exec(ctx, { type: 'open_day', ...ctx.body }),
  },
  {
    method: 'POST', url: '/v1/day/close', tag: 'business day', summary: 'Close the business day (settles windows, rejects what is queued, repays credit)', roles: OPERATOR, body: S.EmptyBody,
    handler: (ctx) => exec(ctx, { type: 'close_day' }),
  },
  // settlement windows, LSM, config
  {
    method: 'GET', url: '/v1/windows', tag: 'settlement', summary: 'Settlement windows, newest first', roles: ['operator', 'central_bank', 'auditor'], query: S.WindowsQuery,
    handler: (ctx) => {
      const q = ctx.query;
      const out: unknown[] = [];
      const ws = ctx.platform.state.windows;
      for (let i = ws.length - 1; i >= 0 && out.length < limitOf(q.limit, 10_000); i--) {
        const w = ws[i]!;
        if (!seesCurrency(ctx.scope, w.currency) || (q.currency !== undefined && w.currency !== q.currency) || (q.state !== undefined && w.state !== q.state)) continue;
        out.push(windowView(w));
      }
      return { status: 200, body: { windows: out } };
    },
  },
  {
    method: 'POST', url: '/v1/windows/:currency/open', tag: 'settlement', summary: 'Open a deferred net settlement window', roles: OPERATOR, params: S.CurrencyParams, body: S.EmptyBody,
    handler: (ctx) => exec(ctx, { type: 'open_window', currency: ctx.params.currency }, 201),
  },
  {
    method: 'POST', url: '/v1/windows/:currency/close', tag: 'settlement', summary: 'Close and settle the open window of a currency', roles: OPERATOR, params: S.CurrencyParams, body: S.EmptyBody,
    handler: (ctx) => exec(ctx, { type: 'close_window', currency: ctx.params.currency }),
  },
  {
    method: 'POST', url: '/v1/lsm/:currency/run', tag: 'settlement', summary: 'Run the liquidity-saving mechanism on a currency\'s queue', roles: ['operator', 'central_bank'], params: S.CurrencyParams, body: S.EmptyBody,
    handler: (ctx) => {
      if (!seesCurrency(ctx.scope, ctx.params.currency)) throw forbidden('a central bank runs the LSM of its own currency only', 'currency');
      return exec(ctx, { type: 'run_lsm', currency: ctx.params.currency });
    },
  },
  {
    method: 'POST', url: '/v1/config', tag: 'settlement', summary: 'Scheme settings (queue bypass)', roles: OPERATOR, body: S.ConfigBody,
    handler: (ctx) => exec(ctx, { type: 'set_config', bypass_fifo: ctx.body.bypass_fifo }),
  },
  // FX rates
  {
    method: 'GET', url: '/v1/rates', tag: 'fx', summary: 'Reference rates in force and their cross rates', roles: ALL, query: S.RatesQuery,
    handler: (ctx) => {
      const book = ctx.platform.state.rates();
      const active = ctx.platform.state.participants.filter((p) => p.issues !== null).map((p) => p.issues!).sort();
      const date = ctx.query.date ?? ctx.platform.state.business_date ?? book.latestDate(active) ?? book.latestDate() ?? '1970-01-01';
      const rates: unknown[] = [];
      const cross: unknown[] = [];
      for (const c of active) {
        try {
          const r = book.rateAsOf(c, date);
          rates.push({ currency: c, units_per_usd: r.units_per_usd_text, date: r.date, source: r.source });
        } catch (err) {
          rates.push({ currency: c, error: (err as Error).message });
        }
      }
      for (const from of active) {
        for (const to of active) {
          if (from === to) continue;
          try {
            const x = book.crossRate(from, to, date);
            cross.push({ from, to, rate: toFractionString(x.rate), approx: toFixed(x.rate, 10) });
          } catch (err) {
            cross.push({ from, to, error: (err as Error).message });
          }
        }
      }
      return { status: 200, body: { date, rates, cross } };
    },
  },
  {
    method: 'POST', url: '/v1/quotes', tag: 'fx', summary: 'Publish (or replace) a liquidity provider\'s tiered quote for BASE/QUOTE', roles: ['operator', 'liquidity_provider'], body: S.QuoteBody,
    handler: (ctx) => {
      mayActFor(ctx, ctx.body.provider, ctx.body.base);
      return exec(ctx, { type: 'publish_quote', provider: ctx.body.provider, base: ctx.body.base, quote: ctx.body.quote, tiers: ctx.body.tiers, valid_s: ctx.body.valid_s });
    },
  },
  {
    method: 'POST', url: '/v1/quotes/lock', tag: 'fx', summary: 'Lock the best live quote covering a conversion (a PvP payment then names its quote_id)', roles: ['operator', 'participant', 'liquidity_provider'], body: S.QuoteLockBody,
    handler: (ctx) => exec(ctx, { type: 'lock_quote', base: ctx.body.base, quote: ctx.body.quote, amount: ctx.body.amount }),
  },
  {
    method: 'POST', url: '/v1/rates', tag: 'fx', summary: 'Import reference-rate rows', roles: OPERATOR, body: S.RatesBody, bodyLimit: BODY_LIMIT_BATCH,
    handler: (ctx) => exec(ctx, { type: 'import_rates', file: ctx.body.file, rows: ctx.body.rows }),
  },
  // compliance
  {
    method: 'GET', url: '/v1/cases', tag: 'compliance', summary: 'Compliance cases, newest first', roles: ['operator', 'compliance', 'auditor'], query: S.CasesQuery,
    handler: (ctx) => {
      const out: unknown[] = [];
      const cs = ctx.platform.state.cases;
      for (let i = cs.length - 1; i >= 0 && out.length < limitOf(ctx.query.limit, 10_000); i--) {
        if (ctx.query.status !== undefined && cs[i]!.status !== ctx.query.status) continue;
        out.push(caseView(cs[i]!));
      }
      return { status: 200, body: { cases: out } };
    },
  },
  {
    method: 'POST', url: '/v1/cases/:case_id/decision', tag: 'compliance', summary: 'Propose or confirm (four eyes) a release or rejection', roles: ['compliance'], params: S.CaseParams, body: S.DecisionBody,
    handler: (ctx) => exec(ctx, { type: 'decide_case', case_id: Number(ctx.params.case_id), decision: ctx.body.decision, note: ctx.body.note ?? '' }),
  },
  // audit
  {
    method: 'GET', url: '/v1/audit', tag: 'audit', summary: 'The audit trail: every command, by whom, newest first', roles: ['operator', 'auditor'], query: S.AuditQuery,
    handler: (ctx) => {
      const out: unknown[] = [];
      const a = ctx.platform.state.audit;
      for (let i = a.length - 1; i >= 0 && out.length < limitOf(ctx.query.limit, 10_000); i--) {
        const r = a[i]!;
        if ((ctx.query.by !== undefined && r.by !== ctx.query.by) || (ctx.query.action !== undefined && r.action !== ctx.query.action)) continue;
        out.push(r);
      }
      return { status: 200, body: { audit: out } };
    },
  },
];

export function scopeFor(user: User, platform: Platform): Scope {
  return scopeOf(user, platform);
}

export const EVENTS_ROUTE = { method: 'GET' as const, url: '/v1/events', tag: 'events', summary: 'Server-sent events: payment state changes in the caller\'s scope', roles: ALL };
