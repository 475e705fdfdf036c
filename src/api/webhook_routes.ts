// The API's webhook routes: a participant's users (and the operator) manage the
// participant's subscriptions to the change feed and read their delivery logs
// (./webhooks.ts delivers). A bank's users see and change their own
// participant's subscriptions only; others' are answered 404. The secret is
// given once, when subscribing, and never shown again.

import { Type } from '@sinclair/typebox';
import { ApiError, notFound } from '../http/errors.js';
import { BANK_ROLES } from '../http/roles.js';
import { route, type AnyContext, type RouteDef } from './route.js';
import { Bic, NoQuery, PageOnlyQuery } from './schemas.js';
import { byKey, keyOrderPage } from './cursors.js';
import { subscriptionView, WEBHOOK_LIMITS, Webhooks, type Subscription } from './webhooks.js';
import { WebhookTargetError } from './webhook_target.js';
import * as R from './responses.js';

const strict = { additionalProperties: false } as const;
const WEBHOOK_ROLES = ['operator', ...BANK_ROLES] as const;
const WebhookParams = Type.Object({ id: Type.String({ pattern: '^wh_[0-9a-f]{16}$', description: 'subscription id' }) }, strict);
const CreateWebhookBody = Type.Object(
  {
    url: Type.String({
      minLength: 8,
      maxLength: WEBHOOK_LIMITS.url_length_max,
      pattern: '^https?://',
      description:
        'where deliveries are POSTed: a public address (or a host the operator allows), checked here if it is an address and at every delivery on what its name resolves to',
    }),
    secret: Type.String({
      minLength: WEBHOOK_LIMITS.secret_length_min,
      maxLength: WEBHOOK_LIMITS.secret_length_max,
      description: 'the HMAC-SHA256 key of the webhook-signature header; kept by the server, never shown again',
    }),
    participant: Type.Optional(
      Type.Union([Bic, Type.Null()], { description: "whose payments (a bank's users: their own, the default; the operator: one, or null for all)" }),
    ),
  },
  strict,
);

const WEBHOOK_PAGES = { list: 'webhooks', limit_max: WEBHOOK_LIMITS.subscriptions_max, limit_default: WEBHOOK_LIMITS.subscriptions_max };

/** The subscription if the caller may see it (a bank: its own participant's), else 404. */
function visible(ctx: AnyContext, id: string): Subscription {
  const s = Webhooks.of(ctx.platform).get(id);
  if (s === undefined || (ctx.scope.kind !== 'all' && s.participant !== ctx.scope.id)) throw notFound(`webhook subscription ${id}`, 'id');
  return s;
}

/** The participant a new subscription is for. */
function subscriber(ctx: AnyContext, asked: string | null | undefined): string | null {
  if (ctx.scope.kind === 'participant') {
    if (asked !== undefined && asked !== ctx.scope.id) throw notFound(`participant ${asked}`, 'participant');
    return ctx.scope.id;
  }
  if (asked === undefined || asked === null) return null;
  if (ctx.platform.participant(asked) === undefined) throw notFound(`participant ${asked}`, 'participant');
  return asked;
}

export const WEBHOOK_ROUTES: RouteDef[] = [
  route({
    method: 'POST',
    url: '/v1/webhooks',
    operationId: 'createWebhook',
    tag: 'events',
    summary: "Subscribe a URL to the participant's payment events (signed deliveries from the next event on)",
    roles: WEBHOOK_ROLES,
    body: CreateWebhookBody,
    responses: { 201: R.Webhook },
    handler: async (ctx) => {
      const participant = subscriber(ctx, ctx.body.participant);
      try {
        const s = await Webhooks.of(ctx.platform).create({ participant, url: ctx.body.url, secret: ctx.body.secret, by: ctx.user.name });
        return { status: 201, body: subscriptionView(s) };
      } catch (err) {
        if (err instanceof RangeError) throw new ApiError(422, 'limit_exceeded', err.message);
        if (err instanceof WebhookTargetError) throw new ApiError(422, err.code, err.message, 'url');
        throw err;
      }
    },
  }),
  route({
    method: 'GET',
    url: '/v1/webhooks',
    operationId: 'listWebhooks',
    tag: 'events',
    summary: 'Webhook subscriptions (a bank sees its own)',
    roles: WEBHOOK_ROLES,
    query: PageOnlyQuery(WEBHOOK_LIMITS.subscriptions_max, WEBHOOK_LIMITS.subscriptions_max),
    responses: { 200: R.WebhookList },
    handler: (ctx) => {
      // In id order: ids are random, so a new subscription may land anywhere; the cursor is the last id.
      const all = byKey(Webhooks.of(ctx.platform).list(), (s) => s.id);
      const page = keyOrderPage(
        all,
        (s) => s.id,
        ctx.query,
        WEBHOOK_PAGES,
        (s) => ctx.scope.kind === 'all' || s.participant === ctx.scope.id,
      );
      return { status: 200, body: { webhooks: page.items.map(subscriptionView), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'GET',
    url: '/v1/webhooks/:id',
    operationId: 'getWebhook',
    tag: 'events',
    summary: 'One webhook subscription',
    roles: WEBHOOK_ROLES,
    params: WebhookParams,
    query: NoQuery,
    responses: { 200: R.Webhook },
    handler: (ctx) => ({ status: 200, body: subscriptionView(visible(ctx, ctx.params.id)) }),
  }),
  route({
    method: 'GET',
    url: '/v1/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'events',
    summary: 'The delivery log of a subscription: its cursor and its latest attempts, oldest first',
    roles: WEBHOOK_ROLES,
    params: WebhookParams,
    query: NoQuery,
    responses: { 200: R.WebhookDeliveries },
    handler: (ctx) => {
      const s = visible(ctx, ctx.params.id);
      return { status: 200, body: { id: s.id, ...Webhooks.of(ctx.platform).deliveries(s.id) } };
    },
  }),
  route({
    method: 'DELETE',
    url: '/v1/webhooks/:id',
    operationId: 'deleteWebhook',
    tag: 'events',
    summary: 'Stop a subscription for good (its record and delivery log stay readable)',
    roles: WEBHOOK_ROLES,
    params: WebhookParams,
    responses: { 200: R.Webhook },
    handler: async (ctx) => {
      const s = visible(ctx, ctx.params.id);
      const off = await Webhooks.of(ctx.platform).disable(s.id);
      return { status: 200, body: subscriptionView(off ?? s) };
    },
  }),
];
