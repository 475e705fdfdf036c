// A platform state machine on an in-memory ledger for LSM and liquidity tests:
// commands under a chosen rules version, balances, and the test scheme (CNY, RUB,
// KZT central banks; A, B in CNY; S in RUB and CNY; D in RUB; K in KZT and CNY; an
// LP in all three).

import assert from 'node:assert/strict';
import { RecordingLedger } from '../../src/journal/command.js';
import { LedgerStateMachine } from '../../src/ledger/state_machine.js';
import { PlatformStateMachine } from '../../src/platform/state_machine.js';
import { BANKS, BUSINESS_DATE, CB, DAY_START_NS, LP, payment } from './platform.js';

const [A, B, S, D, K] = BANKS;

/** A platform state machine on an in-memory ledger, commands under a chosen rules version. */
export class Harness {
  readonly sm = new PlatformStateMachine();
  readonly ledger = new LedgerStateMachine();
  now = DAY_START_NS;

  constructor(readonly rules_version = 3) {
    this.sm.machine = this.ledger;
  }

  exec(c: Record<string, unknown>): { ok: boolean; result?: Record<string, unknown>; error?: { code: string; message: string } } {
    this.now += 1_000n;
    const out = this.sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), this.now, new RecordingLedger(this.ledger, this.now), this.rules_version);
    return (out as unknown as { value: { ok: boolean; result?: Record<string, unknown>; error?: { code: string; message: string } } }).value;
  }

  run(c: Record<string, unknown>): Record<string, unknown> {
    const out = this.exec(c);
    assert.equal(out.ok, true, JSON.stringify(out.error));
    return out.result!;
  }

  avail(id: string, ccy: string): bigint {
    return this.sm.available(this.sm.byId.get(id)!, ccy);
  }

  state(uetr: unknown): string {
    return this.sm.payments.get(uetr as string)!.state;
  }

  outstanding(id: string, ccy: string): bigint {
    return this.sm.facilityOf(id, ccy)?.outstanding_minor ?? 0n;
  }
}

export function scheme(h: Harness): void {
  const reg = (id: string, kind: string, country: string, currencies: string[]) =>
    h.run({ type: 'register_participant', id, kind, name: id, country, currencies });
  reg(CB.CNY, 'central_bank', 'CN', ['CNY']);
  reg(CB.RUB, 'central_bank', 'RU', ['RUB']);
  reg(CB.KZT, 'central_bank', 'KZ', ['KZT']);
  reg(A, 'bank', 'CN', ['CNY']);
  reg(B, 'bank', 'CN', ['CNY']);
  reg(S, 'bank', 'RU', ['RUB', 'CNY']);
  reg(D, 'bank', 'RU', ['RUB']);
  reg(K, 'bank', 'KZ', ['KZT', 'CNY']);
  reg(LP, 'liquidity_provider', 'CN', ['CNY', 'RUB', 'KZT']);
  h.run({ type: 'open_day', date: BUSINESS_DATE, default_cutoff: '17:00' });
}

/** A facility of `line_major` (collateral worth line/0.9 at a 10% haircut). */
export function credit(h: Harness, id: string, ccy: string, market_value: string): void {
  h.run({
    type: 'set_collateral',
    participant: id,
    currency: ccy,
    auto_draw: true,
    items: [{ id: `bond-${id}-${ccy}`, kind: 'government_bond', currency: ccy, market_value, haircut_bp: 1000 }],
  });
}

/**
 * A CNY gridlock among `holders`, who hold nothing, run once under `version` with
 * the FIFO bypass: every payment queues, one LSM run releases what nets to zero at
 * every payer (asserted), and what it released is returned.
 */
export function zeroLiquidityLsmRun(
  version: number,
  holders: readonly string[],
  gridlock: ReadonlyArray<{ from: number; to: number; major: number }>,
): { released: number; value: bigint; queued_after: number } {
  const h = new Harness(version);
  scheme(h);
  h.run({ type: 'set_config', bypass_fifo: true });
  const r = h.run({
    type: 'submit_payments',
    payments: gridlock.map((p) => payment(holders[p.from]!, holders[p.to]!, 'CNY', `${p.major}.00`)),
  }) as { payments: Array<{ uetr: string; state: string }> };
  assert.ok(
    r.payments.every((x) => x.state === 'queued'),
    'nobody holds anything: all queue',
  );
  const run = h.run({ type: 'run_lsm', currency: 'CNY' }) as { released: number; released_value_minor: string };
  for (const id of holders) assert.equal(h.avail(id, 'CNY'), 0n, 'a release among participants without liquidity nets to zero for each');
  const queued = r.payments.filter((x) => h.state(x.uetr) === 'queued').length;
  assert.equal(queued, gridlock.length - run.released);
  return { released: run.released, value: BigInt(run.released_value_minor), queued_after: queued };
}
