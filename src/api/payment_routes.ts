// The API's payment routes: submission (JSON, one or a batch; ISO 20022 XML via
// ./iso_submit.ts), queries, cancellation and return. Submissions are idempotent
// twice over: by Idempotency-Key (the server, ./server.ts) and by UETR (the
// platform), so a keyed retry whose record a restart lost is answered with the
// payments' current states rather than refused as duplicates.

import { PAYMENT_QUERY_MAX, type PaymentFilter } from '../platform/platform.js';
import type { Payment } from '../platform/types.js';
import { seesPayment } from '../http/access.js';
import { fromRefusal } from '../http/errors.js';
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
}

export const PAYMENT_ROUTES: RouteDef[] = [
  route({
    method: 'POST',
    url: '/v1/payments',
    tag: 'payments',
    summary: 'Submit one payment, or a batch of up to 8,189 under "payments" (JSON; ISO 20022 XML when available)',
    roles: ['operator', ...BANK_ROLES],
    body: S.PaymentsBody,
    response: S.PaymentsResponse,
    bodyLimit: BODY_LIMIT_BATCH,
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
    tag: 'payments',
    summary: 'Payments, newest first, filtered',
    roles: EVERY_ROLE,
    query: S.PaymentsQuery,
    handler: (ctx) => {
      const q = ctx.query;
      const filter: PaymentFilter = { limit: limitOf(q.limit, PAYMENT_QUERY_MAX) };
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
      return { status: 200, body: { payments: list.map((p) => paymentViewFor(viewerOf(ctx), p)) } };
    },
  }),
  route({
    method: 'GET',
    url: '/v1/payments/:uetr',
    tag: 'payments',
    summary: 'One payment with its full history',
    roles: EVERY_ROLE,
    params: S.UetrParams,
    query: S.NoQuery,
    handler: (ctx) => ({ status: 200, body: paymentViewFor(viewerOf(ctx), visiblePayment(ctx, ctx.params.uetr)) }),
  }),
  route({
    method: 'POST',
    url: '/v1/payments/:uetr/cancel',
    tag: 'payments',
    summary: 'Cancel a queued or held payment (its payer)',
    roles: ['operator', ...BANK_ROLES],
    params: S.UetrParams,
    body: S.ReasonBody,
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
    tag: 'payments',
    summary: 'Return a settled payment (its payee)',
    roles: ['operator', ...BANK_ROLES],
    params: S.UetrParams,
    body: S.ReasonBody,
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
