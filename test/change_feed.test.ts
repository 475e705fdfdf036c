// The change feed loses nothing (issue 19): a real `sco-settle serve` process is
// killed (SIGKILL) and later stopped gracefully (SIGTERM) and started again on
// the same store while payments flow; a reconnecting server-sent-events client
// (the typed client's events(), resuming by Last-Event-ID) and a webhook
// receiver (signed deliveries, some refused on first attempt so they are
// retried) must each end up with exactly the payment changes the platform
// records for their participant — none missing, none of another participant's —
// with event ids strictly increasing. Also: ?after=SEQ replays from the store,
// and a bad Last-Event-ID is refused with its field.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScoSettleClient, verifyWebhookSignature, type FeedEvent, type WebhookDelivery } from '../src/client/client.js';
import { serveTestStore, type Served } from './support/served.js';
import { BANKS, payment } from './support/platform.js';

const [A, B, RU1, RU2] = BANKS;
const SECRET = 'feed-test-secret-0123456789';
const FAKE_BASE = 'http://sco-settle.invalid';

/** A client whose requests go to wherever the server listens now (its port changes on restart). */
function clientOf(srv: Served, user: string): ScoSettleClient {
  const follow: typeof fetch = (input, init) => fetch(String(input).replace(FAKE_BASE, srv.base), init);
  return new ScoSettleClient({ baseUrl: FAKE_BASE, apiKey: srv.keys[user]!, fetch: follow, timeout_ms: 10_000 });
}

interface Receiver {
  server: Server;
  url: string;
  /** Deliveries by path, in arrival order (repeats included). */
  got: Map<string, WebhookDelivery[]>;
  badSignatures: number;
  refused: number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((res) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      s += d;
    });
    req.on('end', () => res(s));
  });
}

/** A webhook receiver that checks signatures and refuses the first attempt of every event with an even id (503), so it is retried. */
async function startReceiver(): Promise<Receiver> {
  const tried = new Set<string>();
  const r: Receiver = { server: createServer(), url: '', got: new Map(), badSignatures: 0, refused: 0 };
  r.server.on('request', async (req, res) => {
    const body = await readBody(req);
    const ok = await verifyWebhookSignature(
      SECRET,
      { timestamp: String(req.headers['webhook-timestamp']), signature: String(req.headers['webhook-signature']) },
      body,
    );
    if (!ok) {
      r.badSignatures++;
      res.writeHead(401).end();
      return;
    }
    const d = JSON.parse(body) as WebhookDelivery;
    const id = String(req.headers['webhook-id']);
    if (d.seq % 2 === 0 && !tried.has(id)) {
      tried.add(id);
      r.refused++;
      res.writeHead(503).end();
      return;
    }
    const list = r.got.get(req.url ?? '') ?? [];
    list.push(d);
    r.got.set(req.url ?? '', list);
    res.writeHead(204).end();
  });
  await new Promise<void>((res) => r.server.listen(0, '127.0.0.1', () => res()));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}`;
  return r;
}

const key = (c: { uetr: string; state: string; at_ns: string }): string => `${c.uetr}|${c.state}|${c.at_ns}`;

/** Submits n payments: bankA pays B, bankB pays A, the operator pays RU1 -> RU2 (none of A's business). */
async function traffic(srv: Served, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const [user, p] =
      i % 3 === 0
        ? ['bankA', payment(A!, B!, 'CNY', '1.00')]
        : i % 3 === 1
          ? ['bankB', payment(B!, A!, 'CNY', '2.00')]
          : ['op', payment(RU1!, RU2!, 'RUB', '3.00')];
    const r = await clientOf(srv, user).submitPayment(p as never, { idempotencyKey: `t-${p.uetr}` });
    assert.equal(r.state, 'settled', JSON.stringify(r));
  }
}

/** Every change the platform records for the payments `user` sees, as the typed client lists them. */
async function recorded(srv: Served, user: string): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const p of clientOf(srv, user).allPayments({ limit: 50 })) for (const h of p.history) out.add(key({ uetr: p.uetr, ...h }));
  return out;
}

async function until(what: string, cond: () => boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a reconnecting SSE client and webhook receivers miss no event across a crash and a restart of the server', { timeout: 240_000 }, async () => {
  const srv = await serveTestStore('feed');
  const receiver = await startReceiver();
  const ac = new AbortController();
  try {
    const subA = await clientOf(srv, 'bankA').createWebhook({ url: `${receiver.url}/bankA`, secret: SECRET });
    assert.equal(subA.participant, A, "a bank's subscription is its own participant's");
    await clientOf(srv, 'op').createWebhook({ url: `${receiver.url}/all`, secret: SECRET, participant: null });
    const events: FeedEvent[] = [];
    const reader = (async () => {
      for await (const e of clientOf(srv, 'bankA').events({ after: 0, signal: ac.signal, retry_ms: 50 })) events.push(e);
    })();

    await traffic(srv, 15);
    await srv.stop('SIGKILL');
    await srv.start();
    await traffic(srv, 15);
    await srv.stop('SIGTERM');
    await srv.start();
    await traffic(srv, 9);

    const mine = await recorded(srv, 'bankA');
    const all = await recorded(srv, 'op');
    assert.ok(mine.size >= 2 * 26 && all.size > mine.size, `${mine.size} changes of A, ${all.size} in all`);
    const sse = (): Set<string> => new Set(events.flatMap((e) => e.changes.map(key)));
    const hooked = (path: string): Set<string> => new Set((receiver.got.get(path) ?? []).flatMap((d) => d.changes.map(key)));
    await until('the SSE client to see every change of A', () => [...mine].every((k) => sse().has(k)));
    await until('the bankA webhook to receive every change of A', () => [...mine].every((k) => hooked('/bankA').has(k)));
    await until('the operator webhook to receive every change', () => [...all].every((k) => hooked('/all').has(k)));

    assert.deepEqual([...sse()].sort(), [...mine].sort(), 'the stream carries exactly the changes of A');
    assert.deepEqual([...hooked('/bankA')].sort(), [...mine].sort(), 'the bankA webhook carries exactly the changes of A');
    assert.deepEqual([...hooked('/all')].sort(), [...all].sort());
    const ids = events.map((e) => e.id);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i]! > ids[i - 1]!, `event ids strictly increase: ${ids[i - 1]} then ${ids[i]}`);
    const seqs = (receiver.got.get('/bankA') ?? []).map((d) => d.seq);
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! >= seqs[i - 1]!, 'deliveries come in feed order (a repeat after the crash at most)');
    assert.equal(receiver.badSignatures, 0);
    assert.ok(receiver.refused > 0, 'some first attempts were refused');

    // The delivery log shows the refused attempts and the retries that followed.
    const log = await clientOf(srv, 'bankA').listWebhookDeliveries(subA.id);
    assert.ok(log.cursor >= Math.max(...seqs));
    const failed = log.log.filter((a) => !a.ok);
    assert.ok(failed.length > 0 && failed.every((f) => f.status === 503), JSON.stringify(failed));
    for (const f of failed)
      assert.ok(
        log.log.some((a) => a.seq === f.seq && a.ok && a.attempt > f.attempt),
        `event ${f.seq} was retried until delivered`,
      );
    // Another bank sees neither A's subscription nor its log.
    await assert.rejects(clientOf(srv, 'bankB').getWebhook(subA.id), (e: { status?: number }) => e.status === 404);
    assert.equal((await clientOf(srv, 'bankB').listWebhooks()).webhooks.length, 0);

    // ?after=SEQ replays from the store: from the middle of the stream, exactly what followed.
    const mid = ids[Math.floor(ids.length / 2)]!;
    const replay: FeedEvent[] = [];
    const rac = new AbortController();
    const want = events.filter((e) => e.id > mid).length;
    const r2 = (async () => {
      for await (const e of clientOf(srv, 'bankA').events({ after: mid, signal: rac.signal })) {
        replay.push(e);
        if (replay.length >= want) rac.abort();
      }
    })();
    await until('the replay', () => replay.length >= want, 30_000);
    rac.abort();
    await r2;
    assert.deepEqual(
      replay.map((e) => e.id),
      events.filter((e) => e.id > mid).map((e) => e.id),
    );
    assert.deepEqual(
      replay.map((e) => e.changes),
      events.filter((e) => e.id > mid).map((e) => e.changes),
    );

    const bad = await fetch(`${srv.base}/v1/events`, { headers: { authorization: `Bearer ${srv.keys.bankA}`, 'last-event-id': 'yesterday' } });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { path: string }).path, 'Last-Event-ID');
    ac.abort();
    await reader;
  } finally {
    ac.abort();
    const closed = new Promise<void>((r) => receiver.server.close(() => r()));
    receiver.server.closeAllConnections();
    await closed;
    await srv.cleanup();
  }
});
