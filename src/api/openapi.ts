// The OpenAPI 3.1 document, generated from the route table (./routes.ts): paths,
// parameters from the params and query schemas, request bodies (JSON, and XML
// where a route takes ISO 20022), the roles each route allows, and the common
// error body. TypeBox schemas are JSON Schema 2020-12, which OpenAPI 3.1 uses as is.
// Also the small HTML docs page rendered from the same document.

import type { RouteDef } from './routes.js';
import { ErrorSchema } from './schemas.js';

interface ExtraRoute {
  method: 'GET' | 'POST';
  url: string;
  tag: string;
  summary: string;
  roles: readonly string[] | null;
  produces?: string;
}

function plain(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema));
}

function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z_]+)/g, '{$1}');
}

const ERRORS: Record<string, string> = {
  '400': 'invalid_field / malformed_body',
  '401': 'unauthenticated',
  '403': 'forbidden',
  '404': "not_found (also data outside the caller's scope)",
  '409': 'idempotency_conflict, or a state conflict',
  '413': 'body_too_large',
  '415': 'unsupported_media_type',
  '422': 'refused by the platform (insufficient_funds, limit_exceeded, …)',
  '429': 'rate_limited (Retry-After)',
  '503': 'shutting_down / unavailable',
};

export function buildOpenApi(routes: readonly RouteDef[], extra: readonly ExtraRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorResponses = Object.fromEntries(
    Object.entries(ERRORS).map(([code, d]) => [code, { description: d, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }]),
  );
  for (const r of routes) (paths[openApiPath(r.url)] ??= {})[r.method.toLowerCase()] = operationOf(r, errorResponses);
  for (const e of extra) {
    (paths[e.url] ??= {})[e.method.toLowerCase()] = {
      tags: [e.tag],
      summary: e.summary,
      ...(e.roles === null ? { security: [] } : { description: `Roles: ${e.roles.join(', ')}.`, 'x-roles': e.roles, security: [{ bearer: [] }] }),
      responses: { '200': { description: 'OK', content: { [e.produces ?? 'application/json']: {} } } },
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'sco-settle API',
      version,
      description:
        'Settlement of cross-border payments in SCO member currencies. Amounts in requests are decimal strings in major units; amounts in responses (`*_minor`) are integer minor units as decimal strings.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API key sco_<keyid>_<secret> (sco-settle keys create)' } },
      schemas: { Error: plain(ErrorSchema) },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

/** One route's OpenAPI operation: its parameters (path, query, Idempotency-Key), request body and responses. */
function operationOf(r: RouteDef, errorResponses: Record<string, unknown>): Record<string, unknown> {
  const params: unknown[] = [];
  for (const [where, schema] of [
    ['path', r.params],
    ['query', r.query],
  ] as const) {
    const props = (schema as { properties?: Record<string, unknown>; required?: string[] } | undefined)?.properties ?? {};
    const required = (schema as { required?: string[] } | undefined)?.required ?? [];
    for (const [name, s] of Object.entries(props)) params.push({ name, in: where, required: where === 'path' || required.includes(name), schema: plain(s) });
  }
  if (r.method === 'POST')
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', maxLength: 128 },
      description: 'Same key and request: the same response; same key, other request: 409',
    });
  const op: Record<string, unknown> = {
    operationId: `${r.method.toLowerCase()}${openApiPath(r.url)
      .replace(/[{}]/g, '')
      .replace(/\/([a-z_])/g, (_m, c: string) => c.toUpperCase())
      .replace(/[^A-Za-z0-9]/g, '')}`,
    tags: [r.tag],
    summary: r.summary,
    description: `Roles: ${r.roles.join(', ')}.`,
    'x-roles': r.roles,
    security: [{ bearer: [] }],
    parameters: params,
    responses: {
      [r.method === 'POST' && r.url.endsWith('/participants') ? '201' : '200']: {
        description: 'OK',
        content: { 'application/json': { schema: r.response !== undefined ? plain(r.response) : { type: 'object' } } },
      },
      ...errorResponses,
    },
  };
  if (r.body !== undefined) {
    const content: Record<string, unknown> = { 'application/json': { schema: plain(r.body) } };
    if (r.xml !== undefined)
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
<p>Authenticate with <code>Authorization: Bearer sco_…</code>. Errors are <code>{"code","message","path"}</code>. POSTs take an <code>Idempotency-Key</code>. Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><thead><tr><th>Method</th><th>Path</th><th>Tag</th><th>What</th><th>Roles</th></tr></thead><tbody>${rows.join('\n')}</tbody></table></body></html>`;
}
