// The OpenAPI 3.1 document, generated from the routes the server registered
// (fastify's onRoute: the API's, the dashboard's data routes, the event stream
// and the public endpoints alike): paths, parameters from the params and query
// schemas, request bodies (JSON, and XML where a route takes ISO 20022), the
// roles each route allows, the body schema of every success status
// (config.doc, src/http/route_doc.ts) and the problem details of every error
// status. TypeBox schemas are JSON Schema 2020-12, which OpenAPI 3.1 uses as is.
// A route under /v1 without a doc is listed under `x-undocumented`, which the
// document's lint (test/openapi.test.ts) refuses. Also the small HTML docs page
// rendered from the same document.

import type { RouteOptions } from 'fastify';
import { PROBLEM_JSON } from '../http/errors.js';
import type { RouteDoc } from '../http/route_doc.js';
import { Problem } from './responses.js';
import { withUnitsSchema } from '../http/units.js';

function plain(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema));
}

function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}');
}

const ERRORS: Record<string, string> = {
  '400': 'invalid_field / malformed_body: `errors` lists every failing field',
  '401': 'unauthenticated',
  '403': 'forbidden',
  '404': "not_found (also data outside the caller's scope)",
  '409': 'idempotency_conflict, or a state conflict',
  '413': 'body_too_large',
  '415': 'unsupported_media_type',
  '422': 'refused by the platform (insufficient_funds, limit_exceeded, …)',
  '429': 'rate_limited, or overloaded for a write (Retry-After)',
  '503': 'shutting_down / unavailable',
};

/** Error statuses a route can answer: every route 404, 429, 503; authenticated ones 401, 403; those with input 400; writes the rest. */
function errorStatuses(method: string, secured: boolean, input: boolean): string[] {
  const out = ['404', '429', '503'];
  if (secured) out.push('401', '403');
  if (input) out.push('400');
  if (method !== 'GET') out.push('409', '413', '415', '422');
  return out.sort();
}

const INFO_DESCRIPTION = [
  'Settlement of cross-border payments in SCO member currencies.',
  'Amounts: requests take decimal strings in major units of the currency named beside them; answers give integer minor units as decimal strings (`*_minor`, exact) and the same amount in major units (`amount` beside `amount_minor`, with the ISO 4217 exponent of its currency).',
  "Times: clock readings are nanoseconds since the Unix epoch as decimal strings (`at_ns`, exact, the journal's clock) with the same instant in RFC 3339 UTC beside them (`at`).",
  'Errors: RFC 9457 problem details (`application/problem+json`) with a stable `code` (docs/errors.md) and `errors[]` naming every failing field.',
  'Change feed: GET /v1/events (server-sent events, ids are journal sequences; resume with Last-Event-ID or ?after=SEQ) and webhooks (POST /v1/webhooks; HMAC-SHA256 signed).',
].join('\n\n');

/** The document of every documented route fastify registered (HEAD twins are left out). */
export function buildOpenApi(routes: readonly RouteOptions[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const undocumented: string[] = [];
  for (const r of routes) {
    const methods = (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD');
    const doc = (r.config as { doc?: RouteDoc } | undefined)?.doc;
    for (const m of methods) {
      if (doc === undefined) {
        if (r.url.startsWith('/v1') || r.url === '/openapi.json') undocumented.push(`${m} ${r.url}`);
        continue;
      }
      (paths[openApiPath(r.url)] ??= {})[m.toLowerCase()] = operationOf(m, r, doc);
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'sco-settle API', version, description: INFO_DESCRIPTION, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key sco_<keyid>_<secret> (sco-settle keys create)' } },
      schemas: { Problem: plain(Problem) },
    },
    security: [{ bearer: [] }],
    paths,
    ...(undocumented.length > 0 ? { 'x-undocumented': undocumented } : {}),
  };
}

interface SchemaLike {
  properties?: Record<string, unknown>;
  required?: string[];
}

/** Path and query parameters from the route's schemas, and the headers it reads. */
function parametersOf(method: string, r: RouteOptions, doc: RouteDoc): unknown[] {
  const schema = (r.schema ?? {}) as { params?: SchemaLike; querystring?: SchemaLike };
  const params: unknown[] = [];
  for (const [where, s] of [
    ['path', schema.params],
    ['query', schema.querystring],
  ] as const) {
    for (const [name, p] of Object.entries(s?.properties ?? {}))
      params.push({ name, in: where, required: where === 'path' || (s?.required ?? []).includes(name), schema: plain(p) });
  }
  if (method === 'POST')
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', maxLength: 128 },
      description: 'Same key and request: the same response; same key, other request: 409',
    });
  for (const [name, description] of Object.entries(doc.request_headers ?? {}))
    params.push({ name, in: 'header', required: false, schema: { type: 'string', maxLength: 64 }, description });
  return params;
}

/** One route's OpenAPI operation: its parameters, request body, success bodies and error statuses. */
function operationOf(method: string, r: RouteOptions, doc: RouteDoc): Record<string, unknown> {
  const roles = (r.config as { roles?: readonly string[] } | undefined)?.roles;
  const schema = (r.schema ?? {}) as { params?: SchemaLike; querystring?: SchemaLike; body?: unknown };
  const params = parametersOf(method, r, doc);
  const responses: Record<string, unknown> = {};
  for (const [status, res] of Object.entries(doc.responses)) {
    const headers = Object.fromEntries(Object.entries(res.headers ?? {}).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }]));
    responses[status] = {
      description: res.description ?? 'OK',
      content: { [res.content_type ?? 'application/json']: { schema: withUnitsSchema(plain(res.schema)) } },
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
    };
  }
  const input = params.length > 0 || schema.body !== undefined;
  for (const status of errorStatuses(method, roles !== undefined, input))
    responses[status] = { description: ERRORS[status]!, content: { [PROBLEM_JSON]: { schema: { $ref: '#/components/schemas/Problem' } } } };
  const op: Record<string, unknown> = {
    operationId: doc.operationId,
    tags: [doc.tag],
    summary: doc.summary,
    ...(roles === undefined ? { security: [] } : { description: `Roles: ${roles.join(', ')}.`, 'x-roles': roles, security: [{ bearer: [] }] }),
    parameters: params,
    responses,
  };
  if (schema.body !== undefined) {
    const b = schema.body as { content?: Record<string, { schema: unknown }> };
    const json = b.content !== undefined ? b.content['application/json']!.schema : b;
    const content: Record<string, unknown> = { 'application/json': { schema: plain(json) } };
    if (doc.xml_body === true)
      content['application/xml'] = { schema: { type: 'string', description: 'ISO 20022 pacs.008 / pacs.009 (see src/iso20022/submit.ts)' } };
    op.requestBody = { required: true, content };
  }
  return op;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function docsPage(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<
    string,
    Record<string, { summary?: string; tags?: string[]; 'x-roles'?: string[]; requestBody?: { content: Record<string, { schema: unknown }> } }>
  >;
  const rows: string[] = [];
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const body = op.requestBody?.content['application/json']?.schema;
      rows.push(
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.tags?.[0] ?? '')}</td><td>${esc(op.summary ?? '')}${body !== undefined ? `<details><summary>body</summary><pre>${esc(JSON.stringify(body, null, 1))}</pre></details>` : ''}</td><td>${esc((op['x-roles'] ?? ['public']).join(', '))}</td></tr>`,
      );
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sco-settle API</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}pre{font-size:12px;max-height:300px;overflow:auto}</style></head>
<body><h1>sco-settle API</h1><p>${esc(String((doc.info as { description?: string }).description ?? ''))}</p>
<p>Authenticate with <code>Authorization: Bearer sco_…</code>. Errors are RFC 9457 problem details (<code>application/problem+json</code>: <code>type</code>, <code>title</code>, <code>status</code>, <code>detail</code>, <code>code</code>, <code>errors[]</code>, <code>request_id</code>). POSTs take an <code>Idempotency-Key</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><thead><tr><th>Method</th><th>Path</th><th>Tag</th><th>What</th><th>Roles</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></body></html>`;
}
