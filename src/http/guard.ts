// Who is calling, and may they: the authentication every route of the API and the
// dashboard goes through. A route declares the roles that may call it
// (`config.roles`); a route without roles is public. For the others the caller
// is an API key (Authorization: Bearer sco_…, ./auth.ts) or, with mutual TLS, the
// user a verified client certificate names by its subject CN; then its key's
// rate limit (./rate_limit.ts), then the route's roles. The user and its scope
// (./access.ts) are left on the request for the handler.

import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Platform } from '../platform/platform.js';
import { scopeOf, type Scope } from './access.js';
import type { User, UserDirectory } from './auth.js';
import { ApiError } from './errors.js';
import type { RateLimiter } from './rate_limit.js';

declare module 'fastify' {
  interface FastifyRequest {
    apiUser: User | null;
    apiScope: Scope | null;
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
  /** Whether the server asked for client certificates from a CA it trusts (mutual TLS). */
  clientCertificates: boolean;
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

/** Adds the request decorations and the authentication hook (after any hook added before it). */
export function installGuard(app: FastifyInstance, opts: GuardOptions): void {
  const { platform, users, limiter } = opts;
  app.decorateRequest('apiUser', null);
  app.decorateRequest('apiScope', null);
  app.addHook('onRequest', async (req) => {
    const roles = req.routeOptions.config?.roles;
    if (roles === undefined) return;
    const token = bearer(req);
    const auth = token !== null ? await users.authenticate(token) : opts.clientCertificates ? certificateUser(req, users) : null;
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
    req.apiScope = scopeOf(auth.user, platform);
  });
}

/** The caller of a guarded route (the guard has run: a missing user is a wiring error). */
export function callerOf(req: FastifyRequest): Caller {
  if (req.apiUser === null || req.apiScope === null) throw new ApiError(500, 'internal', 'route without roles asked for its caller');
  return { user: req.apiUser, scope: req.apiScope };
}
