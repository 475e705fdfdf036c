// API users and keys as the platform keeps them: the records, the journaled
// commands that change them (their shapes and strict decoding), and the state
// those commands build. Users and keys are journaled platform commands like
// every other change (hash-chained, replayed, so `verify` covers them); the
// documents table ("api/users/<name>", "api/keys/<keyid>") is an index derived
// from this state (./api_index.ts writes and checks it). A key record holds only
// a salt and scrypt(secret, salt), never the secret.
//
// Records are replaced, never changed in place: a changed user or key is a new
// object, so a cache holding the old one (src/http/auth.ts) sees the change by
// identity at once.

import { PlatformError } from './errors.js';

export const API_ROLES = ['operator', 'central_bank', 'participant', 'liquidity_provider', 'compliance', 'auditor'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export const API_DIRECTORY_LIMITS = Object.freeze({
  users_max: 10_000,
  keys_max: 100_000,
  /** Records per adoption command (a previous release's documents are adopted in chunks). */
  adopt_records_max: 1_000,
  name_max: 64,
});

export const USER_DOC_PREFIX = 'api/users/';
export const KEY_DOC_PREFIX = 'api/keys/';

export interface ApiUser {
  name: string;
  role: ApiRole;
  /** The participant (BIC) a participant, liquidity_provider or central_bank user acts for. */
  participant: string | null;
  created_at: string;
  /** A disabled user's keys and certificate are refused. */
  disabled: boolean;
}

export interface ApiKeyRecord {
  id: string;
  user: string;
  /** base64 */
  salt: string;
  /** base64 scrypt(secret, salt) */
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export type DirectoryCommand =
  | { type: 'create_user'; by: string; name: string; role: ApiRole; participant: string | null }
  | { type: 'update_user'; by: string; name: string; role?: ApiRole; participant?: string | null; disabled?: boolean }
  | { type: 'create_key'; by: string; id: string; user: string; salt: string; hash: string }
  | { type: 'revoke_key'; by: string; id: string }
  | { type: 'adopt_api_directory'; by: string; users: ApiUser[]; keys: ApiKeyRecord[]; complete: boolean };

export const DIRECTORY_COMMAND_TYPES: readonly string[] = ['create_user', 'update_user', 'create_key', 'revoke_key', 'adopt_api_directory'];

export function isDirectoryCommand(c: { type: string }): c is DirectoryCommand {
  return DIRECTORY_COMMAND_TYPES.includes(c.type);
}

/** What the audit trail names as a directory command's target. */
export function directoryTarget(c: DirectoryCommand): string {
  if (c.type === 'create_user' || c.type === 'update_user') return c.name;
  if (c.type === 'adopt_api_directory') return `${c.users.length} users, ${c.keys.length} keys`;
  return c.id;
}

/** Whether a user of this role acts for one participant (and so names it). */
export function roleNeedsParticipant(role: ApiRole): boolean {
  return role === 'participant' || role === 'liquidity_provider' || role === 'central_bank';
}

export const USER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const BIC_RE = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
export const KEY_ID_RE = /^[0-9a-f]{16}$/;
const B64_RE = /^[A-Za-z0-9+/]{1,86}={0,2}$/;
const TIME_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

// ---- decoding ---------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

function only(o: Obj, allowed: readonly string[], field: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new PlatformError('invalid_field', field === '' ? k : `${field}.${k}`, 'unknown field');
}

function path(field: string, k: string): string {
  return field === '' ? k : `${field}.${k}`;
}

function matching(o: Obj, k: string, field: string, re: RegExp, what: string): string {
  const v = o[k];
  if (typeof v !== 'string' || !re.test(v)) throw new PlatformError('invalid_field', path(field, k), `must be ${what}`);
  return v;
}

/** base64 of exactly `bytes` bytes (a key's salt is 16, its scrypt hash 32: the check compares 32 bytes). */
function base64Of(o: Obj, k: string, field: string, bytes: number): string {
  const v = matching(o, k, field, B64_RE, 'base64');
  if (Buffer.from(v, 'base64').length !== bytes || v.length !== Math.ceil(bytes / 3) * 4)
    throw new PlatformError('invalid_field', path(field, k), `must be base64 of ${bytes} bytes`);
  return v;
}

function role(o: Obj, k: string, field: string): ApiRole {
  const v = o[k];
  if (typeof v !== 'string' || !(API_ROLES as readonly string[]).includes(v))
    throw new PlatformError('invalid_field', path(field, k), `must be one of ${API_ROLES.join(', ')}`);
  return v as ApiRole;
}

function participantOf(o: Obj, k: string, field: string): string | null {
  return o[k] === null || o[k] === undefined ? null : matching(o, k, field, BIC_RE, 'a BIC (8 or 11 characters) or null');
}

const USER_NAME = 'a user name: 1-64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit';

function decodeUser(v: unknown, field: string): ApiUser {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new PlatformError('invalid_field', field, 'must be an object');
  const o = v as Obj;
  only(o, ['name', 'role', 'participant', 'created_at', 'disabled'], field);
  if (o.disabled !== undefined && typeof o.disabled !== 'boolean') throw new PlatformError('invalid_field', path(field, 'disabled'), 'must be true or false');
  return {
    name: matching(o, 'name', field, USER_NAME_RE, USER_NAME),
    role: role(o, 'role', field),
    participant: participantOf(o, 'participant', field),
    created_at: matching(o, 'created_at', field, TIME_RE, 'an ISO 8601 UTC time'),
    disabled: o.disabled === true,
  };
}

function decodeKey(v: unknown, field: string): ApiKeyRecord {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new PlatformError('invalid_field', field, 'must be an object');
  const o = v as Obj;
  only(o, ['id', 'user', 'salt', 'hash', 'created_at', 'revoked_at'], field);
  return {
    id: matching(o, 'id', field, KEY_ID_RE, 'a key id (16 hex digits)'),
    user: matching(o, 'user', field, USER_NAME_RE, USER_NAME),
    salt: base64Of(o, 'salt', field, 16),
    hash: base64Of(o, 'hash', field, 32),
    created_at: matching(o, 'created_at', field, TIME_RE, 'an ISO 8601 UTC time'),
    revoked_at: o.revoked_at === null || o.revoked_at === undefined ? null : matching(o, 'revoked_at', field, TIME_RE, 'an ISO 8601 UTC time or null'),
  };
}

function list(o: Obj, k: string): unknown[] {
  const v = o[k] ?? [];
  if (!Array.isArray(v)) throw new PlatformError('invalid_field', k, 'must be an array');
  return v;
}

/** Decodes a directory command (`o.type` is one of DIRECTORY_COMMAND_TYPES). Throws PlatformError. */
export function decodeDirectoryCommand(o: Obj, by: string): DirectoryCommand {
  const base = ['type', 'by'];
  switch (o.type) {
    case 'create_user':
      only(o, [...base, 'name', 'role', 'participant'], '');
      return {
        type: 'create_user',
        by,
        name: matching(o, 'name', '', USER_NAME_RE, USER_NAME),
        role: role(o, 'role', ''),
        participant: participantOf(o, 'participant', ''),
      };
    case 'update_user': {
      only(o, [...base, 'name', 'role', 'participant', 'disabled'], '');
      const out: Extract<DirectoryCommand, { type: 'update_user' }> = { type: 'update_user', by, name: matching(o, 'name', '', USER_NAME_RE, USER_NAME) };
      if (o.role !== undefined) out.role = role(o, 'role', '');
      if (o.participant !== undefined) out.participant = participantOf(o, 'participant', '');
      if (o.disabled !== undefined) {
        if (typeof o.disabled !== 'boolean') throw new PlatformError('invalid_field', 'disabled', 'must be true or false');
        out.disabled = o.disabled;
      }
      if (out.role === undefined && out.participant === undefined && out.disabled === undefined)
        throw new PlatformError('invalid_field', '', 'name at least one of role, participant, disabled');
      return out;
    }
    case 'create_key':
      only(o, [...base, 'id', 'user', 'salt', 'hash'], '');
      return {
        type: 'create_key',
        by,
        id: matching(o, 'id', '', KEY_ID_RE, 'a key id (16 hex digits)'),
        user: matching(o, 'user', '', USER_NAME_RE, USER_NAME),
        salt: base64Of(o, 'salt', '', 16),
        hash: base64Of(o, 'hash', '', 32),
      };
    case 'revoke_key':
      only(o, [...base, 'id'], '');
      return { type: 'revoke_key', by, id: matching(o, 'id', '', KEY_ID_RE, 'a key id (16 hex digits)') };
    default: {
      only(o, [...base, 'users', 'keys', 'complete'], '');
      const users = list(o, 'users');
      const keys = list(o, 'keys');
      if (users.length + keys.length > API_DIRECTORY_LIMITS.adopt_records_max)
        throw new PlatformError('limit_exceeded', 'users', `at most ${API_DIRECTORY_LIMITS.adopt_records_max} records per adoption command`);
      if (typeof o.complete !== 'boolean') throw new PlatformError('invalid_field', 'complete', 'must be true or false');
      return {
        type: 'adopt_api_directory',
        by,
        users: users.map((u, i) => decodeUser(u, `users[${i}]`)),
        keys: keys.map((k, i) => decodeKey(k, `keys[${i}]`)),
        complete: o.complete,
      };
    }
  }
}

/** A document body of a previous release (or this one's index) as a record; null when it is not one. */
export function parseUserDocument(body: Buffer): ApiUser | null {
  try {
    return decodeUser(JSON.parse(body.toString('utf8')), 'user');
  } catch {
    return null;
  }
}

export function parseKeyDocument(body: Buffer): ApiKeyRecord | null {
  try {
    return decodeKey(JSON.parse(body.toString('utf8')), 'key');
  } catch {
    return null;
  }
}

// ---- state ------------------------------------------------------------------------------------

/** The directory as snapshot data (state_codec.ts writes it after the other sections when there is one). */
export interface ApiDirectoryData {
  adopted: boolean;
  /** Directory commands applied: the index document "api/index" records the count it reflects. */
  version: number;
  users: ApiUser[];
  keys: ApiKeyRecord[];
}

export class ApiDirectoryState {
  readonly users = new Map<string, ApiUser>();
  readonly keys = new Map<string, ApiKeyRecord>();
  /**
   * Whether the journal owns the directory: set by the first directory command. Before
   * it, a previous release's users and keys are in the documents table only, awaiting
   * adoption (./api_index.ts) on the next open.
   */
  adopted = false;
  /** Directory commands applied (successful ones). */
  version = 0;

  putUser(u: ApiUser): void {
    this.users.set(u.name, u);
  }

  putKey(k: ApiKeyRecord): void {
    this.keys.set(k.id, k);
  }

  /** Null while nothing has happened: a store without users snapshots exactly as before. */
  data(): ApiDirectoryData | null {
    if (!this.adopted && this.version === 0 && this.users.size === 0) return null;
    return { adopted: this.adopted, version: this.version, users: [...this.users.values()], keys: [...this.keys.values()] };
  }

  load(d: ApiDirectoryData | null | undefined): void {
    this.users.clear();
    this.keys.clear();
    this.adopted = d?.adopted ?? false;
    this.version = d?.version ?? 0;
    for (const u of d?.users ?? []) this.users.set(u.name, u);
    for (const k of d?.keys ?? []) this.keys.set(k.id, k);
  }
}

/** A user as the API and CLI show it. */
export function userView(u: ApiUser): ApiUser {
  return { name: u.name, role: u.role, participant: u.participant, created_at: u.created_at, disabled: u.disabled };
}

/** A key as the API and CLI show it: never its salt or hash. */
export function keyView(k: ApiKeyRecord): { id: string; user: string; created_at: string; revoked_at: string | null } {
  return { id: k.id, user: k.user, created_at: k.created_at, revoked_at: k.revoked_at };
}
