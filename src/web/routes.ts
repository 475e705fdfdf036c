// The web app's server side: this module owns serving the browser app (the
// operator dashboard, the participant portal and the central-bank and compliance
// views) and the few read-only routes the app needs beyond src/api.
//
// Static (public, no API key — the page asks for one and sends it as a Bearer
// token to /v1/…), served by ./static.ts:
//   GET /                          index.html
//   GET /app/app.js, /app/lib/*.js, /app/views/*.js, /app/app.css
//                                  the app (plain ES modules + CSS in src/web/assets,
//                                  read from the source folder: no build step)
//   GET /app/vendor/uPlot.*        uPlot's browser build, from node_modules (offline)
// Authenticated, read-only (the API's own guard: `config.roles`, scopes from
// src/api/access.ts, data outside the caller's scope answered 404):
//   GET /v1/dashboard/currencies          the ISO 4217 table the platform uses
//   GET /v1/dashboard/overview            the business day at a glance (scoped)
//   GET /v1/dashboard/history             queue and liquidity samples over the day
//   GET /v1/participants/:id/statement    camt.053 of an account for a date
//   GET /v1/payments/:uetr/messages       a payment's pacs.008 and pacs.002s
//
// History is sampled in memory by this process (after commands, at most once a
// second, plus once at start): a server restart starts a new series. Overview
// figures are computed from the platform state on every request (O(payments)).

import type { FastifyInstance, FastifyReply } from 'fastify';
import { registerStatic } from './static.js';
import type { Platform } from '../platform/platform.js';
import { bigintJson, facilityView, swapView, windowView, type ChangeEvent } from '../platform/state_machine.js';
import type { Payment } from '../platform/types.js';
import { CURRENCIES } from '../fx/iso4217.js';
import { ApiError } from '../api/errors.js';
import { seesCurrency, seesParticipant, seesPayment, type Scope } from '../api/access.js';
import type { Role } from '../api/auth.js';
import { ReportError, statementXml } from '../iso20022/reports.js';
import { isoDateTime, isoStatusOf, pacs008OfPayment } from '../iso20022/mapping.js';
import { statusMessageId, statusReportsFor } from '../iso20022/submit.js';
import { buildMessage } from '../iso20022/messages/index.js';

export const WEB_LIMITS = Object.freeze({
  /** Samples kept per series (oldest dropped). */
  samples_max: 5_000,
  /** Minimum real time between two samples. */
  sample_interval_ms: 1_000,
  /** Participants whose liquidity is sampled. */
  sampled_participants_max: 500,
  oldest_queued: 25,
  lsm_runs: 50,
  windows: 20,
  cases: 50,
});

const ALL: readonly Role[] = ['operator', 'central_bank', 'participant', 'liquidity_provider', 'compliance', 'auditor'];
const OVERVIEW: readonly Role[] = ['operator', 'central_bank', 'auditor'];
const ACCOUNT_READERS: readonly Role[] = ['operator', 'central_bank', 'participant', 'liquidity_provider', 'auditor'];

// ---- history sampling -------------------------------------------------------------------------

interface Sample {
  t_ns: bigint;
  /** currency -> queued count and value (minor units, payer currency). */
  queue: Map<string, { depth: number; value: bigint }>;
  /** "participant:currency" -> available (settlement accounts). */
  liquidity: Map<string, bigint>;
}

class History {
  readonly samples: Sample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private last = 0;
  constructor(private readonly platform: Platform) {}

  take(): void {
    const st = this.platform.state;
    const queue = new Map<string, { depth: number; value: bigint }>();
    for (const p of st.allQueued()) {
      const c = p.instruction.currency;
      const q = queue.get(c) ?? { depth: 0, value: 0n };
      q.depth++;
      q.value += p.instruction.amount_minor;
      queue.set(c, q);
    }
    const liquidity = new Map<string, bigint>();
    for (const p of st.participants.slice(0, WEB_LIMITS.sampled_participants_max)) {
      if (p.kind === 'central_bank') continue;
      for (const c of p.currencies) liquidity.set(`${p.id}:${c}`, this.platform.balance(p, c).available_minor);
    }
    this.samples.push({ t_ns: this.platform.now(), queue, liquidity });
    if (this.samples.length > WEB_LIMITS.samples_max) this.samples.shift();
    this.last = Date.now();
  }

  /** After a command: a sample now, or at the end of the interval (one pending at most). */
  schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.last + WEB_LIMITS.sample_interval_ms - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      try {
        this.take();
      } catch {
        // the platform closed between the command and the sample
      }
    }, wait);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

// ---- helpers ---------------------------------------------------------------------------------

function notFound(what: string, path = ''): ApiError {
  return new ApiError(404, 'not_found', `no ${what}`, path);
}

function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.type('application/json').header('cache-control', 'no-store').send(JSON.stringify(body, bigintJson));
}

function scopeOfReq(req: { apiScope: Scope | null }): Scope {
  return req.apiScope!;
}

function add(m: Map<string, { count: number; value: bigint }>, key: string, value: bigint): void {
  const e = m.get(key) ?? { count: 0, value: 0n };
  e.count++;
  e.value += value;
  m.set(key, e);
}

function rows<K extends string>(m: Map<string, { count: number; value: bigint }>, keys: (k: string) => Record<K, string>): Array<Record<K, string> & { count: number; value_minor: bigint }> {
  return [...m].map(([k, v]) => ({ ...keys(k), count: v.count, value_minor: v.value })).sort((a, b) => (a.value_minor > b.value_minor ? -1 : a.value_minor < b.value_minor ? 1 : 0));
}

/** Whether a payment touches the scope's currency (central banks) — all for the platform-wide roles. */
function inScope(scope: Scope, p: Payment): boolean {
  return scope.kind === 'all' || seesPayment(scope, p);
}

function queuedSince(p: Payment): bigint {
  for (let i = p.history.length - 1; i >= 0; i--) if (p.history[i]!.state === 'queued') return p.history[i]!.at_ns;
  return p.history[0]?.at_ns ?? 0n;
}

/** The business day at a glance, in the caller's scope. */
export function overview(platform: Platform, scope: Scope): Record<string, unknown> {
  const st = platform.state;
  const day = st.day;
  const since = day?.opened_at_ns ?? 0n;
  const country = new Map(st.participants.map((p) => [p.id, p.country]));
  const byCurrency = new Map<string, { count: number; value: bigint }>();
  const byCorridor = new Map<string, { count: number; value: bigint }>();
  const rejections = new Map<string, { count: number; value: bigint }>();
  const quotes = new Map<string, { count: number; value: bigint }>();
  const states: Record<string, number> = {};
  for (const p of st.payments.values()) {
    if (!inScope(scope, p)) continue;
    const ins = p.instruction;
    const first = p.history[0]?.at_ns ?? 0n;
    if (first >= since) states[p.state] = (states[p.state] ?? 0) + 1;
    if (p.settled_at_ns !== null && p.settled_at_ns >= since) {
      add(byCurrency, ins.currency, ins.amount_minor);
      add(byCorridor, `${country.get(ins.payer) ?? '??'}>${country.get(ins.payee) ?? '??'}>${ins.currency}`, ins.amount_minor);
      if (p.fx !== null) add(quotes, `${p.fx.provider}>${ins.currency}>${ins.payee_currency}`, ins.amount_minor);
    }
    if (p.state === 'rejected') {
      const last = p.history[p.history.length - 1];
      if (last !== undefined && last.at_ns >= since) add(rejections, last.reason ?? 'unspecified', ins.amount_minor);
    }
  }
  if (scope.kind === 'all') for (const r of st.anonymousRejections) if (r.at_ns >= since) add(rejections, r.reason, 0n);

  const queued = st.allQueued().filter((p) => inScope(scope, p));
  const queueBy = new Map<string, { count: number; value: bigint }>();
  for (const p of queued) add(queueBy, p.instruction.currency, p.instruction.amount_minor);
  const oldest = queued.slice(0, WEB_LIMITS.oldest_queued).map((p) => ({
    uetr: p.instruction.uetr,
    end_to_end_id: p.instruction.end_to_end_id,
    payer: p.instruction.payer,
    payee: p.instruction.payee,
    currency: p.instruction.currency,
    amount_minor: p.instruction.amount_minor,
    priority: p.instruction.priority,
    queued_at_ns: queuedSince(p),
  }));

  const liquidity: unknown[] = [];
  for (const p of st.participants) {
    if (p.kind === 'central_bank' || !seesParticipant(scope, p)) continue;
    for (const c of p.currencies) {
      if (!seesCurrency(scope, c)) continue;
      const b = platform.balance(p, c);
      liquidity.push({ participant: p.id, name: p.name, currency: c, available_minor: b.available_minor, pending_minor: b.debits_pending_minor, credit_line_minor: b.credit_line_minor, credit_outstanding_minor: b.credit_outstanding_minor });
    }
  }

  const windows: unknown[] = [];
  for (let i = st.windows.length - 1; i >= 0 && windows.length < WEB_LIMITS.windows; i--) if (seesCurrency(scope, st.windows[i]!.currency)) windows.push(windowView(st.windows[i]!));
  const lsm = st.lsm_runs.filter((r) => seesCurrency(scope, r.currency)).slice(-WEB_LIMITS.lsm_runs).reverse();

  const facilities = [...st.facilities.values()].filter((f) => seesCurrency(scope, f.currency) && (f.line_minor > 0n || f.outstanding_minor > 0n)).map(facilityView);
  const swapLines = [...st.swapLines.values()]
    .filter((l) => scope.kind === 'all' || (scope.kind === 'currency' && (l.terms.provider === scope.id || l.terms.drawer === scope.id)))
    .map(swapView);
  const issued = platform.conservation().filter((c) => seesCurrency(scope, c.currency));

  const cases: unknown[] = [];
  let casesOpen = 0;
  for (let i = st.cases.length - 1; i >= 0; i--) {
    const c = st.cases[i]!;
    if (c.status !== 'open' && c.status !== 'proposed') continue;
    const p = st.payments.get(c.uetr);
    if (p !== undefined && !inScope(scope, p)) continue;
    casesOpen++;
    if (cases.length < WEB_LIMITS.cases) cases.push({ id: c.id, uetr: c.uetr, status: c.status, opened_at_ns: c.opened_at_ns, score: c.screening.score, detail: c.screening.detail ?? '', proposal: c.proposal, payer: p?.instruction.payer, payee: p?.instruction.payee, currency: p?.instruction.currency, amount_minor: p?.instruction.amount_minor });
  }

  return {
    now_ns: platform.now(),
    scope: scope.kind === 'currency' ? { currency: scope.currency, participant: scope.id } : { currency: null, participant: null },
    day: day === null ? null : { date: day.date, state: day.state, opened_at_ns: day.opened_at_ns, closed_at_ns: day.closed_at_ns, cutoffs: Object.fromEntries(day.cutoffs.map(([c, ns]) => [c, ns])) },
    states,
    settled_by_currency: rows(byCurrency, (k) => ({ currency: k })),
    settled_by_corridor: rows(byCorridor, (k) => {
      const [from, to, currency] = k.split('>');
      return { from: from!, to: to!, currency: currency! };
    }),
    rejections_by_reason: rows(rejections, (k) => ({ reason: k })),
    fx_quotes: rows(quotes, (k) => {
      const [provider, from, to] = k.split('>');
      return { provider: provider!, from: from!, to: to! };
    }),
    queue: { by_currency: rows(queueBy, (k) => ({ currency: k })), depth: queued.length, oldest },
    lsm_runs: lsm,
    windows,
    liquidity,
    facilities,
    swap_lines: swapLines,
    issued,
    cases: { open: casesOpen, list: cases },
  };
}

/** The sampled series in the caller's scope, as columns (times in ms since the epoch). */
function historyColumns(h: History, scope: Scope, platform: Platform): Record<string, unknown> {
  const times = h.samples.map((s) => Number(s.t_ns / 1_000_000n));
  const queueKeys = new Set<string>();
  const liqKeys = new Set<string>();
  for (const s of h.samples) {
    for (const k of s.queue.keys()) if (seesCurrency(scope, k)) queueKeys.add(k);
    for (const k of s.liquidity.keys()) {
      const [pid, c] = k.split(':') as [string, string];
      const p = platform.participant(pid);
      if (p !== undefined && seesParticipant(scope, p) && seesCurrency(scope, c)) liqKeys.add(k);
    }
  }
  const queue: Record<string, { depth: number[]; value_minor: string[] }> = {};
  for (const c of [...queueKeys].sort()) queue[c] = { depth: h.samples.map((s) => s.queue.get(c)?.depth ?? 0), value_minor: h.samples.map((s) => String(s.queue.get(c)?.value ?? 0n)) };
  const liquidity: Record<string, Array<string | null>> = {};
  for (const k of [...liqKeys].sort()) liquidity[k] = h.samples.map((s) => (s.liquidity.has(k) ? String(s.liquidity.get(k)) : null));
  return { times, queue, liquidity };
}

/** A payment's messages: the pacs.008 as the platform holds it and a pacs.002 for each status change that has one. */
export function paymentMessages(platform: Platform, p: Payment): Array<{ name: string; file: string; xml: string }> {
  const ins = p.instruction;
  const firstAt = p.history[0]?.at_ns ?? 0n;
  const out: Array<{ name: string; file: string; xml: string }> = [];
  const m = pacs008OfPayment(p, { message_id: statusMessageId(firstAt, ins.uetr, 0), creation_date_time: isoDateTime(firstAt) });
  out.push({ name: 'pacs.008.001.08', file: `${ins.uetr}-pacs.008.xml`, xml: buildMessage(m) });
  const changes: ChangeEvent[] = p.history.map((h) => {
    const e: ChangeEvent = { uetr: ins.uetr, state: h.state, at_ns: String(h.at_ns) };
    if (h.reason !== undefined) e.reason = h.reason;
    if (h.detail !== undefined) e.detail = h.detail;
    return e;
  });
  // statusReportsFor answers the changes that have an ISO status (and returns), in order: label each by its change.
  const answered = changes.filter((ev) => ev.state === 'returned' || isoStatusOf(ev) !== null);
  statusReportsFor(changes, platform, { original: { message_id: statusMessageId(firstAt, ins.uetr, 0), message_name_id: 'pacs.008.001.08', creation_date_time: isoDateTime(firstAt) } }).forEach((xml, i) => {
    const type = /xmlns="urn:iso:std:iso:20022:tech:xsd:([a-z]+\.\d{3})/.exec(xml)?.[1] ?? 'pacs.002';
    const ev = answered[i];
    const status = type === 'pacs.002' ? isoStatusOf(ev ?? { state: 'received' })?.status : undefined;
    const label = ev === undefined ? '' : ` (${ev.state}${status !== undefined ? ` ${status}` : ''}${ev.reason !== undefined ? ` ${ev.reason}` : ''})`;
    out.push({ name: `${type} #${i + 1}${label}`, file: `${ins.uetr}-${type}-${i + 1}.xml`, xml });
  });
  return out;
}

// ---- registration -----------------------------------------------------------------------------

/** Serves the web app and its read-only routes on the API server (one call in src/api/server.ts). */
export function registerWebRoutes(app: FastifyInstance, platform: Platform): void {
  registerStatic(app);

  const history = new History(platform);
  history.take();
  const onCommand = (): void => history.schedule();
  platform.events.on('command', onCommand);
  app.addHook('onClose', async () => {
    platform.events.off('command', onCommand);
    history.stop();
  });

  const noQuery = { type: 'object', additionalProperties: false, properties: {} };

  app.get('/v1/dashboard/currencies', { config: { roles: ALL }, schema: { querystring: noQuery } }, async (_req, reply) =>
    sendJson(reply, { currencies: [...CURRENCIES.values()].map((c) => ({ code: c.code, numeric: c.numeric, minor_units: c.minor_units, name: c.name, sco_member: c.sco_member })) }),
  );

  app.get('/v1/dashboard/overview', { config: { roles: OVERVIEW }, schema: { querystring: noQuery } }, async (req, reply) => sendJson(reply, overview(platform, scopeOfReq(req))));

  app.get('/v1/dashboard/history', { config: { roles: OVERVIEW }, schema: { querystring: noQuery } }, async (req, reply) => sendJson(reply, historyColumns(history, scopeOfReq(req), platform)));

  app.get(
    '/v1/participants/:id/statement',
    {
      config: { roles: ACCOUNT_READERS },
      schema: {
        params: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$' } } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['currency', 'date'],
          properties: { currency: { type: 'string', pattern: '^[A-Z]{3}$' }, date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params as { id: string };
      const { currency, date } = req.query as { currency: string; date: string };
      const scope = scopeOfReq(req);
      const p = platform.participant(id);
      if (p === undefined || !seesParticipant(scope, p)) throw notFound(`participant ${id}`, 'id');
      if (!seesCurrency(scope, currency) || !p.currencies.includes(currency)) throw notFound(`${currency} account of ${id}`, 'query.currency');
      let xml: string;
      try {
        xml = await statementXml(platform, id, currency, date);
      } catch (err) {
        if (err instanceof ReportError) throw new ApiError(err.code === 'invalid_date' ? 400 : 404, err.code === 'invalid_date' ? 'invalid_field' : 'not_found', err.message, `query.${err.field}`);
        throw err;
      }
      return reply
        .type('application/xml; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="camt.053-${id}-${currency}-${date}.xml"`)
        .send(xml);
    },
  );

  app.get(
    '/v1/payments/:uetr/messages',
    {
      config: { roles: ALL },
      schema: {
        params: { type: 'object', additionalProperties: false, required: ['uetr'], properties: { uetr: { type: 'string', minLength: 36, maxLength: 36 } } },
        querystring: noQuery,
      },
    },
    async (req, reply) => {
      const { uetr } = req.params as { uetr: string };
      const p = platform.payment(uetr);
      if (p === undefined || !seesPayment(scopeOfReq(req), p)) throw notFound(`payment ${uetr}`, 'uetr');
      return sendJson(reply, { uetr, state: p.state, messages: paymentMessages(platform, p) });
    },
  );
}
