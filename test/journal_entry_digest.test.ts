// A journal entry's checksum and chain hash (src/journal/entry.ts) are the same
// bytes whichever way they are taken: small command entries are hashed one-shot
// over their bytes together, large ones fed piece by piece; both must equal the
// layout's definition, sha256(header ‖ body ‖ results) and sha256(prev ‖ checksum),
// or no store written before would verify.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { buildCommandEntry, checkEntry } from '../src/journal/entry.js';
import { OP_COMMAND_VERSIONED } from '../src/store/types.js';

function reference(seq: number, clock_ns: bigint, body: Buffer, results: Buffer, prev: Buffer): { checksum: Buffer; hash: Buffer } {
  const header = Buffer.alloc(25);
  header.writeBigUInt64LE(BigInt(seq), 0);
  header.writeUInt8(OP_COMMAND_VERSIONED, 8);
  header.writeBigUInt64LE(clock_ns, 9);
  header.writeUInt32LE(1, 17);
  header.writeUInt32LE(body.length, 21);
  const checksum = createHash('sha256').update(header).update(body).update(results).digest();
  return { checksum, hash: createHash('sha256').update(prev).update(checksum).digest() };
}

test('command entries small and large: checksum and chain hash as the layout defines them, and they check', () => {
  // Lengths around the one-shot bound (4,096 bytes) and far from it.
  const length = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 4_000, max: 4_200 }), fc.integer({ min: 20_000, max: 70_000 }));
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 40 }),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      length,
      fc.integer({ min: 0, max: 255 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.integer({ min: 1, max: 0xffff_ffff }),
      (seq, clock_ns, n, fill, digest, prev, rules) => {
        const body = Buffer.alloc(n, fill);
        if (n > 0) body[n - 1] = (fill + 1) & 0xff;
        const e = buildCommandEntry(seq, clock_ns, body, Buffer.from(digest), rules, Buffer.from(prev));
        const ref = reference(seq, clock_ns, body, e.results, Buffer.from(prev));
        assert.deepEqual(e.checksum, ref.checksum);
        assert.deepEqual(e.hash, ref.hash);
        assert.equal(checkEntry(e, seq, Buffer.from(prev)), null);
      },
    ),
    { numRuns: 300 },
  );
});
