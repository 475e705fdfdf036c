// What a request's path must keep while its fixed costs are cut: the guard
// (src/http/guard.ts) judges a key the verified cache holds as it judged it on
// the first request, after scrypt (the route's roles, the key's rate limit, the
// caller left for the handler); a write's journal-head receipt follows the
// durable head as it moves.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UserDirectory } from '../src/http/auth.js';
import { buildApi } from '../src/api/server.js';
import { MemoryStore } from '../src/store/memory.js';
import { BANKS, openPlatform, setupScheme } from './support/platform.js';

/** An error body without its request id (one a request). */
function problem(body: string): Record<string, unknown> {
  const { request_id: _id, ...rest } = JSON.parse(body) as Record<string, unknown>;
  return rest;
}

describe('the guard: a cached key and an uncached one are judged alike', () => {
  test('roles, the rate limit and the caller, first request (scrypt) and later ones (cache)', async () => {
    const { platform } = await openPlatform(new MemoryStore());
    await setupScheme(platform);
    const users = await UserDirectory.load(platform);
    await users.createUser('bank', 'participant', BANKS[0]);
    const key = await users.createKey('bank');
    const api = await buildApi({ platform, users, logLevel: false, rateLimit: { rate: 1, burst: 3 }, authFailures: null });
    const call = (url: string) => api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key.token}` } });
    try {
      // /v1/users is for operators and auditors: refused on the scrypt path, then alike on the cached one.
      const first = await call('/v1/users');
      const second = await call('/v1/users');
      assert.deepEqual([first.statusCode, second.statusCode], [403, 403]);
      assert.deepEqual(problem(second.body), problem(first.body));
      assert.equal(first.json().code, 'forbidden');
      // The caller the handler reads comes from the cached path as well.
      const me = await call('/v1/me');
      assert.equal(me.statusCode, 200);
      assert.deepEqual(me.json(), { name: 'bank', role: 'participant', participant: BANKS[0] });
      // Three requests took the burst of 3: the fourth, a cached key, is refused.
      const over = await call('/v1/me');
      assert.equal(over.statusCode, 429);
      assert.equal(over.json().code, 'rate_limited');
      assert.ok(Number(over.headers['retry-after']) >= 1, `Retry-After ${over.headers['retry-after']}`);
    } finally {
      await api.shutdown();
    }
  });

  test('no key, a malformed one and a revoked one (once cached) are refused 401 with the same challenge', async () => {
    const { platform } = await openPlatform(new MemoryStore());
    const users = await UserDirectory.load(platform);
    await users.createUser('op', 'operator', null);
    const key = await users.createKey('op');
    const api = await buildApi({ platform, users, logLevel: false, rateLimit: null });
    const me = (headers: Record<string, string>) => api.app.inject({ method: 'GET', url: '/v1/me', headers });
    try {
      const none = await me({});
      const malformed = await me({ authorization: 'Bearer sco_nope' });
      assert.deepEqual([none.statusCode, malformed.statusCode], [401, 401]);
      assert.deepEqual([none.headers['www-authenticate'], malformed.headers['www-authenticate']], ['Bearer', 'Bearer']);
      assert.equal((await me({ authorization: `Bearer ${key.token}` })).statusCode, 200);
      assert.equal((await me({ authorization: `Bearer ${key.token}` })).statusCode, 200);
      await users.revokeKey(key.id);
      const revoked = await me({ authorization: `Bearer ${key.token}` });
      assert.equal(revoked.statusCode, 401);
      assert.deepEqual(problem(revoked.body), problem(malformed.body));
    } finally {
      await api.shutdown();
    }
  });

  test('the journal-head receipt follows the durable head from one write to the next', async () => {
    const { platform } = await openPlatform(new MemoryStore());
    const users = await UserDirectory.load(platform);
    await users.createUser('op', 'operator', null);
    const key = await users.createKey('op');
    const api = await buildApi({ platform, users, logLevel: false, rateLimit: null });
    try {
      const seen: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await api.app.inject({
          method: 'POST',
          url: '/v1/users',
          headers: { authorization: `Bearer ${key.token}`, 'content-type': 'application/json' },
          payload: { name: `u${i}`, role: 'auditor' },
        });
        assert.equal(res.statusCode, 201, res.body);
        const head = platform.journalHead();
        assert.equal(res.headers['journal-head'], `${head.seq}:${head.head_hash}`);
        seen.push(String(res.headers['journal-head']));
      }
      assert.equal(new Set(seen).size, 3, seen.join(' '));
    } finally {
      await api.shutdown();
    }
  });
});
