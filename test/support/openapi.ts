// Checking answers against the server's OpenAPI document: the schema of an
// operation's status, found by method and concrete path, compiled with Ajv for
// JSON Schema 2020-12 (the dialect of OpenAPI 3.1) and its formats.

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { ValidateFunction } from 'ajv';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
const DOC_ID = 'https://sco-settle.invalid/openapi.json';
export type OpenApiDoc = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };

export function newAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  return ajv;
}

/** The operation a request went to: its path template and operation, or undefined. */
export function operationFor(doc: OpenApiDoc, method: string, path: string): { template: string; op: Operation } | undefined {
  const bare = path.split('?')[0]!;
  for (const [template, ops] of Object.entries(doc.paths)) {
    const re = new RegExp(`^${template.replace(/\{[a-z_]+\}/g, '[^/]+')}$`);
    const op = ops[method.toLowerCase()];
    if (op !== undefined && re.test(bare)) return { template, op };
  }
  return undefined;
}

/** Validates answers against the document; returns what is wrong with one, or null. */
export function answerChecker(doc: OpenApiDoc): (method: string, path: string, status: number, body: unknown, contentType?: string) => string | null {
  const ajv = newAjv();
  ajv.addSchema({ $id: DOC_ID, components: doc.components });
  const cache = new Map<string, ValidateFunction>();
  return (method, path, status, body, contentType = 'application/json') => {
    const found = operationFor(doc, method, path);
    if (found === undefined) return `no operation for ${method} ${path}`;
    const res = found.op.responses[String(status)];
    if (res === undefined) return `${found.op.operationId} does not document status ${status}`;
    const media = contentType.split(';')[0]!.trim();
    const schema = res.content?.[media]?.schema;
    if (schema === undefined) return `${found.op.operationId} ${status} does not document ${media}`;
    const k = `${found.op.operationId} ${status} ${media}`;
    let v = cache.get(k);
    if (v === undefined) {
      v = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${DOC_ID}#/components/`)) as object);
      cache.set(k, v);
    }
    return v(body) ? null : `${k}: ${ajv.errorsText(v.errors)}`;
  };
}
