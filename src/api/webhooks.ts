// Webhooks: signed deliveries of the change feed (src/platform/change_feed.ts)
// to the URLs participants subscribe. This module owns the subscriptions, their
// delivery cursors and delivery logs (documents beside the ledger:
// webhooks/subscriptions/<id> and webhooks/state/<id>), and one delivery loop per
// active subscription.
//
// A subscription belongs to a participant and receives only the events of that
// participant's payments (redacted as a bank's user sees them); the operator may
// also subscribe for every payment (participant null). Delivery is in feed order,
// one event at a time, at least once: the cursor (the journal sequence of the last
// event delivered) is written after each 2xx answer, so after a crash or restart
// the loop resumes from it and may repeat the last event, never skip one —
// receivers drop repeats by the `webhook-id` header. A failed attempt (no 2xx in
// timeout_ms) is retried after backoff_base_ms, doubling up to backoff_max_ms,
// for as long as it takes; every attempt goes into the delivery log (the newest
// log_entries_max).
//
// Targets: a subscription's URL must reach a public address, unless the operator
// allows its host (./webhook_target.ts): checked when it is created, and at
// every attempt on the addresses its name resolves to; the attempt connects to
// the address checked. A refused attempt is logged with the code
// webhook_target_forbidden and retried like any failed one. Redirects are not
// followed (a 3xx answer is a failed attempt).
//
// Signature: `webhook-signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
// with `webhook-timestamp` the Unix time in seconds of the attempt; a receiver
// recomputes it over the raw body and refuses old timestamps (replays).

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { Platform } from '../platform/platform.js';
import { ChangeFeed, type FeedEntry } from '../platform/change_feed.js';
import type { Scope } from '../http/access.js';
import { rfc3339, withTimes } from '../http/units.js';
import { redactChanges, visibleChanges } from '../http/payment_view.js';
import { checkTargetUrl, resolveTarget, TargetAllowList, WebhookTargetError } from './webhook_target.js';

export const WEBHOOK_LIMITS = Object.freeze({
  subscriptions_max: 1_000,
  url_length_max: 2_048,
  secret_length_min: 16,
  secret_length_max: 256,
  log_entries_max: 100,
  response_excerpt_max: 200,
});

export interface WebhookOptions {
  backoff_base_ms: number;
  backoff_max_ms: number;
  timeout_ms: number;
  /** Targets allowed beyond public addresses: host names, addresses, CIDR ranges (default none). */
  allow_hosts: readonly string[];
}

export const WEBHOOK_DEFAULTS: WebhookOptions = Object.freeze({ backoff_base_ms: 1_000, backoff_max_ms: 300_000, timeout_ms: 10_000, allow_hosts: [] });

export interface Subscription {
  id: string;
  participant: string | null;
  url: string;
  secret: string;
  created_by: string;
  created_at_ns: string;
  disabled: boolean;
}

export interface DeliveryAttempt {
  seq: number;
  attempt: number;
  at_ns: string;
  status: number | null;
  ok: boolean;
  error?: string;
  /** webhook_target_forbidden when the target was refused (no request was sent). */
  code?: string;
  duration_ms: number;
}

interface SubState {
  cursor: number;
  log: DeliveryAttempt[];
}

const SUBS = 'webhooks/subscriptions/';
const STATE = 'webhooks/state/';
const registries = new WeakMap<Platform, Webhooks>();
/** How long a caught-up loop waits before looking at the feed again when no entry was announced. */
const WAIT_MS = 1_000;

/** Resolves at the feed's next entry, after `ms`, or when woken. */
function waitFor(feed: ChangeFeed, ms: number, onWait: (wake: () => void) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(t);
      feed.events.off('entry', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    feed.events.on('entry', done);
    onWait(done);
  });
}

/** The signature header's value for a body sent at `timestamp_s`. */
export function webhookSignature(secret: string, timestamp_s: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp_s}.${body}`).digest('hex')}`;
}

/** Whether a delivery's signature is right (for receivers, and the tests that play one). */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const want = Buffer.from(webhookSignature(secret, Number(timestamp), body));
  const got = Buffer.from(signature);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** What a caller sees of a subscription: never its secret. */
export function subscriptionView(s: Subscription): Omit<Subscription, 'secret'> & { created_at: string } {
  const { secret: _secret, ...rest } = s;
  return { ...rest, created_at: rfc3339(s.created_at_ns) ?? '' };
}

export class Webhooks {
  private readonly platform: Platform;
  private readonly opts: WebhookOptions;
  private readonly allow: TargetAllowList;
  private readonly subs = new Map<string, Subscription>();
  private readonly states = new Map<string, SubState>();
  private readonly loops = new Map<string, { stop(): void; done: Promise<void> }>();
  private stopped = false;
  /** Aborts the attempts in flight when the server stops (they are repeated after a restart). */
  private readonly inFlight = new AbortController();

  /** The registry a server started for this platform. */
  static of(platform: Platform): Webhooks {
    const w = registries.get(platform);
    if (w === undefined) throw new Error('webhooks were not started on this platform');
    return w;
  }

  /** Loads the subscriptions and starts delivering to the active ones. */
  static async start(platform: Platform, opts: Partial<WebhookOptions> = {}): Promise<Webhooks> {
    const w = new Webhooks(platform, { ...WEBHOOK_DEFAULTS, ...opts });
    for (const name of await platform.documents.listDocuments(SUBS)) {
      const body = await platform.documents.getDocument(name);
      if (body === null) continue;
      const s = JSON.parse(body.toString('utf8')) as Subscription;
      w.subs.set(s.id, s);
      const st = await platform.documents.getDocument(STATE + s.id);
      w.states.set(s.id, st === null ? { cursor: 0, log: [] } : (JSON.parse(st.toString('utf8')) as SubState));
    }
    registries.set(platform, w);
    for (const s of w.subs.values()) if (!s.disabled) w.run(s);
    return w;
  }

  private constructor(platform: Platform, opts: WebhookOptions) {
    this.platform = platform;
    this.opts = opts;
    this.allow = new TargetAllowList(opts.allow_hosts);
  }

  list(): Subscription[] {
    return [...this.subs.values()];
  }

  get(id: string): Subscription | undefined {
    return this.subs.get(id);
  }

  deliveries(id: string): { cursor: number; log: DeliveryAttempt[] } {
    const st = this.states.get(id) ?? { cursor: 0, log: [] };
    return { cursor: st.cursor, log: [...st.log] };
  }

  /** A new subscription, delivering from the feed's head on (the events after now). */
  async create(input: { participant: string | null; url: string; secret: string; by: string }): Promise<Subscription> {
    checkTargetUrl(input.url, this.allow);
    if (this.subs.size >= WEBHOOK_LIMITS.subscriptions_max) throw new RangeError(`at most ${WEBHOOK_LIMITS.subscriptions_max} subscriptions`);
    const s: Subscription = {
      id: `wh_${randomBytes(8).toString('hex')}`,
      participant: input.participant,
      url: input.url,
      secret: input.secret,
      created_by: input.by,
      created_at_ns: this.platform.now().toString(),
      disabled: false,
    };
    const st: SubState = { cursor: ChangeFeed.of(this.platform).head(), log: [] };
    await this.platform.documents.putDocument(STATE + s.id, Buffer.from(JSON.stringify(st)));
    await this.platform.documents.putDocument(SUBS + s.id, Buffer.from(JSON.stringify(s)));
    this.subs.set(s.id, s);
    this.states.set(s.id, st);
    this.run(s);
    return s;
  }

  /** Stops deliveries to a subscription for good (its record and log stay). */
  async disable(id: string): Promise<Subscription | undefined> {
    const s = this.subs.get(id);
    if (s === undefined) return undefined;
    const off = { ...s, disabled: true };
    await this.platform.documents.putDocument(SUBS + id, Buffer.from(JSON.stringify(off)));
    this.subs.set(id, off);
    this.loops.get(id)?.stop();
    this.loops.delete(id);
    return off;
  }

  /** Ends every delivery loop (an attempt in flight is abandoned, to be repeated after a restart). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.inFlight.abort();
    for (const l of this.loops.values()) l.stop();
    await Promise.all([...this.loops.values()].map((l) => l.done.catch(() => undefined)));
    this.loops.clear();
  }

  private run(s: Subscription): void {
    const ctl = { stopped: false, wake: null as (() => void) | null };
    const done = this.loop(s, ctl).catch(() => undefined);
    this.loops.set(s.id, {
      stop() {
        ctl.stopped = true;
        ctl.wake?.();
      },
      done,
    });
  }

  /** Pulls the feed from the subscription's cursor and delivers its events in order; waits for new ones when caught up. */
  private async loop(s: Subscription, ctl: { stopped: boolean; wake: (() => void) | null }): Promise<void> {
    const scope: Scope = s.participant === null ? { kind: 'all' } : { kind: 'participant', id: s.participant };
    const st = this.states.get(s.id)!;
    const feed = ChangeFeed.of(this.platform);
    let after = st.cursor;
    const stopped = (): boolean => ctl.stopped || this.stopped;
    while (!stopped()) {
      const page = await feed.after(after, 100);
      for (const e of page.entries) {
        if (stopped()) return;
        const changes = visibleChanges(this.platform, scope, e.changes);
        if (changes.length > 0) await this.deliver(s, st, e, redactChanges({ scope, user_name: '' }, this.platform, changes), stopped, (w) => (ctl.wake = w));
        if (stopped()) return;
        after = e.seq;
      }
      after = Math.max(after, page.next);
      if (page.caught_up) await waitFor(feed, WAIT_MS, (w) => (ctl.wake = w));
    }
  }

  /** Delivers one event until a 2xx answer (or the loop stops), logging each attempt, then records the cursor. */
  private async deliver(
    s: Subscription,
    st: SubState,
    e: FeedEntry,
    changes: FeedEntry['changes'],
    stopped: () => boolean,
    onWait: (wake: () => void) => void,
  ): Promise<void> {
    const body = JSON.stringify({ seq: e.seq, event: 'payments', subscription: s.id, changes: withTimes(changes) });
    for (let attempt = 1; !stopped() && !this.stopped; attempt++) {
      const a = await this.attempt(s, e.seq, attempt, body);
      st.log.push(a);
      if (st.log.length > WEBHOOK_LIMITS.log_entries_max) st.log.splice(0, st.log.length - WEBHOOK_LIMITS.log_entries_max);
      if (a.ok) {
        st.cursor = e.seq;
        await this.platform.documents.putDocument(STATE + s.id, Buffer.from(JSON.stringify(st)));
        return;
      }
      const wait_ms = Math.min(this.opts.backoff_base_ms * 2 ** Math.min(attempt - 1, 30), this.opts.backoff_max_ms);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait_ms);
        onWait(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  private async attempt(s: Subscription, seq: number, attempt: number, body: string): Promise<DeliveryAttempt> {
    const ts = Math.floor(Date.now() / 1000);
    const t0 = performance.now();
    const at_ns = (BigInt(Date.now()) * 1_000_000n).toString();
    const took = (): number => Math.round(performance.now() - t0);
    try {
      const u = checkTargetUrl(s.url, this.allow);
      const signal = AbortSignal.any([AbortSignal.timeout(this.opts.timeout_ms), this.inFlight.signal]);
      const to = await resolveTarget(u, this.allow);
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'sco-settle-webhooks',
        'webhook-id': `${s.id}:${seq}`,
        'webhook-timestamp': String(ts),
        'webhook-signature': webhookSignature(s.secret, ts, body),
      };
      const status = await post(u, to, headers, body, signal);
      const ok = status >= 200 && status < 300;
      const error = status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
      return { seq, attempt, at_ns, status, ok, duration_ms: took(), ...(ok ? {} : { error }) };
    } catch (err) {
      const error = String((err as Error).message ?? err).slice(0, WEBHOOK_LIMITS.response_excerpt_max);
      return { seq, attempt, at_ns, status: null, ok: false, error, ...(err instanceof WebhookTargetError ? { code: err.code } : {}), duration_ms: took() };
    }
  }
}

/**
 * POSTs the body to the URL over a connection to `to` (the address checked, not
 * a second lookup of the name); https verifies the certificate against the URL's
 * host name. Resolves with the answer's status: a redirect is not followed.
 */
function post(u: URL, to: { address: string; family: 4 | 6 }, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<number> {
  const https = u.protocol === 'https:';
  const opts: RequestOptions & { servername?: string } = {
    method: 'POST',
    host: to.address,
    family: to.family,
    port: u.port === '' ? (https ? 443 : 80) : Number(u.port),
    path: `${u.pathname}${u.search}`,
    headers: { ...headers, host: u.host, 'content-length': String(Buffer.byteLength(body)) },
    agent: false,
    signal,
    ...(https && isIP(u.hostname.replace(/^\[|\]$/g, '')) === 0 ? { servername: u.hostname } : {}),
  };
  return new Promise<number>((resolve, reject) => {
    const req = (https ? httpsRequest : httpRequest)(opts, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}
