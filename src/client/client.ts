// The typed client of the sco-settle HTTP API: one method per operation of the
// OpenAPI document (its operationId), typed by ./types.ts, over the standard
// fetch (Node 20+, browsers, Deno) and nothing else — no import of the server.
// OPERATIONS is the table of every operation's method and path;
// test/client.test.ts checks it against the server's OpenAPI document (every
// operation there is here, with the same method and path) and runs the client
// against a real server. Errors come back as ApiProblem (RFC 9457 details).
// events() follows the change feed and reconnects with Last-Event-ID, so a
// dropped connection or a server restart loses no event.

import type * as T from './types.js';

export type * from './types.js';

/** Every operation: method and path template ({name} is a path parameter). */
export const OPERATIONS = {
  getMe: ['GET', '/v1/me'],
  listParticipants: ['GET', '/v1/participants'],
  getParticipant: ['GET', '/v1/participants/{id}'],
  registerParticipant: ['POST', '/v1/participants'],
  getBalances: ['GET', '/v1/participants/{id}/balances'],
  fundAccount: ['POST', '/v1/participants/{id}/funding'],
  defundAccount: ['POST', '/v1/participants/{id}/defunding'],
  listFacilities: ['GET', '/v1/participants/{id}/facilities'],
  setCollateral: ['POST', '/v1/participants/{id}/facilities/{currency}'],
  drawCredit: ['POST', '/v1/participants/{id}/facilities/{currency}/draw'],
  submitPayments: ['POST', '/v1/payments'],
  listPayments: ['GET', '/v1/payments'],
  getPayment: ['GET', '/v1/payments/{uetr}'],
  cancelPayment: ['POST', '/v1/payments/{uetr}/cancel'],
  returnPayment: ['POST', '/v1/payments/{uetr}/return'],
  getBusinessDay: ['GET', '/v1/day'],
  openBusinessDay: ['POST', '/v1/day/open'],
  closeBusinessDay: ['POST', '/v1/day/close'],
  listWindows: ['GET', '/v1/windows'],
  openWindow: ['POST', '/v1/windows/{currency}/open'],
  closeWindow: ['POST', '/v1/windows/{currency}/close'],
  runLsm: ['POST', '/v1/lsm/{currency}/run'],
  setConfig: ['POST', '/v1/config'],
  listLiquidityProposals: ['GET', '/v1/liquidity/proposals'],
  executeLiquidityProposal: ['POST', '/v1/liquidity/proposals/{id}/execute'],
  getCalendar: ['GET', '/v1/calendars/{currency}'],
  getReconciliation: ['GET', '/v1/central-banks/{bic}/reconciliation'],
  getScheme: ['GET', '/v1/scheme'],
  listSchemeProposals: ['GET', '/v1/scheme/proposals'],
  getSchemeProposal: ['GET', '/v1/scheme/proposals/{id}'],
  proposeSchemeChange: ['POST', '/v1/scheme/proposals'],
  answerSchemeProposal: ['POST', '/v1/scheme/proposals/{id}/answers'],
  withdrawSchemeProposal: ['POST', '/v1/scheme/proposals/{id}/withdraw'],
  schemeWhatIf: ['GET', '/v1/scheme/proposals/{id}/what-if'],
  getSchemeAudit: ['GET', '/v1/scheme/audit'],
  getPublicStatistics: ['GET', '/v1/public/statistics'],
  getPublicStatisticsCsv: ['GET', '/v1/public/statistics.csv'],
  getPublicStatisticsPage: ['GET', '/public/statistics'],
  getRates: ['GET', '/v1/rates'],
  publishQuote: ['POST', '/v1/quotes'],
  lockQuote: ['POST', '/v1/quotes/lock'],
  publishReferenceRate: ['POST', '/v1/rates/{currency}'],
  listRateAlerts: ['GET', '/v1/rates/alerts'],
  importRates: ['POST', '/v1/rates'],
  listCases: ['GET', '/v1/cases'],
  decideCase: ['POST', '/v1/cases/{case_id}/decision'],
  listAudit: ['GET', '/v1/audit'],
  listUsers: ['GET', '/v1/users'],
  createUser: ['POST', '/v1/users'],
  updateUser: ['PATCH', '/v1/users/{name}'],
  listKeys: ['GET', '/v1/keys'],
  createKey: ['POST', '/v1/keys'],
  revokeKey: ['POST', '/v1/keys/{id}/revoke'],
  createWebhook: ['POST', '/v1/webhooks'],
  listWebhooks: ['GET', '/v1/webhooks'],
  getWebhook: ['GET', '/v1/webhooks/{id}'],
  listWebhookDeliveries: ['GET', '/v1/webhooks/{id}/deliveries'],
  deleteWebhook: ['DELETE', '/v1/webhooks/{id}'],
  streamEvents: ['GET', '/v1/events'],
  listCurrencies: ['GET', '/v1/dashboard/currencies'],
  getOverview: ['GET', '/v1/dashboard/overview'],
  getHistory: ['GET', '/v1/dashboard/history'],
  getStatement: ['GET', '/v1/participants/{id}/statement'],
  getPaymentMessages: ['GET', '/v1/payments/{uetr}/messages'],
  getOpenApi: ['GET', '/openapi.json'],
  getDocsPage: ['GET', '/docs'],
  getHealth: ['GET', '/healthz'],
  getReadiness: ['GET', '/readyz'],
  getMetrics: ['GET', '/metrics'],
} as const satisfies Record<string, readonly [string, string]>;

export type OperationId = keyof typeof OPERATIONS;

export interface ClientOptions {
  /** The server's base URL, e.g. https://settle.example:8443 */
  baseUrl: string;
  /** An API key, sco_<keyid>_<secret>. */
  apiKey: string;
  /** Each request's time limit (default 30 s). */
  timeout_ms?: number;
  /** Another fetch (a proxy agent, a test double). */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  /** For POSTs: the same key and request get the same answer, so a retry never submits twice. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** An error answer of the server. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly problem: T.Problem;
  constructor(status: number, problem: T.Problem) {
    super(`${problem.code}: ${problem.detail}${problem.path !== '' ? ` (${problem.path})` : ''}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.problem = problem;
  }
  get code(): string {
    return this.problem.code;
  }
}

interface Call {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  accept?: string;
  opts?: RequestOptions;
}

type Query = Record<string, string | number | undefined>;

export class ScoSettleClient {
  private readonly base: string;
  private readonly key: string;
  private readonly timeout_ms: number;
  private readonly doFetch: typeof fetch;

  constructor(opts: ClientOptions) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
    this.key = opts.apiKey;
    this.timeout_ms = opts.timeout_ms ?? 30_000;
    this.doFetch = opts.fetch ?? fetch;
  }

  /** The URL of an operation with its path parameters and query. */
  url(op: OperationId, params: Record<string, string | number> = {}, query: Query = {}): string {
    const path = OPERATIONS[op][1].replace(/\{([a-z_]+)\}/g, (_m, name: string) => {
      const v = params[name];
      if (v === undefined) throw new TypeError(`${op}: path parameter ${name} missing`);
      return encodeURIComponent(String(v));
    });
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const qs = q.toString();
    return `${this.base}${path}${qs === '' ? '' : `?${qs}`}`;
  }

  /** Calls an operation; a JSON answer is parsed, another (XML, text) returned as text; an error answer throws ApiProblem. */
  async call<R>(op: OperationId, c: Call = {}): Promise<R> {
    const [method] = OPERATIONS[op];
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, accept: c.accept ?? 'application/json' };
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    if (c.opts?.idempotencyKey !== undefined) headers['idempotency-key'] = c.opts.idempotencyKey;
    const timeout = AbortSignal.timeout(this.timeout_ms);
    const res = await this.doFetch(this.url(op, c.params, c.query), {
      method,
      headers,
      ...(c.body !== undefined ? { body: JSON.stringify(c.body) } : {}),
      signal: c.opts?.signal !== undefined ? AbortSignal.any([c.opts.signal, timeout]) : timeout,
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok) {
      let problem: T.Problem;
      try {
        problem = JSON.parse(text) as T.Problem;
      } catch {
        problem = {
          type: 'about:blank',
          title: res.statusText,
          status: res.status,
          detail: text.slice(0, 200),
          code: 'http_error',
          errors: [],
          request_id: '',
          message: text,
          path: '',
        };
      }
      throw new ApiProblem(res.status, problem);
    }
    return (type.includes('json') ? JSON.parse(text) : text) as R;
  }

  // ---- the caller, participants, accounts ----

  me(): Promise<T.Me> {
    return this.call('getMe');
  }
  listParticipants(q: T.PageQuery = {}): Promise<T.ParticipantList> {
    return this.call('listParticipants', { query: q as Query });
  }
  getParticipant(id: string): Promise<T.Participant> {
    return this.call('getParticipant', { params: { id } });
  }
  registerParticipant(p: T.RegisterParticipantRequest, opts?: RequestOptions): Promise<T.Participant> {
    return this.call('registerParticipant', { body: p, ...(opts ? { opts } : {}) });
  }
  getBalances(id: string): Promise<{ participant: string; balances: T.Balance[] }> {
    return this.call('getBalances', { params: { id } });
  }
  fundAccount(id: string, currency: string, amount: string, opts?: RequestOptions): Promise<T.FundingResult> {
    return this.call('fundAccount', { params: { id }, body: { currency, amount }, ...(opts ? { opts } : {}) });
  }
  defundAccount(id: string, currency: string, amount: string, opts?: RequestOptions): Promise<T.FundingResult> {
    return this.call('defundAccount', { params: { id }, body: { currency, amount }, ...(opts ? { opts } : {}) });
  }
  listFacilities(id: string): Promise<{ participant: string; facilities: T.FacilityWithCollateral[] }> {
    return this.call('listFacilities', { params: { id } });
  }
  setCollateral(id: string, currency: string, items: T.CollateralItem[], auto_draw?: boolean): Promise<T.Facility> {
    return this.call('setCollateral', { params: { id, currency }, body: { items, ...(auto_draw !== undefined ? { auto_draw } : {}) } });
  }
  drawCredit(id: string, currency: string, amount: string): Promise<T.Facility> {
    return this.call('drawCredit', { params: { id, currency }, body: { amount } });
  }
  /** camt.053 of an account for a date, as XML text. */
  getStatement(id: string, currency: string, date: string): Promise<string> {
    return this.call('getStatement', { params: { id }, query: { currency, date }, accept: 'application/xml' });
  }

  // ---- payments ----

  /** Submits one payment; its result (state, or the reason it was rejected). */
  async submitPayment(p: T.PaymentInstruction, opts?: RequestOptions): Promise<T.PaymentResult> {
    const r = await this.call<T.PaymentsResponse>('submitPayments', { body: p, ...(opts ? { opts } : {}) });
    return r.payments[0]!;
  }
  /** Submits a batch (up to 8,189); one result per payment, in order. */
  submitPayments(list: T.PaymentInstruction[], opts?: RequestOptions): Promise<T.PaymentsResponse> {
    return this.call('submitPayments', { body: { payments: list }, ...(opts ? { opts } : {}) });
  }
  getPayment(uetr: string): Promise<T.Payment> {
    return this.call('getPayment', { params: { uetr } });
  }
  listPayments(q: T.PaymentsQuery = {}): Promise<T.PaymentList> {
    return this.call('listPayments', { query: q as Query });
  }
  /** Every payment the query matches, page after page (newest first). */
  /**
   * Every item of a cursor-paginated list, page after page, e.g.
   * `client.each((cursor) => client.listCases({ status: 'open', cursor }), (p) => p.cases)`.
   */
  async *each<P extends { next_cursor: string | null }, I>(page: (cursor: string | undefined) => Promise<P>, items: (p: P) => I[]): AsyncGenerator<I> {
    let cursor: string | undefined;
    do {
      const p = await page(cursor);
      yield* items(p);
      cursor = p.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }
  async *allPayments(q: Omit<T.PaymentsQuery, 'cursor'> = {}): AsyncGenerator<T.Payment> {
    let cursor: string | undefined;
    do {
      const page = await this.listPayments({ ...q, ...(cursor !== undefined ? { cursor } : {}) });
      yield* page.payments;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }
  cancelPayment(uetr: string, reason?: string, opts?: RequestOptions): Promise<T.Payment> {
    return this.call('cancelPayment', { params: { uetr }, body: reason !== undefined ? { reason } : {}, ...(opts ? { opts } : {}) });
  }
  returnPayment(uetr: string, reason?: string, opts?: RequestOptions): Promise<T.Payment> {
    return this.call('returnPayment', { params: { uetr }, body: reason !== undefined ? { reason } : {}, ...(opts ? { opts } : {}) });
  }
  getPaymentMessages(uetr: string): Promise<T.PaymentMessages> {
    return this.call('getPaymentMessages', { params: { uetr } });
  }

  // ---- business day, settlement, FX ----

  getBusinessDay(): Promise<T.BusinessDay> {
    return this.call('getBusinessDay');
  }
  openBusinessDay(req: { date: string; cutoffs?: Record<string, string>; default_cutoff?: string }): Promise<T.BusinessDay> {
    return this.call('openBusinessDay', { body: req });
  }
  closeBusinessDay(): Promise<T.DayClose> {
    return this.call('closeBusinessDay', { body: {} });
  }
  listWindows(q: { currency?: string; state?: string; limit?: number } = {}): Promise<{ windows: T.SettlementWindow[] }> {
    return this.call('listWindows', { query: q });
  }
  openWindow(currency: string): Promise<T.SettlementWindow> {
    return this.call('openWindow', { params: { currency }, body: {} });
  }
  closeWindow(currency: string): Promise<T.SettlementWindow> {
    return this.call('closeWindow', { params: { currency }, body: {} });
  }
  runLsm(currency: string): Promise<T.LsmRun> {
    return this.call('runLsm', { params: { currency }, body: {} });
  }
  setConfig(bypass_fifo: boolean): Promise<{ bypass_fifo: boolean }> {
    return this.call('setConfig', { body: { bypass_fifo } });
  }
  listLiquidityProposals(currency?: string): Promise<T.LiquidityProposals> {
    return this.call('listLiquidityProposals', { query: { currency } });
  }
  executeLiquidityProposal(id: string): Promise<T.LiquidityExecution> {
    return this.call('executeLiquidityProposal', { params: { id }, body: {} });
  }
  /** A currency's open and closed days, from..to inclusive (YYYY-MM-DD, at most 400 days). */
  getCalendar(currency: string, from: string, to: string): Promise<T.CalendarDays> {
    return this.call('getCalendar', { params: { currency }, query: { from, to } });
  }
  /** A central bank's reconciliation for `date`; `home_balance` (major units) is its home RTGS's mirror balance, to compare. */
  getReconciliation(bic: string, date: string, opts: { day?: 'home' | 'utc'; home_balance?: string } = {}): Promise<T.Reconciliation> {
    return this.call('getReconciliation', { params: { bic }, query: { date, day: opts.day, home_balance: opts.home_balance } });
  }

  // ---- the scheme's governance (signatures are made by the caller: Ed25519 over the canonical act) ----
  getScheme(version?: number): Promise<T.SchemeVersion> {
    return this.call('getScheme', { query: { version: version === undefined ? undefined : String(version) } });
  }
  listSchemeProposals(q: T.PageQuery & { state?: T.ProposalState } = {}): Promise<T.SchemeProposalList> {
    return this.call('listSchemeProposals', { query: q as Query });
  }
  getSchemeProposal(id: string): Promise<T.SchemeProposal> {
    return this.call('getSchemeProposal', { params: { id } });
  }
  proposeSchemeChange(p: T.SchemeProposalInput): Promise<T.SchemeProposal> {
    return this.call('proposeSchemeChange', { body: p });
  }
  answerSchemeProposal(id: string, a: T.SchemeAnswerInput): Promise<T.SchemeProposal> {
    return this.call('answerSchemeProposal', { params: { id }, body: a });
  }
  withdrawSchemeProposal(id: string): Promise<T.SchemeProposal> {
    return this.call('withdrawSchemeProposal', { params: { id }, body: {} });
  }
  schemeWhatIf(id: string, day: string): Promise<Record<string, unknown>> {
    return this.call('schemeWhatIf', { params: { id }, query: { day } });
  }
  getSchemeAudit(): Promise<Record<string, unknown>> {
    return this.call('getSchemeAudit');
  }

  // ---- public statistics (no key needed) ----
  getPublicStatistics(): Promise<Record<string, unknown>> {
    return this.call('getPublicStatistics');
  }
  getPublicStatisticsCsv(): Promise<string> {
    return this.call('getPublicStatisticsCsv', { accept: 'text/csv' });
  }
  getPublicStatisticsPage(): Promise<string> {
    return this.call('getPublicStatisticsPage', { accept: 'text/html' });
  }

  getRates(date?: string): Promise<T.ReferenceRates> {
    return this.call('getRates', { query: { date } });
  }
  importRates(file: string, rows: T.RateRow[]): Promise<T.RatesImport> {
    return this.call('importRates', { body: { file, rows } });
  }
  publishReferenceRate(currency: string, rate: { units_per_usd: string; date: string; source: string }): Promise<T.PublishedRate> {
    return this.call('publishReferenceRate', { params: { currency }, body: rate });
  }
  listRateAlerts(): Promise<T.RateAlerts> {
    return this.call('listRateAlerts');
  }
  publishQuote(q: T.QuoteRequest): Promise<T.Quote> {
    return this.call('publishQuote', { body: q });
  }
  lockQuote(req: { base: string; quote: string; amount: string; participant?: string }): Promise<T.QuoteLock> {
    return this.call('lockQuote', { body: req });
  }

  // ---- compliance, audit, users and keys ----

  /** Newest first; `updated_since`: cases opened, proposed or decided at or after it (RFC 3339 or nanoseconds). */
  listCases(q: T.PageQuery & { status?: T.ComplianceCase['status']; updated_since?: string } = {}): Promise<T.CaseList> {
    return this.call('listCases', { query: q as Query });
  }
  decideCase(case_id: number, decision: 'release' | 'reject', note?: string): Promise<T.CaseDecision> {
    return this.call('decideCase', { params: { case_id }, body: { decision, ...(note !== undefined ? { note } : {}) } });
  }
  /** Newest first; `updated_since`: commands run at or after it. */
  listAudit(q: T.PageQuery & { by?: string; action?: string; updated_since?: string } = {}): Promise<T.AuditList> {
    return this.call('listAudit', { query: q as Query });
  }
  /** In name order. */
  listUsers(q: T.PageQuery = {}): Promise<T.UserList> {
    return this.call('listUsers', { query: q as Query });
  }
  createUser(u: { name: string; role: T.Role; participant?: string | null }): Promise<T.User> {
    return this.call('createUser', { body: u });
  }
  updateUser(name: string, change: { role?: T.Role; participant?: string | null; disabled?: boolean }): Promise<T.User> {
    return this.call('updateUser', { params: { name }, body: change });
  }
  /** In creation order. */
  listKeys(q: T.PageQuery & { user?: string } = {}): Promise<T.KeyList> {
    return this.call('listKeys', { query: q as Query });
  }
  createKey(k: { user: string; key_id: string; salt: string; hash: string }): Promise<T.ApiKey> {
    return this.call('createKey', { body: k });
  }
  revokeKey(id: string): Promise<T.ApiKey> {
    return this.call('revokeKey', { params: { id }, body: {} });
  }

  // ---- the change feed: webhooks and server-sent events ----

  createWebhook(w: { url: string; secret: string; participant?: string | null }): Promise<T.WebhookSubscription> {
    return this.call('createWebhook', { body: w });
  }
  /** In id order. */
  listWebhooks(q: T.PageQuery = {}): Promise<T.WebhookList> {
    return this.call('listWebhooks', { query: q as Query });
  }
  getWebhook(id: string): Promise<T.WebhookSubscription> {
    return this.call('getWebhook', { params: { id } });
  }
  listWebhookDeliveries(id: string): Promise<T.WebhookDeliveries> {
    return this.call('listWebhookDeliveries', { params: { id } });
  }
  deleteWebhook(id: string): Promise<T.WebhookSubscription> {
    return this.call('deleteWebhook', { params: { id } });
  }

  /**
   * The payment events after `after` (a journal sequence; omitted: from now),
   * for as long as `signal` lets it run. On a dropped connection or a refused
   * one (a restarting server) it waits retry_ms, doubling up to 10 s, and
   * reconnects with Last-Event-ID: no event is lost or repeated.
   */
  async *events(opts: { after?: number; signal?: AbortSignal; retry_ms?: number } = {}): AsyncGenerator<T.FeedEvent> {
    let last = opts.after;
    let wait = opts.retry_ms ?? 250;
    while (!aborted(opts.signal)) {
      try {
        const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, accept: 'text/event-stream' };
        if (last !== undefined) headers['last-event-id'] = String(last);
        const res = await this.doFetch(this.url('streamEvents'), { headers, ...(opts.signal ? { signal: opts.signal } : {}) });
        if (res.status === 401 || res.status === 403) throw new ApiProblem(res.status, JSON.parse(await res.text()) as T.Problem);
        if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
        wait = opts.retry_ms ?? 250;
        for await (const block of sseBlocks(res.body)) {
          if (block.id !== undefined) last = Number(block.id);
          if (block.event === 'payments' && block.data !== '') yield { id: Number(block.id), changes: JSON.parse(block.data) as T.PaymentChange[] };
        }
      } catch (err) {
        if (err instanceof ApiProblem) throw err;
        if (aborted(opts.signal)) return;
      }
      await new Promise((r) => setTimeout(r, wait));
      wait = Math.min(wait * 2, 10_000);
    }
  }
}

function aborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Server-sent event blocks of a stream: id, event and data (lines joined). */
async function* sseBlocks(body: ReadableStream<Uint8Array>): AsyncGenerator<{ id?: string; event: string; data: string }> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true });
    let i = buf.indexOf('\n\n');
    while (i >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('id:')) id = line.slice(3).trim();
        else if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (id !== undefined || data.length > 0) yield { ...(id !== undefined ? { id } : {}), event, data: data.join('\n') };
      i = buf.indexOf('\n\n');
    }
  }
}

/**
 * Whether a webhook delivery is genuine: the `webhook-signature` header is
 * v1=hex(HMAC-SHA256(secret, "<webhook-timestamp>.<raw body>")) and the
 * timestamp is within tolerance_s of now (an old one is a replay).
 */
export async function verifyWebhookSignature(
  secret: string,
  headers: { timestamp: string; signature: string },
  rawBody: string,
  tolerance_s = 300,
): Promise<boolean> {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > tolerance_s) return false;
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(`${ts}.${rawBody}`)));
  const want = `v1=${[...mac].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
  if (want.length !== headers.signature.length) return false;
  let diff = 0;
  for (let i = 0; i < want.length; i++) diff |= want.charCodeAt(i) ^ headers.signature.charCodeAt(i);
  return diff === 0;
}
