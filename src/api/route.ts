// What an API route is: its method and path, the roles that may call it, its
// request schemas (TypeBox: validated by fastify, published in the OpenAPI
// document) and its handler. `route()` types a definition: the handler's params,
// query and body are the Static types of the schemas it declares, so a handler
// reads exactly what validation let through. The table of routes is ./routes.ts.

import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import type { Platform } from '../platform/platform.js';
import type { Participant, Payment } from '../platform/types.js';
import type { Scope } from '../http/access.js';
import { seesParticipant, seesPayment } from '../http/access.js';
import type { User } from '../http/auth.js';
import { ApiError, fromRefusal, notFound } from '../http/errors.js';
import type { Role } from '../http/roles.js';
import type { ApiMetrics } from './metrics.js';

export const BODY_LIMIT_DEFAULT = 64 * 1024;
export const BODY_LIMIT_BATCH = 10 * 1024 * 1024;

/** What a request gives its handler; params, query and body as validated. */
export interface RouteContext<P = unknown, Q = unknown, B = unknown> {
  platform: Platform;
  user: User;
  scope: Scope;
  params: P;
  query: Q;
  body: B;
  req: FastifyRequest;
  /** The request carries an Idempotency-Key not seen before (or not remembered after a restart). */
  keyed: boolean;
  metrics: ApiMetrics;
}

/** Any route's context, for helpers that read only the caller and the platform. */
export type AnyContext = RouteContext<unknown, unknown, unknown>;

export interface RouteResult {
  status: number;
  body: unknown;
  /** Payment submissions: the UETRs, kept durably for idempotent replay. */
  uetrs?: Array<string | null>;
  /** The body holds no amounts, times or bigints (nothing withUnits would add): serialized as it is. */
  plain?: boolean;
  /** With `plain`: JSON.stringify(body), already written (the answer's text, sent as it is). */
  text?: string;
}

/** The Static type of a schema a route declares; a route without one gets no fields. */
type StaticOf<T extends TSchema | undefined> = T extends TSchema ? Static<T> : Record<string, never>;

export interface RouteSpec<P extends TSchema | undefined, Q extends TSchema | undefined, B extends TSchema | undefined> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: string;
  /** The operation's name in the OpenAPI document and the typed client (src/client). */
  operationId: string;
  tag: string;
  summary: string;
  roles: readonly Role[];
  params?: P;
  query?: Q;
  body?: B;
  /** The schema of each success status's JSON body (./responses.ts); errors are problem details, documented for every route. */
  responses: Readonly<Record<number, TSchema>>;
  bodyLimit?: number;
  handler(ctx: RouteContext<StaticOf<P>, StaticOf<Q>, StaticOf<B>>): Promise<RouteResult> | RouteResult;
  /** Also takes application/xml (ISO 20022) bodies, answered by this handler. */
  xml?(ctx: RouteContext<StaticOf<P>, StaticOf<Q>, string>): Promise<RouteResult>;
  /** Rebuilds the answer of an earlier request from its UETRs (idempotent replay after a restart). */
  rebuild?(ctx: RouteContext<StaticOf<P>, StaticOf<Q>, StaticOf<B>>, uetrs: Array<string | null>, status: number): RouteResult;
}

/** A route as the server registers it (schemas checked by fastify before the handler runs). */
export type RouteDef = RouteSpec<TSchema | undefined, TSchema | undefined, TSchema | undefined>;

/** A route whose handler sees the Static types of its schemas. */
export function route<P extends TSchema | undefined = undefined, Q extends TSchema | undefined = undefined, B extends TSchema | undefined = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteDef {
  return spec;
}

export function forbidden(message: string, path = ''): ApiError {
  return new ApiError(403, 'forbidden', message, path);
}

/** A validated digit-string query limit (default 100). */
export function limitOf(text: string | undefined, max: number): number {
  const n = text === undefined ? 100 : Number(text);
  if (n > max) throw new ApiError(400, 'invalid_field', `at most ${max}`, 'query.limit');
  return n;
}

/** Executes a command as the user; a refusal becomes its ApiError. */
export async function exec(ctx: AnyContext, command: Record<string, unknown>, status = 200): Promise<RouteResult> {
  const out = await ctx.platform.execute(command, ctx.user.name);
  if (!out.ok) throw fromRefusal(out.error!);
  return { status, body: out.result };
}

export function visibleParticipant(ctx: AnyContext, id: string): Participant {
  const p = ctx.platform.participant(id);
  if (p === undefined || !seesParticipant(ctx.scope, p)) throw notFound(`participant ${id}`, 'id');
  return p;
}

export function visiblePayment(ctx: AnyContext, uetr: string): Payment {
  const p = ctx.platform.payment(uetr);
  if (p === undefined || !seesPayment(ctx.scope, p)) throw notFound(`payment ${uetr}`, 'uetr');
  return p;
}

/** A central bank acts on its own currency only; banks on their own participant only. */
export function mayActFor(ctx: AnyContext, participant: string, currency: string): void {
  const s = ctx.scope;
  if (s.kind === 'participant' && s.id !== participant) throw notFound(`participant ${participant}`, 'id');
  if (s.kind === 'currency') {
    const p = ctx.platform.participant(participant);
    if (p === undefined || !seesParticipant(s, p)) throw notFound(`participant ${participant}`, 'id');
    if (s.currency !== currency) throw forbidden(`a central bank acts in its own currency (${s.currency || 'none'}) only`, 'currency');
  }
}
