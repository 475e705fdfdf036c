// API users and keys. A user has a role and, for participant-scoped roles, the
// participant (BIC) it acts for. An API key `sco_<keyid>_<secret>` is shown once
// at creation; the platform keeps only scrypt(secret, per-key salt). A request's
// key is found by its key id and checked by a constant-time compare of the hash.
//
// Users and keys are the platform's: journaled commands (create_user,
// update_user, create_key, revoke_key; src/platform/api_directory.ts) build them,
// so they are hash-chained and verified like every entry, and every change is
// in the audit trail with who made it. This directory reads them from the
// platform on every request — never from a copy loaded at start — so a change
// made through the API (or the CLI with --server, which uses the API) applies
// to the next request. The documents table holds only a derived index.
// scrypt is deliberately slow, so a verified key is remembered in memory as a
// SHA-256 of the presented token (bounded, for a minute); the entry holds the
// key record it matched and stands only while the platform still holds that
// very record: revoking a key replaces its record, so the next request misses
// the cache and is refused. A token whose key id is unknown costs the same
// scrypt, so response times do not reveal which key ids exist.

import { hash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { ApiKeyRecord, ApiUser, Platform } from '../platform/platform.js';
import { keyView, userView } from '../platform/platform.js';
import { ROLES, type Role } from './roles.js';

export { needsParticipant, ROLES, type Role } from './roles.js';

/** Users, keys and name lengths are limited by the platform (API_DIRECTORY_LIMITS in src/platform/api_directory.ts). */
export const AUTH_LIMITS = Object.freeze({
  token_max: 200,
  verified_cache_max: 100_000,
  /** How long a verified token skips scrypt; a revoked key or a disabled user is refused at once regardless. */
  verified_ttl_ms: 60_000,
});

const SCRYPT: ScryptOptions = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const HASH_BYTES = 32;

/** A user as the platform keeps it (disabled users are refused). */
export type User = ApiUser;

export type { ApiKeyRecord } from '../platform/platform.js';

/** Changes to a user: only the fields named change. */
export interface UserChanges {
  role?: Role;
  participant?: string | null;
  disabled?: boolean;
}

export class AuthError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'AuthError';
  }
}

const TOKEN_RE = /^sco_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(secret, salt, HASH_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))));
}

/** What a token for an unknown key id is checked against: the same scrypt, never a match. */
const DUMMY = Object.freeze({ salt: randomBytes(16), hash: randomBytes(HASH_BYTES) });

/** The key id of a well-formed token, or null. */
export function keyIdOf(token: string): string | null {
  if (token.length > AUTH_LIMITS.token_max) return null;
  return TOKEN_RE.exec(token)?.[1] ?? null;
}

/** One-shot (no Hash object): every request with an API key takes one. */
function sha256(s: string): Buffer {
  return hash('sha256', s, 'buffer');
}

/** Users and keys of a platform, for authentication and for the API's and CLI's user and key commands. */
export class UserDirectory {
  /** keyid -> sha256(token) of a token scrypt has verified, the key record it matched, and until when it stands. */
  private readonly verified = new Map<string, { digest: Buffer; record: ApiKeyRecord; until_ms: number }>();
  private readonly inflight = new Map<string, Promise<User | null>>();

  private constructor(private readonly platform: Platform) {}

  static async load(platform: Platform): Promise<UserDirectory> {
    return new UserDirectory(platform);
  }

  listUsers(): User[] {
    return this.platform.apiUsers().map(userView);
  }

  /** An enabled user by name (a certificate's CN names one); undefined when unknown or disabled. */
  user(name: string): User | undefined {
    const u = this.platform.apiUser(name);
    return u === undefined || u.disabled ? undefined : u;
  }

  listKeys(user?: string): Array<Omit<ApiKeyRecord, 'salt' | 'hash'>> {
    return this.platform
      .apiKeys()
      .filter((k) => user === undefined || k.user === user)
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1))
      .map(keyView);
  }

  /** Runs a directory command as `by`; a refusal becomes an AuthError with the platform's code. */
  private async run<T>(command: Record<string, unknown>, by: string): Promise<T> {
    const out = await this.platform.execute(command, by);
    if (!out.ok) throw new AuthError(out.error!.code, out.error!.field === '' ? out.error!.message : `${out.error!.field}: ${out.error!.message}`);
    return out.result as T;
  }

  async createUser(name: string, role: Role, participant: string | null, by = 'system'): Promise<User> {
    if (!ROLES.includes(role)) throw new AuthError('invalid_field', `role must be one of ${ROLES.join(', ')}`);
    return this.run<User>({ type: 'create_user', name, role, participant }, by);
  }

  async updateUser(name: string, changes: UserChanges, by = 'system'): Promise<User> {
    return this.run<User>({ type: 'update_user', name, ...changes }, by);
  }

  /** Creates a key; the returned token is the only time the secret exists outside the caller. */
  async createKey(userName: string, by = 'system'): Promise<{ id: string; token: string; user: string }> {
    const secret = newKeySecret();
    const k = await this.addKey(userName, await newKeyMaterial(secret), by);
    return { id: k.id, token: `sco_${k.id}_${secret}`, user: k.user };
  }

  /** Records a key whose secret the caller made and hashed (newKeyMaterial): the secret never reaches the platform. */
  async addKey(userName: string, material: { id: string; salt: string; hash: string }, by = 'system'): Promise<Omit<ApiKeyRecord, 'salt' | 'hash'>> {
    return this.run({ type: 'create_key', id: material.id, user: userName, salt: material.salt, hash: material.hash }, by);
  }

  async revokeKey(id: string, by = 'system'): Promise<Omit<ApiKeyRecord, 'salt' | 'hash'>> {
    return this.run<Omit<ApiKeyRecord, 'salt' | 'hash'>>({ type: 'revoke_key', id }, by);
  }

  /**
   * The user of a token scrypt verified within the last AUTH_LIMITS.verified_ttl_ms,
   * without scrypt; null when not cached, or when the key was revoked (its record
   * replaced) or its user disabled since.
   */
  verifiedUser(token: string): { user: User; key_id: string } | null {
    const id = keyIdOf(token);
    const hit = id === null ? undefined : this.verified.get(id);
    if (id === null || hit === undefined) return null;
    if (performance.now() >= hit.until_ms) {
      this.verified.delete(id);
      return null;
    }
    // A changed record misses; the entry stays only so knownRefused() can refuse this token without scrypt.
    if (this.platform.apiKey(id) !== hit.record) return null;
    const user = this.user(hit.record.user);
    return user !== undefined && timingSafeEqual(hit.digest, sha256(token)) ? { user, key_id: id } : null;
  }

  /**
   * The user a bearer token belongs to, or null (unknown, malformed, revoked, a
   * disabled user or wrong secret). A well-formed token costs one scrypt whether
   * its key id exists or not (an unknown id is checked against a dummy hash), so
   * timing does not tell which key ids exist; a verified token is cached for a short while.
   */
  async authenticate(token: string): Promise<{ user: User; key_id: string } | null> {
    if (token.length > AUTH_LIMITS.token_max) return null;
    const m = TOKEN_RE.exec(token);
    if (m === null) return null;
    const cached = this.verifiedUser(token);
    if (cached !== null) return cached;
    const id = m[1]!;
    if (this.knownRefused(id, token)) return null;
    const digest = sha256(token);
    // One scrypt per token at a time, however many requests arrive with it at once.
    const flightKey = `${id}:${digest.toString('hex')}`;
    let p = this.inflight.get(flightKey);
    if (p === undefined) {
      p = this.verify(id, m[2]!, digest).finally(() => this.inflight.delete(flightKey));
      this.inflight.set(flightKey, p);
    }
    const user = await p;
    return user === null ? null : { user, key_id: id };
  }

  /**
   * Whether this very token was verified by scrypt lately and its key has been revoked
   * (or its user disabled) since: refused at once, without another scrypt. Its holder
   * learns nothing by the timing: the key id was theirs.
   */
  private knownRefused(id: string, token: string): boolean {
    const hit = this.verified.get(id);
    if (hit === undefined || performance.now() >= hit.until_ms) return false;
    const now = this.platform.apiKey(id);
    const refused = now === undefined || now.revoked_at !== null || this.user(now.user) === undefined;
    return refused && timingSafeEqual(hit.digest, sha256(token));
  }

  /** scrypt of the secret against the key's hash, or a dummy one for an unknown, revoked or orphaned key. */
  private async verify(id: string, secret: string, digest: Buffer): Promise<User | null> {
    const record = this.platform.apiKey(id);
    const user = record === undefined ? undefined : this.user(record.user);
    const usable = record !== undefined && record.revoked_at === null && user !== undefined;
    const salt = usable ? Buffer.from(record.salt, 'base64') : DUMMY.salt;
    const expected = usable ? Buffer.from(record.hash, 'base64') : DUMMY.hash;
    const ok = timingSafeEqual(await scryptAsync(secret, salt), expected) && usable;
    if (!ok) return null;
    // Revoked, or its user changed or disabled, while scrypt ran: decide on the records as they are now.
    if (this.platform.apiKey(id) !== record) return null;
    const now = this.user(record.user);
    if (now === undefined) return null;
    this.verified.delete(id);
    while (this.verified.size >= AUTH_LIMITS.verified_cache_max) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(id, { digest, record, until_ms: performance.now() + AUTH_LIMITS.verified_ttl_ms });
    return now;
  }
}

/** A new key id and the salted scrypt hash of `secret` (base64), as create_key records them; the token is `sco_<id>_<secret>`. */
export async function newKeyMaterial(secret: string): Promise<{ id: string; salt: string; hash: string }> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt);
  return { id: randomBytes(8).toString('hex'), salt: salt.toString('base64'), hash: hash.toString('base64') };
}

/** A new secret for a key: 32 random bytes, base64url. */
export function newKeySecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Whether a caller authenticated earlier (a long-lived event stream) still stands:
 * its user record unchanged (not disabled, same role and participant) and its key
 * not revoked. False ends the stream; the client reconnects and is judged afresh.
 */
export function callerStillValid(platform: Platform, user: User, key_id: string | null): boolean {
  if (platform.apiUser(user.name) !== user || user.disabled) return false;
  if (key_id === null || key_id.startsWith('cert:')) return true;
  const k = platform.apiKey(key_id);
  return k !== undefined && k.revoked_at === null && k.user === user.name;
}
