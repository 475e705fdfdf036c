// API users and keys. A user has a role and, for participant-scoped roles, the
// participant (BIC) it acts for. An API key `sco_<keyid>_<secret>` is shown once
// at creation; the store keeps only scrypt(secret, per-key salt). A request's key
// is found by its key id and checked by a constant-time compare of the hash.
//
// Users and keys are documents beside the ledger ("api/users/<name>",
// "api/keys/<keyid>"), reached through the platform (Platform.documents) and read
// once when the server starts; they change only through the CLI, which opens the
// platform and so holds the store's writer lock (never while a server runs).
// scrypt is deliberately slow, so a verified key is remembered in memory as a
// SHA-256 of the presented token (bounded, for a minute, dropped on revocation;
// never written anywhere). A token whose key id is unknown costs the same scrypt,
// so response times do not reveal which key ids exist.

import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { DocumentStore } from '../platform/platform.js';
import { needsParticipant, ROLES, type Role } from './roles.js';

export { needsParticipant, ROLES, type Role } from './roles.js';

export const AUTH_LIMITS = Object.freeze({
  users_max: 10_000,
  keys_max: 100_000,
  name_max: 64,
  token_max: 200,
  verified_cache_max: 100_000,
  /** How long a verified token skips scrypt (revocation drops it at once). */
  verified_ttl_ms: 60_000,
});

const USER_PREFIX = 'api/users/';
const KEY_PREFIX = 'api/keys/';
const SCRYPT: ScryptOptions = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const HASH_BYTES = 32;

export interface User {
  name: string;
  role: Role;
  /** The participant (BIC) a participant, liquidity_provider or central_bank user acts for. */
  participant: string | null;
  created_at: string;
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

export class AuthError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
    this.name = 'AuthError';
  }
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
const BIC_RE = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
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

function sha256(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Users and keys on the platform's documents. */
export class UserDirectory {
  private readonly users = new Map<string, User>();
  private readonly keys = new Map<string, ApiKeyRecord>();
  /** keyid -> sha256(token) of a token scrypt has verified, the key record it matched, and until when it stands. */
  private readonly verified = new Map<string, { digest: Buffer; record: ApiKeyRecord; until_ms: number }>();
  private readonly inflight = new Map<string, Promise<User | null>>();

  private constructor(private readonly store: DocumentStore) {}

  static async load(store: DocumentStore): Promise<UserDirectory> {
    const d = new UserDirectory(store);
    for (const name of (await store.listDocuments(USER_PREFIX)).slice(0, AUTH_LIMITS.users_max)) {
      const body = await store.getDocument(name);
      if (body !== null) {
        const u = JSON.parse(body.toString('utf8')) as User;
        d.users.set(u.name, u);
      }
    }
    for (const name of (await store.listDocuments(KEY_PREFIX)).slice(0, AUTH_LIMITS.keys_max)) {
      const body = await store.getDocument(name);
      if (body !== null) {
        const k = JSON.parse(body.toString('utf8')) as ApiKeyRecord;
        d.keys.set(k.id, k);
      }
    }
    return d;
  }

  listUsers(): User[] {
    return [...this.users.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  user(name: string): User | undefined {
    return this.users.get(name);
  }

  listKeys(user?: string): Array<Omit<ApiKeyRecord, 'salt' | 'hash'>> {
    return [...this.keys.values()]
      .filter((k) => user === undefined || k.user === user)
      .sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.id < b.id ? -1 : 1))
      .map(({ id, user: u, created_at, revoked_at }) => ({ id, user: u, created_at, revoked_at }));
  }

  async createUser(name: string, role: Role, participant: string | null): Promise<User> {
    if (!NAME_RE.test(name))
      throw new AuthError('invalid_field', `user name ${JSON.stringify(name)}: 1-64 of A-Z a-z 0-9 . _ @ -, starting with a letter or digit`);
    if (!ROLES.includes(role)) throw new AuthError('invalid_field', `role must be one of ${ROLES.join(', ')}`);
    if (needsParticipant(role) && participant === null) throw new AuthError('invalid_field', `a ${role} user needs --participant BIC`);
    if (!needsParticipant(role) && participant !== null)
      throw new AuthError('invalid_field', `a ${role} user acts for the whole platform; --participant is not allowed`);
    if (participant !== null && !BIC_RE.test(participant))
      throw new AuthError('invalid_field', `--participant must be a BIC, got ${JSON.stringify(participant)}`);
    if (this.users.has(name)) throw new AuthError('user_exists', `user ${name} already exists`);
    if (this.users.size >= AUTH_LIMITS.users_max) throw new AuthError('limit_exceeded', `at most ${AUTH_LIMITS.users_max} users`);
    const u: User = { name, role, participant, created_at: new Date().toISOString() };
    await this.store.putDocument(USER_PREFIX + name, Buffer.from(JSON.stringify(u)));
    this.users.set(name, u);
    return u;
  }

  /** Creates a key; the returned token is the only time the secret exists outside the caller. */
  async createKey(userName: string): Promise<{ id: string; token: string; user: string }> {
    const u = this.users.get(userName);
    if (u === undefined) throw new AuthError('not_found', `no user ${userName}`);
    if (this.keys.size >= AUTH_LIMITS.keys_max) throw new AuthError('limit_exceeded', `at most ${AUTH_LIMITS.keys_max} keys`);
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    const salt = randomBytes(16);
    const hash = await scryptAsync(secret, salt);
    const rec: ApiKeyRecord = {
      id,
      user: u.name,
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      created_at: new Date().toISOString(),
      revoked_at: null,
    };
    await this.store.putDocument(KEY_PREFIX + id, Buffer.from(JSON.stringify(rec)));
    this.keys.set(id, rec);
    return { id, token: `sco_${id}_${secret}`, user: u.name };
  }

  async revokeKey(id: string): Promise<ApiKeyRecord> {
    const k = this.keys.get(id);
    if (k === undefined) throw new AuthError('not_found', `no key ${id}`);
    if (k.revoked_at !== null) return k;
    const rec = { ...k, revoked_at: new Date().toISOString() };
    await this.store.putDocument(KEY_PREFIX + id, Buffer.from(JSON.stringify(rec)));
    this.keys.set(id, rec);
    this.verified.delete(id);
    return rec;
  }

  /**
   * The user of a token scrypt verified within the last AUTH_LIMITS.verified_ttl_ms,
   * without scrypt; null when not cached (or the key was revoked or reloaded since).
   */
  verifiedUser(token: string): { user: User; key_id: string } | null {
    const id = keyIdOf(token);
    const hit = id === null ? undefined : this.verified.get(id);
    if (id === null || hit === undefined) return null;
    if (performance.now() >= hit.until_ms || this.keys.get(id) !== hit.record) {
      this.verified.delete(id);
      return null;
    }
    const user = this.users.get(hit.record.user);
    return user !== undefined && timingSafeEqual(hit.digest, sha256(token)) ? { user, key_id: id } : null;
  }

  /**
   * The user a bearer token belongs to, or null (unknown, malformed, revoked or
   * wrong secret). A well-formed token costs one scrypt whether its key id exists
   * or not (an unknown id is checked against a dummy hash), so timing does not
   * tell which key ids exist; a verified token is cached for a short while.
   */
  async authenticate(token: string): Promise<{ user: User; key_id: string } | null> {
    if (token.length > AUTH_LIMITS.token_max) return null;
    const m = TOKEN_RE.exec(token);
    if (m === null) return null;
    const cached = this.verifiedUser(token);
    if (cached !== null) return cached;
    const id = m[1]!;
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

  /** scrypt of the secret against the key's hash, or a dummy one for an unknown, revoked or orphaned key. */
  private async verify(id: string, secret: string, digest: Buffer): Promise<User | null> {
    const record = this.keys.get(id);
    const user = record === undefined ? undefined : this.users.get(record.user);
    const usable = record !== undefined && record.revoked_at === null && user !== undefined;
    const salt = usable ? Buffer.from(record.salt, 'base64') : DUMMY.salt;
    const expected = usable ? Buffer.from(record.hash, 'base64') : DUMMY.hash;
    const ok = timingSafeEqual(await scryptAsync(secret, salt), expected) && usable;
    if (!ok || user === undefined) return null;
    // Revoked or reloaded while scrypt ran: not this record any more.
    if (this.keys.get(id) !== record) return null;
    this.verified.delete(id);
    while (this.verified.size >= AUTH_LIMITS.verified_cache_max) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(id, { digest, record, until_ms: performance.now() + AUTH_LIMITS.verified_ttl_ms });
    return user;
  }
}
