// The project's HTTP errors, shared by the API and the dashboard: one body shape
// for every failure, RFC 9457 problem details (application/problem+json: type,
// title, status, detail, plus the members `code`, `errors` — every failing
// field — and `request_id`; `message` and `path` repeat detail and the first
// field for clients written against the earlier {"code","message","path"} body),
// with stable codes (ERROR_TITLES; each is documented in docs/errors.md), and the
// mapping from platform, ledger, store and fastify errors to HTTP statuses — also
// those fastify's router (frameworkErrors) and Node's HTTP parser (clientError)
// make before a route runs. Nothing here knows routes.

import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply } from 'fastify';
import { NotLeaderError, PlatformError, type PlatformErrorCode } from '../platform/errors.js';
import { PARTICIPANT_NAME_MAX } from '../platform/participant_rules.js';

export type ApiErrorCode =
  | PlatformErrorCode
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'idempotency_conflict'
  | 'idempotency_in_progress'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'malformed_body'
  | 'malformed_request'
  | 'bad_url'
  | 'uri_too_long'
  | 'headers_too_large'
  | 'request_timeout'
  | 'rate_limited'
  | 'overloaded'
  | 'shutting_down'
  | 'unavailable'
  | 'webhook_target_forbidden'
  | 'outside_member_currency'
  | 'internal';

/** Every code an HTTP answer can carry, with the short title its problem document gives it (docs/errors.md explains each). */
export const ERROR_TITLES: Readonly<Record<ApiErrorCode, string>> = {
  invalid_command: 'The command is malformed',
  invalid_field: 'A field of the request is invalid',
  unknown_participant: 'No such participant',
  unknown_currency: 'The currency is not one the scheme settles',
  participant_exists: 'The participant exists already',
  user_exists: 'The user exists already',
  central_bank_exists: 'The currency has a central bank already',
  no_central_bank: 'The currency has no central bank yet',
  not_found: 'Not found',
  invalid_state: 'Not allowed in the current state',
  insufficient_funds: 'Insufficient funds',
  limit_exceeded: 'A limit would be exceeded',
  rate_limited: 'Too many requests',
  overloaded: 'The server is over its load bound',
  four_eyes: 'A second person must confirm',
  no_business_day: 'No business day is open',
  day_open: 'A business day is open',
  rate_unavailable: 'No reference rate for that day',
  ledger_refused: 'The ledger refused the transfer',
  financing: 'The financing rules refused it',
  unauthenticated: 'Authentication required',
  forbidden: 'Forbidden',
  idempotency_conflict: 'Idempotency-Key reused with another request',
  idempotency_in_progress: 'A request with this Idempotency-Key is in progress',
  body_too_large: 'The body is too large',
  unsupported_media_type: 'Unsupported media type',
  malformed_body: 'The body is not valid JSON',
  malformed_request: 'Not a valid HTTP request',
  bad_url: 'The URL is not valid',
  uri_too_long: 'The URL is too long',
  headers_too_large: 'The headers are too large',
  request_timeout: 'The request did not arrive in time',
  shutting_down: 'The server is shutting down',
  unavailable: 'The service is unavailable',
  webhook_target_forbidden: 'The webhook URL may not be a target',
  // Operating calendars (docs/calendars.md).
  unknown_time_zone: 'Unknown time zone',
  invalid_window: 'An operating window is invalid',
  overlapping_windows: 'Operating windows overlap',
  invalid_holiday: 'A holiday is not a valid date',
  // The scheme's governance (docs/governance.md).
  scheme_invalid: 'The scheme document would be invalid',
  unknown_path: 'The patch names a path the scheme does not have',
  patch_invalid: 'The JSON Patch is malformed',
  patch_test_failed: 'A JSON Patch test operation failed',
  not_a_member: 'Only a member central bank may do this',
  not_your_member: 'A user acts for its own member only',
  concerned_member: 'A member has no voice on its own suspension',
  window_closed: "The proposal's window has closed",
  proposal_closed: 'The proposal is no longer open',
  not_proposer: 'Only the proposer may withdraw',
  not_operator_owned: 'The operator may change operator-owned parameters only',
  out_of_bounds: 'Outside the bounds the scheme sets',
  scheme_exists: 'The store has a scheme already',
  no_scheme: 'The store has no scheme yet',
  not_in_scheme: 'The scheme in force does not allow it',
  no_signing_key: 'The user has no signing key',
  bad_signature: 'The signature does not verify',
  // Liquidity proposals and cluster mode.
  stale_proposal: 'The proposal is no longer proposed',
  not_leader: 'This engine is not the active one',
  journal_unavailable: 'The replicated journal takes no appends',
  outside_member_currency: "Outside this member replica's currency",
  internal: 'Internal error',
};

/** Where the problem types live: `type` is this prefix and the code (a URN: stable, never fetched). */
export const PROBLEM_TYPE_PREFIX = 'urn:sco-settle:error:';

/** The most field errors one answer lists (a batch of 8,189 bad payments is told by its first ones). */
export const FIELD_ERRORS_MAX = 100;

/** One failing field: its JSON path in the request ('' for the whole request), a code and why. */
export interface FieldError {
  field: string;
  code: string;
  detail: string;
}

/** An error answer: RFC 9457 problem details with the project's members. */
export interface ErrorBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors: FieldError[];
  request_id: string;
  /** The same as detail (the earlier body's member). */
  message: string;
  /** The first failing field (the earlier body's member). */
  path: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Every failing field; by default the one at `path`. */
  readonly errors: FieldError[];
  constructor(status: number, code: ApiErrorCode, message: string, path = '', headers: Record<string, string> = {}, errors?: FieldError[]) {
    super(message);
    this.status = status;
    this.code = code;
    this.path = path;
    this.headers = headers;
    this.errors = errors ?? [{ field: path, code, detail: message }];
    this.name = 'ApiError';
  }
  body(request_id: string = randomUUID()): ErrorBody {
    return {
      type: `${PROBLEM_TYPE_PREFIX}${this.code}`,
      title: ERROR_TITLES[this.code] ?? 'Error',
      status: this.status,
      detail: this.message,
      code: this.code,
      errors: this.errors,
      request_id,
      message: this.message,
      path: this.path,
    };
  }
}

export const PROBLEM_JSON = 'application/problem+json';

/** Answers with the error's status, headers and problem document. */
export function sendError(reply: FastifyReply, e: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return reply
    .code(e.status)
    .type(PROBLEM_JSON)
    .send(JSON.stringify(e.body(String(reply.request.id))));
}

/** 404 for what does not exist, or lies outside the caller's scope. */
export function notFound(what: string, path = ''): ApiError {
  return new ApiError(404, 'not_found', `no ${what}`, path);
}

const PLATFORM_STATUS: Record<PlatformErrorCode, number> = {
  invalid_command: 400,
  invalid_field: 400,
  unknown_participant: 404,
  unknown_currency: 422,
  participant_exists: 409,
  user_exists: 409,
  central_bank_exists: 409,
  no_central_bank: 422,
  not_found: 404,
  invalid_state: 409,
  insufficient_funds: 422,
  limit_exceeded: 422,
  rate_limited: 429,
  four_eyes: 409,
  stale_proposal: 409,
  no_business_day: 409,
  day_open: 409,
  rate_unavailable: 422,
  ledger_refused: 422,
  financing: 422,
  unknown_time_zone: 400,
  invalid_window: 400,
  overlapping_windows: 400,
  invalid_holiday: 400,
  // The scheme's governance.
  scheme_invalid: 422,
  unknown_path: 422,
  patch_invalid: 400,
  patch_test_failed: 409,
  not_a_member: 403,
  not_your_member: 403,
  concerned_member: 403,
  window_closed: 409,
  proposal_closed: 409,
  not_proposer: 403,
  not_operator_owned: 403,
  out_of_bounds: 422,
  scheme_exists: 409,
  no_scheme: 409,
  not_in_scheme: 422,
  no_signing_key: 403,
  bad_signature: 403,
  not_leader: 503,
  journal_unavailable: 503,
};

export function fromPlatformError(e: PlatformError): ApiError {
  // A standby names the active engine (header sco-leader) so that a client can go there.
  if (e instanceof NotLeaderError)
    return new ApiError(503, e.code, e.message, e.field, { 'retry-after': '1', ...(e.leader !== null && e.leader !== '' ? { 'sco-leader': e.leader } : {}) });
  if (e.code === 'journal_unavailable') return new ApiError(503, e.code, e.message, e.field, { 'retry-after': '1' });
  return new ApiError(PLATFORM_STATUS[e.code] ?? 400, e.code, e.message, e.field);
}

/** A platform refusal ({ok:false, error}) as an ApiError. */
export function fromRefusal(error: { code: string; field: string; message: string }): ApiError {
  const code = error.code as PlatformErrorCode;
  return new ApiError(PLATFORM_STATUS[code] ?? 422, code, error.message, error.field);
}

/** Ajv's instancePath ("/payments/3/amount") as the JSON path the platform uses ("payments[3].amount"). */
export function jsonPath(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split('/')
    .filter((s) => s.length > 0)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined && extra.length > 0) parts.push(extra);
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** What a value of each of the API's own string formats (src/api/schemas.ts) must be. */
const FORMAT_MUST: Record<string, string> = {
  'participant-name': `must be a participant name: at most ${PARTICIPANT_NAME_MAX} characters in Unicode NFC, no control or bidirectional control characters, at least one visible character`,
  'country-code': 'must be an assigned ISO 3166-1 alpha-2 country code',
};

interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** One schema issue as a field error: where (with the query or params prefix), and why. */
function fieldErrorOf(v: AjvIssue, context: string | undefined): FieldError {
  const extra =
    v.keyword === 'additionalProperties'
      ? String(v.params?.additionalProperty ?? '')
      : v.keyword === 'required'
        ? String(v.params?.missingProperty ?? '')
        : undefined;
  const where = jsonPath(v.instancePath ?? '', extra);
  const detail =
    v.keyword === 'additionalProperties'
      ? 'unknown field'
      : v.keyword === 'format'
        ? (FORMAT_MUST[String(v.params?.format)] ?? v.message ?? 'invalid')
        : (v.message ?? 'invalid');
  const ctx = context === 'querystring' ? 'query' : context === 'params' ? 'params' : '';
  return { field: ctx !== '' && where !== '' ? `${ctx}.${where}` : where, code: 'invalid_field', detail };
}

/**
 * A request the schemas refused: every failing field (at most FIELD_ERRORS_MAX),
 * each once with its first issue (an if/then/else's own "must match" is
 * dropped, its branch's issues say more), the first as message and path.
 */
function fromValidation(issues: AjvIssue[], context: string | undefined): ApiError {
  const byField = new Map<string, { first: FieldError; allowed: unknown[] }>();
  for (const v of issues) {
    if (v.keyword === 'if' && issues.length > 1) continue;
    const f = fieldErrorOf(v, context);
    let g = byField.get(f.field);
    if (g === undefined) {
      if (byField.size >= FIELD_ERRORS_MAX) continue;
      g = { first: f, allowed: [] };
      byField.set(f.field, g);
    }
    // A union of constants fails once per constant (and once more as a whole): told as one list.
    if (v.keyword === 'const') g.allowed.push(v.params?.allowedValue);
  }
  const errors = [...byField.values()].map((g) =>
    g.allowed.length > 1 ? { ...g.first, detail: `must be one of ${g.allowed.map((a) => JSON.stringify(a)).join(', ')}` } : g.first,
  );
  const first = errors[0]!;
  return new ApiError(400, 'invalid_field', first.detail, first.field, {}, errors);
}

/** Any error thrown inside a request, as the ApiError to answer with. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PlatformError) return fromPlatformError(err);
  const e = err as Error & { code?: string; statusCode?: number; validation?: AjvIssue[]; validationContext?: string };
  if (Array.isArray(e.validation) && e.validation.length > 0) return fromValidation(e.validation, e.validationContext);
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'body_too_large', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(
        415,
        'unsupported_media_type',
        'this content type is not accepted: send application/json (application/xml where a route takes ISO 20022)',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError(400, 'malformed_body', 'the body is not valid JSON (keys __proto__ and constructor.prototype are refused too)');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError(400, 'malformed_body', e.message);
    case 'ledger_closed':
    case 'ledger_failed':
    case 'writer_busy':
    case 'unreachable':
      return new ApiError(503, 'unavailable', e.message);
    case 'command_too_large':
      return new ApiError(413, 'body_too_large', e.message);
  }
  if (e instanceof SyntaxError || (e.statusCode === 400 && typeof e.code === 'string' && e.code.startsWith('FST_ERR_CTP'))) {
    return new ApiError(400, 'malformed_body', `the body is not valid JSON: ${e.message}`);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new ApiError(e.statusCode, e.statusCode === 404 ? 'not_found' : 'malformed_body', e.message);
  }
  return new ApiError(500, 'internal', 'internal error');
}

/** Errors fastify's router makes before a route is found (its `frameworkErrors` option), as project errors. */
export function fromFrameworkError(err: Error & { code?: string }): ApiError {
  switch (err.code) {
    case 'FST_ERR_BAD_URL':
      return new ApiError(400, 'bad_url', 'the URL is not valid: a percent-encoded sequence does not decode to UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError(414, 'uri_too_long', 'a path parameter of the URL is longer than any the API takes');
  }
  return toApiError(err);
}

/**
 * What Node's HTTP parser refuses before any request exists (the server's
 * `clientError`): a request line or headers over its size limit, a character
 * HTTP forbids (a NUL in a header), a request that is not HTTP, a timeout.
 * `raw` is what the parser had read (err.rawPacket): a first line over the
 * limit in it means the URL itself was too long (414), else the headers (431).
 */
export function fromClientError(code: string | undefined, raw: Buffer | undefined, headerLimitBytes: number): ApiError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      if (requestLineTooLong(raw, headerLimitBytes)) return new ApiError(414, 'uri_too_long', `the request line is longer than ${headerLimitBytes} bytes`);
      return new ApiError(431, 'headers_too_large', `the request line and headers exceed ${headerLimitBytes} bytes`);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
    case 'ERR_HTTP_HEADERS_TIMEOUT':
      return new ApiError(408, 'request_timeout', 'the request did not arrive in time');
    case 'HPE_INVALID_HEADER_TOKEN':
      return new ApiError(400, 'malformed_request', 'a header name or value has a character HTTP does not allow (a control character such as NUL)');
    case 'HPE_INVALID_URL':
      return new ApiError(400, 'malformed_request', 'the request line has no valid URL');
    case 'HPE_INVALID_METHOD':
      return new ApiError(400, 'malformed_request', 'the request does not start with an HTTP method');
  }
  return new ApiError(400, 'malformed_request', `not a valid HTTP/1.1 request (${code ?? 'parse error'})`);
}

/** Whether what the parser read starts a request whose first line alone is over the limit (or had not ended). */
function requestLineTooLong(raw: Buffer | undefined, limitBytes: number): boolean {
  if (raw === undefined || !/^[A-Z]{3,10} /.test(raw.subarray(0, 11).toString('latin1'))) return false;
  const eol = raw.indexOf('\r\n');
  return eol < 0 || eol > limitBytes;
}

/** A whole HTTP/1.1 response carrying the error, for a socket that has no request to reply on; the connection closes. */
export function rawErrorResponse(e: ApiError): string {
  const body = JSON.stringify(e.body());
  return (
    `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\nContent-Type: ${PROBLEM_JSON}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
