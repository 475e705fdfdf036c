// Cursor pagination on the list routes beside /v1/payments (issue 19): paging
// through participants, cases, the audit trail, users, keys, webhook
// subscriptions and scheme proposals with a small limit gives exactly the
// unpaginated list, in its order; items added between two pages are neither
// repeated nor make a page skip one; `updated_since` filters cases and the audit
// trail; a cursor of another list, or one the API did not make, is 400 on
// query.cursor; the typed client's each() walks every page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, payment } from './support/platform.js';
import { ScoSettleClient } from '../src/client/client.js';

const [A, B] = BANKS;

// biome-ignore lint/suspicious/noExplicitAny: list items are compared as they come
type Item = any;

describe('cursors on list routes', () => {
  let fx: ApiFixture;
  /** Every page of a list route, following next_cursor. */
  async function pages(path: string, field: string, limit: number, between?: (page: number) => Promise<void>): Promise<Item[][]> {
    const out: Item[][] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res = await fx.request('GET', `${path}${sep}limit=${limit}${cursor !== null ? `&cursor=${cursor}` : ''}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.ok(res.body[field].length <= limit);
      out.push(res.body[field]);
      cursor = res.body.next_cursor;
      if (between !== undefined) await between(out.length);
    } while (cursor !== null);
    return out;
  }

  before(async () => {
    fx = await startApi('sqlite');
    // Six cases (screening hits) and some commands for the audit trail.
    for (let i = 0; i < 6; i++) {
      await fx.platform.run({
        type: 'submit_payments',
        payments: [payment(A!, B!, 'CNY', `${i + 1}.00`)],
        screening: [{ hit: true, score: 0.99, list_version: 't1' }],
      });
    }
    for (let i = 0; i < 3; i++) {
      const res = await fx.request('POST', '/v1/webhooks', { user: 'bankA', body: { url: `http://127.0.0.1:9/h${i}`, secret: 'cursor-test-secret-0123' } });
      assert.equal(res.status, 201);
    }
  });
  after(() => fx.close());

  test('participants: pages in registration order; one registered meanwhile comes last, nothing repeated', async () => {
    const whole = (await fx.request('GET', '/v1/participants')).body;
    assert.equal(whole.next_cursor, null);
    let added = false;
    const got = await pages('/v1/participants', 'participants', 2, async (n) => {
      if (n === 1 && !added) {
        added = true;
        await fx.platform.run({ type: 'register_participant', id: 'ZZNEWCNB', kind: 'bank', name: 'New Bank', country: 'CN', currencies: ['CNY'] });
      }
    });
    const ids = got.flat().map((p: Item) => p.id);
    assert.deepEqual(ids, [...whole.participants.map((p: Item) => p.id), 'ZZNEWCNB']);
    assert.equal(new Set(ids).size, ids.length);
  });

  test('cases: newest first; a case opened meanwhile is not repeated and no older one is skipped; updated_since filters', async () => {
    const whole = (await fx.request('GET', '/v1/cases')).body.cases.map((c: Item) => c.id);
    assert.ok(whole.length >= 6);
    const got = await pages('/v1/cases', 'cases', 2, async (n) => {
      if (n === 1)
        await fx.platform.run({
          type: 'submit_payments',
          payments: [payment(A!, B!, 'CNY', '9.00')],
          screening: [{ hit: true, score: 0.99, list_version: 't1' }],
        });
    });
    assert.deepEqual(
      got.flat().map((c: Item) => c.id),
      whole,
    );
    const all = (await fx.request('GET', '/v1/cases')).body.cases;
    const newest = all[0];
    const since = (await fx.request('GET', `/v1/cases?updated_since=${newest.opened_at_ns}`)).body.cases.map((c: Item) => c.id);
    assert.deepEqual(since, [newest.id]);
    assert.deepEqual((await fx.request('GET', `/v1/cases?updated_since=${encodeURIComponent(newest.opened_at)}`)).body.cases.length >= 1, true);
    assert.deepEqual((await fx.request('GET', '/v1/cases?updated_since=2099-01-01T00:00:00Z')).body.cases, []);
    const open = await pages('/v1/cases?status=open', 'cases', 3);
    assert.deepEqual(
      open.flat().map((c: Item) => c.id),
      all.filter((c: Item) => c.status === 'open').map((c: Item) => c.id),
    );
  });

  test('audit: newest first, the commands run meanwhile not repeated; updated_since', async () => {
    const whole = (await fx.request('GET', '/v1/audit?limit=10000')).body.audit;
    const got = await pages('/v1/audit', 'audit', 4, async (n) => {
      if (n === 1) await fx.platform.run({ type: 'fund', participant: A!, currency: 'CNY', amount: '1.00' });
    });
    assert.deepEqual(got.flat(), whole);
    const last = whole[0];
    const since = (await fx.request('GET', `/v1/audit?updated_since=${last.at_ns}`)).body.audit;
    assert.ok(since.length >= 2, 'the command run meanwhile and the newest before it');
    assert.ok(since.every((r: Item) => BigInt(r.at_ns) >= BigInt(last.at_ns)));
  });

  test('users: in name order, the cursor is the last name; users created meanwhile land where their names sort', async () => {
    const whole = (await fx.request('GET', '/v1/users')).body.users.map((u: Item) => u.name);
    const got = await pages('/v1/users', 'users', 3, async (n) => {
      if (n !== 1) return;
      for (const name of ['aaa-early', 'zzz-late']) {
        const res = await fx.request('POST', '/v1/users', { body: { name, role: 'auditor' } });
        assert.equal(res.status, 201, JSON.stringify(res.body));
      }
    });
    const names = got.flat().map((u: Item) => u.name);
    // aaa-early sorts before the cursor: not on a later page; zzz-late after it: on the last one.
    assert.deepEqual(names, [...whole, 'zzz-late']);
  });

  test('keys: in creation order; ?user= filters within pages', async () => {
    const whole = (await fx.request('GET', '/v1/keys')).body.keys.map((k: Item) => k.key_id);
    const got = await pages('/v1/keys', 'keys', 3);
    assert.deepEqual(
      got.flat().map((k: Item) => k.key_id),
      whole,
    );
    const mine = await pages('/v1/keys?user=op', 'keys', 1);
    assert.ok(mine.flat().every((k: Item) => k.user === 'op'));
  });

  test('webhooks: in id order, a bank sees its own only, page by page', async () => {
    const whole = (await fx.request('GET', '/v1/webhooks', { user: 'bankA' })).body.webhooks.map((w: Item) => w.id);
    assert.equal(whole.length, 3);
    assert.deepEqual([...whole].sort(), whole);
    const res1 = await fx.request('GET', '/v1/webhooks?limit=2', { user: 'bankA' });
    const res2 = await fx.request('GET', `/v1/webhooks?limit=2&cursor=${res1.body.next_cursor}`, { user: 'bankA' });
    assert.deepEqual(
      [...res1.body.webhooks, ...res2.body.webhooks].map((w: Item) => w.id),
      whole,
    );
    assert.equal(res2.body.next_cursor, null);
    assert.deepEqual((await fx.request('GET', '/v1/webhooks', { user: 'bankB' })).body, { webhooks: [], next_cursor: null });
  });

  test('scheme proposals: paged (none on a store without a scheme)', async () => {
    assert.deepEqual((await fx.request('GET', '/v1/scheme/proposals?limit=5')).body, { proposals: [], next_cursor: null });
  });

  test("a cursor of another list, or one the API did not make, is 400 on query.cursor; limit beyond the list's maximum is 400", async () => {
    const caseCursor = (await fx.request('GET', '/v1/cases?limit=1')).body.next_cursor;
    const paymentCursor = (await fx.request('GET', '/v1/payments?limit=1')).body.next_cursor;
    assert.ok(caseCursor !== null && paymentCursor !== null);
    for (const [path, cursor] of [
      ['/v1/audit', caseCursor],
      ['/v1/participants', caseCursor],
      ['/v1/cases', paymentCursor],
      ['/v1/users', 'bm90LWEtY3Vyc29y'],
      ['/v1/keys', Buffer.from('keys:12x').toString('base64url')],
      ['/v1/webhooks', caseCursor],
    ]) {
      const res = await fx.request('GET', `${path}?cursor=${cursor}`);
      assert.equal(res.status, 400, path);
      assert.equal(res.body.code, 'invalid_field', path);
      assert.equal(res.body.errors[0].field, 'query.cursor', path);
    }
    assert.equal((await fx.request('GET', '/v1/webhooks?limit=1001')).status, 400);
    assert.equal((await fx.request('GET', '/v1/participants?limit=0')).status, 400);
  });

  test('the typed client pages every list with each()', async () => {
    const c = new ScoSettleClient({ baseUrl: fx.base, apiKey: fx.keys.op! });
    const viaClient: string[] = [];
    for await (const p of c.each(
      (cursor) => c.listParticipants({ limit: 2, ...(cursor !== undefined ? { cursor } : {}) }),
      (p) => p.participants,
    ))
      viaClient.push(p.id);
    assert.deepEqual(
      viaClient,
      (await c.listParticipants()).participants.map((p) => p.id),
    );
    let n = 0;
    for await (const _ of c.each(
      (cursor) => c.listCases({ limit: 2, status: 'open', ...(cursor !== undefined ? { cursor } : {}) }),
      (p) => p.cases,
    ))
      n++;
    assert.equal(n, (await c.listCases({ status: 'open' })).cases.length);
    const users = [];
    for await (const u of c.each(
      (cursor) => c.listUsers({ limit: 1, ...(cursor !== undefined ? { cursor } : {}) }),
      (p) => p.users,
    ))
      users.push(u.name);
    assert.deepEqual(
      users,
      (await c.listUsers()).users.map((u) => u.name),
    );
    assert.equal((await c.listKeys({ user: 'op' })).keys.length >= 1, true);
    assert.equal((await c.listAudit({ limit: 1 })).next_cursor !== null, true);
  });
});
