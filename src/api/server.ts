// The HTTP API server: fastify over one Platform. It owns the request pipeline —
// request ids and JSON logs (pino, authorization redacted), draining (503 while
// shutting down), authentication by API key, per-key rate limits, the role check
// every route declares, body limits, schema validation (unknown fields refused),
// Idempotency-Key handling for every POST, errors as {"code","message","path"},
// Prometheus metrics, health and readiness, the OpenAPI document, the docs page
// and the server-sent events stream. Routes themselves are in ./routes.ts.

import { randomUUID } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Platform } from '../platform/platform.js';
import { bigintJson, type ChangeEvent } from '../platform/state_machine.js';
import type { User, UserDirectory } from './auth.js';
import { scopeOf, seesPayment, type Scope } from './access.js';
import { ApiError, toApiError } from './errors.js';
import { fingerprint, IdempotencyStore, KEY_RE } from './idempotency.js';
import { ApiMetrics } from './metrics.js';
import { buildOpenApi, docsPage } from './openapi.js';
import { RateLimiter, type RateLimitOptions } from './rate_limit.js';
import { registerWebRoutes } from '../web/routes.js';
import { BODY_LIMIT_BATCH, BODY_LIMIT_DEFAULT, EVENTS_ROUTE, ROUTES, type RouteContext, type RouteDef } from './routes.js';

export const API_VERSION = '1.0.0';
export const SSE_LIMITS = Object.freeze({ clients_max: 1_000, buffered_bytes_max: 4 * 1024 * 1024, heartbeat_ms: 15_000 });

export interface ApiOptions {
  platform: Platform;
  users: UserDirectory;
  /** Defaults to one on the platform's store, loaded by buildApi. */
  idempotency?: IdempotencyStore;
  /** null: no rate limit. Default 2,000 requests/s per key, bursts of 4,000. */
  rateLimit?: RateLimitOptions | null;
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
}

export interface Api {
  app: FastifyInstance;
  idempotency: IdempotencyStore;
  metrics: ApiMetrics;
  /** Refuses new work, ends event streams, finishes in-flight requests, flushes idempotency records, closes the platform. */
  shutdown(): Promise<void>;
  readonly draining: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    apiUser: User | null;
    apiScope: Scope | null;
  }
  interface FastifyContextConfig {
    roles?: readonly string[];
  }
}

function sendError(reply: FastifyReply, e: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return reply.code(e.status).type('application/json').send(JSON.stringify(e.body()));
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m === null ? null : m[1]!;
}

export async function buildApi(opts: ApiOptions): Promise<Api> {
  const { platform, users } = opts;
  const idempotency = opts.idempotency ?? new IdempotencyStore(platform.store);
  if (opts.idempotency === undefined) await idempotency.load();
  const limiter = opts.rateLimit === null ? null : new RateLimiter(opts.rateLimit ?? { rate: 2_000, burst: 4_000 });
  const metrics = new ApiMetrics(platform);
  let draining = false;
  let closed = false;

  const app = Fastify({
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
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false } },
    ...(opts.https
      ? { https: opts.https.ca === undefined ? opts.https : { ...opts.https, requestCert: true, rejectUnauthorized: false } }
      : {}),
  } as Parameters<typeof Fastify>[0]) as unknown as FastifyInstance;

  app.decorateRequest('apiUser', null);
  app.decorateRequest('apiScope', null);
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string', bodyLimit: BODY_LIMIT_BATCH }, (_req, body, done) => done(null, body));

  app.setErrorHandler((err, req, reply) => {
    const e = toApiError(err);
    if (e.status >= 500) req.log.error({ err }, 'request failed');
    return sendError(reply, e);
  });
  app.setNotFoundHandler((req, reply) => sendError(reply, new ApiError(404, 'not_found', `no route ${req.method} ${req.url.split('?')[0]}`)));

  /** The user a verified client certificate names (subject CN), or null. */
  const certificateUser = (req: FastifyRequest): { user: User; key_id: string } | null => {
    const socket = req.raw.socket as TLSSocket;
    if (opts.https?.ca === undefined || socket.authorized !== true) return null;
    const cn = socket.getPeerCertificate()?.subject?.CN;
    const name = Array.isArray(cn) ? cn[0] : cn;
    const user = typeof name === 'string' ? users.user(name) : undefined;
    return user === undefined ? null : { user, key_id: `cert:${user.name}` };
  };

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    if (draining) {
      reply.header('connection', 'close');
      throw new ApiError(503, 'shutting_down', 'the server is shutting down; retry against another instance or later', '', { 'retry-after': '1' });
    }
    const roles = req.routeOptions.config?.roles;
    if (roles === undefined) return;
    const token = bearer(req);
    const auth = token === null ? certificateUser(req) : await users.authenticate(token);
    if (auth === null && token === null) throw new ApiError(401, 'unauthenticated', 'send an API key as Authorization: Bearer sco_… (or a client certificate the server trusts)', '', { 'www-authenticate': 'Bearer' });
    if (auth === null) throw new ApiError(401, 'unauthenticated', 'unknown, revoked or malformed API key', '', { 'www-authenticate': 'Bearer' });
    if (limiter !== null) {
      const wait = limiter.take(auth.key_id);
      if (wait > 0) throw new ApiError(429, 'rate_limited', `rate limit of ${limiter.opts.rate} requests/s for this key exceeded`, '', { 'retry-after': String(wait) });
    }
    if (!roles.includes(auth.user.role)) throw new ApiError(403, 'forbidden', `role ${auth.user.role} may not ${req.method} ${req.routeOptions.url}`);
    req.apiUser = auth.user;
    req.apiScope = scopeOf(auth.user, platform);
  });
  app.addHook('preValidation', async (req) => {
    if (req.method === 'POST' && (req.body === undefined || req.body === null) && req.routeOptions.config?.roles !== undefined) (req as { body: unknown }).body = {};
  });
  app.addHook('onResponse', async (req, reply) => {
    metrics.latency.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  for (const r of ROUTES) registerRoute(app, r, platform, metrics, idempotency);
  registerWebRoutes(app, platform);

  // ---- events --------------------------------------------------------------------------------
  const streams = new Set<{ end(): void }>();
  app.route({
    method: 'GET',
    url: EVENTS_ROUTE.url,
    config: { roles: EVENTS_ROUTE.roles },
    handler: (req, reply) => {
      if (streams.size >= SSE_LIMITS.clients_max) throw new ApiError(503, 'unavailable', `at most ${SSE_LIMITS.clients_max} event streams`);
      const scope = req.apiScope!;
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-request-id': String(req.id) });
      res.write(`: sco-settle events for ${req.apiUser!.name}\n\n`);
      let id = 0;
      const onChanges = (changes: ChangeEvent[]): void => {
        const visible = scope.kind === 'all' ? changes : changes.filter((c) => {
          const p = platform.payment(c.uetr);
          return p !== undefined && seesPayment(scope, p);
        });
        if (visible.length === 0) return;
        if (res.writableLength > SSE_LIMITS.buffered_bytes_max) {
          stream.end();
          return;
        }
        res.write(`id: ${++id}\nevent: payments\ndata: ${JSON.stringify(visible)}\n\n`);
      };
      const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_LIMITS.heartbeat_ms);
      heartbeat.unref();
      const stream = {
        end(): void {
          if (!streams.delete(stream)) return;
          clearInterval(heartbeat);
          platform.events.off('changes', onChanges);
          res.end();
        },
      };
      streams.add(stream);
      platform.events.on('changes', onChanges);
      req.raw.on('close', () => stream.end());
    },
  });

  // ---- public endpoints --------------------------------------------------------------------
  const doc = buildOpenApi(
    ROUTES,
    [
      { ...EVENTS_ROUTE, produces: 'text/event-stream' },
      { method: 'GET', url: '/healthz', tag: 'operations', summary: 'Liveness', roles: null },
      { method: 'GET', url: '/readyz', tag: 'operations', summary: 'Readiness (503 while starting or draining)', roles: null },
      { method: 'GET', url: '/metrics', tag: 'operations', summary: 'Prometheus metrics', roles: null, produces: 'text/plain' },
    ],
    API_VERSION,
  );
  const docJson = JSON.stringify(doc);
  const docsHtml = docsPage(doc);
  app.get('/openapi.json', (_req, reply) => reply.type('application/json').send(docJson));
  app.get('/docs', (_req, reply) => reply.type('text/html; charset=utf-8').send(docsHtml));
  app.get('/healthz', (_req, reply) => reply.send({ status: 'ok' }));
  app.get('/readyz', (_req, reply) => (draining || closed ? reply.code(503).send({ code: 'shutting_down', message: 'draining', path: '' }) : reply.send({ status: 'ready' })));
  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));

  const api: Api = {
    app,
    idempotency,
    metrics,
    get draining() {
      return draining;
    },
    async shutdown() {
      if (closed) return;
      draining = true;
      for (const s of [...streams]) s.end();
      await app.close();
      await idempotency.close();
      await platform.close();
      closed = true;
    },
  };
  return api;
}

function registerRoute(app: FastifyInstance, r: RouteDef, platform: Platform, metrics: ApiMetrics, idempotency: IdempotencyStore): void {
  const schema: Record<string, unknown> = {};
  if (r.params !== undefined) schema.params = r.params;
  if (r.query !== undefined) schema.querystring = r.query;
  if (r.body !== undefined) schema.body = r.xml === true ? { content: { 'application/json': { schema: r.body }, 'application/xml': { schema: { type: 'string' } }, 'text/xml': { schema: { type: 'string' } } } } : r.body;
  app.route({
    method: r.method,
    url: r.url,
    bodyLimit: r.bodyLimit ?? BODY_LIMIT_DEFAULT,
    config: { roles: r.roles },
    schema,
    handler: async (req, reply) => {
      if (typeof req.body === 'string' && r.xml !== true) throw new ApiError(415, 'unsupported_media_type', 'this route takes application/json');
      const ctx: RouteContext = {
        platform,
        user: req.apiUser!,
        scope: req.apiScope!,
        params: (req.params ?? {}) as Record<string, unknown>,
        query: (req.query ?? {}) as Record<string, unknown>,
        body: req.body,
        req,
        keyed: false,
        metrics,
      };
      const key = req.method === 'POST' ? req.headers['idempotency-key'] : undefined;
      if (key === undefined) {
        const out = await r.handler(ctx);
        return reply.code(out.status).type('application/json').send(JSON.stringify(out.body, bigintJson));
      }
      if (typeof key !== 'string' || !KEY_RE.test(key)) throw new ApiError(400, 'invalid_field', 'Idempotency-Key: 1-128 printable ASCII characters', 'Idempotency-Key');
      const scoped = IdempotencyStore.scoped(ctx.user.name, key);
      const h = fingerprint(req.method, req.url, req.body);
      const seen = await idempotency.lookup(scoped, h);
      if (seen.kind === 'conflict') throw new ApiError(409, 'idempotency_conflict', 'this Idempotency-Key was used with a different request', 'Idempotency-Key');
      if (seen.kind === 'replay') return reply.code(seen.response.status).header('idempotent-replayed', 'true').type('application/json').send(seen.response.body);
      if (seen.kind === 'replay_uetrs' && r.rebuild !== undefined) {
        const out = r.rebuild(ctx, seen.uetrs, seen.status);
        return reply.code(out.status).header('idempotent-replayed', 'true').type('application/json').send(JSON.stringify(out.body, bigintJson));
      }
      const release = idempotency.begin(scoped, h);
      try {
        let status: number;
        let body: string;
        let uetrs: Array<string | null> | undefined;
        try {
          const out = await r.handler({ ...ctx, keyed: true });
          status = out.status;
          body = JSON.stringify(out.body, bigintJson);
          uetrs = out.uetrs;
        } catch (err) {
          const e = toApiError(err);
          // A refusal is an answer too (and journaled): replay it. Server failures may be retried.
          if (e.status < 500 && e.status !== 429) await idempotency.save(scoped, h, { status: e.status, body: JSON.stringify(e.body()) });
          throw e;
        }
        const durable = idempotency.save(scoped, h, { status, body }, uetrs);
        // Payments are idempotent by UETR on the platform; other commands answer once their record is durable.
        if (uetrs === undefined) await durable;
        return reply.code(status).type('application/json').send(body);
      } finally {
        release();
      }
    },
  });
}
