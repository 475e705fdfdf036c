// The web app's server side: this module owns serving the browser app (the
// operator dashboard, the participant portal and the central-bank and compliance
// views) and composing it with the read-only data routes the app needs beyond
// src/api (./data_routes.ts). It knows nothing of the API: both are added to one
// server by src/cli/serve_commands.ts, which installs the shared guard
// (src/http/guard.ts) through the API server first.
//
// Static (public, no API key — the page asks for one and sends it as a Bearer
// token to /v1/…):
//   GET /                          index.html
//   GET /app/app.js, /app/app.css  the app (plain ES module + CSS in src/web/assets,
//                                  read from the source folder: no build step)
//   GET /app/vendor/uPlot.*        uPlot's browser build, from node_modules (offline)
// Authenticated, read-only: see ./data_routes.ts.

import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform/platform.js';
import { registerDataRoutes } from './data_routes.js';

// ---- static files ---------------------------------------------------------------------------

/** src/web/assets, from the compiled module (dist/src/web) or the source one. */
function assetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const c of [resolve(here, '../../../src/web/assets'), resolve(here, 'assets')]) if (existsSync(join(c, 'index.html'))) return c;
  throw new Error(`web assets not found next to ${here}`);
}

function uplotDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('uplot'));
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

// ---- registration -----------------------------------------------------------------------------

/** Serves the web app and its read-only data routes on a server whose guard is installed (src/cli/serve_commands.ts). */
export function registerWebRoutes(app: FastifyInstance, platform: Platform): void {
  const assets = assetsDir();
  const vendor = uplotDir();
  const cache = new Map<string, Buffer>();
  const file = async (path: string): Promise<Buffer> => {
    let b = cache.get(path);
    if (b === undefined) {
      b = await readFile(path);
      if (process.env.SCO_SETTLE_WEB_DEV !== '1') cache.set(path, b);
    }
    return b;
  };
  const serve = (url: string, path: string, type: string): void => {
    app.get(url, async (_req, reply) => {
      reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
      if (type.startsWith('text/html')) reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
      return reply.type(type).send(await file(path));
    });
  };
  serve('/', join(assets, 'index.html'), TYPES['.html']!);
  serve('/app/', join(assets, 'index.html'), TYPES['.html']!);
  serve('/app/app.js', join(assets, 'app.js'), TYPES['.js']!);
  serve('/app/app.css', join(assets, 'app.css'), TYPES['.css']!);
  serve('/app/vendor/uPlot.iife.min.js', join(vendor, 'uPlot.iife.min.js'), TYPES['.js']!);
  serve('/app/vendor/uPlot.min.css', join(vendor, 'uPlot.min.css'), TYPES['.css']!);

  registerDataRoutes(app, platform);
}
