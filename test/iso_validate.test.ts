// `iso validate` answers two questions apart (issue 20, defect 12): is the message
// valid ISO 20022 (schema and code sets: any active ISO 4217 currency), and, with
// --platform, would this platform accept it (currencies it settles, agents it knows).
// Hand-written samples: a CBPR+ pacs.008 in RON and a camt.054 in SEK, valid ISO
// 20022 in currencies the platform does not settle. The official XSD checks skip,
// saying so, when ../shared/iso20022/xsd is absent.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CURRENCIES, ISO4217, ISO4217_PUBLISHED } from '../src/fx/iso4217.js';
import { submitIsoMessage } from '../src/iso20022/submit.js';
import { validateBuiltIn, validateMessage } from '../src/iso20022/validate.js';
import { Platform } from '../src/platform/platform.js';
import { MemoryStore } from '../src/store/memory.js';
import { setupScheme, TestClock } from './support/platform.js';

const FIXTURES = resolve('test/fixtures/iso20022');
const RON = join(FIXTURES, 'pacs008_ron_cbpr.xml');
const SEK = join(FIXTURES, 'camt054_sek_credit.xml');
const CNY = join(FIXTURES, 'pacs008_cny_rub.xml');
const XSD_DIR = process.env.SCO_SETTLE_XSD_DIR ?? resolve('..', 'shared', 'iso20022', 'xsd');
const SKIP_XSD = existsSync(join(XSD_DIR, 'pacs.008.001.08.xsd')) ? false : `no official XSDs at ${XSD_DIR}`;
const BIN = resolve('bin/sco-settle.js');

describe('the full ISO 4217 list', () => {
  test('holds every active code once, and agrees with the platform table on each code both hold', () => {
    assert.equal(ISO4217_PUBLISHED, '2024-06-25');
    assert.equal(ISO4217.size, 179);
    assert.deepEqual({ ...ISO4217.get('RON') }, { code: 'RON', numeric: 946, minor_units: 2, name: 'Romanian Leu', fund: false });
    assert.deepEqual([ISO4217.get('SEK')!.numeric, ISO4217.get('SEK')!.minor_units], [752, 2]);
    assert.equal(ISO4217.get('XAU')!.minor_units, null);
    assert.equal(ISO4217.get('CLF')!.fund, true);
    for (const gone of ['HRK', 'SLL', 'ZWL', 'XYZ']) assert.equal(ISO4217.has(gone), false, gone);
    for (const c of CURRENCIES.values()) {
      const iso = ISO4217.get(c.code);
      assert.ok(iso !== undefined, c.code);
      assert.deepEqual([iso.numeric, iso.minor_units], [c.numeric, c.minor_units], c.code);
    }
    for (const c of ISO4217.values()) assert.match(c.code, /^[A-Z]{3}$/);
  });
});

describe('the library: two questions', () => {
  for (const [name, file, type] of [
    ['a CBPR+ pacs.008 in RON', RON, 'pacs.008.001.08'],
    ['a camt.054 in SEK', SEK, 'camt.054.001.08'],
  ] as const) {
    test(`${name}: valid ISO 20022; not one the platform settles`, () => {
      const xml = readFileSync(file);
      const iso = validateBuiltIn(xml, { rules: 'iso' });
      assert.deepEqual([iso.valid, iso.message_type, iso.errors], [true, type, []]);
      const platform = validateBuiltIn(xml, { rules: 'platform' });
      assert.equal(platform.valid, false);
      assert.ok(platform.errors.length > 0);
      for (const e of platform.errors) {
        assert.equal(e.code, 'AM03');
        assert.match(e.path, /Amt\/@Ccy$/);
        assert.match(e.message, /valid ISO 4217 but not one this platform settles/);
      }
      // Submission and the library's default ask the platform's question.
      assert.deepEqual(validateBuiltIn(xml).errors, platform.errors);
    });
  }

  test('code sets still apply under ISO rules: an unknown code, decimals beyond the minor units', () => {
    const ron = readFileSync(RON, 'utf8');
    const xyz = validateBuiltIn(ron.replace('<IntrBkSttlmAmt Ccy="RON">', '<IntrBkSttlmAmt Ccy="XYZ">'), { rules: 'iso' });
    assert.deepEqual(
      xyz.errors.map((e) => [e.code, e.path.replace(/.*\//, '')]),
      [['AM03', '@Ccy']],
    );
    assert.match(xyz.errors[0]!.message, /not an active ISO 4217 code \(list of 2024-06-25\)/);
    const decimals = validateBuiltIn(ron.replace('>48250.75</IntrBkSttlmAmt>', '>48250.755</IntrBkSttlmAmt>'), { rules: 'iso' });
    assert.deepEqual(
      decimals.errors.map((e) => e.code),
      ['AM12'],
    );
    assert.match(decimals.errors[0]!.message, /RON has 2 minor units/);
    // A currency with no minor unit in ISO (gold): any decimals the schema allows.
    const gold = validateBuiltIn(ron.replaceAll('Ccy="RON">48250.75', 'Ccy="XAU">1.12345'), { rules: 'iso' });
    assert.deepEqual(gold.errors, []);
  });

  test('platform rules with participants: the debtor and creditor agents must be participants', () => {
    const cny = readFileSync(CNY);
    const none = validateBuiltIn(cny, { rules: 'platform', isParticipant: () => false });
    assert.deepEqual(
      none.errors.map((e) => [e.code, e.path.replace(/.*CdtTrfTxInf\[1\]\//, '')]),
      [
        ['AGNT', 'DbtrAgt/FinInstnId/BICFI'],
        ['AGNT', 'CdtrAgt/FinInstnId/BICFI'],
      ],
    );
    // Participants are matched with or without the XXX branch code, as submission matches them.
    const known = validateBuiltIn(cny, { rules: 'platform', isParticipant: (b) => b === 'SABRRUMM' || b === 'ICBKCNBJ' });
    assert.deepEqual(known.errors, []);
    // ISO rules never ask.
    assert.deepEqual(validateBuiltIn(cny, { rules: 'iso', isParticipant: () => false }).errors, []);
  });

  test('against the official XSDs too', { skip: SKIP_XSD }, async () => {
    for (const file of [RON, SEK]) {
      const r = await validateMessage(readFileSync(file), { rules: 'iso', xsd_dir: XSD_DIR });
      assert.deepEqual(r.errors, [], file);
    }
  });

  test('submission still applies the platform rules: a RON pacs.008 is refused with AM03', async () => {
    const clock = new TestClock();
    const platform = await Platform.open(new MemoryStore(), { clock: clock.read });
    try {
      await setupScheme(platform);
      const r = await submitIsoMessage(platform, readFileSync(RON), 'test');
      assert.equal(r.accepted, false);
      assert.ok(
        r.errors.some((e) => e.code === 'AM03'),
        JSON.stringify(r.errors),
      );
    } finally {
      await platform.close();
    }
  });
});

describe('sco-settle iso validate', () => {
  let dir: string;
  const run = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SCO_SETTLE_STORE: '', SCO_SETTLE_XSD_DIR: '', ...env },
    });
  const lines = (stdout: string) =>
    stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { file: string; rules: string; valid: boolean; message_type: string; errors: Array<{ code: string; path: string }> });
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sco-settle-isov-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('by default: valid ISO 20022, exit 0', () => {
    const r = run(['iso', 'validate', RON, SEK]);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = lines(r.stdout);
    assert.deepEqual(
      out.map((l) => [l.rules, l.valid, l.message_type]),
      [
        ['iso', true, 'pacs.008.001.08'],
        ['iso', true, 'camt.054.001.08'],
      ],
    );
  });

  test('--platform: not accepted here (AM03), exit 4 (invalid input); says when agents are not checked', () => {
    const r = run(['iso', 'validate', '--platform', RON, SEK]);
    assert.equal(r.status, 4);
    const out = lines(r.stdout);
    assert.deepEqual(
      out.map((l) => [l.rules, l.valid, [...new Set(l.errors.map((e) => e.code))]]),
      [
        ['platform', false, ['AM03']],
        ['platform', false, ['AM03']],
      ],
    );
    assert.match(r.stderr, /agents are not checked/);
  });

  test('--platform with a store: agents the platform does not know are AGNT', async () => {
    const db = join(dir, 'p.db');
    const store = `sqlite:${db}`;
    assert.equal(run(['--store', store, 'init']).status, 0);
    const add = (id: string, kind: string, currencies: string, country: string) =>
      run(['--store', store, 'participants', 'add', '--id', id, '--kind', kind, '--name', id, '--country', country, '--currencies', currencies]);
    assert.equal(add('PBOCCNBJ', 'central_bank', 'CNY', 'CN').status, 0);
    assert.equal(add('ICBKCNBJ', 'bank', 'CNY', 'CN').status, 0);
    const unknown = run(['--store', store, 'iso', 'validate', '--platform', CNY]);
    assert.equal(unknown.status, 4, unknown.stderr);
    assert.deepEqual(
      lines(unknown.stdout)[0]!.errors.map((e) => [e.code, e.path.replace(/.*CdtTrfTxInf\[1\]\//, '')]),
      [['AGNT', 'DbtrAgt/FinInstnId/BICFI']],
    );
    assert.equal(add('CBRFRUMM', 'central_bank', 'RUB', 'RU').status, 0);
    assert.equal(add('SABRRUMM', 'bank', 'RUB,CNY', 'RU').status, 0);
    const known = run(['--store', store, 'iso', 'validate', '--platform', CNY]);
    assert.equal(known.status, 0, known.stdout + known.stderr);
    assert.equal(lines(known.stdout)[0]!.valid, true);
  });

  test('iso parse reads a RON pacs.008 (an ISO tool, not an acceptance check)', () => {
    const r = run(['iso', 'parse', RON]);
    assert.equal(r.status, 0, r.stderr);
    const model = JSON.parse(r.stdout) as { message_type: string; document: unknown };
    assert.equal(model.message_type, 'pacs.008.001.08');
    assert.match(JSON.stringify(model.document), /RON/);
  });

  test('an unreadable file is one invalid line', () => {
    const missing = join(dir, 'missing.xml');
    const r = run(['iso', 'validate', missing]);
    assert.equal(r.status, 4);
    assert.deepEqual(
      lines(r.stdout).map((l) => [l.rules, l.valid, l.errors[0]!.code]),
      [['iso', false, 'FILE_UNREADABLE']],
    );
  });
});
