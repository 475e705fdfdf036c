// Participant names and countries (issue 20, defect 7): under rules 3 a name with
// bidirectional controls, control characters, nothing visible, or not in NFC, and
// a country that is not an assigned ISO 3166-1 code, are refused with
// invalid_field naming the field — by the platform, at the API's edge and by the
// CLI; entries journaled under rules 1 and 2 replay as they ran.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RecordingLedger } from '../src/journal/command.js';
import { LedgerStateMachine } from '../src/ledger/state_machine.js';
import { PlatformStateMachine } from '../src/platform/state_machine.js';
import { countryProblem, participantNameProblem } from '../src/platform/participant_rules.js';
import { startApi, type ApiFixture } from './support/api.js';
import { CB, DAY_START_NS } from './support/platform.js';

type Output = { ok: boolean; error?: { code: string; field: string; message: string } };

/** Runs commands on a fresh platform state machine under one rules version; returns each output. */
function runUnder(rules_version: number, commands: Record<string, unknown>[]): Output[] {
  const sm = new PlatformStateMachine();
  const ledger = new LedgerStateMachine();
  let now = DAY_START_NS;
  return commands.map((c) => {
    now += 1_000n;
    return JSON.parse(sm.execute(Buffer.from(JSON.stringify({ by: 'test', ...c })), now, new RecordingLedger(ledger, now), rules_version).text);
  });
}

const CENTRAL = { type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: "People's Bank of China", country: 'CN', currencies: ['CNY'] };
const bank = (name: string, country = 'CN'): Record<string, unknown> => ({
  type: 'register_participant',
  id: 'NEWBCNBJ',
  kind: 'bank',
  name,
  country,
  currencies: ['CNY'],
});

/** [what, name, country, field refused] */
const BAD: Array<[string, string, string, 'name' | 'country']> = [
  ['a right-to-left override', 'Bank \u202eAnihC fo', 'CN', 'name'],
  ['a left-to-right isolate', 'Bank \u2066A\u2069', 'CN', 'name'],
  ['an Arabic letter mark', 'Bank\u061c', 'CN', 'name'],
  ['only zero-width characters', '\u200b\u200d\ufeff', 'CN', 'name'],
  ['only spaces', '   \u3000', 'CN', 'name'],
  ['a line break', 'Bank\nof China', 'CN', 'name'],
  ['a C1 control', 'Bank\u0085', 'CN', 'name'],
  ['not NFC', 'Bank Cafe\u0301', 'CN', 'name'],
  ['user-assigned country ZZ', 'Bank of Nowhere', 'ZZ', 'country'],
  ['country XK (not ISO 3166-1)', 'Bank of Kosovo', 'XK', 'country'],
  ['withdrawn country AN', 'Bank of Curaçao', 'AN', 'country'],
];

const GOOD = ['中国工商银行', 'Банк России', 'بانک\u200cملت', 'Café Bank', 'O’Brien & Co. (Ltd)'];

describe('participant names and countries, platform rules', () => {
  test('the rules, as pure functions', () => {
    for (const [what, name, country, field] of BAD) {
      const problem = field === 'name' ? participantNameProblem(name) : countryProblem(country);
      assert.notEqual(problem, null, what);
    }
    for (const name of GOOD) assert.equal(participantNameProblem(name), null, name);
    assert.match(participantNameProblem('x'.repeat(141))!, /at most 140/);
    assert.equal(participantNameProblem('中'.repeat(140)), null);
  });

  test('rules 3 refuses each with invalid_field on the field; rules 1 and 2 replay them as they ran', () => {
    for (const [what, name, country, field] of BAD) {
      const v3 = runUnder(3, [CENTRAL, bank(name, country)]).at(-1)!;
      assert.equal(v3.ok, false, what);
      assert.deepEqual([v3.error!.code, v3.error!.field], ['invalid_field', field], `${what}: ${JSON.stringify(v3.error)}`);
      for (const v of [1, 2]) {
        const old = runUnder(v, [CENTRAL, bank(name, country)]).at(-1)!;
        // Rules 1 and 2 refused control characters other than tab, line feed and carriage return (the command decoder) and nothing else here.
        const decoderRefuses = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(name);
        assert.equal(old.ok, !decoderRefuses, `rules ${v}, ${what}: ${JSON.stringify(old.error)}`);
      }
    }
    for (const name of GOOD) assert.equal(runUnder(3, [CENTRAL, bank(name)]).at(-1)!.ok, true, name);
  });
});

describe('participant names and countries at the edges', () => {
  let fx: ApiFixture;
  before(async () => {
    fx = await startApi('sqlite');
  });
  after(() => fx.close());

  test('the API refuses at its edge with invalid_field on the field', async () => {
    for (const [what, name, country, field] of BAD) {
      const r = await fx.request('POST', '/v1/participants', { body: { id: 'NEWBCNBJ', kind: 'bank', name, country, currencies: ['CNY'] } });
      assert.deepEqual([r.status, r.body.code, r.body.path], [400, 'invalid_field', field], `${what}: ${JSON.stringify(r.body)}`);
      // Refused by the request schema (the platform's rules as formats), before any command exists.
      assert.match(r.body.message, /^must be (a participant name|an assigned ISO 3166-1 alpha-2)/, r.body.message);
    }
    assert.equal(fx.platform.participant('NEWBCNBJ'), undefined);
    const ok = await fx.request('POST', '/v1/participants', {
      body: { id: 'NEWBCNBJ', kind: 'bank', name: 'بانک\u200cملت', country: 'CN', currencies: ['CNY'] },
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });

  test('the CLI refuses with the same code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sco-settle-names-'));
    try {
      const run = (args: string[]) =>
        spawnSync(process.execPath, [resolve('bin/sco-settle.js'), '--store', `sqlite:${join(dir, 'p.db')}`, ...args], {
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, SCO_SETTLE_STORE: '' },
        });
      assert.equal(run(['init']).status, 0);
      const cb = run(['participants', 'add', '--id', CB.CNY, '--kind', 'central_bank', '--name', 'PBOC', '--country', 'CN', '--currencies', 'CNY']);
      assert.equal(cb.status, 0, cb.stderr);
      for (const [country, name, field] of [
        ['ZZ', 'Bank of Nowhere', 'country'],
        ['CN', 'Bank \u202eAnihC', 'name'],
      ]) {
        const r = run(['participants', 'add', '--id', 'NEWBCNBJ', '--kind', 'bank', '--name', name!, '--country', country!, '--currencies', 'CNY']);
        assert.equal(r.status, 4); // invalid input
        // Refused before it became a command: the message names the option.
        assert.match(r.stderr, new RegExp(`invalid_field: --${field}: `), r.stderr);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
