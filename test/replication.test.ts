// The journal replicated on a real three-node NATS JetStream cluster, in process:
// the wire form of an entry; an active engine and a standby on their own SQLite
// stores (the standby follows the stream, ends in the same state, refuses writes
// naming the active engine, and takes over when the active one stops); a member
// replica that verifies the stream and raises an alarm when the history it
// verified is rewritten or truncated — in process and through `replica --once`;
// a stale engine's pipelined appends fenced entry by entry.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { connect } from 'nats';
import { Platform } from '../src/platform/platform.js';
import { NotLeaderError } from '../src/platform/errors.js';
import { clusterConfig } from '../src/replication/cluster_config.js';
import { decodeEntryWire, encodeEntryWire, type ReplicatedEntry } from '../src/journal/replicated.js';
import { FencedError, StreamLog } from '../src/replication/stream_log.js';
import { buildCommandEntry, checkEntry, GENESIS_HASH } from '../src/journal/entry.js';
import { openStore } from '../src/store/open.js';
import type { JournalEntry } from '../src/store/types.js';
import { streamPrefix } from './support/nats.js';
import { replicationFile, until as untilHolds } from './support/replication_file.js';
import { BANKS, CB, payment, setupScheme } from './support/platform.js';

const file = replicationFile('repl');
const skip = file.skip;
const tempStore = file.tempStore;
const clusterOpts = file.clusterOpts;
const until = untilHolds;

test('an entry crosses the wire byte for byte, and a damaged one is refused', () => {
  const e = buildCommandEntry(1, 123n, Buffer.from('{"type":"x"}'), Buffer.alloc(32, 7), 3, GENESIS_HASH);
  const back = decodeEntryWire(encodeEntryWire(e));
  assert.deepEqual(back, e);
  assert.equal(checkEntry(back, 1, GENESIS_HASH), null);
  const wire = encodeEntryWire(e);
  wire[40] = wire[40]! ^ 1;
  assert.match(String(checkEntry(decodeEntryWire(wire), 1, GENESIS_HASH)), /checksum/);
  assert.throws(() => decodeEntryWire(wire.subarray(0, 50)), /wire entry/);
});

/** `n` command entries chained from `prev`, from position `from` on, their bodies naming `by`. */
function chainOf(from: number, n: number, prev: Buffer, by: string): ReplicatedEntry[] {
  const out: ReplicatedEntry[] = [];
  for (let i = 0; i < n; i++) {
    const entry = buildCommandEntry(from + i, BigInt(from + i), Buffer.from(`{"type":"x","by":"${by}"}`), Buffer.alloc(32, 7), 3, prev);
    out.push({ entry, state_digest: null });
    prev = entry.hash;
  }
  return out;
}

test("a stale engine's pipelined group cannot land on top of the entry another engine appended in its place", { skip: skip ?? false }, async () => {
  const config = clusterConfig(file.urls(), { prefix: streamPrefix(), lease_ms: 600 });
  const stale = await StreamLog.open(config, 'stale');
  const fresh = await StreamLog.open(config, 'fresh');
  try {
    const base = chainOf(1, 2, GENESIS_HASH, 'stale');
    await stale.publish(base);
    // The new engine fences at position 3; the stale one still sends its group 3..6 built on entry 2.
    const fence = chainOf(3, 1, base[1]!.entry.hash, 'fresh');
    await fresh.publish(fence);
    await assert.rejects(stale.publish(chainOf(3, 4, base[1]!.entry.hash, 'stale')), FencedError);
    assert.equal((await fresh.bounds()).last_seq, 3, 'no entry of the stale group landed after the fencing entry');
    assert.ok((await fresh.entryAt(3))!.entry.hash.equals(fence[0]!.entry.hash));
    // The new engine goes on appending on its own chain.
    await fresh.publish(chainOf(4, 2, fence[0]!.entry.hash, 'fresh'));
    assert.equal((await fresh.bounds()).last_seq, 5);
  } finally {
    await stale.close();
    await fresh.close();
  }
});

test('a standby follows the active engine to the same state, refuses writes naming it, and takes over when it stops', { skip: skip ?? false }, async () => {
  const prefix = streamPrefix();
  const fatal: string[] = [];
  const a = await Platform.open(tempStore('a'), { cluster: clusterOpts(prefix, 'a', 'engine', fatal) });
  await until('a active', () => a.clusterStatus()?.role === 'active');
  await setupScheme(a);
  await a.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1000.00' });
  const b = await Platform.open(tempStore('b'), { cluster: clusterOpts(prefix, 'b', 'engine', fatal) });
  try {
    for (let i = 0; i < 20; i++) await a.run({ type: 'submit_payments', payments: [payment(BANKS[0], BANKS[1], 'CNY', '1.00')] });
    await until('b caught up', () => b.clusterStatus()!.stream_seq === a.clusterStatus()!.stream_seq);
    assert.equal(b.clusterStatus()!.role, 'standby');
    assert.equal(b.stateDigest(), a.stateDigest(), 'the standby replayed to the same state');
    assert.equal(b.paymentCount(), 20);
    const refused = await b.execute({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1.00' }).catch((e: unknown) => e);
    assert.ok(refused instanceof NotLeaderError, String(refused));
    assert.equal(refused.leader, 'http://a.test');
    assert.match(refused.message, /standby; the active engine is at http:\/\/a\.test/);
    const head = a.journalHead();
    await a.close();
    await until('b active', () => b.clusterStatus()?.role === 'active');
    // The new active engine holds everything the old one acknowledged, then its fencing entry.
    assert.ok(b.journalHead().seq > head.seq);
    const out = await b.run<{ payments: Array<{ state: string }> }>({ type: 'submit_payments', payments: [payment(BANKS[0], BANKS[1], 'CNY', '1.00')] });
    assert.notEqual(out.payments[0]!.state, 'rejected');
    assert.equal(b.paymentCount(), 21);
    assert.deepEqual(fatal, []);
  } finally {
    await b.close();
    await a.close().catch(() => undefined);
  }
});

/** Replaces the stream with `entries` (an operator rewriting history): delete it, create it again, append them. */
async function replaceStream(prefix: string, entries: JournalEntry[]): Promise<void> {
  const nc = await connect({ servers: file.urls() });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(`${prefix}_JOURNAL`);
    await jsm.streams.add({ name: `${prefix}_JOURNAL`, subjects: [`${prefix.toLowerCase()}.journal`], num_replicas: 3 });
    const js = nc.jetstream();
    for (const e of entries) await js.publish(`${prefix.toLowerCase()}.journal`, encodeEntryWire(e));
  } finally {
    await nc.close();
  }
}

async function journalOf(url: string): Promise<JournalEntry[]> {
  const store = await openStore(url);
  try {
    return await store.readJournal(0, 10_000);
  } finally {
    await store.close();
  }
}

test('a member replica verifies the stream and raises an alarm on a truncated tail and on a rewritten entry', { skip: skip ?? false }, async () => {
  const prefix = streamPrefix();
  const fatal: string[] = [];
  const aUrl = tempStore('a');
  const a = await Platform.open(aUrl, { cluster: clusterOpts(prefix, 'a', 'engine', fatal) });
  await until('a active', () => a.clusterStatus()?.role === 'active');
  await setupScheme(a);
  await a.run({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1000.00' });
  for (let i = 0; i < 5; i++) await a.run({ type: 'submit_payments', payments: [payment(BANKS[0], BANKS[1], 'CNY', '1.00')] });
  const rUrl = tempStore('r');
  const r = await Platform.open(rUrl, { cluster: clusterOpts(prefix, 'r', 'replica', fatal) });
  await until('replica caught up', async () => (await r.checkReplicaHistory()).caught_up);
  assert.deepEqual(await r.checkReplicaHistory(), { caught_up: true, problem: null });
  assert.equal(r.clusterStatus()!.role, 'replica');
  assert.equal(r.stateDigest(), a.stateDigest());
  await assert.rejects(r.execute({ type: 'fund', participant: BANKS[0], currency: 'CNY', amount: '1.00' }), /member replica: it is read-only/);
  await a.close();
  const entries = await journalOf(aUrl);
  const n = entries.length;

  // Truncated: the stream loses its last three entries.
  await replaceStream(prefix, entries.slice(0, n - 3));
  const cut = await r.checkReplicaHistory();
  assert.match(String(cut.problem), new RegExp(`ends at entry ${n - 3}, but this store verified entries up to ${n}: the stream was truncated`));
  assert.ok(r.clusterStatus()!.alarms.length >= 1);
  await r.close();

  // Rewritten: entry n-2 replaced by another (its chain recomputed, so it checks out on its own), and the tail after it.
  const k = n - 2;
  const forged = buildCommandEntry(k, entries[k - 1]!.clock_ns + 1n, entries[k - 1]!.body, entries[k - 1]!.results.subarray(0, 32), 3, entries[k - 2]!.hash);
  await replaceStream(prefix, [...entries.slice(0, k - 1), forged]);
  const cli = spawnSync(
    process.execPath,
    ['bin/sco-settle.js', '--store', rUrl, 'replica', '--cluster', file.urls().join(','), '--stream-prefix', prefix, '--member', CB.CNY, '--once'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(cli.status, 4, cli.stderr);
  assert.match(cli.stderr, new RegExp(`ALARM: the journal stream holds another entry ${k} than this store verified`));
  const out = JSON.parse(cli.stdout) as { verified: boolean; currency: string; alarms: string[] };
  assert.equal(out.verified, false);
  assert.equal(out.currency, 'CNY');
  assert.deepEqual(fatal, []);
});

test('replica --once on an intact stream verifies and exits 0 with the member currency summary', { skip: skip ?? false }, async () => {
  const prefix = streamPrefix();
  const fatal: string[] = [];
  const a = await Platform.open(tempStore('a'), { cluster: clusterOpts(prefix, 'a', 'engine', fatal) });
  try {
    await until('a active', () => a.clusterStatus()?.role === 'active');
    await setupScheme(a);
    await a.run({ type: 'fund', participant: BANKS[2], currency: 'RUB', amount: '500.00' });
    const cli = spawnSync(
      process.execPath,
      ['bin/sco-settle.js', '--store', tempStore('r'), 'replica', '--cluster', file.urls().join(','), '--stream-prefix', prefix, '--member', 'RUB', '--once'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(cli.status, 0, cli.stderr);
    const out = JSON.parse(cli.stdout) as { verified: boolean; currency: string; journal_head: string; state_digest: string; issued_minor: string };
    assert.equal(out.verified, true);
    assert.equal(out.currency, 'RUB');
    const head = a.journalHead();
    assert.equal(out.journal_head, `${head.seq}:${head.head_hash}`);
    assert.equal(out.state_digest, a.stateDigest());
    assert.equal(out.issued_minor, '50000');
  } finally {
    await a.close();
  }
});
