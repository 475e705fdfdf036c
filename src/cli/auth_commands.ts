// `sco-settle users …` and `sco-settle keys …`: API users and keys, documents the
// platform keeps beside the ledger (see src/http/auth.ts). They open the platform,
// so they hold the store's writer lock and run only while no server (or other
// writer) has the store open. A new key's token is printed once, on stdout; the
// store keeps only its scrypt hash.

import type { Command } from 'commander';
import { Platform, redactUrl, StoreError } from '../platform/platform.js';
import { ROLES, UserDirectory, type Role } from '../http/auth.js';
import { resolveStoreUrl } from './context.js';
import { CliInputError } from './input.js';

/** Opens the platform on the command's store; a store another process writes to is refused with `busy` as the message. */
async function openPlatform(url: string, busy: string): Promise<Platform> {
  try {
    return await Platform.open(url);
  } catch (err) {
    if (err instanceof StoreError && err.code === 'writer_busy') throw new StoreError('writer_busy', busy);
    throw err;
  }
}

async function withDirectory<T>(cmd: Command, fn: (d: UserDirectory, platform: Platform) => Promise<T>): Promise<T> {
  const url = resolveStoreUrl(cmd);
  const platform = await openPlatform(
    url,
    `the store ${redactUrl(url)} is in use by another sco-settle process (a running server?); users and keys are changed while it is stopped — one writer per store`,
  );
  try {
    return await fn(await UserDirectory.load(platform.documents), platform);
  } finally {
    await platform.close();
  }
}

export function registerAuthCommands(program: Command): void {
  registerUsersCommands(program);
  registerKeysCommands(program);
}

function registerUsersCommands(program: Command): void {
  const users = program.command('users').description('API users (roles: operator, central_bank, participant, liquidity_provider, compliance, auditor)');
  users
    .command('create')
    .description('create an API user')
    .argument('<name>', 'user name (A-Z a-z 0-9 . _ @ -)')
    .requiredOption('--role <role>', ROLES.join('|'))
    .option('--participant <bic>', 'the participant a participant, liquidity_provider or central_bank user acts for')
    .action(async (name: string, o: { role: string; participant?: string }, cmd: Command) => createUser(name, o, cmd));
  users
    .command('list')
    .description('list API users')
    .action(async (_o: unknown, cmd: Command) => {
      await withDirectory(cmd, async (d) => {
        process.stdout.write(JSON.stringify({ users: d.listUsers() }, null, 2) + '\n');
      });
    });
}

function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('API keys (Authorization: Bearer sco_<keyid>_<secret>)');
  keys
    .command('create')
    .description('create an API key for a user; the key is shown once')
    .requiredOption('--user <name>', 'the user')
    .action(async (o: { user: string }, cmd: Command) => {
      await withDirectory(cmd, async (d) => {
        const k = await d.createKey(o.user);
        process.stdout.write(JSON.stringify({ key_id: k.id, user: k.user, api_key: k.token }) + '\n');
        process.stderr.write('This is the only time the key is shown; the store keeps only a salted scrypt hash.\n');
      });
    });
  keys
    .command('revoke')
    .description('revoke an API key')
    .argument('<keyid>', 'the key id (the 16 hex digits after sco_)')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      await withDirectory(cmd, async (d) => {
        const k = await d.revokeKey(id);
        process.stdout.write(JSON.stringify({ key_id: k.id, user: k.user, revoked_at: k.revoked_at }) + '\n');
      });
    });
  keys
    .command('list')
    .description('list API keys (ids, users, dates; never secrets)')
    .option('--user <name>', "only this user's keys")
    .action(async (o: { user?: string }, cmd: Command) => {
      await withDirectory(cmd, async (d) => {
        process.stdout.write(JSON.stringify({ keys: d.listKeys(o.user) }, null, 2) + '\n');
      });
    });
}

async function createUser(name: string, o: { role: string; participant?: string }, cmd: Command): Promise<void> {
  if (!(ROLES as readonly string[]).includes(o.role)) throw new CliInputError(`--role: one of ${ROLES.join(', ')}`);
  if (o.participant !== undefined) {
    // The participant must exist on the platform, of the kind the role acts for.
    const platform = await openPlatform(
      resolveStoreUrl(cmd),
      'the store is in use by another sco-settle process (a running server?); users and keys are changed while it is stopped — one writer per store',
    );
    try {
      const p = platform.participant(o.participant);
      const kind = { participant: 'bank', liquidity_provider: 'liquidity_provider', central_bank: 'central_bank' }[o.role as string];
      if (p === undefined) throw new CliInputError(`--participant: ${o.participant} is not a participant on this store`);
      if (kind !== undefined && p.kind !== kind) throw new CliInputError(`--participant: ${o.participant} is a ${p.kind}; a ${o.role} user acts for a ${kind}`);
      const u = await (await UserDirectory.load(platform.documents)).createUser(name, o.role as Role, o.participant);
      process.stdout.write(JSON.stringify(u) + '\n');
    } finally {
      await platform.close();
    }
    return;
  }
  await withDirectory(cmd, async (d) => {
    const u = await d.createUser(name, o.role as Role, null);
    process.stdout.write(JSON.stringify(u) + '\n');
  });
}
