// API keys under attack (issue 20): a wrong secret for an existing key id costs
// what an unknown key id costs, failed attempts are limited per client address
// and per key id (429 with Retry-After, the project's error format) without
// locking a genuine key out elsewhere, verified keys skip scrypt until revoked;
// and /readyz answers 503 once the platform can no longer write.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Platform } from '../src/platform/platform.js';
import { UserDirectory } from '../src/http/auth.js';
import { AuthFailureLimiter } from '../src/http/rate_limit.js';
import { buildApi, type Api } from '../src/api/server.js';
import type { AuthFailureLimits } from '../src/http/rate_limit.js';
import { MemoryStore } from '../src/store/memory.js';
import { BANKS, openPlatform, setupScheme } from './support/platform.js';

interface AuthFixture {
  api: Api;
  users: UserDirectory;
  token: string;
  key_id: string;
  /** GET /v1/me with the token from the address. */
  me(token: string, address: string): Promise<{ status: number; ms: number; body: { code?: string; path?: string }; retry_after: string | undefined }>;
}

async function startAuth(authFailures: AuthFailureLimits | null): Promise<AuthFixture> {
  const platform = await Platform.open(new MemoryStore());
  const users = await UserDirectory.load(platform);
  await users.createUser('op', 'operator', null);
  const key = await users.createKey('op');
  const api = await buildApi({ platform, users, logLevel: false, rateLimit: null, authFailures });
  return {
    api,
    users,
    token: key.token,
    key_id: key.id,
    async me(token, address) {
      const t0 = performance.now();
      const res = await api.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` }, remoteAddress: address });
      const ms = performance.now() - t0;
      const retry = res.headers['retry-after'];
      return { status: res.statusCode, ms, body: res.json(), retry_after: retry === undefined ? undefined : String(retry) };
    },
  };
}

/** A well-formed token with the key id and a secret that is not the key's. */
function wrongSecret(key_id: string, n: number): string {
  return `sco_${key_id}_${String(n).padStart(43, 'x')}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

describe('API keys: probing', () => {
  test('a wrong secret for an existing key id takes as long as an unknown key id', async () => {
    const fx = await startAuth(null);
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 7; i++) {
      const u = await fx.me(wrongSecret('0123456789abcdef', i), `10.1.0.${i}`);
      const w = await fx.me(wrongSecret(fx.key_id, i), `10.2.0.${i}`);
      assert.deepEqual([u.status, w.status], [401, 401]);
      unknown.push(u.ms);
      wrong.push(w.ms);
    }
    const [mu, mw] = [median(unknown), median(wrong)];
    assert.ok(mw < mu * 4 && mu < mw * 4, `medians: unknown ${mu.toFixed(1)} ms, wrong secret ${mw.toFixed(1)} ms`);
    await fx.api.shutdown();
  });

  test('failed attempts from one address are refused 429; the genuine key still works from another address', async () => {
    const fx = await startAuth({ address_failures_max: 5, key_failures_max: 1000, window_ms: 60_000 });
    for (let i = 0; i < 5; i++) assert.equal((await fx.me(wrongSecret(fx.key_id, i), '10.0.0.1')).status, 401);
    const refused = await fx.me(wrongSecret(fx.key_id, 99), '10.0.0.1');
    assert.deepEqual([refused.status, refused.body.code, refused.body.path], [429, 'rate_limited', '']);
    assert.ok(Number(refused.retry_after) >= 1 && Number(refused.retry_after) <= 60, `Retry-After ${refused.retry_after}`);
    // Unknown key ids count against the address as well.
    assert.equal((await fx.me(wrongSecret('0123456789abcdef', 1), '10.0.0.1')).status, 429);
    assert.equal((await fx.me(fx.token, '10.0.0.2')).status, 200);
    await fx.api.shutdown();
  });

  test('failed attempts against one key id from many addresses are refused 429; a verified key is not locked out', async () => {
    const fx = await startAuth({ address_failures_max: 1000, key_failures_max: 5, window_ms: 60_000 });
    assert.equal((await fx.me(fx.token, '10.0.1.1')).status, 200);
    for (let i = 0; i < 5; i++) assert.equal((await fx.me(wrongSecret(fx.key_id, i), `10.0.2.${i}`)).status, 401);
    const refused = await fx.me(wrongSecret(fx.key_id, 99), '10.0.3.1');
    assert.deepEqual([refused.status, refused.body.code], [429, 'rate_limited']);
    assert.equal((await fx.me(fx.token, '10.0.1.1')).status, 200);
    await fx.api.shutdown();
  });

  test('a verified key skips scrypt on later requests, until it is revoked', async () => {
    const fx = await startAuth(null);
    assert.equal((await fx.me(fx.token, '10.0.4.1')).status, 200);
    const cached: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 7; i++) {
      cached.push((await fx.me(fx.token, '10.0.4.1')).ms);
      wrong.push((await fx.me(wrongSecret(fx.key_id, i), '10.0.4.2')).ms);
    }
    assert.ok(median(cached) * 3 < median(wrong), `medians: verified ${median(cached).toFixed(1)} ms, wrong secret ${median(wrong).toFixed(1)} ms`);
    await fx.users.revokeKey(fx.key_id);
    assert.equal((await fx.me(fx.token, '10.0.4.1')).status, 401);
    await fx.api.shutdown();
  });

  test('the failed-attempt table forgets a window once it has passed, and stays bounded', () => {
    let now_ms = 0;
    const limiter = new AuthFailureLimiter({ address_failures_max: 2, key_failures_max: 3, window_ms: 10_000 }, () => now_ms);
    limiter.fail('a', 'k');
    limiter.fail('a', 'k');
    assert.equal(limiter.wait('a', null), 10);
    assert.equal(limiter.wait('b', 'k'), 0);
    limiter.fail('b', 'k');
    assert.equal(limiter.wait('c', 'k'), 10);
    now_ms = 9_500;
    assert.equal(limiter.wait('a', null), 1);
    now_ms = 10_000;
    assert.equal(limiter.wait('a', 'k'), 0);
    for (let i = 0; i < 100_010; i++) limiter.fail(`addr${i}`, null);
    assert.ok(limiter.size <= 100_000, `entries ${limiter.size}`);
  });
});

describe('readiness', () => {
  test('/readyz answers 503 naming why once journal writes fail; /healthz stays 200', async () => {
    let failing = false;
    const store = new MemoryStore();
    const append = store.appendJournal.bind(store);
    store.appendJournal = async (entries) => {
      if (failing) throw new Error('ENOSPC: no space left on device');
      return append(entries);
    };
    const { platform } = await openPlatform(store);
    await setupScheme(platform);
    const users = await UserDirectory.load(platform);
    const api = await buildApi({ platform, users, logLevel: false, rateLimit: null });
    assert.equal((await api.app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    failing = true;
    await assert.rejects(platform.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1.00' }));
    const ready = await api.app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    const body = ready.json();
    assert.deepEqual(Object.keys(body).sort(), ['code', 'detail', 'errors', 'message', 'path', 'request_id', 'status', 'title', 'type']);
    assert.equal(ready.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.equal(body.code, 'unavailable');
    assert.match(body.message, /ENOSPC/);
    assert.equal((await api.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    assert.deepEqual(platform.health(), { writable: false, reason: 'the ledger stopped after a failed journal write (ENOSPC: no space left on device)' });
    await api.shutdown().catch(() => undefined);
  });
});
