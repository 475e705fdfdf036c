// The HTTP API server: fastify over one Platform. It owns the request pipeline —
// request ids and JSON logs (pino, authorization redacted), draining (503 while
// shutting down), authentication and roles (src/http/guard.ts: API keys, mutual
// TLS, per-key rate limits), body limits, schema validation (unknown fields
// refused), Idempotency-Key handling for every POST, errors as RFC 9457
// problem details (src/http/errors.ts), Prometheus metrics, health and readiness, the
// OpenAPI document, the docs page and the server-sent events stream. Routes
// themselves are in ./routes.ts. The dashboard's routes are added to the same
// server by whoever composes the two (src/cli/serve_commands.ts), before it listens.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { maxHeaderSize } from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { bigintJson, type Platform } from '../platform/platform.js';
import { UserDirectory } from '../http/auth.js';
import { ApiError, fromClientError, fromFrameworkError, PROBLEM_JSON, rawErrorResponse, sendError, toApiError } from '../http/errors.js';
import { callerOf, installGuard } from '../http/guard.js';
import { registerEventStream } from './events.js';
import { Webhooks, type WebhookOptions } from './webhooks.js';
import { withUnits } from '../http/units.js';
import type { RouteDoc } from '../http/route_doc.js';
import * as R from './responses.js';
import { AUTH_FAILURE_DEFAULTS, AuthFailureLimiter, type AuthFailureLimits, RateLimiter, type RateLimitOptions } from '../http/rate_limit.js';
import { fingerprint, IdempotencyStore, KEY_RE, legacyFingerprint } from './idempotency.js';
import { ApiMetrics } from './metrics.js';
import { BACK_PRESSURE_DEFAULTS, BackPressure, type BackPressureLimits } from './back_pressure.js';
import { API_FORMATS } from './schemas.js';
import { buildOpenApi, docsPage } from './openapi.js';
import { parseBatchBody } from './batch_body.js';
import { BODY_LIMIT_BATCH, BODY_LIMIT_DEFAULT, ROUTES, type RouteContext, type RouteDef, type RouteResult } from './routes.js';

/** The package's version (info.version of the OpenAPI document). */
export const API_VERSION: string = packageVersion();

function packageVersion(): string {
  // dist/src/api/server.js and src/api/server.ts are both three folders below the package.
  for (const up of ['../../../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // not there: the other layout
    }
  }
  return '0.0.0';
}
/** How often the server checks for proposals whose window closed (their decision is journaled then). */
const DECISION_TIMER_MS = 1_000;

export interface ApiOptions {
  platform: Platform;
  /** Defaults to the users and keys on the platform's documents, loaded by buildApi. */
  users?: UserDirectory;
  /** Defaults to one on the platform's documents, loaded by buildApi. */
  idempotency?: IdempotencyStore;
  /** null: no rate limit. Default 2,000 requests/s per key, bursts of 4,000. */
  rateLimit?: RateLimitOptions | null;
  /** Failed authentications allowed per client address and key id (default AUTH_FAILURE_DEFAULTS); null: no limit. */
  authFailures?: AuthFailureLimits | null;
  /** pino level, or false for no logs. Default 'info'. */
  logLevel?: string | false;
  /** Where logs go (default stdout). */
  logStream?: NodeJS.WritableStream;
  /**
   * TLS for https (optional). With `ca`, clients may also authenticate by a
   * certificate that CA issued (mutual TLS): its subject CN names an API user,
   * whose role and participant apply. API keys keep working beside it.
   */
  https?: { key: Buffer; cert: Buffer; ca?: Buffer } | null;
  /** Webhook delivery timing (retry back-off, attempt timeout); defaults WEBHOOK_DEFAULTS. */
  webhooks?: Partial<WebhookOptions>;
  /** Bounds on writes in flight and on the query index backlog (./back_pressure.ts); defaults BACK_PRESSURE_DEFAULTS. */
  backPressure?: Partial<BackPressureLimits>;
  /** A member replica's currency: callers see that currency only; requests for another are refused (outside_member_currency). */
  member_currency?: string;
  /** Run the scheme's timetable (LSM interval, DNS window times; src/platform/timetable.ts) on the server's timer. Default false. */
  timetable?: boolean;
}

export interface Api {
  app: FastifyInstance;
  idempotency: IdempotencyStore;
  metrics: ApiMetrics;
  backPressure: BackPressure;
  /** Refuses new work, ends event streams, finishes in-flight requests, flushes idempotency records, closes the platform. */
  shutdown(): Promise<void>;
  readonly draining: boolean;
}

/** fastify with the API's options: logs (authorization redacted), request ids, body limits, strict validation, TLS. */
function createApp(opts: ApiOptions): FastifyInstance {
  return Fastify({
    logger:
      opts.logLevel === false
        ? false
        : {
            level: opts.logLevel ?? 'info',
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization'], censor: '[redacted]' },
            ...(opts.logStream !== undefined ? { stream: opts.logStream } : {}),
          },
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: BODY_LIMIT_DEFAULT,
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: true, formats: API_FORMATS } },
    // What the router and Node's HTTP parser refuse before a route runs answers in the project's error body too.
    frameworkErrors: (err: Error, _req: unknown, reply: Parameters<typeof sendError>[0]) => sendError(reply, fromFrameworkError(err)),
    clientErrorHandler: answerClientError,
    ...(opts.https ? { https: opts.https.ca === undefined ? opts.https : { ...opts.https, requestCert: true, rejectUnauthorized: false } } : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;
}

/**
 * application/json read as bytes: a batch of payments in pieces (./batch_body.ts), anything else (or a batch
 * that piecewise reading does not take) decoded whole and handed to fastify's own JSON parser, as before.
 */
function installJsonParser(app: FastifyInstance): void {
  const whole = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error');
  app.removeContentTypeParser('application/json');
  // The default parser's limit (the server's); a route's own bodyLimit still takes precedence, as it did.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: BODY_LIMIT_DEFAULT }, (req, body, done) => {
    const batch = parseBatchBody(body as Buffer);
    if (batch !== undefined) {
      done(null, batch);
      return;
    }
    whole(req, (body as Buffer).toString('utf8'), done);
  });
}

/** The server's `clientError`: Node's parser refused the bytes, so the answer is written to the socket, which then closes. */
function answerClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  if (socket.writable) socket.write(rawErrorResponse(fromClientError(err.code, err.rawPacket, maxHeaderSize)));
  socket.destroy();
}

export async function buildApi(opts: ApiOptions): Promise<Api> {
  const { platform } = opts;
  const users = opts.users ?? (await UserDirectory.load(platform));
  const idempotency = opts.idempotency ?? new IdempotencyStore(platform.documents);
  if (opts.idempotency === undefined) await idempotency.load();
  const limiter = opts.rateLimit === null ? null : new RateLimiter(opts.rateLimit ?? { rate: 2_000, burst: 4_000 });
  const metrics = new ApiMetrics(platform);
  const backPressure = watchedBackPressure(opts, metrics);
  let draining = false;
  let closed = false;

  const app = createApp(opts);
  // Every route registered on this server, the dashboard's included: the OpenAPI document is built from them.
  const registered: RouteOptions[] = [];
  app.addHook('onRoute', (r) => {
    registered.push(r);
  });

  app.removeContentTypeParser('text/plain');
  installJsonParser(app);
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: BODY_LIMIT_BATCH }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    return sendError(reply, e);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, new ApiError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  installDrainHook(app, () => draining);
  const failures = opts.authFailures === null ? null : new AuthFailureLimiter(opts.authFailures ?? AUTH_FAILURE_DEFAULTS);
  installGuard(app, { platform, users, limiter, failures, clientCertificates: opts.https?.ca !== undefined, member_currency: opts.member_currency });
  app.addHook('preValidation', (req, _reply, done) => {
    if (req.method === 'POST' && (req.body === undefined || req.body === null) && req.routeOptions.config?.roles !== undefined)
      (req as { body: unknown }).body = {};
    done();
  });
  installResponseHooks(app, platform, metrics);

  for (const r of ROUTES) registerRoute(app, r, { platform, metrics, idempotency, backPressure });

  const events = withDecisionTimer(registerEventStream(app, platform), platform, opts.timetable === true);
  const webhooks = await Webhooks.start(platform, opts.webhooks);
  registerPublicEndpoints(app, platform, metrics, () => !draining && !closed, registered);

  const api: Api = {
    app,
    idempotency,
    metrics,
    backPressure,
    get draining() {
      return draining;
    },
    async shutdown() {
      if (closed) return;
      draining = true;
      events.endAll();
      await webhooks.stop();
      await app.close();
      await idempotency.close();
      await platform.close();
      closed = true;
    },
  };
  return api;
}

/** Every answer names its request id; while draining, requests are refused 503 (the hook takes fastify's callback form: no promise per request). */
function installDrainHook(app: FastifyInstance, draining: () => boolean): void {
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('x-request-id', req.id);
    if (!draining()) return done();
    reply.header('connection', 'close');
    done(new ApiError(503, 'shutting_down', 'the server is shutting down; retry against another instance or later', '', { 'retry-after': '1' }));
  });
}

/** The server's back-pressure on writes, its bounds from the options, watched by the metrics. */
function watchedBackPressure(opts: ApiOptions, metrics: ApiMetrics): BackPressure {
  const bp = new BackPressure({ ...BACK_PRESSURE_DEFAULTS, ...opts.backPressure }, () => opts.platform.operations().index_backlog_events);
  metrics.watchBackPressure(bp);
  return bp;
}

/** A write's journal receipt header, and each request's latency into the metrics. */
function installResponseHooks(app: FastifyInstance, platform: Platform, metrics: ApiMetrics): void {
  // A write's receipt: the journal position and entry hash durable when it was answered (`verify --expect-head` takes it).
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const head = platform.journalHead();
      reply.header('journal-head', `${head.seq}:${head.head_hash}`);
    }
    done(null, payload);
  });
  app.addHook('onResponse', (req, reply, done) => {
    metrics.latency.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}

/** A public endpoint's doc (no roles: no authentication). */
function publicDoc(
  operationId: string,
  summary: string,
  schema: Record<string, unknown>,
  content_type = 'application/json',
  extra: Partial<RouteDoc> = {},
): { doc: RouteDoc } {
  return { doc: { operationId, tag: 'operations', summary, responses: { 200: { schema, content_type } }, ...extra } };
}

/**
 * The scheme's decisions fall due with time: a timer journals them even when no
 * command arrives (src/platform: decideDue), and with `timetable` the LSM runs and
 * DNS windows the scheme's timetable makes due (runTimetable). It stops when the
 * streams end (shutdown).
 */
function withDecisionTimer(events: { endAll(): void }, platform: Platform, timetable: boolean): { endAll(): void } {
  const tick = async (): Promise<void> => {
    await platform.decideDue();
    const role = platform.clusterStatus()?.role ?? 'active';
    if (timetable && role === 'active') await platform.runTimetable();
  };
  const timer = setInterval(() => void tick().catch(() => undefined), DECISION_TIMER_MS);
  timer.unref();
  return {
    endAll(): void {
      clearInterval(timer);
      events.endAll();
    },
  };
}

/** The OpenAPI document, the docs page, health, readiness and metrics: public (no roles). */
function registerPublicEndpoints(
  app: FastifyInstance,
  platform: Platform,
  metrics: ApiMetrics,
  ready: () => boolean,
  registered: readonly RouteOptions[],
): void {
  // Built on first request: by then every route, the dashboard's too, is registered.
  let built: { json: string; html: string } | null = null;
  const doc = (): { json: string; html: string } => {
    if (built === null) {
      const d = buildOpenApi(registered, API_VERSION);
      built = { json: JSON.stringify(d), html: docsPage(d) };
    }
    return built;
  };
  const openapiDoc = publicDoc('getOpenApi', 'This OpenAPI 3.1 document', R.OpenApiDocument);
  app.get('/openapi.json', { config: openapiDoc }, (_req, reply) => reply.type('application/json').send(doc().json));
  app.get('/docs', { config: publicDoc('getDocsPage', 'The API reference as an HTML page', { type: 'string' }, 'text/html') }, (_req, reply) =>
    reply.type('text/html; charset=utf-8').send(doc().html),
  );
  // Probes and scrapes come every few seconds: their requests are not logged at info (errors still are).
  const quiet = 'warn' as const;
  app.get('/healthz', { config: publicDoc('getHealth', 'Liveness', R.Health), logLevel: quiet }, (_req, reply) => reply.send({ status: 'ok' }));
  const readyDoc = publicDoc('getReadiness', 'Readiness (503 while starting or draining, or once writes fail)', R.Readiness);
  app.get('/readyz', { config: readyDoc, logLevel: quiet }, (_req, reply) => {
    if (!ready()) return sendError(reply, new ApiError(503, 'shutting_down', 'draining'));
    const health = platform.health();
    if (!health.writable) return sendError(reply, new ApiError(503, 'unavailable', `not ready: ${health.reason}; reopen the store to recover`));
    // Cluster mode: which role this engine plays and how far it holds the journal stream.
    const c = platform.clusterStatus();
    if (c !== null)
      return reply.send({
        status: 'ready',
        role: c.role,
        stream_seq: c.stream_seq,
        node_id: c.node_id,
        leader: c.leader,
        stalled: c.stalled,
        alarms: c.alarms,
        lag_ms: c.lag_ms,
      });
    return reply.send({ status: 'ready' });
  });
  app.get('/metrics', { config: publicDoc('getMetrics', 'Prometheus metrics', { type: 'string' }, 'text/plain'), logLevel: quiet }, async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

/** Runs the route's handler for the body it got: JSON, or ISO 20022 XML where the route takes it. */
function runHandler(r: RouteDef, ctx: RouteContext): Promise<RouteResult> | RouteResult {
  if (typeof ctx.body !== 'string') return r.handler(ctx);
  if (r.xml === undefined) throw new ApiError(415, 'unsupported_media_type', 'this route takes application/json');
  return r.xml({ ...ctx, body: ctx.body });
}

interface RouteServices {
  platform: Platform;
  metrics: ApiMetrics;
  idempotency: IdempotencyStore;
  backPressure: BackPressure;
}

function registerRoute(app: FastifyInstance, r: RouteDef, services: RouteServices): void {
  const { platform, metrics, idempotency, backPressure } = services;
  const schema: Record<string, unknown> = {};
  if (r.params !== undefined) schema.params = r.params;
  if (r.query !== undefined) schema.querystring = r.query;
  if (r.body !== undefined)
    schema.body =
      r.xml !== undefined
        ? { content: { 'application/json': { schema: r.body }, 'application/xml': { schema: { type: 'string' } }, 'text/xml': { schema: { type: 'string' } } } }
        : r.body;
  app.route({
    method: r.method,
    url: r.url,
    bodyLimit: r.bodyLimit ?? BODY_LIMIT_DEFAULT,
    config: {
      roles: r.roles,
      doc: {
        operationId: r.operationId,
        tag: r.tag,
        summary: r.summary,
        responses: Object.fromEntries(Object.entries(r.responses).map(([status, schema]) => [status, { schema }])),
        ...(r.xml !== undefined ? { xml_body: true } : {}),
      } satisfies RouteDoc,
    },
    schema,
    handler: async (req, reply) => {
      if (typeof req.body === 'string' && r.xml === undefined) throw new ApiError(415, 'unsupported_media_type', 'this route takes application/json');
      const { user, scope } = callerOf(req);
      // Params, query and body as fastify validated them against the route's schemas.
      const ctx: RouteContext = { platform, user, scope, params: req.params ?? {}, query: req.query ?? {}, body: req.body, req, keyed: false, metrics };
      const key = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
      if (key !== undefined && (typeof key !== 'string' || !KEY_RE.test(key)))
        throw new ApiError(400, 'invalid_field', 'Idempotency-Key: 1-128 printable ASCII characters', 'Idempotency-Key');
      // Writes pass the back-pressure bounds first (429 overloaded, nothing done); reads are never held back.
      const release = r.method === 'GET' ? null : backPressure.admit();
      try {
        if (key === undefined) {
          const out = await runHandler(r, ctx);
          return reply.code(out.status).type('application/json').send(encodeResult(out));
        }
        const answer = await answerKeyed(r, ctx, key as string, idempotency);
        if (answer.replayed) reply.header('idempotent-replayed', 'true');
        return reply
          .code(answer.status)
          .type(answer.status >= 400 ? PROBLEM_JSON : 'application/json')
          .send(answer.body);
      } finally {
        release?.();
      }
    },
  });
}

/** A result's JSON: amounts in major units and times beside the exact ones, unless the body has none. */
function encodeResult(out: RouteResult): string {
  if (out.plain === true) return out.text ?? JSON.stringify(out.body);
  return JSON.stringify(withUnits(out.body), bigintJson);
}

/**
 * A POST with an Idempotency-Key: the answer remembered for the same key and
 * request, a conflict for the same key with another request, or a first run
 * whose answer (a refusal too) is remembered.
 */
async function answerKeyed(
  r: RouteDef,
  ctx: RouteContext,
  key: string,
  idempotency: IdempotencyStore,
): Promise<{ status: number; body: string; replayed: boolean }> {
  const req = ctx.req;
  const scoped = IdempotencyStore.scoped(ctx.user.name, key);
  const h = fingerprint(req.method, req.url, req.body);
  const seen = await idempotency.lookup(scoped, h, legacyFingerprint(req.method, req.url, req.body));
  if (seen.kind === 'conflict') throw new ApiError(409, 'idempotency_conflict', 'this Idempotency-Key was used with a different request', 'Idempotency-Key');
  if (seen.kind === 'replay') return { status: seen.response.status, body: seen.response.body, replayed: true };
  if (seen.kind === 'replay_uetrs' && r.rebuild !== undefined) {
    const out = r.rebuild(ctx, seen.uetrs, seen.status);
    // Read from the state, which may run ahead of the journal (../platform: whenDurable).
    await ctx.platform.whenDurable();
    return { status: out.status, body: JSON.stringify(withUnits(out.body), bigintJson), replayed: true };
  }
  const release = idempotency.begin(scoped, h);
  try {
    let out: RouteResult;
    try {
      out = await runHandler(r, { ...ctx, keyed: true });
    } catch (err) {
      const e = toApiError(err);
      // A refusal is an answer too (and journaled): replay it. Server failures may be retried.
      if (e.status < 500 && e.status !== 429) await idempotency.save(scoped, h, { status: e.status, body: JSON.stringify(e.body(String(req.id))) });
      throw e;
    }
    const body = encodeResult(out);
    const durable = idempotency.save(scoped, h, { status: out.status, body }, out.uetrs);
    // Payments are idempotent by UETR on the platform; other commands answer once their record is durable.
    if (out.uetrs === undefined) await durable;
    return { status: out.status, body, replayed: false };
  } finally {
    release();
  }
}
