// Frozen ids (src/ledger/frozen_ids.ts): sorted runs with a filter and fences
// answer exactly which frozen records have an id hash and fingerprint, across
// freezes and the merges of runs; the radix sort is a stable sort by hash.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FrozenIds, newFrozenEntries, sortByHash } from '../src/ledger/frozen_ids.js';
import type { RecordSpill } from '../src/ledger/record_spill.js';

/** A spill in memory: bytes at positions, as a file would hold them. */
function memorySpill(): RecordSpill & { reads: number } {
  let bytes = new Uint8Array(1 << 16);
  let size = 0;
  return {
    reads: 0,
    write(b, length, position) {
      while (position + length > bytes.length) {
        const next = new Uint8Array(bytes.length * 2);
        next.set(bytes);
        bytes = next;
      }
      bytes.set(b.subarray(0, length), position);
      size = Math.max(size, position + length);
    },
    read(b, length, position) {
      this.reads++;
      if (position + length > size) throw new Error(`read past the end: ${position + length} > ${size}`);
      b.set(bytes.subarray(position, position + length));
    },
    get size() {
      return size;
    },
    close() {},
  };
}

test('sortByHash sorts by hash and keeps the order of equal hashes', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.nat({ max: 0xffff_ffff }).map((h) => (h % 7 === 0 ? h & 0xff : h)),
        { maxLength: 3000 },
      ),
      (hashes) => {
        const pairs = newFrozenEntries(hashes.length);
        hashes.forEach((h, i) => {
          pairs.hashes[i] = h;
          pairs.fps[i] = i * 3;
          pairs.records[i] = i;
        });
        const sorted = sortByHash(pairs);
        const expected = hashes.map((h, i) => [h, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        assert.deepEqual(
          [...sorted.hashes],
          expected.map((e) => e[0]),
        );
        assert.deepEqual(
          [...sorted.records],
          expected.map((e) => e[1]),
        );
        assert.deepEqual(
          [...sorted.fps],
          expected.map((e) => e[1] * 3),
        );
      },
    ),
    { numRuns: 60 },
  );
});

test('find visits exactly the frozen records with that hash and fingerprint, newest run first, across merges', () => {
  fc.assert(
    fc.property(
      // Batches of entries over a small hash and fingerprint space, so they collide often.
      fc.array(fc.array(fc.tuple(fc.nat({ max: 300 }), fc.nat({ max: 3 })), { minLength: 1, maxLength: 1500 }), { minLength: 1, maxLength: 18 }),
      fc.array(fc.tuple(fc.nat({ max: 320 }), fc.nat({ max: 4 })), { minLength: 1, maxLength: 60 }),
      (batches, queries) => {
        const frozen = new FrozenIds(memorySpill());
        const all: { hash: number; fp: number; record: number }[] = [];
        for (const batch of batches) {
          const entries = newFrozenEntries(batch.length);
          batch.forEach(([hash, fp], i) => {
            const record = all.length;
            entries.hashes[i] = hash;
            entries.fps[i] = fp;
            entries.records[i] = record;
            all.push({ hash, fp, record });
          });
          frozen.freeze(entries);
        }
        assert.equal(frozen.size, all.length);
        // Four runs of a tier merge into one: never more than 3 a tier.
        assert.ok(frozen.runCount <= 3 * Math.ceil(Math.log(batches.length + 1) / Math.log(4) + 1), `runs ${frozen.runCount}`);
        for (const [hash, fp] of queries) {
          const seen: number[] = [];
          assert.equal(
            frozen.find(hash, fp, (r) => {
              seen.push(r);
              return false;
            }),
            -1,
          );
          const expected = all.filter((e) => e.hash === hash && e.fp === fp).map((e) => e.record);
          assert.deepEqual(
            [...seen].sort((a, b) => a - b),
            expected,
          );
          // Stopping at a record returns it.
          if (expected.length > 0)
            assert.equal(
              frozen.find(hash, fp, (r) => r === expected[0]),
              expected[0],
            );
        }
      },
    ),
    { numRuns: 40 },
  );
});

test('a miss is answered by the filters alone almost always', () => {
  const spill = memorySpill();
  const frozen = new FrozenIds(spill);
  const n = 200_000;
  const entries = newFrozenEntries(n);
  for (let i = 0; i < n; i++) {
    entries.hashes[i] = Math.imul(i + 1, 0x9e3779b1) >>> 2;
    entries.fps[i] = i;
    entries.records[i] = i;
  }
  frozen.freeze(entries);
  const before = spill.reads;
  const probes = 100_000;
  for (let i = 0; i < probes; i++) frozen.find(Math.imul(n + i + 1, 0x9e3779b1) >>> 2, 7, () => true);
  const pageReads = spill.reads - before;
  assert.ok(pageReads < probes * 0.02, `page reads for ${probes} misses: ${pageReads}`);
  assert.ok(frozen.residentBytes < n * 2, `filter and fences: ${frozen.residentBytes} bytes for ${n} ids`);
});

/** Batch `b` of `n` entries: records numbered on from `first`, hashes spread. */
function batchOf(first: number, n: number): ReturnType<typeof newFrozenEntries> {
  const entries = newFrozenEntries(n);
  for (let i = 0; i < n; i++) {
    const r = first + i;
    entries.hashes[i] = Math.imul(r + 1, 0x9e3779b1) >>> 0;
    entries.fps[i] = r & 0xff;
    entries.records[i] = r;
  }
  return entries;
}

test('merged runs give their space back: the file stays near twice what the runs hold', () => {
  const spill = memorySpill();
  const frozen = new FrozenIds(spill);
  let records = 0;
  let worst = 0;
  // 341 freezes of 1,000: runs pass through five tiers (4^4 = 256 freezes make one run of tier 4).
  for (let f = 0; f < 341; f++) {
    frozen.freeze(batchOf(records, 1000));
    records += 1000;
    worst = Math.max(worst, frozen.fileBytes / frozen.runBytes);
  }
  assert.equal(frozen.size, records);
  // Without reuse every entry is written once per tier it reaches: five times the runs here.
  assert.ok(worst <= 2.5, `file / runs at worst ${worst.toFixed(2)}`);
  for (const r of [0, 999, 170_500, 340_999]) {
    const h = Math.imul(r + 1, 0x9e3779b1) >>> 0;
    assert.equal(
      frozen.find(h, r & 0xff, (x) => x === r),
      r,
    );
  }
});

test('a freeze the spill refuses part-way changes nothing a lookup sees, and later freezes still hold', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 24 }),
      fc.nat(),
      fc.nat({ max: 5 }),
      fc.nat({ max: 400 }),
      (sizes, failAt, failWrite, failLength) => {
        const spill = memorySpill();
        let writes = 0;
        let failing = -1;
        const write = spill.write.bind(spill);
        spill.write = (b, length, position) => {
          if (writes++ === failing) {
            // A short write lands some bytes, then the disk is full.
            write(b, Math.min(length, failLength), position);
            throw new Error('ENOSPC (test)');
          }
          write(b, length, position);
        };
        const frozen = new FrozenIds(spill);
        const held: number[] = [];
        let next = 0;
        for (const [k, n] of sizes.entries()) {
          // The freeze picked fails at its write number failWrite: its own run's, or a merge's.
          failing = k === failAt % sizes.length ? writes + failWrite : -1;
          const entries = batchOf(next, n);
          next += n;
          let refused = false;
          try {
            frozen.freeze(entries);
          } catch (e) {
            assert.match((e as Error).message, /ENOSPC/);
            refused = true;
          }
          if (!refused) for (let i = 0; i < n; i++) held.push(entries.records[i]!);
          failing = -1;
          assert.equal(frozen.size, held.length);
        }
        // Every record held is found; none of the refused batch is.
        const heldSet = new Set(held);
        for (let r = 0; r < next; r++) {
          const h = Math.imul(r + 1, 0x9e3779b1) >>> 0;
          const found = frozen.find(h, r & 0xff, (x) => x === r);
          assert.equal(found, heldSet.has(r) ? r : -1, `record ${r}`);
        }
        assert.ok(frozen.fileBytes <= 3 * frozen.runBytes + 3 * 700 * 12 + 6144 * 4, `file ${frozen.fileBytes}, runs ${frozen.runBytes}`);
      },
    ),
    { numRuns: 150 },
  );
});

test('a freeze run a step at a time: lookups see the runs as they were until its last step, then as a freeze at once leaves them', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 9_000 }), { minLength: 1, maxLength: 9 }), fc.integer({ min: 1, max: 20_000 }), (sizes, stepEntries) => {
      const stepped = new FrozenIds(memorySpill());
      const atOnce = new FrozenIds(memorySpill());
      let next = 0;
      const probe = (f: FrozenIds, r: number): number => f.find(Math.imul(r + 1, 0x9e3779b1) >>> 0, r & 0xff, (x) => x === r);
      for (const n of sizes) {
        const before = next;
        atOnce.freeze(batchOf(next, n));
        stepped.beginFreeze(batchOf(next, n));
        next += n;
        assert.throws(() => stepped.beginFreeze(batchOf(next, 1)), /already under way/);
        let steps = 0;
        for (;;) {
          const done = stepped.step(stepEntries);
          assert.equal(stepped.freezing, true);
          // Under way, and done but not committed: the new batch is not found yet, older ones are.
          assert.equal(probe(stepped, before), -1);
          if (before > 0) assert.equal(probe(stepped, before - 1), before - 1);
          if (done) break;
          steps++;
        }
        stepped.commitFreeze();
        assert.equal(stepped.freezing, false);
        // A freeze of n ids (plus merges) is several steps of stepEntries when n is well above it.
        if (n >= 4 * stepEntries) assert.ok(steps >= 3, `${steps} steps of ${stepEntries} for ${n}`);
        assert.equal(stepped.size, atOnce.size);
        assert.equal(stepped.runCount, atOnce.runCount);
      }
      for (let r = 0; r < next; r += 7) assert.equal(probe(stepped, r), probe(atOnce, r), `record ${r}`);
    }),
    { numRuns: 40 },
  );
});
