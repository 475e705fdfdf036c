// What a route tells the OpenAPI document about itself beyond its request
// schemas (fastify's `schema`) and roles (`config.roles`): its operationId, tag,
// summary and the body of each success status. The API's routes and the
// dashboard's data routes carry one as `config.doc`; src/api/openapi.ts builds
// the document from every route the server registered, so a route that forgets
// its doc is caught by the document's lint (test/openapi.test.ts).

import type { TSchema } from '@sinclair/typebox';

export interface ResponseDoc {
  /** The JSON body's schema; for another media type, a schema of the text (e.g. {type: 'string'}). */
  schema: TSchema | Record<string, unknown>;
  /** Default application/json. */
  content_type?: string;
  description?: string;
  /** Response headers worth naming (name -> description). */
  headers?: Record<string, string>;
}

export interface RouteDoc {
  operationId: string;
  tag: string;
  summary: string;
  responses: Record<number, ResponseDoc>;
  /** Request headers beyond Authorization and Idempotency-Key (name -> description). */
  request_headers?: Record<string, string>;
  /** Also takes application/xml bodies (ISO 20022). */
  xml_body?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route's part of the OpenAPI document. */
    doc?: RouteDoc;
  }
}
