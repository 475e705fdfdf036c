// The API's contract (issue 19): the OpenAPI document the server publishes is
// valid OpenAPI 3.1 (the official meta-schema, through
// @seriousme/openapi-schema-validator), every schema in it compiles as JSON
// Schema 2020-12, and it keeps the project's style rules: every route the
// server registered under /v1 is in it, every operation has a unique
// operationId, every success status a real body schema (never a bare
// {"type":"object"}), every error status problem+json; info.version is the
// package's. Also docs/errors.md documents every error code the code base can
// emit (the codes the HTTP layer names, and every code a platform refusal may
// carry).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startApi } from './support/api.js';
import { newAjv, type OpenApiDoc } from './support/openapi.js';
import { ERROR_TITLES } from '../src/http/errors.js';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** A schema that says nothing about its object: no properties, items, enum, const, composition or reference. */
function bare(schema: Record<string, unknown>): boolean {
  if (schema.type !== 'object') return false;
  return !['properties', 'additionalProperties', 'patternProperties', 'allOf', 'anyOf', 'oneOf', '$ref', 'if'].some((k) => k in schema);
}

test('the OpenAPI document is valid OpenAPI 3.1 and keeps the style rules', async () => {
  const fx = await startApi('sqlite', { seed: false });
  try {
    const res = await fetch(`${fx.base}/openapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as OpenApiDoc & Record<string, unknown>;

    const v = await new Validator().validate(doc as Record<string, unknown>);
    assert.equal(v.valid, true, JSON.stringify(v.errors, null, 1)?.slice(0, 3000));
    assert.equal(doc.openapi, '3.1.0');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    assert.equal((doc.info as { version: string }).version, pkg.version, 'info.version is the package version');
    assert.equal(doc['x-undocumented'], undefined, `routes without a doc: ${JSON.stringify(doc['x-undocumented'])}`);

    const ajv = newAjv();
    const ids = new Set<string>();
    const problems: string[] = [];
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops) as unknown as Array<[string, Record<string, unknown>]>) {
        operations++;
        const where = `${method.toUpperCase()} ${path}`;
        const id = op.operationId as string | undefined;
        if (typeof id !== 'string' || !/^[a-z][A-Za-z0-9]+$/.test(id)) problems.push(`${where}: operationId ${id}`);
        else if (ids.has(id)) problems.push(`${where}: operationId ${id} twice`);
        else ids.add(id);
        const responses = op.responses as Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
        if (!Object.keys(responses).some((s) => s.startsWith('2'))) problems.push(`${where}: no success status`);
        for (const [status, r] of Object.entries(responses)) {
          const content = r.content ?? {};
          if (status.startsWith('4') || status.startsWith('5')) {
            if (Object.keys(content).join() !== 'application/problem+json') problems.push(`${where} ${status}: not application/problem+json`);
            continue;
          }
          for (const [media, m] of Object.entries(content)) {
            if (m.schema === undefined || Object.keys(m.schema).length === 0) problems.push(`${where} ${status} ${media}: no schema`);
            else if (bare(m.schema)) problems.push(`${where} ${status} ${media}: a bare {"type":"object"}`);
            else {
              try {
                ajv.compile(m.schema);
              } catch (err) {
                problems.push(`${where} ${status}: ${(err as Error).message}`);
              }
            }
          }
        }
        for (const p of (op.parameters ?? []) as Array<{ name: string; schema?: Record<string, unknown> }>) {
          if (p.schema === undefined) problems.push(`${where}: parameter ${p.name} without a schema`);
        }
      }
    }
    assert.deepEqual(problems, []);
    // Every route: the API's, the dashboard's data routes, statements, payment messages, the feed and webhooks.
    for (const id of [
      'listPayments',
      'submitPayments',
      'getOverview',
      'getHistory',
      'listCurrencies',
      'getStatement',
      'getPaymentMessages',
      'streamEvents',
      'createWebhook',
      'getHealth',
    ])
      assert.ok(ids.has(id), `${id} is in the document`);
    assert.ok(operations >= 55, `${operations} operations`);
    const problem = doc.components.schemas.Problem as { properties: Record<string, unknown> };
    for (const m of ['type', 'title', 'status', 'detail', 'code', 'errors', 'request_id']) assert.ok(m in problem.properties, `Problem has ${m}`);
  } finally {
    await fx.close();
  }
});

test('the lint fails a document that breaks a rule (it can fail)', async () => {
  const broken = { openapi: '3.1.0', info: { title: 't' }, paths: { '/x': { get: { responses: { 200: { description: 'OK' } } } } } };
  const v = await new Validator().validate(broken);
  assert.equal(v.valid, false, 'info.version is required by the meta-schema');
  assert.equal(bare({ type: 'object' }), true);
  assert.equal(bare({ type: 'object', properties: {} }), false);
});

test('docs/errors.md documents every error code the code base can emit', () => {
  const text = readFileSync('docs/errors.md', 'utf8');
  const documented = new Set([...text.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => m[1]!));
  const codes = new Set<string>(Object.keys(ERROR_TITLES));
  // Codes written in the code base: ApiError(status, 'code' …) and PlatformError('code' …), wherever they are.
  for (const f of walk('src')) {
    const src = readFileSync(f, 'utf8');
    for (const m of src.matchAll(/new ApiError\(\s*\d{3},\s*'([a-z_]+)'/g)) codes.add(m[1]!);
    for (const m of src.matchAll(/new PlatformError\(\s*'([a-z_]+)'/g)) codes.add(m[1]!);
  }
  // The platform's refusal codes (the union every refusal's code is of).
  const union = readFileSync('src/platform/errors.ts', 'utf8').match(/export type PlatformErrorCode =([^;]+);/)![1]!;
  for (const m of union.matchAll(/'([a-z_]+)'/g)) codes.add(m[1]!);
  assert.ok(codes.size >= 30, `${codes.size} codes found`);
  const missing = [...codes].filter((c) => !documented.has(c)).sort();
  assert.deepEqual(missing, [], 'codes without a row in docs/errors.md');
  for (const [code, title] of Object.entries(ERROR_TITLES))
    assert.ok(text.includes(`| \`${code}\` | `) && text.includes(title), `${code}: its title in docs/errors.md`);
});
