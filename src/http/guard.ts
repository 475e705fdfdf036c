// Who is calling, and may they: the authentication every route of the API and the
// dashboard goes through. A route declares the roles that may call it
// (`config.roles`); a route without roles is public. For the others the caller
// is an API key (Authorization: Bearer sco_…, ./auth.ts; failed attempts limited
// per client address and key id) or, with mutual TLS, the
// user a verified client certificate names by its subject CN; then its key's
// rate limit (./rate_limit.ts), then the route's roles. The user and its scope
// (./access.ts) are left on the request for the handler.

import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Platform } from '../platform/platform.js';
import { memberScope, scopeOf, type Scope } from './access.js';
import { keyIdOf, type User, type UserDirectory } from './auth.js';
import { ApiError } from './errors.js';
import type { AuthFailureLimiter, RateLimiter } from './rate_limit.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiUser: User | null;
    apiScope: Scope | null;
    /** The caller's key id (`cert:<user>` for a client certificate), so long-lived streams can re-check it. */
    apiKeyId: string | null;
  }
  interface FastifyContextConfig {
    roles?: readonly string[];
  }
}

export interface GuardOptions {
  platform: Platform;
  users: UserDirectory;
  /** null: no rate limit. */
  limiter: RateLimiter | null;
  /** Limit on failed authentications per client address and key id; null: none. */
  failures: AuthFailureLimiter | null;
  /** Whether the server asked for client certificates from a CA it trusts (mutual TLS). */
  clientCertificates: boolean;
  /** A member replica's currency: every caller sees that currency only, and a request naming another is refused. */
  member_currency?: string | undefined;
}

/** The caller a guarded route's handler runs for: set by the guard, never null there. */
export interface Caller {
  user: User;
  scope: Scope;
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m === null ? null : m[1]!;
}

/** The user a verified client certificate names (subject CN), or null. */
function certificateUser(req: FastifyRequest, users: UserDirectory): { user: User; key_id: string } | null {
  const socket = req.raw.socket as TLSSocket;
  if (socket.authorized !== true) return null;
  const cn = socket.getPeerCertificate()?.subject?.CN;
  const name = Array.isArray(cn) ? cn[0] : cn;
  const user = typeof name === 'string' ? users.user(name) : undefined;
  return user === undefined ? null : { user, key_id: `cert:${user.name}` };
}

/**
 * The user of an API key. A token scrypt verified lately passes at once; any other
 * is refused 429 while its client address or key id is over the failed-attempt
 * limit, and a wrong one counts against both.
 */
async function keyUser(req: FastifyRequest, token: string, opts: GuardOptions): Promise<{ user: User; key_id: string } | null> {
  const cached = opts.users.verifiedUser(token);
  if (cached !== null || opts.failures === null) return cached ?? (await opts.users.authenticate(token));
  const key_id = keyIdOf(token);
  const wait = opts.failures.wait(req.ip, key_id);
  if (wait > 0)
    throw new ApiError(429, 'rate_limited', 'too many failed authentications from this address or for this key id; retry later', '', {
      'retry-after': String(wait),
    });
  const auth = await opts.users.authenticate(token);
  if (auth === null) opts.failures.fail(req.ip, key_id);
  return auth;
}

/** Adds the request decorations and the authentication hook (after any hook added before it). */
export function installGuard(app: FastifyInstance, opts: GuardOptions): void {
  const { platform, users, limiter } = opts;
  app.decorateRequest('apiUser', null);
  app.decorateRequest('apiScope', null);
  app.decorateRequest('apiKeyId', null);
  app.addHook('onRequest', async (req) => {
    const roles = req.routeOptions.config?.roles;
    if (roles === undefined) return;
    const token = bearer(req);
    const auth = token !== null ? await keyUser(req, token, opts) : opts.clientCertificates ? certificateUser(req, users) : null;
    if (auth === null && token === null)
      throw new ApiError(401, 'unauthenticated', 'send an API key as Authorization: Bearer sco_… (or a client certificate the server trusts)', '', {
        'www-authenticate': 'Bearer',
      });
    if (auth === null) throw new ApiError(401, 'unauthenticated', 'unknown, revoked or malformed API key', '', { 'www-authenticate': 'Bearer' });
    if (limiter !== null) {
      const wait = limiter.take(auth.key_id);
      if (wait > 0)
        throw new ApiError(429, 'rate_limited', `rate limit of ${limiter.opts.rate} requests/s for this key exceeded`, '', { 'retry-after': String(wait) });
    }
    if (!roles.includes(auth.user.role)) throw new ApiError(403, 'forbidden', `role ${auth.user.role} may not ${req.method} ${req.routeOptions.url}`);
    req.apiUser = auth.user;
    req.apiKeyId = auth.key_id;
    req.apiScope = scopeOf(auth.user, platform);
    if (opts.member_currency !== undefined) req.apiScope = memberRequestScope(req, req.apiScope, opts.member_currency);
  });
}

/** The scope on a member replica; refuses (403 outside_member_currency) a request for another currency's data. */
function memberRequestScope(req: FastifyRequest, scope: Scope, currency: string): Scope {
  const refuse = (what: string): ApiError =>
    new ApiError(403, 'outside_member_currency', `this member replica serves ${currency} only (${what}); ask the platform itself`, 'currency');
  for (const source of [req.params, req.query] as unknown[]) {
    const named = (source as { currency?: unknown } | undefined)?.currency;
    if (typeof named === 'string' && named.toUpperCase() !== currency) throw refuse(`the request names ${named}`);
  }
  const narrowed = memberScope(scope, currency);
  if (narrowed === null) throw refuse(`the caller is the central bank of ${scope.kind === 'currency' ? scope.currency : 'another currency'}`);
  return narrowed;
}

/** The caller of a guarded route (the guard has run: a missing user is a wiring error). */
export function callerOf(req: FastifyRequest): Caller {
  if (req.apiUser === null || req.apiScope === null) throw new ApiError(500, 'internal', 'route without roles asked for its caller');
  return { user: req.apiUser, scope: req.apiScope };
}
