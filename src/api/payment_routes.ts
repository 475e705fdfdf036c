// The API's payment routes: submission (JSON, one or a batch; ISO 20022 XML via
// ./iso_submit.ts), queries, cancellation and return. Submissions are idempotent
// twice over: by Idempotency-Key (the server, ./server.ts) and by UETR (the
// platform), so a keyed retry whose record a restart lost is answered with the
// payments' current states rather than refused as duplicates.

import * as R from './responses.js';
import { PAYMENT_QUERY_MAX, type PaymentFilter } from '../platform/platform.js';
import type { Payment } from '../platform/types.js';
import { seesPayment } from '../http/access.js';
import { ApiError, fromRefusal } from '../http/errors.js';
import { paymentViewFor, redactPaymentView, type Viewer } from '../http/payment_view.js';
import { BANK_ROLES, EVERY_ROLE } from '../http/roles.js';
import { submitXml } from './iso_submit.js';
import { ApiMetrics } from './metrics.js';
import { BODY_LIMIT_BATCH, exec, forbidden, limitOf, route, visiblePayment, type AnyContext, type RouteDef, type RouteResult } from './route.js';
import * as S from './schemas.js';

type PaymentIn = S.Static<typeof S.PaymentIn>;

function shortResult(p: Payment): { uetr: string; state: string; reason?: string } {
  const last = p.history[p.history.length - 1];
  const r: { uetr: string; state: string; reason?: string } = { uetr: p.instruction.uetr, state: p.state };
  if (last?.reason !== undefined) r.reason = last.reason;
  return r;
}

function viewerOf(ctx: AnyContext): Viewer {
  return { scope: ctx.scope, user_name: ctx.user.name };
}

/** A command's result that is a payment view (cancel, return), as the caller may see it. */
async function viewed(ctx: AnyContext, result: Promise<RouteResult>): Promise<RouteResult> {
  const r = await result;
  return { ...r, body: redactPaymentView(viewerOf(ctx), r.body as Record<string, unknown>) };
}

/** Submits the payments; those a keyed retry already submitted (same user) are answered with their state. */
async function submitJson(ctx: AnyContext, list: PaymentIn[], prefix: '' | 'payments'): Promise<RouteResult> {
  if (ctx.scope.kind === 'participant') {
    const own = ctx.scope.id;
    list.forEach((p, i) => {
      if (p.payer !== own) throw forbidden(`payments are submitted as payer ${own} only`, prefix === '' ? 'payer' : `payments[${i}].payer`);
    });
  }
  // A keyed request not remembered (a restart lost the record, or it was never written):
  // payments this user already submitted are answered with their current state, not DUPL.
  const results: Array<Record<string, unknown> | null> = list.map(() => null);
  const fresh: PaymentIn[] = [];
  const freshAt: number[] = [];
  list.forEach((raw, i) => {
    const existing = ctx.keyed && typeof raw.uetr === 'string' ? ctx.platform.payment(raw.uetr) : undefined;
    if (existing !== undefined && existing.submitted_by === ctx.user.name) results[i] = shortResult(existing);
    else {
      fresh.push(raw);
      freshAt.push(i);
    }
  });
  // What the state holds may be a group still committing, or one another engine fenced (it never reaches the
  // journal): acknowledged only once durable. Taken now, before any await, so it covers exactly what was read.
  const held = fresh.length < list.length ? ctx.platform.whenDurable() : null;
  held?.catch(() => undefined); // awaited below, after the fresh ones: no unhandled rejection meanwhile
  let text: string | undefined;
  if (fresh.length > 0) {
    const t0 = performance.now();
    // The payments are the request body's, as JSON.parse made them, and nothing here changes them: handed over
    // (owned), so the platform runs them without copying each (Platform.execute).
    const out = await ctx.platform.execute({ type: 'submit_payments', payments: fresh }, ctx.user.name, true);
    ctx.metrics.batchCommit.observe({ size: ApiMetrics.sizeBucket(fresh.length) }, (performance.now() - t0) / 1000);
    if (!out.ok) throw fromRefusal(out.error!);
    const rs = (out.result as { payments: Array<Record<string, unknown>> }).payments;
    rs.forEach((r, j) => {
      results[freshAt[j]!] = r;
    });
    ctx.metrics.countSubmitted(rs);
    // Every payment fresh: the answer {payments: results} is the command's result ({payments: rs}, nothing else),
    // whose text the executor wrote for its output digest (a batch's): sent as it is, not written again.
    if (held === null && Object.keys(out.result as object).length === 1) text = ctx.platform.resultJson(out.result);
  }
  await held;
  const uetrs = list.map((raw) => (typeof raw.uetr === 'string' ? raw.uetr : null));
  // Each result is {uetr, state, reason?, field?, detail?}: strings only.
  return { status: 200, body: { payments: results }, uetrs, plain: true, ...(text !== undefined ? { text } : {}) };
}

type PaymentsQuery = S.Static<typeof S.PaymentsQuery>;

/** The cursor of a page boundary: the position (in submission order) below which the next page starts. */
function cursorText(position: number): string {
  return Buffer.from(`p${position}`).toString('base64url');
}

function cursorPosition(text: string): number {
  const m = /^p([0-9]{1,12})$/.exec(Buffer.from(text, 'base64url').toString('latin1'));
  if (m === null) throw new ApiError(400, 'invalid_field', 'not a cursor this API gave (use next_cursor as it is)', 'query.cursor');
  return Number(m[1]);
}

/** RFC 3339 (with any fraction down to nanoseconds, and an offset) or nanosecond digits, as nanoseconds since the epoch. */
export function instantNs(text: string, field: string): bigint {
  if (/^[0-9]+$/.test(text)) return BigInt(text);
  const m = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  const ms = m === null ? Number.NaN : Date.parse(`${m[1]}${m[3]}`);
  if (m === null || Number.isNaN(ms))
    throw new ApiError(400, 'invalid_field', 'an RFC 3339 date-time (2025-09-01T09:30:00Z) or nanoseconds since the epoch', field);
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Whether a payment passes the query's filters (the caller's scope is applied apart). */
function matches(p: Payment, f: PaymentFilter, since: bigint | undefined): boolean {
  const ins = p.instruction;
  if (f.participant !== undefined && ins.payer !== f.participant && ins.payee !== f.participant && p.fx?.provider !== f.participant) return false;
  if (f.state !== undefined && p.state !== f.state) return false;
  if (f.currency !== undefined && ins.currency !== f.currency && ins.payee_currency !== f.currency) return false;
  if (f.counterparty !== undefined && ins.payer !== f.counterparty && ins.payee !== f.counterparty) return false;
  if (f.end_to_end_id !== undefined && ins.end_to_end_id !== f.end_to_end_id) return false;
  return since === undefined || BigInt(p.history[p.history.length - 1]?.at_ns ?? 0n) >= since;
}

/** GET /v1/payments: newest first, filtered, a page of at most `limit` and the cursor of the next. */
function listPayments(ctx: AnyContext, q: PaymentsQuery): RouteResult {
  const limit = limitOf(q.limit, PAYMENT_QUERY_MAX);
  const s = ctx.scope;
  const filter: PaymentFilter = {};
  if (q.state !== undefined) filter.state = q.state;
  if (q.currency !== undefined) filter.currency = q.currency;
  if (q.counterparty !== undefined) filter.counterparty = q.counterparty;
  if (q.end_to_end_id !== undefined) filter.end_to_end_id = q.end_to_end_id;
  if (s.kind === 'currency' && q.currency !== undefined && q.currency !== s.currency) return { status: 200, body: { payments: [], next_cursor: null } };
  const since = q.updated_since === undefined ? undefined : instantNs(q.updated_since, 'query.updated_since');
  const count = ctx.platform.paymentCount();
  let i = Math.min(q.cursor === undefined ? count : cursorPosition(q.cursor), count) - 1;
  const out: Payment[] = [];
  // Archived payments that cannot match are passed over without being read back.
  const probe: PaymentFilter = s.kind === 'participant' ? { ...filter, participant: s.id } : filter;
  for (; i >= 0 && out.length < limit; i--) {
    if (!ctx.platform.paymentMayMatch(i, probe)) continue;
    const p = ctx.platform.paymentAt(i)!;
    if (matches(p, filter, since) && seesPayment(s, p)) out.push(p);
  }
  const next_cursor = out.length === limit && i >= 0 ? cursorText(i + 1) : null;
  return { status: 200, body: { payments: out.map((p) => paymentViewFor(viewerOf(ctx), p)), next_cursor } };
}

export const PAYMENT_ROUTES: RouteDef[] = [
  route({
    method: 'POST',
    url: '/v1/payments',
    operationId: 'submitPayments',
    tag: 'payments',
    summary: 'Submit one payment, or a batch of up to 8,189 under "payments" (JSON; ISO 20022 XML when available)',
    roles: ['operator', ...BANK_ROLES],
    body: S.PaymentsBody,
    bodyLimit: BODY_LIMIT_BATCH,
    responses: { 200: R.PaymentsResponse },
    handler: (ctx) => ('payments' in ctx.body ? submitJson(ctx, ctx.body.payments, 'payments') : submitJson(ctx, [ctx.body], '')),
    xml: (ctx) => submitXml(ctx, ctx.body),
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
  }),
  route({
    method: 'GET',
    url: '/v1/payments',
    operationId: 'listPayments',
    tag: 'payments',
    summary: 'Payments, newest first, filtered',
    roles: EVERY_ROLE,
    query: S.PaymentsQuery,
    responses: { 200: R.PaymentList },
    handler: (ctx) => listPayments(ctx, ctx.query),
  }),
  route({
    method: 'GET',
    url: '/v1/payments/:uetr',
    operationId: 'getPayment',
    tag: 'payments',
    summary: 'One payment with its full history',
    roles: EVERY_ROLE,
    params: S.UetrParams,
    query: S.NoQuery,
    responses: { 200: R.Payment },
    handler: (ctx) => ({ status: 200, body: paymentViewFor(viewerOf(ctx), visiblePayment(ctx, ctx.params.uetr)) }),
  }),
  route({
    method: 'POST',
    url: '/v1/payments/:uetr/cancel',
    operationId: 'cancelPayment',
    tag: 'payments',
    summary: 'Cancel a queued or held payment (its payer)',
    roles: ['operator', ...BANK_ROLES],
    params: S.UetrParams,
    body: S.ReasonBody,
    responses: { 200: R.Payment },
    handler: (ctx) => {
      const p = visiblePayment(ctx, ctx.params.uetr);
      if (ctx.scope.kind === 'participant' && p.instruction.payer !== ctx.scope.id) throw forbidden('only the payer cancels a payment', 'uetr');
      return viewed(
        ctx,
        exec(ctx, { type: 'cancel_payment', uetr: p.instruction.uetr, ...(ctx.body.reason !== undefined ? { reason: ctx.body.reason } : {}) }),
      );
    },
  }),
  route({
    method: 'POST',
    url: '/v1/payments/:uetr/return',
    operationId: 'returnPayment',
    tag: 'payments',
    summary: 'Return a settled payment (its payee)',
    roles: ['operator', ...BANK_ROLES],
    params: S.UetrParams,
    body: S.ReasonBody,
    responses: { 200: R.Payment },
    handler: (ctx) => {
      const p = visiblePayment(ctx, ctx.params.uetr);
      if (ctx.scope.kind === 'participant' && p.instruction.payee !== ctx.scope.id) throw forbidden('only the payee returns a payment', 'uetr');
      return viewed(
        ctx,
        exec(ctx, { type: 'return_payment', uetr: p.instruction.uetr, ...(ctx.body.reason !== undefined ? { reason: ctx.body.reason } : {}) }),
      );
    },
  }),
];
