// Fault: a slow disk (issue 20, campaign item 2). There is no way to make the
// machine's fsync slow without root-only block-device tricks on a shared host, so
// every journal append of the real store (SQLite file, PostgreSQL server) is
// held back SLOW_MS before it is written and fsynced: a test-only delay in front
// of the real write path, not a mock of it. Asserted: no batch is acknowledged
// before another connection can read it; requests that pile up during a slow
// commit share the next one (group commit); the platform stays ready (/readyz
// 200: slow is not failed); after reopening, every acknowledged payment is there
// and verify passes.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JournalEntry, Store } from '../src/store/types.js';
import { makeBackend, postgresSkipReason } from './support/backends.js';
import { faultRow, journalReader, readiness, recover, runLoad, seededPlatform } from './support/faults.js';

const pgSkip = await postgresSkipReason();
const SLOW_MS = 120;
const BATCHES = 48;

/** The store with every journal append delayed; counts the appends. */
function slowed(store: Store, counter: { appends: number; active: boolean }): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'appendJournal') {
        return async (entries: readonly JournalEntry[]) => {
          if (counter.active) {
            counter.appends++;
            await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
          }
          return target.appendJournal(entries);
        };
      }
      const v = Reflect.get(target, key, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

for (const name of ['sqlite', 'postgres'] as const) {
  const skip = name === 'postgres' && pgSkip !== null ? pgSkip : false;
  describe(`slow fsync on ${name}`, { skip }, () => {
    it(`appends ${SLOW_MS} ms slow: acknowledgements wait for durability, requests share commits, the platform stays ready`, { timeout: 60_000 }, async () => {
      const backend = makeBackend(name);
      try {
        const counter = { appends: 0, active: false };
        const p = await seededPlatform(slowed(await backend.open(), counter));
        const ready = await readiness(p);
        const reader = await journalReader(backend.url!);
        counter.active = true;
        const t0 = performance.now();
        let during: number | null = null;
        const load = await runLoad(p, reader, {
          batches: BATCHES,
          per: 10,
          concurrency: 8,
          onAck: async (n) => {
            if (n === 4) during = (await ready.probe()).status;
          },
        });
        const elapsed_ms = performance.now() - t0;
        counter.active = false;
        await reader.close();
        await ready.close();
        assert.equal(load.first_error, null, String(load.first_error));
        assert.equal(load.batches_acked, BATCHES);
        assert.equal(during, 200, '/readyz answers 200 while commits are slow');
        assert.equal(p.health().writable, true);
        assert.ok(counter.appends < BATCHES, `${BATCHES} batches in ${counter.appends} commits: group commit absorbs the slow disk`);
        await p.close();
        const after = await recover(() => backend.open(), load.acked);
        assert.equal(after.lost, 0);
        assert.equal(after.verify, 'ok');
        faultRow(
          `slow fsync (${name}, +${SLOW_MS} ms per append)`,
          load.acked.length,
          after.lost,
          after.verify,
          `${BATCHES} batches in ${counter.appends} commits, ${Math.round(elapsed_ms)} ms; /readyz ${during} during`,
        );
      } finally {
        await backend.cleanup();
      }
    });
  });
}
