// The directory commands (create_user, update_user, create_key, revoke_key,
// adopt_api_directory; shapes in ./api_directory.ts) run against the platform
// state like every command: deterministic, time from the entry's clock, refusals
// checked before anything changes. They exist from rules version 3; under rules
// 1 and 2 they are refused as the unknown command types they were then.

import { API_DIRECTORY_LIMITS, keyView, roleNeedsParticipant, userView, type ApiRole, type ApiUser, type DirectoryCommand } from './api_directory.js';
import type { CommandContext } from './context.js';
import { PlatformError } from './errors.js';

/** The participant kind each participant-scoped role acts for. */
const KIND_OF_ROLE: Partial<Record<ApiRole, string>> = { participant: 'bank', liquidity_provider: 'liquidity_provider', central_bank: 'central_bank' };

function isoTime(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}

/** The role and participant must fit each other and the scheme: the participant exists and is of the role's kind. */
function checkRoleAndParticipant(cx: CommandContext, role: ApiRole, participant: string | null): void {
  if (roleNeedsParticipant(role) && participant === null) throw new PlatformError('invalid_field', 'participant', `a ${role} user needs a participant (BIC)`);
  if (!roleNeedsParticipant(role) && participant !== null)
    throw new PlatformError('invalid_field', 'participant', `a ${role} user acts for the whole platform; a participant is not allowed`);
  if (participant === null) return;
  const p = cx.s.participant(participant);
  if (p === undefined) throw new PlatformError('unknown_participant', 'participant', `${participant} is not a participant on this platform`);
  const kind = KIND_OF_ROLE[role];
  if (kind !== undefined && p.kind !== kind)
    throw new PlatformError('invalid_field', 'participant', `${participant} is a ${p.kind}; a ${role} user acts for a ${kind}`);
}

export function runDirectoryCommand(cx: CommandContext, cmd: DirectoryCommand): unknown {
  if (cx.rules_version < 3) throw new PlatformError('invalid_command', 'type', `unknown command type ${JSON.stringify(cmd.type)}`);
  const d = cx.s.apiDirectory;
  switch (cmd.type) {
    case 'create_user': {
      if (d.users.has(cmd.name)) throw new PlatformError('user_exists', 'name', `user ${cmd.name} already exists`);
      if (d.users.size >= API_DIRECTORY_LIMITS.users_max) throw new PlatformError('limit_exceeded', 'name', `at most ${API_DIRECTORY_LIMITS.users_max} users`);
      checkRoleAndParticipant(cx, cmd.role, cmd.participant);
      const u: ApiUser = { name: cmd.name, role: cmd.role, participant: cmd.participant, created_at: isoTime(cx.now), disabled: false };
      d.putUser(u);
      return changed(cx, userView(u));
    }
    case 'update_user':
      return updateUser(cx, cmd);
    case 'create_key': {
      const u = d.users.get(cmd.user);
      if (u === undefined) throw new PlatformError('not_found', 'user', `no user ${cmd.user}`);
      if (u.disabled) throw new PlatformError('invalid_state', 'user', `user ${cmd.user} is disabled`);
      if (d.keys.has(cmd.id)) throw new PlatformError('invalid_state', 'id', `key ${cmd.id} already exists`);
      if (d.keys.size >= API_DIRECTORY_LIMITS.keys_max) throw new PlatformError('limit_exceeded', 'id', `at most ${API_DIRECTORY_LIMITS.keys_max} keys`);
      const k = { id: cmd.id, user: cmd.user, salt: cmd.salt, hash: cmd.hash, created_at: isoTime(cx.now), revoked_at: null };
      d.putKey(k);
      return changed(cx, keyView(k));
    }
    case 'revoke_key': {
      const k = d.keys.get(cmd.id);
      if (k === undefined) throw new PlatformError('not_found', 'id', `no key ${cmd.id}`);
      if (k.revoked_at !== null) return keyView(k);
      const revoked = { ...k, revoked_at: isoTime(cx.now) };
      d.putKey(revoked);
      return changed(cx, keyView(revoked));
    }
    case 'adopt_api_directory':
      return adopt(cx, cmd);
  }
}

function changed<T>(cx: CommandContext, result: T): T {
  cx.s.apiDirectory.adopted = true;
  cx.s.apiDirectory.version++;
  return result;
}

function updateUser(cx: CommandContext, cmd: Extract<DirectoryCommand, { type: 'update_user' }>): unknown {
  const d = cx.s.apiDirectory;
  const u = d.users.get(cmd.name);
  if (u === undefined) throw new PlatformError('not_found', 'name', `no user ${cmd.name}`);
  const role = cmd.role ?? u.role;
  // A new role that acts for the whole platform drops the participant unless one is named.
  const participant = cmd.participant !== undefined ? cmd.participant : roleNeedsParticipant(role) ? u.participant : null;
  checkRoleAndParticipant(cx, role, participant);
  const next: ApiUser = { ...u, role, participant, disabled: cmd.disabled ?? u.disabled };
  d.putUser(next);
  return changed(cx, userView(next));
}

/** A previous release's documents, taken as they were (that release checked them); records already here are kept. */
function adopt(cx: CommandContext, cmd: Extract<DirectoryCommand, { type: 'adopt_api_directory' }>): unknown {
  const d = cx.s.apiDirectory;
  if (d.adopted) throw new PlatformError('invalid_state', 'type', 'the users and keys were adopted into the journal already');
  if (d.users.size + cmd.users.length > API_DIRECTORY_LIMITS.users_max) throw new PlatformError('limit_exceeded', 'users', 'too many users');
  if (d.keys.size + cmd.keys.length > API_DIRECTORY_LIMITS.keys_max) throw new PlatformError('limit_exceeded', 'keys', 'too many keys');
  let users = 0;
  let keys = 0;
  for (const u of cmd.users) {
    if (d.users.has(u.name)) continue;
    d.putUser(u);
    users++;
  }
  for (const k of cmd.keys) {
    if (d.keys.has(k.id)) continue;
    d.putKey(k);
    keys++;
  }
  d.version++;
  if (cmd.complete) d.adopted = true;
  return { adopted_users: users, adopted_keys: keys, complete: cmd.complete };
}
