// GET /v1/events: server-sent events of payment state changes, each client seeing
// only the payments in its scope. Bounded: at most SSE_LIMITS.clients_max streams,
// and a client that lets more than buffered_bytes_max pile up is disconnected
// rather than buffered without end; a comment line every heartbeat_ms keeps
// proxies from closing an idle stream.

import type { FastifyInstance } from 'fastify';
import type { ChangeEvent, Platform } from '../platform/platform.js';
import { seesPayment } from '../http/access.js';
import { ApiError } from '../http/errors.js';
import { callerStillValid } from '../http/auth.js';
import { callerOf } from '../http/guard.js';
import { redactChanges } from '../http/payment_view.js';
import { EVENTS_ROUTE } from './routes.js';

const DIRECTORY_CHANGES = ['update_user', 'revoke_key'];

export const SSE_LIMITS = Object.freeze({ clients_max: 1_000, buffered_bytes_max: 4 * 1024 * 1024, heartbeat_ms: 15_000 });

/** Registers the stream route; endAll() ends every open stream (on shutdown). */
export function registerEventStream(app: FastifyInstance, platform: Platform): { endAll(): void } {
  const streams = new Set<{ end(): void }>();
  app.route({
    method: 'GET',
    url: EVENTS_ROUTE.url,
    config: { roles: EVENTS_ROUTE.roles },
    handler: (req, reply) => {
      if (streams.size >= SSE_LIMITS.clients_max) throw new ApiError(503, 'unavailable', `at most ${SSE_LIMITS.clients_max} event streams`);
      const { user, scope } = callerOf(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-request-id': String(req.id),
      });
      res.write(`: sco-settle events for ${user.name}\n\n`);
      let id = 0;
      const onChanges = (changes: ChangeEvent[]): void => {
        const visible =
          scope.kind === 'all'
            ? changes
            : changes.filter((c) => {
                const p = platform.payment(c.uetr);
                return p !== undefined && seesPayment(scope, p);
              });
        if (visible.length === 0) return;
        const seen = redactChanges({ scope, user_name: user.name }, platform, visible);
        if (res.writableLength > SSE_LIMITS.buffered_bytes_max) {
          stream.end();
          return;
        }
        res.write(`id: ${++id}\nevent: payments\ndata: ${JSON.stringify(seen)}\n\n`);
      };
      const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_LIMITS.heartbeat_ms);
      heartbeat.unref();
      // A revoked key or a changed or disabled user loses its stream at once (src/http/auth.ts).
      const onCommand = (c: { type: string }): void => {
        if (DIRECTORY_CHANGES.includes(c.type) && !callerStillValid(platform, user, req.apiKeyId)) stream.end();
      };
      const stream = {
        offGovernance: (): void => undefined,
        end(): void {
          if (!streams.delete(stream)) return;
          stream.offGovernance();
          clearInterval(heartbeat);
          platform.events.off('changes', onChanges);
          platform.events.off('command', onCommand);
          res.end();
        },
      };
      // Governance: proposals opened, answered and decided, for those who govern or audit (./governance_routes.ts).
      const onGovernance = (g: unknown): void => {
        if (['operator', 'central_bank', 'auditor'].includes(user.role)) res.write(`id: ${++id}\nevent: governance\ndata: ${JSON.stringify(g)}\n\n`);
      };
      streams.add(stream);
      platform.events.on('governance', onGovernance);
      stream.offGovernance = () => platform.events.off('governance', onGovernance);
      platform.events.on('changes', onChanges);
      platform.events.on('command', onCommand);
      req.raw.on('close', () => stream.end());
    },
  });
  return {
    endAll(): void {
      for (const s of [...streams]) s.end();
    },
  };
}
