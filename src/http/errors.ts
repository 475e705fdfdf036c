// The project's HTTP errors, shared by the API and the dashboard: one body shape
// for every failure, {"code","message","path"}, with stable codes, and the mapping
// from platform, ledger, store and fastify errors to HTTP statuses — also those
// fastify's router (frameworkErrors) and Node's HTTP parser (clientError) make
// before a route runs. Nothing here knows routes.

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
  | 'shutting_down'
  | 'unavailable'
  | 'internal';

export interface ErrorBody {
  code: string;
  message: string;
  path: string;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly path: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: ApiErrorCode, message: string, path = '', headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.path = path;
    this.headers = headers;
    this.name = 'ApiError';
  }
  body(): ErrorBody {
    return { code: this.code, message: this.message, path: this.path };
  }
}

/** Answers with the error's status, headers and body. */
export function sendError(reply: FastifyReply, e: ApiError): FastifyReply {
  for (const [k, v] of Object.entries(e.headers)) reply.header(k, v);
  return reply.code(e.status).type('application/json').send(JSON.stringify(e.body()));
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
  no_business_day: 409,
  day_open: 409,
  rate_unavailable: 422,
  ledger_refused: 422,
  financing: 422,
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

/** Any error thrown inside a request, as the ApiError to answer with. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof PlatformError) return fromPlatformError(err);
  const e = err as Error & { code?: string; statusCode?: number; validation?: AjvIssue[]; validationContext?: string };
  if (Array.isArray(e.validation) && e.validation.length > 0) {
    const v = e.validation[0]!;
    const extra =
      v.keyword === 'additionalProperties'
        ? String(v.params?.additionalProperty ?? '')
        : v.keyword === 'required'
          ? String(v.params?.missingProperty ?? '')
          : undefined;
    const where = jsonPath(v.instancePath ?? '', extra);
    const message =
      v.keyword === 'additionalProperties'
        ? 'unknown field'
        : v.keyword === 'format'
          ? (FORMAT_MUST[String(v.params?.format)] ?? v.message ?? 'invalid')
          : (v.message ?? 'invalid');
    const ctx = e.validationContext === 'querystring' ? 'query' : e.validationContext === 'params' ? 'params' : '';
    return new ApiError(400, 'invalid_field', message, ctx !== '' && where !== '' ? `${ctx}.${where}` : where);
  }
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
    `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? 'Error'}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}
