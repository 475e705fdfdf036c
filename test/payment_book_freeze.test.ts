// The payment book with old positions frozen (src/platform/payment_columns.ts and
// the frozen UETR runs): blocks of 16 positions freeze, so a short random sequence
// of set / changed / compact / revive crosses many freezes. Every read (get, has,
// at, stateAt, values, select, mayMatch, countsByState) must answer what a plain
// Map of the same payments answers, and what a book that never freezes answers;
// absent UETRs are absent; revived payments re-archive and are found again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';

const SPILL_DIR = mkdtempSync(join(tmpdir(), 'sco-settle-freeze-test-'));
process.env.SCO_SETTLE_PAYMENT_SPILL_DIR = SPILL_DIR;
process.env.SCO_SETTLE_PAYMENT_CHUNK_BYTES = '4096';
process.env.SCO_SETTLE_RECENT_FINISHED = '0';

const { PaymentBook } = await import('../src/platform/payment_book.js');
const { PAYMENT_STATES } = await import('../src/clearing/types.js');
const { SpillFile } = await import('../src/store/spill_file.js');
type Payment = import('../src/clearing/types.js').Payment;
type PaymentState = import('../src/clearing/types.js').PaymentState;

const PARTIES = ['BKAACNBJ', 'BKBBRUMM', 'BKCCKZKA', 'LPFXCNBJ'];

/** UETR number k: canonical lower-case, except every 29th (upper-case: never archived, stays an object). */
function uetr(k: number): string {
  const h = (k * 0x9e3779b1) >>> 0;
  const u = `${h.toString(16).padStart(8, '0')}-0000-4000-8000-${k.toString(16).padStart(12, '0')}`;
  return k % 29 === 28 ? u.toUpperCase() : u;
}

/** A payment-shaped value: the fields the book reads, and a counter that changes with it. */
function paymentOf(k: number, state: PaymentState, version: number): Payment {
  return {
    instruction: {
      uetr: uetr(k),
      payer: PARTIES[k % 4],
      payee: PARTIES[(k + 1) % 4],
      end_to_end_id: `e2e-${k % 7}`,
    },
    state,
    fx: k % 3 === 0 ? { provider: PARTIES[3] } : null,
    version,
  } as unknown as Payment;
}

const ops = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), k: fc.nat(400), state: fc.nat(PAYMENT_STATES.length - 1) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('change' as const), k: fc.nat(400), state: fc.nat(PAYMENT_STATES.length - 1) }) },
    { weight: 3, arbitrary: fc.constant({ op: 'compact' as const }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('read' as const), k: fc.nat(800) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('scan' as const), state: fc.nat(PAYMENT_STATES.length - 1), mod: fc.integer({ min: 1, max: 4 }) }) },
  ),
  { minLength: 150, maxLength: 600, size: 'max' },
);

/** Map model: UETR -> position, and per position the payment's JSON and state. */
class Model {
  readonly pos = new Map<string, number>();
  readonly json: string[] = [];
  readonly states: PaymentState[] = [];
}

function checkAll(m: Model, book: InstanceType<typeof PaymentBook>, plain: InstanceType<typeof PaymentBook>): void {
  assert.equal(book.size, m.json.length);
  assert.deepEqual(
    [...book.values()].map((p) => JSON.stringify(p)),
    m.json,
  );
  for (let i = 0; i < m.json.length; i++) {
    assert.equal(JSON.stringify(book.at(i)), m.json[i]);
    assert.equal(book.stateAt(i), m.states[i]);
    for (const q of [{ state: m.states[i] }, { involves: PARTIES[i % 4] }, { counterparty: PARTIES[3] }, { end_to_end_id: `e2e-${i % 7}` }]) {
      assert.equal(book.mayMatch(i, q), plain.mayMatch(i, q), `mayMatch(${i}, ${JSON.stringify(q)})`);
    }
  }
  assert.deepEqual([...book.countsByState()].sort(), [...plain.countsByState()].sort());
}

type Op = typeof ops extends fc.Arbitrary<(infer O)[]> ? O : never;

/** Plays `seq` on the book and on one that never freezes, checking every read against the model as it goes and at the end. */
function play(seq: readonly Op[], book: InstanceType<typeof PaymentBook>, plain: InstanceType<typeof PaymentBook>, flags: { reviving: boolean }): void {
  const m = new Model();
  const versions = new Map<number, number>();
  for (const o of seq) {
    if (o.op === 'set') {
      const state = PAYMENT_STATES[o.state]!;
      const v = (versions.get(o.k) ?? 0) + 1;
      versions.set(o.k, v);
      for (const b of [book, plain]) b.set(uetr(o.k), paymentOf(o.k, state, v));
      const u = uetr(o.k);
      let pos = m.pos.get(u);
      if (pos === undefined) {
        pos = m.json.length;
        m.pos.set(u, pos);
      }
      m.json[pos] = JSON.stringify(paymentOf(o.k, state, v));
      m.states[pos] = state;
    } else if (o.op === 'change') {
      const u = uetr(o.k);
      const pos = m.pos.get(u);
      if (pos === undefined) continue;
      const state = PAYMENT_STATES[o.state]!;
      flags.reviving = true;
      for (const b of [book, plain]) {
        // A command reads the payment (an archived one comes back to life) and changes it.
        const p = b.get(u)!;
        assert.equal(JSON.stringify(p), m.json[pos]);
        (p as { state: PaymentState }).state = state;
        (p as unknown as { version: number }).version++;
        b.changed(p);
      }
      flags.reviving = false;
      const next = JSON.parse(m.json[pos]!) as { state: string; version: number };
      next.state = state;
      next.version++;
      m.json[pos] = JSON.stringify(next);
      m.states[pos] = state;
    } else if (o.op === 'compact') {
      book.compact();
      plain.compact();
    } else if (o.op === 'read') {
      const u = uetr(o.k);
      const pos = m.pos.get(u);
      assert.equal(book.has(u), pos !== undefined, `has ${u}`);
      assert.equal(JSON.stringify(book.get(u)), pos === undefined ? undefined : m.json[pos], `get ${u}`);
    } else {
      const wanted = (i: number, s: PaymentState): boolean => i % o.mod === 0 || s === PAYMENT_STATES[o.state];
      const got = [...book.select(wanted)].map(([i, p]) => [i, JSON.stringify(p)]);
      const want = m.json.map((j, i) => [i, j] as [number, string]).filter(([i]) => wanted(i, m.states[i]!));
      assert.deepEqual(got, want);
    }
  }
  book.compact();
  plain.compact();
  checkAll(m, book, plain);
  for (let k = 0; k <= 800; k++) {
    const pos = m.pos.get(uetr(k));
    assert.equal(book.has(uetr(k)), pos !== undefined);
    assert.equal(JSON.stringify(book.get(uetr(k))), pos === undefined ? undefined : m.json[pos]);
  }
}

for (const [stepEntries, how] of [
  [4096, 'each freeze at once'],
  [1, 'each freeze a step at a time over many commands'],
] as const)
  test(`a book that freezes blocks of 16 positions (${how}) reads as a Map of the same payments, and as a book that never freezes`, () => {
    let frozenSeen = 0;
    fc.assert(
      fc.property(ops, (seq) => {
        const flags = { reviving: false };
        const book = new PaymentBook(() => flags.reviving, 16, stepEntries);
        const plain = new PaymentBook(() => flags.reviving, 1 << 24);
        try {
          play(seq, book, plain, flags);
          frozenSeen = Math.max(frozenSeen, book.frozenPositions);
        } finally {
          book.close();
          plain.close();
        }
      }),
      { numRuns: 60, endOnFailure: true },
    );
    assert.ok(frozenSeen >= 16 * 4, `runs froze many blocks (${frozenSeen} positions at most)`);
  });

for (const [stepEntries, how] of [
  [4096, 'freezes at once'],
  [1, 'freezes a step at a time'],
] as const)
  test(`a spill file that refuses a write part-way (disk full) leaves every read answering as before, and a warning (${how})`, () => {
    const write = SpillFile.prototype.write;
    const emit = process.emitWarning;
    let refusedSeen = 0;
    try {
      fc.assert(
        // The refused write is drawn as a share of the writes the same run makes on a full disk, so
        // every run that spills at all refuses one (a write number drawn alone missed most short runs).
        fc.property(ops, fc.integer({ min: 0, max: 99 }), (seq, failPercent) => {
          let writes = 0;
          SpillFile.prototype.write = function (this: (typeof SpillFile)['prototype'], b, length, position) {
            writes++;
            return write.call(this, b, length, position);
          };
          playOnce(seq, stepEntries);
          const total = writes;
          if (total === 0) return;
          const failAt = Math.floor((total * failPercent) / 100);
          writes = 0;
          let warnings = 0;
          // Write number failAt lands part of its bytes, then the disk is full; every later write is refused too.
          SpillFile.prototype.write = function (this: (typeof SpillFile)['prototype'], b, length, position) {
            if (writes++ < failAt) return write.call(this, b, length, position);
            if (writes === failAt + 1) write.call(this, b, length >>> 1, position);
            throw new Error('ENOSPC: no space left on device (test)');
          };
          process.emitWarning = (() => {
            warnings++;
          }) as typeof process.emitWarning;
          playOnce(seq, stepEntries);
          assert.ok(writes > failAt, `write ${failAt} of ${total} was reached`);
          refusedSeen++;
          assert.ok(warnings >= 1, 'a refused write is warned of');
        }),
        { numRuns: 60, endOnFailure: true },
      );
    } finally {
      SpillFile.prototype.write = write;
      process.emitWarning = emit;
    }
    assert.ok(refusedSeen >= 20, `runs where a write was refused: ${refusedSeen}`);
  });

/** One play of `seq` on a book that freezes blocks of 16 and on one that never freezes. */
function playOnce(seq: Parameters<typeof play>[0], stepEntries: number): void {
  const flags = { reviving: false };
  const book = new PaymentBook(() => flags.reviving, 16, stepEntries);
  const plain = new PaymentBook(() => flags.reviving, 1 << 24);
  try {
    play(seq, book, plain, flags);
  } finally {
    book.close();
    plain.close();
  }
}

test('a long run of finished payments: old positions frozen, found by UETR, revived and archived again, absent UETRs absent', () => {
  const book = new PaymentBook(() => false, 64);
  const n = 20_000;
  try {
    for (let k = 0; k < n; k++) {
      book.set(uetr(k), paymentOf(k, 'settled', 1));
      if (k % 100 === 99) book.compact();
    }
    book.compact();
    assert.ok(book.frozenPositions >= n - 3 * 64, `frozen ${book.frozenPositions} of ${n}`);
    for (let k = 0; k < n; k += 7) assert.equal(JSON.stringify(book.get(uetr(k))), JSON.stringify(paymentOf(k, 'settled', 1)));
    for (let k = n; k < n + 5_000; k++) assert.equal(book.has(uetr(k)), false);
    // A return of old payments: revived in place, changed, archived again, found again.
    for (let k = 0; k < 2_000; k += 3) book.set(uetr(k), paymentOf(k, 'returned', 2));
    book.compact();
    assert.equal(book.size, n);
    for (let k = 0; k < 2_000; k++) {
      assert.equal(JSON.stringify(book.get(uetr(k))), JSON.stringify(paymentOf(k, k % 3 === 0 ? 'returned' : 'settled', k % 3 === 0 ? 2 : 1)));
      assert.equal(book.stateAt(k), k % 3 === 0 ? 'returned' : 'settled');
    }
    assert.equal(book.countsByState().get('returned'), 667);
    // Resident bytes per position: the state byte, the filters and the recent blocks, not ~40 bytes.
    assert.ok(book.indexBytes < n * 8, `index ${book.indexBytes} bytes for ${n} payments`);
  } finally {
    book.close();
  }
});

test('a UETR asked for (absent) and then set takes a new position once; set again, after a clear, or beside others, as without asking', () => {
  for (const ask of [false, true]) {
    const book = new PaymentBook(() => false, 64);
    try {
      const has = (k: number): boolean => (ask ? book.has(uetr(k)) : book.get(uetr(k)) !== undefined);
      for (let k = 0; k < 300; k++) {
        assert.equal(has(k), false);
        book.set(uetr(k), paymentOf(k, 'settled', 1));
        // Set twice: the second keeps the position (a submission sets once; a return sets an archived one again).
        if (k % 5 === 0) book.set(uetr(k), paymentOf(k, 'settled', 2));
        // Asked for, then another one set: the one asked for stays absent.
        if (k % 7 === 0) {
          assert.equal(has(k + 10_000), false);
          book.set(uetr(k + 20_000), paymentOf(k + 20_000, 'settled', 1));
          assert.equal(book.has(uetr(k + 10_000)), false);
        }
        if (k % 50 === 49) book.compact();
      }
      book.compact();
      assert.equal(book.size, 300 + 43);
      for (let k = 0; k < 300; k++) assert.equal(JSON.stringify(book.get(uetr(k))), JSON.stringify(paymentOf(k, 'settled', k % 5 === 0 ? 2 : 1)));
      // Asked for, cleared, set: a new book's first position.
      assert.equal(book.has(uetr(50_000)), false);
      book.clear();
      book.set(uetr(50_000), paymentOf(50_000, 'settled', 1));
      assert.equal(book.size, 1);
      assert.equal(book.stateAt(0), 'settled');
      // Archived, then asked for: present, and set again in place.
      book.compact();
      assert.equal(book.has(uetr(50_000)), true);
      book.set(uetr(50_000), paymentOf(50_000, 'returned', 2));
      assert.equal(book.size, 1);
      assert.equal(JSON.stringify(book.get(uetr(50_000))), JSON.stringify(paymentOf(50_000, 'returned', 2)));
    } finally {
      book.close();
    }
  }
});

test('payments finished long after their block froze are found again, through the table growing and later freezes', () => {
  const book = new PaymentBook(() => false, 1024);
  const n = 12_000;
  const waiting: number[] = [];
  const version = new Map<number, number>();
  try {
    for (let k = 0; k < n; k++) {
      const slow = k % 10 === 0;
      book.set(uetr(k), paymentOf(k, slow ? 'received' : 'settled', 1));
      if (slow) waiting.push(k);
      // A waiting payment settles ~3,000 positions later: after its block froze (its UETR enters the table late).
      while (waiting.length > 0 && waiting[0]! < k - 3_000) {
        const j = waiting.shift()!;
        book.set(uetr(j), paymentOf(j, 'settled', 2));
        version.set(j, 2);
      }
      if (k % 50 === 49) book.compact();
    }
    book.compact();
    assert.ok(book.frozenPositions >= 9 * 1024, `frozen ${book.frozenPositions}`);
    for (let k = 0; k < n; k++) {
      const v = version.get(k) ?? 1;
      const state = k % 10 === 0 && v === 1 ? 'received' : 'settled';
      assert.equal(JSON.stringify(book.get(uetr(k))), JSON.stringify(paymentOf(k, state, v)), `payment ${k}`);
    }
    for (let k = n; k < n + 2_000; k++) assert.equal(book.get(uetr(k)), undefined);
  } finally {
    book.close();
  }
});

test('no spill file is left behind', () => {
  assert.deepEqual(readdirSync(SPILL_DIR), []);
  rmSync(SPILL_DIR, { recursive: true, force: true });
});
