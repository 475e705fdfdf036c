// The journal stream's appends with their acks on one subscription
// (src/replication/stream_log.ts): each entry is stored exactly as the client
// library's JetStream publish stored it (payload and headers: node, digest,
// message id, expected last message id and sequence); a retried append that
// landed is answered as a duplicate at its position; an append the stream does
// not answer (no stream on the subject) stalls the log with the reason, and
// closing the log ends it. A follower gathers what arrives close together into
// one batch, takes a backlog once and in order, ends on a failed apply or a
// message that is no entry, and holds at most two batches however far behind.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, headers } from 'nats';
import type { ReplicatedEntry } from '../src/journal/replicated.js';
import { encodeEntryWire } from '../src/journal/replicated.js';
import { buildCommandEntry, GENESIS_HASH } from '../src/journal/entry.js';
import { clusterConfig } from '../src/replication/cluster_config.js';
import { FOLLOW_BATCH_MAX, StreamLog } from '../src/replication/stream_log.js';
import { streamPrefix } from './support/nats.js';
import { replicationFile, until } from './support/replication_file.js';

const file = replicationFile('acks');
const skip = file.skip;

/** `n` command entries chained from the genesis hash; every other one carries a state digest. */
function chain(n: number): ReplicatedEntry[] {
  const out: ReplicatedEntry[] = [];
  let prev: Buffer = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const entry = buildCommandEntry(i, BigInt(i) * 1_000n, Buffer.from(`{"type":"x","i":${i}}`), Buffer.alloc(32, i), 3, prev);
    out.push({ entry, state_digest: i % 2 === 0 ? Buffer.alloc(32, 0xa0 + i) : null });
    prev = entry.hash;
  }
  return out;
}

test('every entry is stored as the JetStream publish stored it, and a retried append that landed is a duplicate', { skip: skip ?? false }, async () => {
  const mine = await StreamLog.open(clusterConfig(file.urls(), { prefix: streamPrefix() }), 'e1');
  const theirs = await StreamLog.open(clusterConfig(file.urls(), { prefix: streamPrefix() }), 'e1');
  const nc = await connect({ servers: file.urls() });
  try {
    const items = chain(6);
    // Pipelined groups, as an active engine publishes them.
    await mine.publish(items.slice(0, 1));
    await mine.publish(items.slice(1, 4));
    await mine.publish(items.slice(4));
    // The same entries through the client library's JetStream publish, with the options the log used to pass it.
    const js = nc.jetstream();
    const groups = [items.slice(0, 1), items.slice(1, 4), items.slice(4)];
    for (const g of groups) {
      await Promise.all(
        g.map(({ entry, state_digest }, i) => {
          const h = headers();
          h.set('Sco-Node', 'e1');
          if (state_digest !== null) h.set('Sco-State-Digest', state_digest.toString('hex'));
          const before = i === 0 ? null : g[i - 1]!.entry;
          return js.publish(theirs.config.subject, encodeEntryWire(entry), {
            msgID: `${entry.seq}:${entry.hash.toString('hex')}`,
            expect:
              before === null ? { lastSequence: entry.seq - 1 } : { lastSequence: entry.seq - 1, lastMsgID: `${before.seq}:${before.hash.toString('hex')}` },
            headers: h,
          });
        }),
      );
    }
    for (let seq = 1; seq <= items.length; seq++) {
      const a = await mine.jsm.streams.getMessage(mine.config.stream, { seq });
      const b = await theirs.jsm.streams.getMessage(theirs.config.stream, { seq });
      assert.deepEqual(Buffer.from(a.data), Buffer.from(b.data), `entry ${seq}'s payload`);
      assert.deepEqual([...a.header], [...b.header], `entry ${seq}'s headers`);
      const back = await mine.entryAt(seq);
      assert.ok(back!.entry.hash.equals(items[seq - 1]!.entry.hash));
      assert.deepEqual(back!.state_digest, items[seq - 1]!.state_digest);
      assert.equal(back!.node, 'e1');
    }
    // A retry of entries that did land (an append whose ack was lost): answered as duplicates, nothing appended.
    await mine.publish(items.slice(4));
    await mine.publish(items.slice(5));
    assert.equal((await mine.bounds()).last_seq, 6);
    assert.equal(mine.stalled, null);
  } finally {
    await mine.close();
    await theirs.close();
    await nc.close();
  }
});

test('an append nothing answers stalls the log naming why, and closing the log ends it', { skip: skip ?? false }, async () => {
  const log = await StreamLog.open(clusterConfig(file.urls(), { prefix: streamPrefix() }), 'e1');
  try {
    await log.publish(chain(1));
    // No stream takes the subject any more: the server answers every append "no responders".
    await log.jsm.streams.delete(log.config.stream);
    const pending = log.publish(chain(2).slice(1));
    let outcome: string | null = null;
    pending.then(
      () => (outcome = 'resolved'),
      (err: Error) => (outcome = `rejected: ${err.message}`),
    );
    await until('the log reports itself stalled', () => log.stalled !== null, 10_000);
    assert.match(log.stalled!, /does not take appends \(no responders/);
    assert.equal(outcome, null, 'nothing acknowledged while the stream does not answer');
    await log.close();
    await assert.rejects(pending, /does not take appends/);
  } finally {
    await log.close();
  }
});

test('a follower applies the entries that arrive within a few ms of each other as one batch', { skip: skip ?? false }, async () => {
  const log = await StreamLog.open(clusterConfig(file.urls(), { prefix: streamPrefix() }), 'e1');
  const batches: number[][] = [];
  try {
    const items = chain(4);
    const f = await log.follow(1, async (batch) => {
      batches.push(batch.map((b) => b.entry.seq));
    });
    // Each publish waits for its ack (a round trip of about a millisecond on loopback): the follower sees the
    // first entry alone before the next one arrives, and would apply it alone at once (one apply per arrival).
    const t0 = performance.now();
    let two_ms = 0;
    for (let i = 0; i < items.length; i++) {
      await log.publish(items.slice(i, i + 1));
      if (i === 1) two_ms = performance.now() - t0;
    }
    await until('the follower applied every entry', () => batches.flat().length === items.length, 10_000);
    f.stop();
    await f.done;
    assert.deepEqual(batches.flat(), [1, 2, 3, 4], 'every entry once, in order');
    // A loaded host may stretch the publishes past the gathering window (25 ms): then the batches say nothing.
    if (two_ms < 20)
      assert.ok(batches[0]!.length >= 2, `the first two entries in one batch (published in ${two_ms.toFixed(1)} ms): ${JSON.stringify(batches)}`);
  } finally {
    await log.close();
  }
});

test('a follower gets a backlog once and in order, and ends with the error of an apply or of a message that is no entry', { skip: skip ?? false }, async () => {
  const log = await StreamLog.open(clusterConfig(file.urls(), { prefix: streamPrefix() }), 'e1');
  const nc = await connect({ servers: file.urls() });
  try {
    const items = chain(40);
    for (let i = 0; i < items.length; i += 8) await log.publish(items.slice(i, i + 8));
    // A backlog from entry 3 on, then entries published while it follows.
    const seen: number[] = [];
    const f = await log.follow(3, async (batch) => {
      for (const b of batch) seen.push(b.entry.seq);
    });
    await until('the follower applied the backlog', () => seen.length === items.length - 2, 10_000);
    const more = chain(44).slice(40);
    await log.publish(more);
    await until('the follower applied the new entries', () => seen.length === 42, 10_000);
    f.stop();
    await f.done;
    assert.deepEqual(
      seen,
      Array.from({ length: 42 }, (_, i) => i + 3),
      'every entry once, in order',
    );

    // An apply that throws ends the follower with its error (the engine stops, a replica raises an alarm).
    let calls = 0;
    const g = await log.follow(1, async () => {
      calls++;
      throw new Error('planted apply failure');
    });
    await assert.rejects(g.done, /planted apply failure/);
    assert.equal(calls, 1, 'nothing applied after the failure');

    // A message on the journal's subject that is no entry: the follower ends naming it, after applying what came before.
    await nc.publish(log.config.subject, Buffer.from('not an entry'));
    await nc.flush();
    const applied: number[] = [];
    const h = await log.follow(40, async (batch) => {
      for (const b of batch) applied.push(b.entry.seq);
    });
    await assert.rejects(h.done, /wire entry/);
    assert.deepEqual(applied, [40, 41, 42, 43, 44]);
  } finally {
    await log.close();
    await nc.close();
  }
});

test('a follower far behind holds at most two batches while it applies slowly, and takes every entry once, in order', { skip: skip ?? false }, async () => {
  const log = await StreamLog.open(clusterConfig(file.urls(), { prefix: streamPrefix() }), 'e1');
  try {
    const n = 20_000;
    const items = chain(n);
    for (let i = 0; i < n; i += 500) await log.publish(items.slice(i, i + 500));
    const seen: number[] = [];
    let largest = 0;
    let handle: { readonly held_max: number } | null = null;
    // A slow apply: each batch waits until the follower has taken no more for 100 ms (at most 5 s), so a follower
    // that went on taking messages while it applies would hold the stream's whole tail before the batch ends.
    const f = await log.follow(1, async (batch) => {
      largest = Math.max(largest, batch.length);
      for (const b of batch) seen.push(b.entry.seq);
      let before = -1;
      for (let waited = 0; waited < 5_000 && handle?.held_max !== before; waited += 100) {
        before = handle?.held_max ?? 0;
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    handle = f;
    await until('the follower applied every entry', () => seen.length >= n, 120_000);
    f.stop();
    await f.done;
    assert.equal(seen.length, n, 'every entry once');
    assert.ok(
      seen.every((seq, i) => seq === i + 1),
      'in order, no gap',
    );
    assert.ok(largest <= FOLLOW_BATCH_MAX, `batches of at most ${FOLLOW_BATCH_MAX} entries (largest ${largest})`);
    assert.ok(f.held_max <= 2 * FOLLOW_BATCH_MAX, `at most ${2 * FOLLOW_BATCH_MAX} entries held at once (held ${f.held_max})`);
    // The bound was reached, not just never approached: a whole batch waited while one applied.
    assert.ok(f.held_max > FOLLOW_BATCH_MAX, `a batch waited while one applied (held ${f.held_max})`);
    // Following on after the catch-up: new entries still arrive, once.
    const more = chain(n + 3).slice(n);
    const g = await log.follow(n - 1, async (batch) => {
      for (const b of batch) seen.push(b.entry.seq);
    });
    await log.publish(more);
    await until('the follower applied the new entries', () => seen.length === n + 5, 10_000);
    g.stop();
    await g.done;
    assert.deepEqual(seen.slice(n), [n - 1, n, n + 1, n + 2, n + 3]);
  } finally {
    await log.close();
  }
});
