// Idempotency-Key for POSTs: the first request with a key runs; a retry with the
// same key and the same request (method, path, body) gets the same status and
// body back; the same key with another request is 409 idempotency_conflict. Keys
// are scoped per user, kept 24 h, at most IDEMPOTENCY_LIMITS.records_max.
//
// Records live in memory and are written behind, in groups, to the platform's
// documents ("api/idem/<UTC hour>/<ms>-<n>", one document per flush), and
// read back at start. Payment submissions keep only their UETRs durably: after a
// restart a retry is answered with the payments' current states (the platform
// keeps every payment by UETR, so nothing is submitted twice), and callers that
// retry a key whose record was not yet written are handled by the route, which
// finds the UETRs already on the platform. Other commands wait for their record
// to be durable before answering.

import { createHash } from 'node:crypto';
import type { DocumentStore } from '../platform/platform.js';

export const IDEMPOTENCY_LIMITS = Object.freeze({
  key_max: 128,
  records_max: 1_000_000,
  ttl_ms: 24 * 3600 * 1000,
  flush_ms: 20,
  flush_records_max: 20_000,
});

const PREFIX = 'api/idem/';

export interface StoredResponse {
  status: number;
  /** The JSON body as sent. */
  body: string;
}

interface IdemRecord {
  /** user \0 key */
  k: string;
  /** sha256 of the request fingerprint, hex */
  h: string;
  at: number;
  status: number;
  /** Full body (non-payment requests). */
  body?: string;
  /** Payment submissions: the UETRs, in request order (null for one without a usable UETR). */
  uetrs?: Array<string | null>;
}

export type Lookup =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'replay_uetrs'; status: number; uetrs: Array<string | null> }
  | { kind: 'conflict' };

export const KEY_RE = /^[\x21-\x7e]{1,128}$/;

/**
 * JSON with every object's keys sorted (recursively; arrays keep their order), so
 * the same body sent with its fields in another order is the same request.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const fields = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** sha256 of method, URL and body; a JSON body in its canonical form, an XML body as sent. */
export function fingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(typeof body === 'string' ? body : canonicalJson(body))
    .digest('hex');
}

/**
 * The fingerprint records written before canonical bodies (JSON as sent, field
 * order included): a retry within 24 h of an upgrade still matches its record.
 */
export function legacyFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(typeof body === 'string' ? body : JSON.stringify(body ?? null))
    .digest('hex');
}

function hourOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13).replace(/[-T:]/g, '');
}

export class IdempotencyStore {
  private readonly records = new Map<string, IdemRecord>();
  /** Requests running now, by scoped key, so a concurrent retry waits for the first. */
  private readonly running = new Map<string, { h: string; done: Promise<void> }>();
  private pending: IdemRecord[] = [];
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private seq = 0;
  private closed = false;

  constructor(private readonly store: DocumentStore | null) {}

  /** Reads back the records of the last 24 h. */
  async load(now = Date.now()): Promise<number> {
    if (this.store === null) return 0;
    let n = 0;
    for (let t = now - IDEMPOTENCY_LIMITS.ttl_ms; t <= now + 3600_000; t += 3600_000) {
      for (const name of await this.store.listDocuments(`${PREFIX}${hourOf(t)}/`)) {
        const body = await this.store.getDocument(name);
        if (body === null) continue;
        for (const r of JSON.parse(body.toString('utf8')) as IdemRecord[]) {
          if (now - r.at > IDEMPOTENCY_LIMITS.ttl_ms) continue;
          this.remember(r, now);
          n++;
        }
      }
    }
    return n;
  }

  private remember(r: IdemRecord, now = Date.now()): void {
    this.records.delete(r.k);
    this.records.set(r.k, r);
    while (this.records.size > IDEMPOTENCY_LIMITS.records_max) this.records.delete(this.records.keys().next().value!);
    this.expire(now);
  }

  /**
   * Drops records older than the TTL from the front of the map (kept in the order
   * they were saved), so a steady stream of keys holds a day of records, not
   * records_max of them; a lookup already ignores an expired record.
   */
  expire(now = Date.now()): number {
    let n = 0;
    for (const [k, r] of this.records) {
      if (now - r.at <= IDEMPOTENCY_LIMITS.ttl_ms) break;
      this.records.delete(k);
      n++;
    }
    return n;
  }

  static scoped(user: string, key: string): string {
    return `${user}\u0000${key}`;
  }

  /** What to do with a request carrying this key (`legacy_h`: the same request's pre-canonical fingerprint); waits while the same key is running. */
  async lookup(scopedKey: string, h: string, legacy_h = h): Promise<Lookup> {
    for (;;) {
      const run = this.running.get(scopedKey);
      if (run === undefined) break;
      if (run.h !== h) return { kind: 'conflict' };
      await run.done;
    }
    const r = this.records.get(scopedKey);
    if (r === undefined || Date.now() - r.at > IDEMPOTENCY_LIMITS.ttl_ms) return { kind: 'new' };
    if (r.h !== h && r.h !== legacy_h) return { kind: 'conflict' };
    if (r.body !== undefined) return { kind: 'replay', response: { status: r.status, body: r.body } };
    return { kind: 'replay_uetrs', status: r.status, uetrs: r.uetrs ?? [] };
  }

  /** Marks the key as running; call the returned function when its record is saved (or the request failed). */
  begin(scopedKey: string, h: string): () => void {
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    this.running.set(scopedKey, { h, done });
    return () => {
      if (this.running.get(scopedKey)?.done === done) this.running.delete(scopedKey);
      release();
    };
  }

  /**
   * Saves the outcome. Kept in memory at once (full body); written durably in the
   * next flush, as the body or (for payments) the UETRs. Resolves when durable.
   */
  save(scopedKey: string, h: string, response: StoredResponse, uetrs?: Array<string | null>): Promise<void> {
    const at = Date.now();
    this.remember({ k: scopedKey, h, at, status: response.status, body: response.body }, at);
    const durable: IdemRecord =
      uetrs === undefined ? { k: scopedKey, h, at, status: response.status, body: response.body } : { k: scopedKey, h, at, status: response.status, uetrs };
    if (this.store === null || this.closed) return Promise.resolve();
    this.pending.push(durable);
    const p = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (this.pending.length >= IDEMPOTENCY_LIMITS.flush_records_max) void this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => void this.flush(), IDEMPOTENCY_LIMITS.flush_ms);
    return p;
  }

  /** Writes the pending records as one document. A failed write is logged by the caller's onError and retried next flush. */
  flush(onError?: (err: Error) => void): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const run = this.flushing.then(async () => {
      if (this.pending.length === 0 || this.store === null) return;
      const batch = this.pending;
      const waiters = this.waiters;
      this.pending = [];
      this.waiters = [];
      const at = Date.now();
      const name = `${PREFIX}${hourOf(at)}/${String(at).padStart(13, '0')}-${String(this.seq++).padStart(9, '0')}`;
      try {
        await this.store.putDocument(name, Buffer.from(JSON.stringify(batch)));
        for (const w of waiters) w();
      } catch (err) {
        this.pending = batch.concat(this.pending);
        this.waiters = waiters.concat(this.waiters);
        onError?.(err as Error);
        if (this.timer === null && !this.closed) this.timer = setTimeout(() => void this.flush(onError), 200);
      }
    });
    this.flushing = run.catch(() => undefined);
    return run;
  }

  /** Flushes what is pending and stops writing. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    for (const w of this.waiters.splice(0)) w();
  }

  get size(): number {
    return this.records.size;
  }
}
