// Financing and FX amounts read with the payments' grammar (src/platform/amounts.ts)
// under rules 3: collateral values, intraday-credit drawings, swap-line limits and
// drawings, quote tiers and quote locks. Each bad form (a sign, more decimals
// than the currency has, an exponent, nothing, too many digits, a huge text) is
// refused with invalid_field, the field's path and the rule it broke, through
// the platform, the HTTP API and the CLI. Rules 2 replays with its old reading.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RecordingLedger } from '../src/journal/command.js';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { readAmount } from '../src/platform/amounts.js';
import { PlatformError } from '../src/platform/errors.js';
import type { Platform } from '../src/platform/platform.js';
import { PlatformStateMachine } from '../src/platform/state_machine.js';
import { MemoryStore } from '../src/store/memory.js';
import { startApi, type ApiFixture } from './support/api.js';
import { BANKS, BUSINESS_DATE, CB, DAY_START_NS, LP, openPlatform, setupScheme } from './support/platform.js';

/** Bad amount texts in CNY (2 minor units) and the rule each breaks. */
const BAD: ReadonlyArray<[string, RegExp]> = [
  ['-1', /not an amount/],
  ['+1', /not an amount/],
  ['1.001', /3 decimals; CNY has 2 minor units/],
  ['1e3', /not an amount/],
  // The command decoder refuses an empty string before the grammar runs: the same code and field.
  ['', /must not be empty|not an amount/],
  [' 1', /not an amount/],
  ['1'.repeat(19), /too many digits/],
  ['0', /greater than zero/],
];

/** Each financing/FX command with its amount at `bad`, and the field path the refusal must name. */
function commands(bad: string): Array<{ field: string; command: Record<string, unknown> }> {
  return [
    {
      field: 'items[0].market_value',
      command: {
        type: 'set_collateral',
        participant: BANKS[0],
        currency: 'CNY',
        items: [{ id: 'b1', kind: 'government_bond', currency: 'CNY', market_value: bad, haircut_bp: 500 }],
      },
    },
    { field: 'amount', command: { type: 'draw_credit', participant: BANKS[0], currency: 'CNY', amount: bad } },
    {
      field: 'limit',
      command: {
        type: 'open_swap_line',
        id: 'L2',
        provider: CB.CNY,
        drawer: CB.RUB,
        limit: bad,
        interest_rate: '0.035',
        day_count: 'ACT/360',
        start_date: BUSINESS_DATE,
        maturity_date: '2025-11-30',
      },
    },
    { field: 'amount', command: { type: 'draw_swap', line: 'L1', amount: bad } },
    {
      field: 'tiers[0].min',
      command: {
        type: 'publish_quote',
        provider: LP,
        base: 'CNY',
        quote: 'RUB',
        valid_s: 600,
        tiers: [{ min: bad, max: '50000.00', bid: '11.0', ask: '12.0' }],
      },
    },
    {
      field: 'tiers[0].max',
      command: { type: 'publish_quote', provider: LP, base: 'CNY', quote: 'RUB', valid_s: 600, tiers: [{ min: '1.00', max: bad, bid: '11.0', ask: '12.0' }] },
    },
    { field: 'amount', command: { type: 'lock_quote', base: 'CNY', quote: 'RUB', amount: bad, participant: BANKS[2] } },
  ];
}

/** A scheme where every command above succeeds with a good amount: collateral, a swap line L1, a live CNY/RUB quote. */
async function financedScheme(p: Platform, scheme = true): Promise<void> {
  if (scheme) await setupScheme(p);
  await p.run({ type: 'fund', participant: LP, currency: 'RUB', amount: '1000000.00' });
  await p.run({
    type: 'set_collateral',
    participant: BANKS[0],
    currency: 'CNY',
    items: [{ id: 'b0', kind: 'government_bond', currency: 'CNY', market_value: '1000.00', haircut_bp: 500 }],
  });
  const line = commands('1.00')[2]!.command;
  await p.run({ ...line, id: 'L1', limit: '1000.00' });
  await p.run(commands('1.00')[4]!.command);
}

describe('financing and FX amounts on the platform (rules 3)', () => {
  let p: Platform;
  before(async () => {
    p = (await openPlatform(new MemoryStore())).platform;
    await financedScheme(p);
  });
  after(() => p.close());

  test('a good amount passes each command (the refusals below are the amount, not the set-up)', async () => {
    const good = commands('1.00').map((c) => c.command);
    good[0] = commands('1000.00')[0]!.command;
    for (const command of good) await p.run(command.type === 'open_swap_line' ? { ...command, id: 'L3' } : command);
  });

  for (const [text, why] of BAD) {
    test(`${JSON.stringify(text.length > 20 ? `${text.slice(0, 20)}…` : text)} is refused by every financing and FX command, naming the field and the rule`, async () => {
      const expected = readAmount(text, 2, 'CNY');
      assert.equal(expected.ok, false);
      for (const { field, command } of commands(text)) {
        await assert.rejects(
          p.run(command),
          (err: unknown) => {
            assert.ok(err instanceof PlatformError, String(err));
            assert.deepEqual([err.code, err.field], ['invalid_field', field], `${command.type}: ${err.message}`);
            assert.match(err.message, why, `${command.type}: ${err.message}`);
            return true;
          },
          `${command.type} ${JSON.stringify(text)}`,
        );
      }
    });
  }
});

test('rules 2 replays its own reading: a 19-digit drawing passed the grammar there (refused for the line), for its digits under rules 3', () => {
  const run = (rules_version: number): { code: string; field: string; message: string } => {
    const sm = new PlatformStateMachine();
    const ledger = new LedgerStateMachine();
    let now = DAY_START_NS;
    let last: { error?: { code: string; field: string; message: string } } = {};
    for (const c of [
      { type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: "People's Bank of China", country: 'CN', currencies: ['CNY'] },
      { type: 'register_participant', id: BANKS[0], kind: 'bank', name: 'Bank of China', country: 'CN', currencies: ['CNY'] },
      { type: 'open_day', date: BUSINESS_DATE, default_cutoff: '17:00' },
      {
        type: 'set_collateral',
        participant: BANKS[0],
        currency: 'CNY',
        auto_draw: false,
        items: [{ id: 'b0', kind: 'government_bond', currency: 'CNY', market_value: '1000.00', haircut_bp: 500 }],
      },
      { type: 'draw_credit', participant: BANKS[0], currency: 'CNY', amount: '1'.repeat(19) },
    ]) {
      now += 1_000n;
      last = JSON.parse(sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), now, new RecordingLedger(ledger, now), rules_version).text);
    }
    return last.error!;
  };
  assert.equal(run(2).code, 'limit_exceeded');
  const v3 = run(3);
  assert.deepEqual([v3.code, v3.field], ['invalid_field', 'amount']);
  assert.match(v3.message, /too many digits/);
});

describe('financing and FX amounts through the HTTP API', () => {
  let fx: ApiFixture;
  before(async () => {
    fx = await startApi('sqlite');
    await financedScheme(fx.platform, false);
  });
  after(() => fx.close());

  const routes = (bad: string): Array<{ path: string; field: string; body: Record<string, unknown> }> => [
    {
      path: `/v1/participants/${BANKS[0]}/facilities/CNY`,
      field: 'items[0].market_value',
      body: { items: [{ id: 'b1', kind: 'government_bond', currency: 'CNY', market_value: bad, haircut_bp: 500 }] },
    },
    { path: `/v1/participants/${BANKS[0]}/facilities/CNY/draw`, field: 'amount', body: { amount: bad } },
    {
      path: '/v1/quotes',
      field: 'tiers[0].min',
      body: { provider: LP, base: 'CNY', quote: 'RUB', valid_s: 600, tiers: [{ min: bad, max: '5.00', bid: '11', ask: '12' }] },
    },
    { path: '/v1/quotes/lock', field: 'amount', body: { base: 'CNY', quote: 'RUB', amount: bad, participant: BANKS[2] } },
  ];

  test('each bad form: 400 invalid_field at the field, with the rule broken', async () => {
    for (const [text, why] of BAD) {
      for (const r of routes(text)) {
        const res = await fx.request('POST', r.path, { body: r.body });
        assert.deepEqual(
          [res.status, res.body.code, res.body.path],
          [400, 'invalid_field', r.field],
          `${r.path} ${JSON.stringify(text)}: ${JSON.stringify(res.body)}`,
        );
        assert.match(res.body.message, why, `${r.path} ${JSON.stringify(text)}`);
      }
    }
  });

  test('a huge amount text is refused at the edge: past 40 characters at the field, past the body limit as too large', async () => {
    for (const r of routes('9'.repeat(41))) {
      const res = await fx.request('POST', r.path, { body: r.body });
      assert.deepEqual([res.status, res.body.code, res.body.path], [400, 'invalid_field', r.field], `${r.path}: ${JSON.stringify(res.body).slice(0, 300)}`);
    }
    for (const r of routes('9'.repeat(70_000))) {
      const res = await fx.request('POST', r.path, { body: r.body });
      assert.deepEqual([res.status, res.body.code], [413, 'body_too_large'], r.path);
    }
  });
});

test('financing and FX amounts through the CLI: refused with the field and the rule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-amounts-cli-'));
  const store = `sqlite:${join(dir, 'a.db')}`;
  const run = (args: string[]): { code: number | null; stderr: string } => {
    const r = spawnSync(process.execPath, [resolve('bin/sco-settle.js'), '--store', store, '--by', 'tester', ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SCO_SETTLE_STORE: '' },
    });
    return { code: r.status, stderr: r.stderr };
  };
  try {
    const ok = (args: string[]): void => assert.equal(run(args).code, 0, args.join(' '));
    ok(['init']);
    ok(['participants', 'add', '--id', CB.CNY, '--kind', 'central_bank', '--name', 'PBOC', '--country', 'CN', '--currencies', 'CNY']);
    ok(['participants', 'add', '--id', BANKS[0], '--kind', 'bank', '--name', 'Bank of China', '--country', 'CN', '--currencies', 'CNY']);
    ok(['day', 'open', '--date', BUSINESS_DATE, '--default-cutoff', '23:59']);
    ok(['financing', 'collateral', '--participant', BANKS[0], '--currency', 'CNY', '--item', 'B1:government_bond:CNY:1000.00:500']);
    for (const [text, why] of [
      ['-1', /not an amount/],
      ['1.001', /3 decimals/],
      ['1e3', /not an amount/],
      ['1'.repeat(19), /too many digits/],
    ] as const) {
      const r = run(['financing', 'draw', '--participant', BANKS[0], '--currency', 'CNY', '--amount', text]);
      // Exit 4: invalid input (src/cli/exit_codes.ts).
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /invalid_field: amount/, r.stderr);
      assert.match(r.stderr, why, r.stderr);
    }
    ok(['financing', 'draw', '--participant', BANKS[0], '--currency', 'CNY', '--amount', '10.00']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
