// Two engines active at once (nats-server 2.9's key-value compare-and-set race
// lets two standbys both take the lease): the stream fences the one whose append
// lands second, and nothing that engine acknowledges may be missing from the
// stream. The incident this guards: the fenced engine still held its failed
// group's payments in memory, and a client retrying that request by its
// Idempotency-Key was answered 200 with their states (a keyed retry of payments
// the state already holds is answered from the state), though no journal had them.
//
// The lease check is bypassed on the first engine (its appends go out as if it
// still held a valid lease) and its group is held back until the second engine
// has taken the lease and appended its fencing entry; then every payment any
// answer acknowledged must be on the new active engine.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import { Platform, type PlatformClusterOptions } from '../src/platform/platform.js';
import { buildApi, type Api } from '../src/api/server.js';
import { UserDirectory } from '../src/http/auth.js';
import type { StreamLog } from '../src/replication/stream_log.js';
import type { ReplicatedEntry } from '../src/journal/replicated.js';
import { streamPrefix } from './support/nats.js';
import { replicationFile, until as untilHolds } from './support/replication_file.js';
import { BANKS, payment, setupScheme } from './support/platform.js';

const file = replicationFile('double');
const skip = file.skip;
const tempStore = file.tempStore;
const clusterOpts = (prefix: string, node_id: string, fatal: string[]): PlatformClusterOptions => file.clusterOpts(prefix, node_id, 'engine', fatal);
const until = (what: string, ok: () => boolean | Promise<boolean>, timeout_ms = 20_000): Promise<void> => untilHolds(what, ok, timeout_ms, 10);

/** The engine's stream log (its replicator), to hold its appends back and bypass its lease check. */
function streamLogOf(p: Platform): StreamLog {
  return (p as unknown as { cluster: { log: StreamLog } }).cluster.log;
}

/** Holds every append of `log` until the returned release() is called; the lease check is bypassed meanwhile. */
function holdAppends(log: StreamLog): { release: () => void; held: () => number } {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let held = 0;
  const publish = log.publish.bind(log);
  log.mayAppend = async () => undefined;
  log.publish = async (items: readonly ReplicatedEntry[]) => {
    held++;
    await gate;
    return publish(items);
  };
  return { release, held: () => held };
}

/** Another engine takes the lease while this one still counts it valid: the key is removed, as a lapse would let it be taken. */
async function dropLease(prefix: string): Promise<void> {
  const nc = await connect({ servers: file.urls() });
  try {
    const kv = await nc.jetstream().views.kv(`${prefix}_LEASE`);
    await kv.delete('active');
  } finally {
    await nc.close();
  }
}

interface Answer {
  status: number;
  payments: Array<{ uetr: string; state: string }>;
}

async function post(api: Api, token: string, key: string, body: unknown): Promise<Answer> {
  const r = await api.app.inject({
    method: 'POST',
    url: '/v1/payments',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
    payload: JSON.stringify(body),
  });
  const parsed = r.json() as { payments?: Answer['payments'] };
  return { status: r.statusCode, payments: parsed.payments ?? [] };
}

test('an engine fenced by a second active engine acknowledges nothing the stream does not hold, a keyed retry included', { skip: skip ?? false }, async () => {
  const prefix = streamPrefix();
  const fatal: string[] = [];
  const a = await Platform.open(tempStore('a'), { cluster: clusterOpts(prefix, 'a', fatal) });
  let b: Platform | null = null;
  let api: Api | null = null;
  try {
    await until('a active', () => a.clusterStatus()?.role === 'active');
    await setupScheme(a);
    await a.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1000.00' });
    const users = await UserDirectory.load(a);
    await users.createUser('bank', 'operator', null);
    const token = (await users.createKey('bank')).token;
    api = await buildApi({ platform: a, users, logLevel: false, rateLimit: null });
    b = await Platform.open(tempStore('b'), { cluster: clusterOpts(prefix, 'b', fatal) });
    const standby = b;
    await until('b caught up', () => standby.clusterStatus()!.stream_seq === a.clusterStatus()!.stream_seq);

    // a's group of ten payments is executed and sent to the stream, but held in flight.
    const hold = holdAppends(streamLogOf(a));
    const body = { payments: Array.from({ length: 10 }, () => payment(BANKS[0], BANKS[1], 'CNY', '1.00')) };
    const uetrs = body.payments.map((p) => p.uetr as string);
    const first = post(api, token, 'k-1', body);
    await until('the group in flight', () => hold.held() > 0 && a.payment(uetrs[0]!) !== undefined);

    // b takes the lease too and fences; a's held group then meets b's fencing entry in the stream.
    await dropLease(prefix);
    await until('b active', () => standby.clusterStatus()?.role === 'active');
    hold.release();
    const answers: Answer[] = [await first];
    assert.equal(answers[0]!.status, 503, 'the fenced group is not acknowledged');
    assert.ok(a.payment(uetrs[0]!) !== undefined, "a's memory holds the fenced group's payments");

    // The client retries by its key, on a (it still answers until its process exits).
    answers.push(await post(api, token, 'k-1', body));

    // Any state but rejected acknowledges the payment as taken (here: warehoused, the wall clock being past the test day's cut-off).
    const acked = answers.flatMap((x) => (x.status === 200 ? x.payments.filter((p) => p.state !== 'rejected') : []));
    const missing = acked.filter((p) => {
      const on = standby.payment(p.uetr);
      return on === undefined || on.state === 'rejected';
    });
    assert.deepEqual(
      missing.map((p) => p.uetr),
      [],
      `acknowledged payments the new active engine does not hold (answers: ${JSON.stringify(answers.map((x) => x.status))})`,
    );
    assert.equal(answers[1]!.status, 503, 'the fenced engine refuses the retry');
    assert.equal(standby.payment(uetrs[0]!), undefined, 'the fenced group is in no journal');
  } finally {
    await api?.shutdown().catch(() => undefined);
    await a.close().catch(() => undefined);
    await b?.close().catch(() => undefined);
  }
});
