// The transfer log's spill (src/ledger/transfer_log.ts given a TransferSpill):
// full chunks older than the newest two leave memory for a spill file and every
// read gives the same bytes as a log that keeps everything in memory; lookups of
// old ids, pops back into a spilled chunk, a refused spill file, and the durable
// ledger's spill (src/journal/ledger_spill.ts).

import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DurableLedger } from '../src/journal/durable_ledger.js';
import { LEDGER_RESIDENT_TRANSFERS, ledgerSpill } from '../src/journal/ledger_spill.js';
import { verifyStore } from '../src/journal/verify.js';
import { DEFAULT_LIMITS, LedgerStateMachine } from '../src/ledger/state_machine.js';
import { TransferLog, type TransferSpill } from '../src/ledger/transfer_log.js';
import { BATCH_EVENTS_MAX, emptyAccount, emptyTransfer, RESULT_CODES, type Transfer } from '../src/ledger/types.js';
import { SpillFile } from '../src/store/spill_file.js';
import { makeBackend } from './support/backends.js';

const CHUNK = 32_768;
const CHUNK_BYTES = CHUNK * 128;
const dir = mkdtempSync(join(tmpdir(), 'sco-settle-transfer-spill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A spill that keeps the fewest chunks in memory, in `folder`; refusals collected. */
function spillIn(folder: string, refusals: string[] = []): TransferSpill {
  return {
    resident_records_max: 0,
    open: () => SpillFile.create({ dir: folder, prefix: 'test-transfers', max_bytes: Number.MAX_SAFE_INTEGER, max_name: 'TEST_MAX' }),
    refused: (message) => refusals.push(message),
  };
}

/** Ids with high bits on every third record (u128 compared in full), the rest small. */
function idOf(i: number): bigint {
  return i % 3 === 0 ? (BigInt(i) << 70n) | BigInt(i) : BigInt(i);
}

function fill(log: TransferLog, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    const id = idOf(i);
    const slot = log.find(id);
    assert.equal(log.indexAt(slot), -1);
    log.appendAt(slot, id, BigInt(i), BigInt(i + 1), (BigInt(i) << 64n) + 7n, 0n, BigInt(i) * 3n, 5n, i, 0, 156, i & 0xffff, 0, BigInt(i));
  }
}

test('spilled chunks read back byte for byte: records, lookups, iteration, and memory held bounded', () => {
  const n = 7 * CHUNK + 123;
  const spilled = new TransferLog(spillIn(dir));
  const held = new TransferLog();
  fill(spilled, 1, n);
  fill(held, 1, n);
  assert.equal(spilled.size, n);
  // Chunks 0-4 spilled (the newest two full ones and the one being filled stay).
  assert.equal(spilled.spilledBytes, 5 * CHUNK_BYTES);
  assert.ok(spilled.residentBytes <= (3 + 4) * CHUNK_BYTES, `resident ${spilled.residentBytes}`);
  assert.equal(held.spilledBytes, 0);
  assert.ok(held.residentBytes >= 8 * CHUNK_BYTES);
  // The file is unlinked at once: nothing left in the folder.
  assert.deepEqual(readdirSync(dir), []);
  for (let i = 1; i <= n; i += 991) {
    assert.deepEqual(spilled.get(idOf(i)), held.get(idOf(i)));
    assert.deepEqual(spilled.read(i - 1), held.read(i - 1));
    assert.equal(spilled.idAt(i - 1), idOf(i));
    assert.equal(spilled.codeAt(i - 1), i & 0xffff);
    assert.equal(spilled.timestampOf(idOf(i)), BigInt(i));
  }
  // Ids that are absent, including ones sharing a fingerprint (low 32 bits) with present ones.
  for (let i = 1; i <= n; i += 4099) {
    assert.equal(spilled.has((1n << 100n) | BigInt(i)), false);
    assert.equal(spilled.has(BigInt(n + i)), false);
  }
  let k = 0;
  const heldIds = [...held.keys()];
  for (const id of spilled.keys()) assert.equal(id, heldIds[k++]);
  assert.equal(k, n);
  k = 0;
  for (const t of spilled.values()) {
    if (k % 5003 === 0) assert.deepEqual(t, held.read(k));
    k++;
  }
  assert.equal(k, n);
  spilled.close();
});

test('pops back into spilled chunks restore them; appends after that read as before', () => {
  const n = 9 * CHUNK + 10;
  const log = new TransferLog(spillIn(dir));
  fill(log, 1, n);
  // Chunk 6, queued at record 9 chunks in, has 10 of its 16 steps of 256 KiB written.
  assert.equal(log.spilledBytes, 6 * CHUNK_BYTES + 10 * 256 * 1024);
  // Chunks 0-3 are frozen; 4-6 spilled, not yet frozen. Back below the start of chunk 5.
  assert.equal(log.frozenRecords, 4 * CHUNK);
  const to = 5 * CHUNK - 5;
  for (let i = n; i > to; i--) assert.equal(log.popLast()!.timestamp, BigInt(i));
  assert.equal(log.size, to);
  assert.equal(log.get(idOf(to + 1)), undefined);
  assert.equal(log.get(idOf(to))!.timestamp, BigInt(to));
  // Grow again past the old end: chunks spill anew over their old places in the file,
  // the ones the pops brought back included.
  fill(log, to + 1, n + CHUNK);
  assert.ok(log.residentBytes <= (3 + 4) * CHUNK_BYTES, `resident ${log.residentBytes}`);
  for (let i = 1; i <= n + CHUNK; i += 1201) {
    const t = log.get(idOf(i))!;
    assert.equal(t.timestamp, BigInt(i));
    assert.equal(t.amount, (BigInt(i) << 64n) + 7n);
    assert.equal(t.user_data_128, BigInt(i) * 3n);
  }
  log.close();
});

test('frozen ids: old records leave the table for sorted runs; every lookup, retry and absent id answers as a log that keeps everything', () => {
  // Freezes at 7, 11, 15 and 19 chunks (4 spilled chunks each); the fourth run merges the four into one.
  const n = 19 * CHUNK + 77;
  const frozen = new TransferLog(spillIn(dir));
  const held = new TransferLog();
  fill(frozen, 1, n);
  fill(held, 1, n);
  assert.equal(frozen.frozenRecords, 16 * CHUNK);
  assert.equal(held.frozenRecords, 0);
  // The table follows the records not frozen: at most 4 slots a record left (load above 1/4), against 2-4 for all of them.
  const left = n - 16 * CHUNK;
  assert.ok(frozen.indexBytes <= left * 4 * 8 + 16 * CHUNK * 2, `index ${frozen.indexBytes}`);
  assert.ok(held.indexBytes >= n * 2 * 8, `held index ${held.indexBytes}`);
  for (let i = 1; i <= n; i += 613) {
    assert.deepEqual(frozen.get(idOf(i)), held.get(idOf(i)), `record ${i}`);
    assert.equal(frozen.indexAt(frozen.find(idOf(i))), i - 1);
    assert.equal(frozen.timestampOf(idOf(i)), BigInt(i));
    assert.equal(frozen.has(idOf(i)), true);
  }
  // Absent ids: beside present ones, sharing low words with them, past the end.
  for (let i = 1; i <= n; i += 2039) {
    for (const id of [(1n << 100n) | BigInt(i), BigInt(n + i), (BigInt(i) << 70n) | BigInt(i + 1)]) {
      if (held.has(id)) continue;
      assert.equal(frozen.has(id), false, `absent ${id}`);
      assert.equal(frozen.indexAt(frozen.find(id)), -1);
    }
  }
  // A frozen id cannot be appended again (the ledger answers "exists" from it).
  assert.throws(() => frozen.insert(held.read(5)), /is present/);
  const slot = frozen.find(idOf(6));
  assert.throws(() => frozen.appendAt(slot, idOf(6), 1n, 2n, 3n, 0n, 0n, 0n, 0, 0, 1, 1, 0, 1n), /slot is taken/);
  // New records after the freezes, and pops of them, as before.
  fill(frozen, n + 1, n + 1000);
  fill(held, n + 1, n + 1000);
  for (let i = 0; i < 500; i++) assert.deepEqual(frozen.popLast(), held.popLast());
  assert.equal(frozen.has(idOf(n + 500)), true);
  assert.equal(frozen.has(idOf(n + 501)), false);
  frozen.close();
});

test('a freeze runs a step at a time in the appends after it begins: its ids answer from the table until it ends, then from the runs', () => {
  const log = new TransferLog(spillIn(dir));
  const held = new TransferLog();
  // Freezes begin once a fourth chunk not yet frozen is written whole to the spill: at the 16th append
  // after records 6, 10, 14 and 18 chunks in (a chunk is written 256 KiB an append); the fourth merges the four runs.
  fill(log, 1, 18 * CHUNK + 17);
  fill(held, 1, 18 * CHUNK + 17);
  assert.equal(log.frozenRecords, 12 * CHUNK, 'the fourth freeze is under way, not done at once');
  const same = (to: number, what: string): void => {
    for (let i = 1; i <= to; i += 331) {
      assert.deepEqual(log.get(idOf(i)), held.get(idOf(i)), `record ${i} ${what}`);
      assert.equal(log.indexAt(log.find(idOf(i))), i - 1);
      for (const id of [(1n << 100n) | BigInt(i), BigInt(to + i)]) assert.equal(log.has(id), false, `absent ${id} ${what}`);
    }
  };
  same(18 * CHUNK + 17, 'while freezing');
  // A retry of a frozen-to-be id is refused as taken while the freeze is under way.
  assert.ok(log.indexAt(log.find(idOf(5))) >= 0);
  // Each append does a bounded step: the merge of four runs (524,288 ids) takes many appends, not one.
  let appends = 0;
  for (let i = 18 * CHUNK + 18; log.frozenRecords < 16 * CHUNK; i++) {
    fill(log, i, i);
    fill(held, i, i);
    appends++;
    assert.ok(appends < CHUNK, 'the freeze ends before the next one is due');
  }
  assert.ok(appends >= 200, `the freeze ended after ${appends} appends`);
  same(18 * CHUNK + 17 + appends, 'after the freeze');
  log.close();
});

test('a pop never reaches a frozen record: the log says so instead of answering wrongly', () => {
  const log = new TransferLog(spillIn(dir));
  // Chunk 3, queued at record 6 chunks in, is written whole by the 16th append after it: the freeze of
  // chunks 0-3 begins there and is still under way one append later.
  fill(log, 1, 6 * CHUNK + 17);
  assert.equal(log.frozenRecords, 0);
  for (let i = 6 * CHUNK + 17; i > 4 * CHUNK; i--) log.popLast();
  assert.throws(() => log.popLast(), /reached frozen record/);
  log.close();
});

test('a spill file that cannot be created leaves the transfers in memory, and says so once', () => {
  const refusals: string[] = [];
  const log = new TransferLog(spillIn(join(dir, 'no', 'such', 'folder'), refusals));
  fill(log, 1, 4 * CHUNK + 1);
  assert.equal(log.spilledBytes, 0);
  assert.ok(log.residentBytes >= 5 * CHUNK_BYTES);
  assert.equal(log.get(idOf(17))!.timestamp, 17n);
  assert.equal(refusals.length, 1);
  assert.match(refusals[0]!, /ledger: transfers stay in memory from now on: .*ENOENT/);
});

test('a spill file that refuses a write (its size limit) keeps that chunk and later ones in memory', () => {
  const refusals: string[] = [];
  const log = new TransferLog({
    resident_records_max: 0,
    open: () => SpillFile.create({ dir, prefix: 'test-transfers', max_bytes: 2 * CHUNK_BYTES, max_name: 'TEST_MAX' }),
    refused: (message) => refusals.push(message),
  });
  fill(log, 1, 7 * CHUNK);
  assert.equal(log.spilledBytes, 2 * CHUNK_BYTES);
  assert.equal(refusals.length, 1);
  assert.match(refusals[0]!, /over TEST_MAX/);
  for (let i = 1; i <= 7 * CHUNK; i += 3001) assert.equal(log.get(idOf(i))!.timestamp, BigInt(i));
  log.close();
});

test("the durable ledger's spill: a state machine with it answers exactly as one that keeps everything in memory", () => {
  const spill = ledgerSpill();
  assert.ok(spill !== undefined, 'spilling is on unless SCO_SETTLE_LEDGER_SPILL=0');
  assert.equal(spill.resident_records_max, LEDGER_RESIDENT_TRANSFERS);
  const spilling = new LedgerStateMachine(DEFAULT_LIMITS, spill);
  const holding = new LedgerStateMachine(DEFAULT_LIMITS);
  const accounts = [1n, 2n, 3n, 4n].map((id) => emptyAccount(id, 156, 1));
  let now = 1_000n;
  for (const sm of [spilling, holding]) sm.execute('create_accounts', accounts, now);
  const t = (id: bigint, dr: bigint, cr: bigint, amount: bigint, flags = 0, pending_id = 0n): Transfer => ({
    id,
    debit_account_id: dr,
    credit_account_id: cr,
    amount,
    pending_id,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    timeout: 0,
    ledger: 156,
    code: 1,
    flags,
    timestamp: 0n,
  });
  const batches = 30;
  const per = 8_000;
  let id = 0n;
  for (let b = 0; b < batches; b++) {
    const batch: Transfer[] = [];
    for (let i = 0; i < per; i++) {
      id++;
      const dr = 1n + (id % 4n);
      batch.push(t(id, dr, 1n + ((id + 1n) % 4n), (id % 1000n) + 1n));
    }
    // A retry of a transfer from the first batch (long spilled) and of one from this batch.
    batch.push(t(5n, 2n, 3n, 6n), t(id, 1n + (id % 4n), 1n + ((id + 1n) % 4n), (id % 1000n) + 1n));
    now += 1_000_000n;
    const a = spilling.execute('create_transfers', batch, now).results;
    const h = holding.execute('create_transfers', batch, now).results;
    assert.deepEqual(a, h);
  }
  assert.ok(spilling.transfers.spilledBytes > 0);
  assert.equal(holding.transfers.spilledBytes, 0);
  assert.equal(spilling.transferCount, batches * per);
  for (const acc of [1n, 2n, 3n, 4n]) assert.deepEqual(spilling.accounts.get(acc), holding.accounts.get(acc));
  assert.deepEqual(spilling.transfers.get(1n), holding.transfers.get(1n));
  let k = 0;
  const it = holding.transfers.values();
  for (const x of spilling.transfers.values()) {
    const y = it.next().value as Transfer;
    if (k++ % 997 === 0) assert.deepEqual(x, y);
  }
  assert.equal(k, batches * per);
});

test('a durable ledger on a real SQLite file spills past its resident transfers; reopened from its snapshot it spills again and verifies', async () => {
  const backend = makeBackend('sqlite');
  let t = 1_700_000_000_000_000_000n;
  const clock = (): bigint => (t += 1_000_000n);
  const n = 110_000;
  const transfer = (i: number): Transfer => ({
    ...emptyTransfer(BigInt(i)),
    debit_account_id: BigInt(1 + (i % 3)),
    credit_account_id: BigInt(1 + ((i + 1) % 3)),
    amount: BigInt(i),
    ledger: 156,
    code: 1,
  });
  let ledger = await DurableLedger.open(await backend.open(), { clock, index_idle_ms: 10 });
  try {
    await ledger.createAccounts([1n, 2n, 3n].map((id) => emptyAccount(id, 156, 1)));
    for (let from = 1; from <= n; from += BATCH_EVENTS_MAX) {
      const batch: Transfer[] = [];
      for (let i = from; i < Math.min(from + BATCH_EVENTS_MAX, n + 1); i++) batch.push(transfer(i));
      const results = await ledger.createTransfers(batch);
      assert.ok(results.every((r) => r === 0));
    }
    assert.ok(ledger.state.transfers.spilledBytes > 0, 'spilled while running');
    assert.equal(ledger.state.transfers.get(7n)!.amount, 7n);
  } finally {
    await ledger.close();
  }
  ledger = await DurableLedger.open(await backend.open(), { clock, index_idle_ms: 10 });
  try {
    assert.equal(ledger.state.transferCount, n);
    assert.ok(ledger.state.transfers.spilledBytes > 0, 'spilled after a reopen');
    for (let i = 1; i <= n; i += 9_973) assert.equal(ledger.state.transfers.get(BigInt(i))!.amount, BigInt(i));
    // A retry of a transfer that now lives in the spill file is recognised as existing.
    const again = await ledger.createTransfers([transfer(11)]);
    assert.equal(RESULT_CODES[again[0]!], 'exists');
  } finally {
    await ledger.close();
  }
  const store = await backend.open();
  try {
    const report = await verifyStore(store);
    assert.equal(report.ok, true, `verify: ${report.code}`);
    assert.equal(report.transfers, n);
  } finally {
    await store.close();
    await backend.cleanup();
  }
});
