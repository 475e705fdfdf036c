// GET /v1/events: server-sent events of payment state changes, each client seeing
// only the payments in its scope. Each event's id is the journal sequence of the
// command that made its changes (src/platform/change_feed.ts): a client that
// reconnects with Last-Event-ID (or ?after=SEQ) gets every event after it, from
// the store if the server restarted meanwhile, then the live ones, none twice.
// Without either it starts at the live head. Bounded: at most
// SSE_LIMITS.clients_max streams, and a client that lets more than
// buffered_bytes_max pile up is disconnected rather than buffered without end
// (it reconnects with its last id and loses nothing); a comment line every
// heartbeat_ms keeps proxies from closing an idle stream.

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Platform } from '../platform/platform.js';
import { ChangeFeed, type FeedEntry } from '../platform/change_feed.js';
import { ApiError } from '../http/errors.js';
import { callerStillValid } from '../http/auth.js';
import { callerOf } from '../http/guard.js';
import { redactChanges, visibleChanges } from '../http/payment_view.js';
import { withTimes } from '../http/units.js';
import type { RouteDoc } from '../http/route_doc.js';
import { EVENTS_ROUTE } from './routes.js';
import { EventsQuery } from './schemas.js';

const DIRECTORY_CHANGES = ['update_user', 'revoke_key'];

export const SSE_LIMITS = Object.freeze({ clients_max: 1_000, buffered_bytes_max: 4 * 1024 * 1024, heartbeat_ms: 15_000 });

/** The stream's part of the OpenAPI document. */
const EVENTS_DOC: RouteDoc = {
  operationId: 'streamEvents',
  tag: EVENTS_ROUTE.tag,
  summary: EVENTS_ROUTE.summary,
  request_headers: { 'Last-Event-ID': 'the id of the last event seen: the stream resumes after it' },
  responses: {
    200: {
      content_type: 'text/event-stream',
      schema: { type: 'string', description: 'events `payments`: id = journal sequence, data = a JSON array of PaymentChange' },
      description: 'A stream of `event: payments` blocks; each `data` is a JSON array of payment changes (schema PaymentChange)',
    },
  },
};

/** Registers the stream route; endAll() ends every open stream (on shutdown). */
export function registerEventStream(app: FastifyInstance, platform: Platform): { endAll(): void } {
  const streams = new Set<{ end(): void }>();
  app.route({
    method: 'GET',
    url: EVENTS_ROUTE.url,
    config: { roles: EVENTS_ROUTE.roles, doc: EVENTS_DOC },
    schema: { querystring: EventsQuery },
    handler: (req, reply) => {
      if (streams.size >= SSE_LIMITS.clients_max) throw new ApiError(503, 'unavailable', `at most ${SSE_LIMITS.clients_max} event streams`);
      const { user, scope } = callerOf(req);
      const after = resumeFrom(req);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-request-id': String(req.id),
      });
      res.write(`: sco-settle events for ${user.name}\n\n`);
      const viewer = { scope, user_name: user.name };
      const deliver = (e: FeedEntry): void | Promise<void> => {
        const seen = visibleChanges(platform, scope, e.changes);
        if (seen.length === 0) return;
        if (res.writableLength > SSE_LIMITS.buffered_bytes_max) {
          stream.end();
          return;
        }
        const ok = res.write(`id: ${e.seq}\nevent: payments\ndata: ${JSON.stringify(withTimes(redactChanges(viewer, platform, seen)))}\n\n`);
        // Catching up from the store waits for a slow client instead of buffering the history.
        if (!ok)
          return new Promise((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
      };
      const feed = ChangeFeed.of(platform);
      const from = after ?? feed.head();
      // An id with no data sets the client's Last-Event-ID: a reconnect resumes from where this stream began.
      if (after === undefined) res.write(`id: ${from}\n\n`);
      const follower = feed.follow(from, deliver);
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
          follower.stop();
          platform.events.off('command', onCommand);
          res.end();
        },
      };
      streams.add(stream);
      stream.offGovernance = followGovernance(platform, user.role, res);
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

/** Where a stream resumes: ?after=SEQ, else the Last-Event-ID header, else (undefined) the live head. */
function resumeFrom(req: FastifyRequest): number | undefined {
  const q = (req.query as { after?: string }).after;
  const h = req.headers['last-event-id'];
  const text = q ?? (typeof h === 'string' ? h.trim() : undefined);
  if (text === undefined || text === '') return undefined;
  if (!/^(0|[1-9][0-9]{0,15})$/.test(text))
    throw new ApiError(
      400,
      'invalid_field',
      'an event id: the journal sequence of the last event seen (digits)',
      q !== undefined ? 'query.after' : 'Last-Event-ID',
    );
  return Number(text);
}

/**
 * Governance: proposals opened, answered and decided, for those who govern or
 * audit (./governance_routes.ts). No id: governance acts are not part of the
 * payments feed, so a resume point stays the feed's sequence. Returns the unsubscribe.
 */
function followGovernance(platform: Platform, role: string, res: { write(chunk: string): boolean }): () => void {
  if (!['operator', 'central_bank', 'auditor'].includes(role)) return () => undefined;
  const onGovernance = (g: unknown): void => {
    res.write(`event: governance\ndata: ${JSON.stringify(g)}\n\n`);
  };
  platform.events.on('governance', onGovernance);
  return () => platform.events.off('governance', onGovernance);
}
