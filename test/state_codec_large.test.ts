// The platform state's codec (src/platform/state_codec.ts) on states larger than
// V8's longest string (0x1fffffe8 characters, ~512 MiB): a snapshot of a few
// million payments must still be written and opened. Found when `bench ha`'s
// audit, on a faster machine, opened stores of ~1.5 M payments and failed with
// ERR_STRING_TOO_LONG. Also: lines split on the newline byte keep multi-byte text.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePlatformState, encodePlatformState, type PlatformStateData } from '../src/platform/state_codec.js';

/** A state with every list empty but `audit`, holding `items` (the codec writes and reads each as one JSON line). */
function stateWith(items: unknown[]): PlatformStateData {
  const empty = (): never[] => [];
  return {
    participants: empty(),
    payments: empty(),
    anonymous_rejections: empty(),
    queues: empty(),
    windows: empty(),
    days: empty(),
    cases: empty(),
    facilities: empty(),
    collateral: empty(),
    rate_rows: empty(),
    residues: empty(),
    audit: items as PlatformStateData['audit'],
    lsm_runs: empty(),
    pvp_watch: empty(),
    swap_lines: empty(),
    quote_inputs: empty(),
    quote_locks: empty(),
    lock_seq: 0,
    bypass_fifo: false,
    liquidity_execution: false,
    next_seq: 1,
    commands: 1,
    next_transfer_no: 1n,
    rate_policy: null,
    rate_alerts: [],
    api_directory: null,
    calendars: [],
    calendar_accepting: [],
    governance: null,
  } as unknown as PlatformStateData;
}

test('multi-byte text and many chunks read back line by line from the bytes', () => {
  const items = Array.from({ length: 25_000 }, (_, i) => ({ i, text: `Ü中${'é'.repeat(i % 7)}😀\u2028${i}`, amount: BigInt(i) * 10n ** 20n }));
  const buf = encodePlatformState(stateWith(items));
  const back = decodePlatformState(buf);
  assert.deepEqual(back.audit, items);
  assert.equal(back.next_transfer_no, 1n);
  assert.throws(() => decodePlatformState(buf.subarray(0, buf.length - 1)), /truncated/);
  assert.throws(() => decodePlatformState(Buffer.concat([buf, Buffer.from('{}\n')])), /platform state: expected section api_directory/);
});

test('a state over 512 MiB encodes and decodes', () => {
  const MIB = 1024 * 1024;
  const body = 'x'.repeat(MIB);
  const count = 540;
  const items = Array.from({ length: count }, (_, i) => ({ i, body, tail: `ä${i}` }));
  const buf = encodePlatformState(stateWith(items));
  assert.ok(buf.length > 0x1fffffe8, `the state is ${buf.length} bytes: it must exceed the longest string`);
  const back = decodePlatformState(buf);
  assert.equal(back.audit.length, count);
  for (const k of [0, 1, 269, count - 1]) {
    const it = back.audit[k] as unknown as { i: number; body: string; tail: string };
    assert.equal(it.i, k);
    assert.equal(it.body.length, MIB);
    assert.equal(it.tail, `ä${k}`);
  }
});
