// The web app's server side: this module owns serving the browser app (the
// operator dashboard, the participant portal and the central-bank and compliance
// views) and composing it with the read-only data routes the app needs beyond
// src/api (./data_routes.ts). It knows nothing of the API: both are added to one
// server by src/cli/serve_commands.ts, which installs the shared guard
// (src/http/guard.ts) through the API server first.
//
// Static (public, no API key — the page asks for one and sends it as a Bearer
// token to /v1/…), served by ./static.ts:
//   GET /                          index.html
//   GET /app/app.js, /app/lib/*.js, /app/views/*.js, /app/app.css
//                                  the app (plain ES modules + CSS in src/web/assets,
//                                  read from the source folder: no build step)
//   GET /app/vendor/uPlot.*        uPlot's browser build, from node_modules (offline)
// Authenticated, read-only: see ./data_routes.ts.

import type { FastifyInstance } from 'fastify';
import { registerStatic } from './static.js';
import type { Platform } from '../platform/platform.js';
import { registerDataRoutes } from './data_routes.js';
import { registerPublicRoutes } from './public_routes.js';

// ---- registration -----------------------------------------------------------------------------

/** Serves the web app and its read-only data routes on a server whose guard is installed (src/cli/serve_commands.ts). */
export function registerWebRoutes(app: FastifyInstance, platform: Platform): void {
  registerStatic(app);
  registerDataRoutes(app, platform);
  registerPublicRoutes(app, platform);
}
