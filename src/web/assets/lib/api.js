// @ts-check
// The fetch wrapper for the platform's API: the session's key as a Bearer token,
// JSON in and out, an idempotency key where asked, errors as ApiErr (with the
// API's code and field path); a refused key (401) ends the session.

import { expire, session } from './session.js';

/** @typedef {import('./types.js').ErrorBody} ErrorBody */

export class ApiErr extends Error {
  /** @param {number} status @param {ErrorBody | null} body */
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? 'error';
    this.path = body?.path ?? '';
  }
}

/** A version 4 UUID (for UETRs and idempotency keys). */
export function uuid() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const x = [...b].map((n) => n.toString(16).padStart(2, '0')).join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * @typedef {object} ApiOptions
 * @property {string} [method]
 * @property {unknown} [body] sent as JSON
 * @property {string} [accept]
 * @property {string} [key] another key than the session's (sign-in); a 401 then does not sign out
 * @property {boolean} [idempotent] send an idempotency key
 */

/**
 * A JSON answer, typed by the caller (the API's contract; see types.js).
 * @template T
 * @param {string} path
 * @param {ApiOptions} [opts]
 * @returns {Promise<T>}
 */
export async function api(path, opts = {}) {
  const res = await request(path, opts);
  const data = await bodyOf(res);
  if (!res.ok) throw refused(res.status, /** @type {ErrorBody | null} */ (data), opts);
  return /** @type {T} */ (data);
}

/**
 * The response itself when it is a success (e.g. an XML download); errors as api().
 * @param {string} path
 * @param {ApiOptions} [opts]
 */
export async function apiRaw(path, opts = {}) {
  const res = await request(path, opts);
  if (res.ok) return res;
  throw refused(res.status, /** @type {ErrorBody | null} */ (await bodyOf(res)), opts);
}

/** @param {string} path @param {ApiOptions} opts */
async function request(path, opts) {
  /** @type {Record<string, string>} */
  const headers = { accept: opts.accept ?? 'application/json', authorization: `Bearer ${opts.key ?? session.key}` };
  let body;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (opts.idempotent) headers['idempotency-key'] = uuid();
  try {
    return await fetch(path, { method: opts.method ?? 'GET', headers, body, cache: 'no-store' });
  } catch (err) {
    throw new ApiErr(0, { code: 'network', message: `The server cannot be reached (${err instanceof Error ? err.message : String(err)}).` });
  }
}

/** @param {Response} res @returns {Promise<unknown>} */
async function bodyOf(res) {
  const text = await res.text();
  try {
    return text === '' ? null : JSON.parse(text);
  } catch {
    return { code: 'bad_response', message: text.slice(0, 200) };
  }
}

/** @param {number} status @param {ErrorBody | null} body @param {ApiOptions} opts */
function refused(status, body, opts) {
  const e = new ApiErr(status, body);
  if (status === 401 && opts.key === undefined) expire('Your API key was not accepted any more; sign in again.');
  return e;
}
