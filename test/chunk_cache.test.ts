// The spilled-chunk cache shared by the ledger's transfer log and the payment book,
// and the spill settings read from the environment.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ChunkCache } from '../src/ledger/chunk_cache.js';
import { spillSettings } from '../src/store/spill_file.js';

describe('ChunkCache', () => {
  test('keeps the most recently used chunks and reuses the evicted buffer for the next read', () => {
    const reads: number[] = [];
    let fresh = 0;
    const cache = new ChunkCache<{ chunk: number }>(2);
    const get = (c: number) =>
      cache.get(
        c,
        (into) => {
          reads.push(c);
          into.chunk = c;
        },
        () => ({ chunk: -1, n: fresh++ }),
      );
    const a = get(0);
    const b = get(1);
    assert.equal(get(0), a, 'a hit is the same buffer');
    assert.deepEqual(reads, [0, 1]);
    const c = get(2); // chunk 1 is the least recently used now
    assert.equal(c, b, "chunk 1's buffer is reused for chunk 2");
    assert.equal(c.chunk, 2);
    assert.equal(fresh, 2);
    get(1);
    assert.deepEqual(reads, [0, 1, 2, 1], 'chunk 1 was read again; chunk 0 went');
    assert.equal(cache.size, 2);
    cache.put(7, { chunk: 7 });
    assert.equal(cache.size, 2);
    assert.deepEqual(
      [...cache.values()].map((x) => x.chunk),
      [1, 7],
    );
    cache.delete(7);
    assert.equal(cache.size, 1);
    cache.clear();
    assert.equal(cache.size, 0);
  });

  test('refuses a capacity below one', () => {
    assert.throws(() => new ChunkCache(0), /at least one chunk/);
  });
});

describe('spillSettings', () => {
  test('reads SCO_SETTLE_<name>_SPILL, _DIR and _MAX_BYTES, with the default where absent or not a whole number', () => {
    const on = spillSettings('LEDGER', 'x', 99, { SCO_SETTLE_LEDGER_SPILL_DIR: '/d', SCO_SETTLE_LEDGER_SPILL_MAX_BYTES: '4096' });
    assert.deepEqual(on, { enabled: true, place: { dir: '/d', prefix: 'x', max_bytes: 4096, max_name: 'SCO_SETTLE_LEDGER_SPILL_MAX_BYTES' } });
    const off = spillSettings('PAYMENT', 'y', 99, { SCO_SETTLE_PAYMENT_SPILL: '0', SCO_SETTLE_PAYMENT_SPILL_MAX_BYTES: '-1' });
    assert.equal(off.enabled, false);
    assert.equal(off.place.max_bytes, 99);
    assert.equal(spillSettings('PAYMENT', 'y', 99, { SCO_SETTLE_PAYMENT_SPILL_MAX_BYTES: 'lots' }).place.max_bytes, 99);
  });
});
