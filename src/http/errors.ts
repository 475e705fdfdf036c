// The project's HTTP errors, shared by the API and the dashboard: one body shape
// for every failure, {"code","message","path"}, with stable codes, and the mapping
// from platform, ledger, store and fastify errors to HTTP statuses. Nothing here
// knows routes.

import type { FastifyReply } from 'fastify';
import { PlatformError, type PlatformErrorCode } from '../platform/errors.js';

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
  four_eyes: 409,
  no_business_day: 409,
  day_open: 409,
  rate_unavailable: 422,
  ledger_refused: 422,
  financing: 422,
};

export function fromPlatformError(e: PlatformError): ApiError {
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
    const message = v.keyword === 'additionalProperties' ? 'unknown field' : (v.message ?? 'invalid');
    const ctx = e.validationContext === 'querystring' ? 'query' : e.validationContext === 'params' ? 'params' : '';
    return new ApiError(400, 'invalid_field', message, ctx !== '' && where !== '' ? `${ctx}.${where}` : where);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'body_too_large', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', e.message);
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
