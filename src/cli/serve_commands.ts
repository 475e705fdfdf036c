// `sco-settle serve`: runs the HTTP API (src/api) and the dashboard (src/web) on a
// store until SIGINT or SIGTERM, then drains: new requests get 503, in-flight ones
// finish, the platform closes (flushing the journal) and the process exits 0.
// buildServer composes the two on one server: the API and the web app know only
// src/http and the platform, never each other.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Platform, redactUrl, StoreError } from '../platform/platform.js';
import { UserDirectory } from '../http/auth.js';
import type { Api, ApiOptions } from '../api/server.js';
import { TargetAllowList } from '../api/webhook_target.js';
import { existingStoreUrl, resolveStoreUrl, stderrProgress } from './context.js';
import { CliInputError } from './input.js';
import { addClusterOptions, clusterOptionsOf } from './cluster_options.js';

/**
 * The API and the dashboard on one server for a platform (not yet listening):
 * the API server with its request pipeline and guard, and the web app's routes
 * behind the same guard. Shutting it down closes the platform.
 */
export async function buildServer(opts: ApiOptions): Promise<Api> {
  // Loaded here, not at the top: the HTTP stack (fastify, typebox, prom-client) is most of
  // the CLI's start-up, and only the commands that serve need it.
  const [{ buildApi }, { registerWebRoutes }] = await Promise.all([import('../api/server.js'), import('../web/routes.js')]);
  const api = await buildApi(opts);
  registerWebRoutes(api.app, opts.platform);
  return api;
}

function intOption(value: string, what: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliInputError(`${what}: must be an integer ${min}..${max}, got ${JSON.stringify(value)}`);
  return n;
}

/** --webhook-allow's entries, checked now so that a typo stops the start rather than every delivery. */
function webhookAllowOption(value: string | undefined): string[] {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '');
  try {
    new TargetAllowList(entries);
  } catch (err) {
    throw new CliInputError(`--webhook-allow: ${(err as Error).message}`);
  }
  return entries;
}

/** The platform `serve` runs on: one engine, or (with --cluster) an engine of a cluster. */
async function openPlatform(url: string, o: Record<string, string | undefined>): Promise<Platform> {
  const cluster = clusterOptionsOf(o, 'engine');
  try {
    return await Platform.open(url, {
      onProgress: stderrProgress,
      group_batches_max: intOption(String(o.groupMax), '--group-max', 1, 100_000),
      ...(cluster !== null ? { cluster } : {}),
    });
  } catch (err) {
    if (err instanceof StoreError && err.code === 'writer_busy') {
      throw new StoreError('writer_busy', `${err.message}: one writer per store — stop the other sco-settle process (serve, users, keys, …) first`);
    }
    throw err;
  }
}

export function registerServeCommands(program: Command): void {
  const serve = program.command('serve');
  addClusterOptions(serve, false);
  serve
    .description('run the HTTP API (OpenAPI at /openapi.json, docs at /docs) until SIGINT/SIGTERM')
    .option('--port <n>', 'TCP port (0: any free port)', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--log-level <level>', 'fatal, error, warn, info, debug or silent', 'info')
    .option('--rate-limit <n>', 'requests per second per API key (0: unlimited)', '2000')
    .option('--rate-burst <n>', 'burst size per API key (default: twice the rate)')
    .option('--max-writes-in-flight <n>', 'write requests accepted and not yet answered at most; more are refused 429 overloaded', '4096')
    .option('--max-index-backlog <n>', 'query index backlog (events) above which writes are refused 429 overloaded', '1000000')
    .option('--timetable', "run the scheme's timetable: the LSM every lsm.interval_minutes, the DNS windows at their times (journaled by system)")
    .option('--group-max <n>', 'commands committed together in one journal write at most (group commit)', '1024')
    .option(
      '--webhook-allow <targets>',
      'comma-separated host names, addresses or CIDR ranges webhooks may be delivered to beyond public addresses (default: none; private, loopback and link-local targets are refused)',
    )
    .option('--tls-cert <file>', 'PEM certificate: serve https')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option(
      '--tls-ca <file>',
      "PEM CA certificate: clients may authenticate with a certificate it issued (mutual TLS); the certificate's subject CN names an API user",
    )
    .action(async (o: Record<string, string | undefined>, cmd: Command) => {
      // In cluster mode the local store is the engine's state and index, rebuilt from the stream: a new engine starts on an empty one.
      const url = o.cluster !== undefined ? resolveStoreUrl(cmd) : await existingStoreUrl(cmd);
      const port = intOption(String(o.port), '--port', 0, 65535);
      const rate = intOption(String(o.rateLimit), '--rate-limit', 0, 10_000_000);
      const burst = o.rateBurst === undefined ? Math.max(1, rate * 2) : intOption(o.rateBurst, '--rate-burst', 1, 100_000_000);
      if ((o.tlsCert === undefined) !== (o.tlsKey === undefined)) throw new CliInputError('--tls-cert and --tls-key go together');
      if (o.tlsCa !== undefined && o.tlsCert === undefined) throw new CliInputError('--tls-ca needs --tls-cert and --tls-key');
      const webhookAllow = webhookAllowOption(o.webhookAllow);
      const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
      if (!levels.includes(String(o.logLevel))) throw new CliInputError(`--log-level: one of ${levels.join(', ')}`);
      const platform = await openPlatform(url, o);
      const users = await UserDirectory.load(platform);
      if (users.listUsers().length === 0 && platform.clusterStatus() === null)
        stderrProgress(
          'warning: no API users on this store yet; create one with `sco-settle users create --role operator NAME` (server stopped) and `sco-settle keys create --user NAME`',
        );
      const api = await buildServer({
        platform,
        users,
        rateLimit: rate === 0 ? null : { rate, burst },
        backPressure: {
          writes_in_flight_max: intOption(String(o.maxWritesInFlight), '--max-writes-in-flight', 1, 10_000_000),
          index_backlog_events_max: intOption(String(o.maxIndexBacklog), '--max-index-backlog', 0, 1_000_000_000),
        },
        logLevel: String(o.logLevel),
        timetable: Boolean(o.timetable),
        webhooks: { allow_hosts: webhookAllow },
        https:
          o.tlsCert !== undefined
            ? { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey!), ...(o.tlsCa !== undefined ? { ca: readFileSync(o.tlsCa) } : {}) }
            : null,
      });
      const address = await api.app.listen({ port, host: String(o.host) });
      platform.advertiseCluster(address);
      stderrProgress(`sco-settle API on ${address} (store ${redactUrl(url)}); docs at ${address}/docs`);
      await untilStopped(api);
      stderrProgress('stopped');
    });
}

/** Serves until SIGINT or SIGTERM, then drains (new requests get 503) and closes the platform. */
async function untilStopped(api: Api): Promise<void> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      stderrProgress(`${signal}: draining (new requests get 503), closing the platform`);
      api.shutdown().then(resolve, (err: unknown) => {
        stderrProgress(`shutdown failed: ${(err as Error).message}`);
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
