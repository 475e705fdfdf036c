// The SQLite store's head file (PATH.head) is durable before an append is
// acknowledged, at one fdatasync per group commit. Watched from outside with
// strace on a real process writing a real file: every fdatasync/fsync the
// process makes is counted by the file it names (strace -y), for sequential
// appends (one group each) and for concurrent ones (shared groups).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const strace = spawnSync('strace', ['-V'], { encoding: 'utf8' });
const skip = strace.status === 0 ? false : 'strace is not installed (apt-get install -y strace)';
const DIST_SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Runs a writer under strace; returns the fsync-family calls per file name and what the writer printed. */
function traced(db: string, mode: 'sequential' | 'concurrent', n: number): { syncs: Map<string, number>; out: string } {
  const script = `
    const { DurableLedger } = await import(${JSON.stringify(join(DIST_SRC, 'journal/durable_ledger.js'))});
    const { openStore } = await import(${JSON.stringify(join(DIST_SRC, 'store/open.js'))});
    const { emptyAccount, emptyTransfer } = await import(${JSON.stringify(join(DIST_SRC, 'ledger/types.js'))});
    let t = 1n;
    const ledger = await DurableLedger.open(await openStore(${JSON.stringify(`sqlite:${db}`)}), { clock: () => (t += 1000n), index_idle_ms: 600000, snapshot_min_events: 1e9 });
    await ledger.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
    process.stdout.write('MARK\\n');
    const tr = (i) => ({ ...emptyTransfer(BigInt(100 + i)), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 });
    if (${JSON.stringify(mode)} === 'sequential') { for (let i = 0; i < ${n}; i++) await ledger.createTransfers([tr(i)]); }
    else await Promise.all(Array.from({ length: ${n} }, (_, i) => ledger.createTransfers([tr(i)])));
    process.stdout.write('DONE\\n');
    await ledger.close();
  `;
  return runTraced(script);
}

/** Runs a script under strace; the fsync-family calls between its MARK and DONE lines, per file name, and its stdout. */
function runTraced(script: string): { syncs: Map<string, number>; out: string } {
  const r = spawnSync('strace', ['-f', '-y', '-qq', '-e', 'trace=fsync,fdatasync,write', process.execPath, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  // Only the calls between the writer's two marks: the appends, not the open or the close.
  const lines = r.stderr.split('\n');
  const from = lines.findIndex((l) => l.includes('MARK'));
  const to = lines.findIndex((l) => l.includes('DONE'));
  assert.ok(from >= 0 && to > from, 'both marks traced');
  const syncs = new Map<string, number>();
  for (const l of lines.slice(from, to)) {
    const m = /(?:fsync|fdatasync)\(\d+<([^>]+)>\)\s+=\s+0/.exec(l);
    if (m !== null) syncs.set(m[1]!, (syncs.get(m[1]!) ?? 0) + 1);
  }
  return { syncs, out: r.stdout };
}

function count(syncs: Map<string, number>, suffix: string): number {
  let n = 0;
  for (const [path, c] of syncs) if (path.endsWith(suffix)) n += c;
  return n;
}

test('sequential appends: each is acknowledged after its own fdatasync of PATH.head (and of the journal)', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-headsync-'));
  try {
    const { syncs } = traced(join(dir, 's.db'), 'sequential', 20);
    const head = count(syncs, 's.db.head');
    const wal = count(syncs, 's.db-wal');
    assert.ok(head >= 20, `head file synced ${head} times for 20 acknowledged appends (${JSON.stringify([...syncs])})`);
    assert.ok(head <= wal + 1, `no more head syncs (${head}) than journal commits (${wal})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('concurrent appends share group commits: one head fdatasync per group, not per batch', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-headsync-'));
  try {
    const { syncs } = traced(join(dir, 'c.db'), 'concurrent', 64);
    const head = count(syncs, 'c.db.head');
    const wal = count(syncs, 'c.db-wal');
    assert.ok(head >= 1, `head file synced (${JSON.stringify([...syncs])})`);
    assert.ok(head < 64, `${head} head syncs for 64 batches: grouped`);
    assert.ok(head <= wal + 1, `no more head syncs (${head}) than journal commits (${wal})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A follower (cluster standby or member replica) applying `n` entries one by one under strace; it then becomes active and appends one. */
function tracedFollower(db: string, n: number): { syncs: Map<string, number>; out: string } {
  const script = `
    const { DurableLedger } = await import(${JSON.stringify(join(DIST_SRC, 'journal/durable_ledger.js'))});
    const { openStore } = await import(${JSON.stringify(join(DIST_SRC, 'store/open.js'))});
    const { emptyAccount, emptyTransfer } = await import(${JSON.stringify(join(DIST_SRC, 'ledger/types.js'))});
    let t = 1n;
    const clock = () => (t += 1000n);
    const tr = (i) => ({ ...emptyTransfer(BigInt(100 + i)), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 });
    const leader = await DurableLedger.open(await openStore('memory:'), { clock });
    await leader.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
    for (let i = 0; i < ${n}; i++) await leader.createTransfers([tr(i)]);
    const entries = await leader.store.readJournal(0, ${n} + 1);
    const follower = await DurableLedger.open(await openStore(${JSON.stringify(`sqlite:${db}`)}), { clock, follower: true, index_idle_ms: 600000, snapshot_min_events: 1e9 });
    process.stdout.write('MARK\\n');
    for (const entry of entries) await follower.applyFollowed([{ entry, state_digest: null }]);
    // What it applied reaches its store within FOLLOWER_APPEND_MS; now, rather than wait for it.
    await follower.flushFollowed();
    process.stdout.write('DONE\\n');
    const following = await follower.store.recordedHead();
    await follower.activate();
    await follower.createTransfers([tr(${n})]);
    const active = await follower.store.recordedHead();
    await follower.close();
    const reopened = await DurableLedger.open(await openStore(${JSON.stringify(`sqlite:${db}`)}), { clock });
    process.stdout.write(JSON.stringify({ following: following.seq, active: active.seq, reopened: reopened.journal_seq }) + '\\n');
    await reopened.close();
  `;
  return runTraced(script);
}

test("a follower's appends are not flushed one by one: its durability is the replicated log; becoming active, its first append flushes and records the head", {
  skip,
}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-headsync-'));
  try {
    const n = 40;
    const { syncs, out } = tracedFollower(join(dir, 'f.db'), n);
    const head = count(syncs, 'f.db.head');
    const wal = count(syncs, 'f.db-wal');
    // One flush per second of following at most (the first append's, and one more if the host was slow); a flush per entry was 41.
    assert.ok(wal <= 4 && head <= 4, `${wal} journal and ${head} head syncs for ${n + 1} entries applied one by one (${JSON.stringify([...syncs])})`);
    const figures = JSON.parse(out.trim().split('\n').pop()!) as { following: number; active: number; reopened: number };
    assert.ok(figures.following >= 1 && figures.following <= n + 1, `the head record while following (${figures.following}) is within the journal`);
    assert.equal(figures.active, n + 2, 'the first active append records the head past every followed entry');
    assert.equal(figures.reopened, n + 2, 'the store reopens with every entry');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const nats = spawnSync(process.env.SCO_SETTLE_NATS_SERVER ?? 'nats-server', ['--version'], { encoding: 'utf8' });
const skipCluster = skip !== false ? skip : nats.status === 0 ? false : 'nats-server is not installed';

test('an active cluster engine acknowledges a group once the stream holds it and its own local copy is flushed, group by group', {
  skip: skipCluster,
}, async () => {
  const { LocalNatsCluster } = (await import(join(DIST_SRC, 'replication/local_cluster.js'))) as typeof import('../src/replication/local_cluster.js');
  const cluster = await LocalNatsCluster.start();
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-headsync-'));
  try {
    const n = 40;
    const db = join(dir, 'a.db');
    const script = `
      const { DurableLedger } = await import(${JSON.stringify(join(DIST_SRC, 'journal/durable_ledger.js'))});
      const { openStore } = await import(${JSON.stringify(join(DIST_SRC, 'store/open.js'))});
      const { emptyAccount, emptyTransfer } = await import(${JSON.stringify(join(DIST_SRC, 'ledger/types.js'))});
      const { StreamLog } = await import(${JSON.stringify(join(DIST_SRC, 'replication/stream_log.js'))});
      const { clusterConfig } = await import(${JSON.stringify(join(DIST_SRC, 'replication/cluster_config.js'))});
      let t = 1n;
      const log = await StreamLog.open(clusterConfig(${JSON.stringify(cluster.urls)}), 'e1');
      const ledger = await DurableLedger.open(await openStore(${JSON.stringify(`sqlite:${db}`)}), { clock: () => (t += 1000n), replicator: log, index_idle_ms: 600000, snapshot_min_events: 1e9 });
      await ledger.createAccounts([emptyAccount(1n, 156, 1, 0), emptyAccount(2n, 156, 1, 0)]);
      const tr = (i) => ({ ...emptyTransfer(BigInt(100 + i)), debit_account_id: 1n, credit_account_id: 2n, amount: 1n, ledger: 156, code: 1 });
      process.stdout.write('MARK\\n');
      const inStream = [];
      for (let i = 0; i < ${n}; i++) {
        await ledger.createTransfers([tr(i)]);
        // Acknowledged: the stream already holds the entry.
        inStream.push((await log.bounds()).last_seq === ledger.durable_head.seq);
      }
      process.stdout.write('DONE\\n');
      await ledger.close();
      await log.close();
      const reopened = await DurableLedger.open(await openStore(${JSON.stringify(`sqlite:${db}`)}), { clock: () => (t += 1000n) });
      process.stdout.write(JSON.stringify({ inStream: inStream.every(Boolean), reopened: reopened.journal_seq }) + '\\n');
      await reopened.close();
    `;
    const { syncs, out } = runTraced(script);
    const head = count(syncs, 'a.db.head');
    const wal = count(syncs, 'a.db-wal');
    // The writer's promise: each acknowledged group is on its own disk too (a follower's flush once a second is not its).
    assert.ok(wal >= n && head >= n, `${wal} journal and ${head} head syncs for ${n} acknowledged groups (${JSON.stringify([...syncs])})`);
    assert.ok(head <= wal + 1, `no more head syncs (${head}) than journal commits (${wal})`);
    const figures = JSON.parse(out.trim().split('\n').pop()!) as { inStream: boolean; reopened: number };
    assert.equal(figures.inStream, true, 'every acknowledged entry was in the stream');
    assert.equal(figures.reopened, n + 1, 'the store reopens with every entry');
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
