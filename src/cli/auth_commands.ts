// `sco-settle users …` and `sco-settle keys …`: API users and keys, which the
// platform keeps as journaled commands (src/platform/api_directory.ts; every
// change hash-chained, verified and in the audit trail under --by).
//
// Two ways to reach them, and only these two, because a store has one writer:
//  - the store is stopped: the command opens the platform itself (writer lock);
//  - the store is served: `--server URL` (or SCO_SETTLE_SERVER) sends the change
//    to the running server's API as an operator, whose key comes from
//    SCO_SETTLE_API_KEY or --api-key-file (never argv: other users see it). The
//    server journals it under that operator's name and applies it to the very
//    next request. Without --server, a served store is refused with how to proceed.
// There is deliberately no side door (a file the server watches, a second writer):
// a change to who may move money is authenticated, authorized, journaled and
// audited like a payment, by the one process that owns the store.
// A new key's secret is drawn here and printed once on stdout; the platform (and,
// with --server, the server) receives only its id, salt and scrypt hash.

import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { API_ROLES as ROLES, type ApiRole as Role } from '../platform/api_directory.js';
import type { Platform } from '../platform/platform.js';
import type { UserChanges, UserDirectory } from '../http/auth.js';
import { existingStoreUrl, stderrProgress } from './context.js';
import { CliInputError } from './input.js';

/** How long a request to the server may take. */
const SERVER_TIMEOUT_MS = 30_000;

interface Remote {
  base: string;
  key: string;
}

export class ServerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

function actor(cmd: Command): string {
  const o = cmd.optsWithGlobals() as { by?: string };
  if (o.by !== undefined) return o.by;
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

/** The server to go through, or null to open the store directly. */
function remoteOf(cmd: Command): Remote | null {
  const o = cmd.opts() as { server?: string; apiKeyFile?: string };
  const server = o.server ?? (process.env.SCO_SETTLE_SERVER || undefined);
  if (server === undefined) return null;
  if (!/^https?:\/\/[^\s/]+/.test(server)) throw new CliInputError(`--server: an http(s) URL, got ${JSON.stringify(server)}`);
  let key = process.env.SCO_SETTLE_API_KEY ?? '';
  if (o.apiKeyFile !== undefined) {
    try {
      key = readFileSync(o.apiKeyFile, 'utf8').trim();
    } catch (err) {
      throw new CliInputError(`--api-key-file: cannot read ${o.apiKeyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (key === '') throw new CliInputError('--server needs an operator API key: set SCO_SETTLE_API_KEY or pass --api-key-file');
  return { base: server.replace(/\/+$/, ''), key };
}

async function callServer<T>(r: Remote, method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { authorization: `Bearer ${r.key}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(r.base + path, {
      method,
      headers,
      signal: AbortSignal.timeout(SERVER_TIMEOUT_MS),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new ServerError(
      'unreachable',
      `${r.base}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`,
    );
  }
  const text = await res.text();
  let parsed: { code?: string; message?: string; path?: string } & Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ServerError('bad_response', `${r.base}${path}: HTTP ${res.status}, not JSON`);
  }
  if (!res.ok) throw new ServerError(parsed.code ?? `http_${res.status}`, `${parsed.path ? `${parsed.path}: ` : ''}${parsed.message ?? `HTTP ${res.status}`}`);
  return parsed as T;
}

/**
 * Opens the store's platform; a served store is refused saying how to go through its server.
 * The platform and the API's user directory are loaded here, not by every `users`/`keys` command (#18).
 */
async function withDirectory<T>(cmd: Command, fn: (d: UserDirectory) => Promise<T>): Promise<T> {
  const url = await existingStoreUrl(cmd);
  const [{ Platform: Facade, redactUrl, StoreError }, { UserDirectory }] = await Promise.all([import('../platform/platform.js'), import('../http/auth.js')]);
  let platform: Platform;
  try {
    platform = await Facade.open(url);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'writer_busy')
      throw new StoreError(
        'writer_busy',
        `the store ${redactUrl(url)} is in use by another sco-settle process (a running server?); change users and keys through it: ` +
          `--server URL with an operator key in SCO_SETTLE_API_KEY (or --api-key-file)`,
      );
    throw err;
  }
  try {
    const before = platform.journalHead().seq;
    const out = await fn(await UserDirectory.load(platform));
    // A change's receipt (what `verify --expect-head` takes), on stderr so stdout stays the result.
    const head = platform.journalHead();
    if (head.seq > before) stderrProgress(`journal head: ${head.seq}:${head.head_hash}`);
    return out;
  } finally {
    await platform.close();
  }
}

function print(value: unknown, pretty = false): void {
  process.stdout.write(JSON.stringify(value, null, pretty ? 2 : undefined) + '\n');
}

function serverOptions(c: Command): Command {
  return c
    .option('--server <url>', "go through a running server's API (env SCO_SETTLE_SERVER); the operator key comes from SCO_SETTLE_API_KEY")
    .option('--api-key-file <path>', 'a file holding the operator API key for --server');
}

export function registerAuthCommands(program: Command): void {
  registerUsersCommands(program);
  registerKeysCommands(program);
}

function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('API users (roles: operator, central_bank, participant, liquidity_provider, compliance, auditor)');
  serverOptions(
    users
      .command('create')
      .description('create an API user')
      .argument('<name>', 'user name (A-Z a-z 0-9 . _ @ -)')
      .requiredOption('--role <role>', ROLES.join('|'))
      .option('--participant <bic>', 'the participant a participant, liquidity_provider or central_bank user acts for'),
  ).action(async (name: string, o: { role: string; participant?: string }, cmd: Command) => {
    const role = roleOption(o.role);
    const participant = o.participant ?? null;
    const remote = remoteOf(cmd);
    if (remote !== null) return print(await callServer(remote, 'POST', '/v1/users', { name, role, participant }));
    await withDirectory(cmd, async (d) => print(await d.createUser(name, role, participant, actor(cmd))));
  });
  serverOptions(
    users
      .command('update')
      .description("change a user's role or participant, or disable or enable it (applies to its next request)")
      .argument('<name>', 'user name')
      .option('--role <role>', ROLES.join('|'))
      .option('--participant <bic>', "the participant it acts for ('none' for none)")
      .option('--disable', 'refuse its keys and certificate from now on')
      .option('--enable', 'accept them again'),
  ).action(async (name: string, o: { role?: string; participant?: string; disable?: boolean; enable?: boolean }, cmd: Command) => {
    if (o.disable && o.enable) throw new CliInputError('--disable and --enable exclude each other');
    const changes: UserChanges = {};
    if (o.role !== undefined) changes.role = roleOption(o.role);
    if (o.participant !== undefined) changes.participant = o.participant === 'none' ? null : o.participant;
    if (o.disable || o.enable) changes.disabled = o.disable === true;
    if (Object.keys(changes).length === 0) throw new CliInputError('name a change: --role, --participant, --disable or --enable');
    const remote = remoteOf(cmd);
    if (remote !== null) return print(await callServer(remote, 'PATCH', `/v1/users/${encodeURIComponent(name)}`, changes));
    await withDirectory(cmd, async (d) => print(await d.updateUser(name, changes, actor(cmd))));
  });
  serverOptions(users.command('list').description('list API users')).action(async (_o: unknown, cmd: Command) => {
    const remote = remoteOf(cmd);
    if (remote !== null) return print(await callServer(remote, 'GET', '/v1/users'), true);
    await withDirectory(cmd, async (d) => print({ users: d.listUsers() }, true));
  });
}

function roleOption(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role)) throw new CliInputError(`--role: one of ${ROLES.join(', ')}`);
  return role as Role;
}

function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('API keys (Authorization: Bearer sco_<keyid>_<secret>)');
  serverOptions(keys.command('create').description('create an API key for a user; the key is shown once').requiredOption('--user <name>', 'the user')).action(
    async (o: { user: string }, cmd: Command) => {
      const { newKeyMaterial, newKeySecret } = await import('../http/auth.js');
      const secret = newKeySecret();
      const material = await newKeyMaterial(secret);
      const remote = remoteOf(cmd);
      const k =
        remote !== null
          ? await callServer<{ key_id: string; user: string }>(remote, 'POST', '/v1/keys', {
              user: o.user,
              key_id: material.id,
              salt: material.salt,
              hash: material.hash,
            })
          : await withDirectory(cmd, async (d) => {
              const r = await d.addKey(o.user, material, actor(cmd));
              return { key_id: r.id, user: r.user };
            });
      print({ key_id: k.key_id, user: k.user, api_key: `sco_${material.id}_${secret}` });
      process.stderr.write('This is the only time the key is shown; the store keeps only a salted scrypt hash.\n');
    },
  );
  serverOptions(keys.command('revoke').description('revoke an API key').argument('<keyid>', 'the key id (the 16 hex digits after sco_)')).action(
    async (id: string, _o: unknown, cmd: Command) => {
      const remote = remoteOf(cmd);
      if (remote !== null) {
        const k = await callServer<{ key_id: string; user: string; revoked_at: string }>(remote, 'POST', `/v1/keys/${encodeURIComponent(id)}/revoke`, {});
        return print({ key_id: k.key_id, user: k.user, revoked_at: k.revoked_at });
      }
      await withDirectory(cmd, async (d) => {
        const k = await d.revokeKey(id, actor(cmd));
        print({ key_id: k.id, user: k.user, revoked_at: k.revoked_at });
      });
    },
  );
  serverOptions(keys.command('list').description('list API keys (ids, users, dates; never secrets)').option('--user <name>', "only this user's keys")).action(
    async (o: { user?: string }, cmd: Command) => {
      const remote = remoteOf(cmd);
      if (remote !== null) {
        const r = await callServer<{ keys: Array<{ key_id: string; user: string; created_at: string; revoked_at: string | null }> }>(
          remote,
          'GET',
          `/v1/keys${o.user !== undefined ? `?user=${encodeURIComponent(o.user)}` : ''}`,
        );
        return print({ keys: r.keys.map((k) => ({ id: k.key_id, user: k.user, created_at: k.created_at, revoked_at: k.revoked_at })) }, true);
      }
      await withDirectory(cmd, async (d) => print({ keys: d.listKeys(o.user) }, true));
    },
  );
}
