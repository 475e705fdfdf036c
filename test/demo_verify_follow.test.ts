// The demo's verify beside its day (issue #18: src/demo/verify_follower.ts and
// VerifyOptions.follow in src/journal/verify.ts): a verify that follows the
// journal while it is written gives exactly the report of a verify after the
// close: on a store revealed a few entries at a time (entries committed between
// its last read and the close included), with a snapshot at the journal's end,
// with a snapshot it had passed (verified again from the start), and through the
// worker on a real demo day.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDay } from '../src/demo/day.js';
import { VerifyFollower } from '../src/demo/verify_follower.js';
import { followUntilClosed } from '../src/demo/verify_worker.js';
import { demoScreen } from '../src/demo/screener.js';
import { initStore } from '../src/platform/store_tools.js';
import { Platform } from '../src/platform/platform.js';
import { verifyStore } from '../src/platform/verify_tools.js';
import { openStore } from '../src/store/open.js';
import type { Snapshot, Store } from '../src/store/types.js';

async function demoStore(dir: string, name: string): Promise<string> {
  const url = `sqlite:${join(dir, name)}`;
  await initStore(url, 'demo');
  const run = await runDay({ store: url, seed: 5, banks: 12, payments: 600, dns_share: 0.5, screen: demoScreen(), workers: 0, onProgress: () => {} });
  await run.platform.close();
  return url;
}

/**
 * The store as a reader sees it while the writer is still at work: the journal up
 * to `visible` entries. Each call of the follow callback reveals `step` more; at
 * the `closeAt`-th call the rest is committed and the writer closed at once, so a
 * follower that ends on seeing the close, without one more read, misses entries.
 */
function revealing(store: Store, end: number, step: number, closeAt: number, snapshot?: Snapshot) {
  let visible = 0;
  let calls = 0;
  let closed = false;
  let waited = 0;
  const reader = Object.create(store) as Store;
  reader.readJournal = (after, limit) => store.readJournal(after, Math.max(0, Math.min(limit, visible - after)));
  if (snapshot !== undefined) reader.loadSnapshot = async () => snapshot;
  const follow = followUntilClosed(
    () => closed,
    async () => {
      waited++;
    },
  );
  // The same store after the close: the whole journal (and the same snapshot).
  const closedStore = Object.create(store) as Store;
  if (snapshot !== undefined) closedStore.loadSnapshot = async () => snapshot;
  return {
    reader,
    closedStore,
    waited: () => waited,
    follow: async () => {
      calls++;
      if (calls >= closeAt) {
        visible = end;
        closed = true;
      } else visible = Math.min(end, visible + step);
      return follow();
    },
  };
}

test('a verify following the journal as it grows gives the report of a verify after the close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-verify-follow-'));
  try {
    const url = await demoStore(dir, 'day.db');
    const store = await openStore(url);
    try {
      const after = await Platform.verify(store);
      assert.equal(after.ok, true, after.problem ?? '');
      assert.ok(after.entries > 40, `a day of ${after.entries} entries`);
      assert.equal(after.head_record, 'recorded');
      for (const [step, closeAt] of [
        [7, 3],
        [1, 10_000],
        [50, 1],
      ] as const) {
        const r = revealing(store, after.entries, step, closeAt);
        const followed = await Platform.verify(r.reader, undefined, { follow: r.follow });
        assert.deepEqual(followed, after, `revealed ${step} at a time, closed at the ${closeAt}th wait`);
        if (closeAt > 1) assert.ok(r.waited() > 0, 'the follower caught up and waited');
      }
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a snapshot at the journal's end is compared; one the follower passed sends it back to the start", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-verify-follow-'));
  try {
    const url = await demoStore(dir, 'snap.db');
    // Opened and closed again with no minimum: a snapshot at the last entry, as the 1M-payment day's close writes.
    await (await Platform.open(url, { snapshot_min_events: 0 })).close();
    const store = await openStore(url);
    try {
      const snapshot = (await store.loadSnapshot())!;
      const after = await Platform.verify(store);
      assert.equal(after.ok, true, after.problem ?? '');
      assert.equal(after.snapshot_seq, after.entries, 'the snapshot is at the end');
      const r = revealing(store, after.entries, 9, 4);
      assert.deepEqual(await Platform.verify(r.reader, undefined, { follow: r.follow }), after);
      // A snapshot at the end that differs from the replay is named as a verify after the close names it.
      const body = Buffer.from(snapshot.body);
      body[body.length - 1]! ^= 1;
      const bent = revealing(store, after.entries, 9, 4, { seq: snapshot.seq, body });
      const bentAfter = await Platform.verify(bent.closedStore);
      assert.equal(bentAfter.ok, false);
      assert.deepEqual(await Platform.verify(bent.reader, undefined, { follow: bent.follow }), bentAfter);
      // A snapshot in the middle (a body that is not the state there): the follower had passed it, verifies again, and reports what a verify after the close does.
      const mid = revealing(store, after.entries, 9, 4, { seq: 20, body: snapshot.body });
      const midAfter = await Platform.verify(mid.closedStore);
      assert.equal(midAfter.ok, false);
      assert.equal(midAfter.first_bad_seq, 20);
      assert.deepEqual(await Platform.verify(mid.reader, undefined, { follow: mid.follow }), midAfter);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the demo's worker verifies the day as it runs and answers what verify gives after it", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-verify-follow-'));
  try {
    const url = `sqlite:${join(dir, 'worker.db')}`;
    await initStore(url, 'demo');
    const follower = new VerifyFollower(url);
    const run = await runDay({ store: url, seed: 9, banks: 12, payments: 800, dns_share: 0.5, screen: demoScreen(), workers: 1, onProgress: () => {} });
    await run.platform.close();
    const followed = await follower.closed();
    const { report } = await verifyStore(url);
    assert.equal(report.ok, true, report.problem ?? '');
    assert.deepEqual(followed, report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
