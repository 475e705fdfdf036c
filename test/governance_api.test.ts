// The governance routes of the HTTP API on a real SQLite store: a central-bank
// user proposes and answers for its own member only (signed), a participant
// reads the adopted scheme but not the proposals, the auditor reads the trail,
// and the event stream carries proposal opened / answered / decided.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sign } from 'node:crypto';
import { answerAct, canonicalBytes, proposeAct } from '../src/platform/platform.js';
import { startApi, type ApiFixture } from './support/api.js';
import { keyPair, schemeDocument } from './support/governance.js';

describe('governance API', () => {
  let fx: ApiFixture;
  const key = keyPair();
  before(async () => {
    fx = await startApi('sqlite');
    const doc = schemeDocument();
    // CN alone votes, so that one answer adopts early.
    for (const m of Object.keys(doc.members as object)) if (m !== 'CN') (doc.members as Record<string, { status: string }>)[m]!.status = 'suspended';
    await fx.platform.run({ type: 'scheme_init', document: doc }, 'op');
    await fx.platform.run({ type: 'set_signing_key', user: 'cb', public_key: key.publicPem }, 'op');
  });
  after(async () => fx.close());

  it('central bank proposes and answers for its own member; participants read the scheme only; the stream tells', async () => {
    const ctrl = new AbortController();
    const stream = await fetch(`${fx.base}/v1/events`, { headers: { authorization: `Bearer ${fx.keys.aud}` }, signal: ctrl.signal });
    const reader = stream.body!.getReader();
    let seen = '';
    const read = (async () => {
      for (;;) {
        const r = await reader.read().catch(() => ({ done: true, value: undefined }));
        if (r.done) return;
        seen += Buffer.from(r.value!).toString('utf8');
      }
    })();

    const body = {
      title: 'LSM every 10 minutes',
      rationale: 'r',
      changes: [{ op: 'replace', path: '/lsm/interval_minutes', value: 10 }],
      window_s: 3600,
      effective: 'next_business_day',
    };
    const signature = sign(null, canonicalBytes(proposeAct({ by: 'cb', ...body })), key.privatePem).toString('base64');
    const created = await fx.request('POST', '/v1/scheme/proposals', { user: 'cb', body: { ...body, signature } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.id, created.body.voters], ['P-1', ['CN']]);

    const bad = await fx.request('POST', '/v1/scheme/proposals', { user: 'cb', body: { ...body, signature: Buffer.alloc(64).toString('base64') } });
    assert.deepEqual([bad.status, bad.body.code], [403, 'bad_signature']);
    const asBank = await fx.request('POST', '/v1/scheme/proposals', { user: 'bankA', body: { ...body, signature } });
    assert.equal(asBank.status, 403);

    const sig = (a: { answer: string; reason: string }): string =>
      sign(null, canonicalBytes(answerAct({ by: 'cb', id: 'P-1', ...a })), key.privatePem).toString('base64');
    const other = await fx.request('POST', '/v1/scheme/proposals/P-1/answers', {
      user: 'cb',
      body: { answer: 'approve', member: 'RU', signature: sig({ answer: 'approve', reason: '' }) },
    });
    assert.deepEqual([other.status, other.body.code], [403, 'not_your_member']);
    const ans = await fx.request('POST', '/v1/scheme/proposals/P-1/answers', {
      user: 'cb',
      body: { answer: 'reserve', reason: 'noted', signature: sig({ answer: 'reserve', reason: 'noted' }) },
    });
    assert.equal(ans.status, 200, JSON.stringify(ans.body));
    assert.deepEqual([ans.body.state, ans.body.version, ans.body.reservations], ['adopted', 2, [{ member: 'CN', reason: 'noted' }]]);

    const scheme = await fx.request('GET', '/v1/scheme', { user: 'bankA' });
    assert.deepEqual([scheme.status, scheme.body.version], [200, 1]);
    assert.equal((await fx.request('GET', '/v1/scheme?version=2', { user: 'bankA' })).body.document.lsm.interval_minutes, 10);
    assert.equal((await fx.request('GET', '/v1/scheme/proposals', { user: 'bankA' })).status, 403);
    const audit = await fx.request('GET', '/v1/scheme/audit', { user: 'aud' });
    assert.equal(audit.status, 200);
    assert.equal(audit.body.proposals[0].signature, signature);

    await new Promise((r) => setTimeout(r, 200));
    ctrl.abort();
    await read;
    assert.match(seen, /event: governance\ndata: \{"kind":"proposal_opened"/);
    assert.match(seen, /"kind":"proposal_answered"/);
    assert.match(seen, /"kind":"proposal_decided"/);
  });
});
