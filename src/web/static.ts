// The web app's static files: index.html at / and /app/, every ES module and
// stylesheet under src/web/assets at /app/<path> (app.js, lib/*.js, views/*.js,
// app.css), and uPlot's browser build from node_modules at /app/vendor/ (offline).
// All public: the page asks for an API key and sends it to /v1/… itself.
//
// The list of files is computed once, at start, by walking the assets folder, and
// each file gets its own route: a request path is never joined to a folder, so
// nothing outside the list can be named (`..`, encoded or not, matches no route).
// The assets are read from the source folder (no build step; the browser loads the
// modules as they are). Files are cached in memory after the first read, except
// with SCO_SETTLE_WEB_DEV=1 (edits show on reload; a new file needs a restart).

import { readFile } from 'node:fs/promises';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

export interface StaticFile {
  /** The path the browser asks for. */
  url: string;
  /** The file on disk. */
  path: string;
  /** Content-Type sent. */
  type: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
/** A served name: lower-case letters, digits, '_' and '-', then .js or .css (no dotfiles, no editor backups). */
const SERVED_NAME = /^[a-z0-9][a-z0-9_-]*\.(js|css)$/;
const SERVED_DIR = /^[a-z0-9][a-z0-9_-]*$/;

/** src/web/assets, from the compiled module (dist/src/web) or the source one. */
export function assetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const c of [resolve(here, '../../../src/web/assets'), resolve(here, 'assets')]) if (existsSync(join(c, 'index.html'))) return c;
  throw new Error(`web assets not found next to ${here}`);
}

function uplotDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('uplot'));
}

/** Paths (with '/') of the modules and stylesheets under dir, sorted. */
export function assetFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? e.name : `${prefix}/${e.name}`;
    if (e.isDirectory() && SERVED_DIR.test(e.name)) out.push(...assetFiles(dir, rel));
    else if (e.isFile() && SERVED_NAME.test(e.name)) out.push(rel);
  }
  return out.sort();
}

/** Everything served, in the order registered. */
export function staticFiles(assets = assetsDir()): StaticFile[] {
  const index = join(assets, 'index.html');
  const vendor = uplotDir();
  const typeOf = (name: string): string => TYPES[name.slice(name.lastIndexOf('.'))]!;
  return [
    { url: '/', path: index, type: TYPES['.html']! },
    { url: '/app/', path: index, type: TYPES['.html']! },
    ...assetFiles(assets).map((rel) => ({ url: `/app/${rel}`, path: join(assets, ...rel.split('/')), type: typeOf(rel) })),
    { url: '/app/vendor/uPlot.iife.min.js', path: join(vendor, 'uPlot.iife.min.js'), type: TYPES['.js']! },
    { url: '/app/vendor/uPlot.min.css', path: join(vendor, 'uPlot.min.css'), type: TYPES['.css']! },
  ];
}

/** Registers a GET route per static file; returns the list (for tests and logs). */
export function registerStatic(app: FastifyInstance): StaticFile[] {
  const files = staticFiles();
  const cache = new Map<string, Buffer>();
  const dev = process.env.SCO_SETTLE_WEB_DEV === '1';
  const read = async (path: string): Promise<Buffer> => {
    let b = cache.get(path);
    if (b === undefined) {
      b = await readFile(path);
      if (!dev) cache.set(path, b);
    }
    return b;
  };
  for (const f of files) {
    app.get(f.url, async (_req, reply) => {
      reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
      if (f.type.startsWith('text/html')) reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer');
      return reply.type(f.type).send(await read(f.path));
    });
  }
  return files;
}
