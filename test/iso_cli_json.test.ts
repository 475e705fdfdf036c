// The ISO 20022 CLI under --json (issue 19, CLI conventions): `iso validate` and
// `iso submit` stream one JSON object per message a line (NDJSON) on stdout, and
// a failure is also the one JSON error document on stderr with its exit code;
// `iso parse` is one JSON document on one line, and the XML results (`iso build`,
// `iso statement`) are one JSON object holding the XML.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(import.meta.dirname, '../../bin/sco-settle.js');
const FIX = resolve(import.meta.dirname, '../../test/fixtures/iso20022');
const PACS008 = join(FIX, 'pacs008_cny_rub.xml');
const CAMT056 = join(FIX, 'camt056_duplicate.xml');
let dir: string;
let store: string;

const run = (args: string[]) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, SCO_SETTLE_STORE: '', SCO_SETTLE_XSD_DIR: '' } });
/** stdout as NDJSON: every line one JSON object. */
const records = (stdout: string): Array<Record<string, unknown>> =>
  stdout
    .trimEnd()
    .split('\n')
    .map((l) => {
      const v = JSON.parse(l) as unknown;
      assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v), `not a JSON object: ${l}`);
      return v as Record<string, unknown>;
    });
/** The last stderr line as the --json error document. */
const errorDoc = (stderr: string): { code: string; exit_code: number } => {
  const last = stderr.trimEnd().split('\n').at(-1) ?? '';
  return (JSON.parse(last) as { error: { code: string; exit_code: number } }).error;
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sco-settle-isojson-'));
  store = `sqlite:${join(dir, 's.db')}`;
  const init = run(['--store', store, 'init']);
  assert.equal(init.status, 0, init.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('iso validate --json: one object per file a line, in order; an invalid file exits 4 with the JSON error on stderr', () => {
  const broken = join(dir, 'broken.xml');
  writeFileSync(broken, '<Document><nope/></Document>');
  const r = run(['--json', 'iso', 'validate', PACS008, broken, join(dir, 'missing.xml'), CAMT056]);
  assert.equal(r.status, 4, r.stderr);
  const out = records(r.stdout);
  assert.deepEqual(
    out.map((l) => [l.file, l.valid]),
    [
      [PACS008, true],
      [broken, false],
      [join(dir, 'missing.xml'), false],
      [CAMT056, true],
    ],
  );
  assert.deepEqual(errorDoc(r.stderr), { code: 'invalid_input', field: '', message: '2 of 4 file(s) not valid (see the lines)', exit_code: 4 });
  const ok = run(['iso', 'validate', '--json', PACS008, CAMT056]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(records(ok.stdout).length, 2);
  assert.equal(ok.stderr, '');
});

test('iso submit --json: one object per message a line with its answers; a rejection exits 4 with the JSON error on stderr', () => {
  for (const args of [
    ['--store', store, 'iso', 'submit', '--json', PACS008, CAMT056],
    ['--json', '--store', store, 'iso', 'submit', PACS008, CAMT056],
  ]) {
    const r = run(args);
    assert.equal(r.status, 4, r.stderr);
    const out = records(r.stdout);
    assert.deepEqual(
      out.map((l) => [l.file, l.message_type, l.accepted]),
      [
        [PACS008, 'pacs.008.001.08', false],
        [CAMT056, 'camt.056.001.08', false],
      ],
    );
    for (const l of out) for (const k of ['payments', 'errors', 'status_reports', 'resolutions', 'returns']) assert.ok(Array.isArray(l[k]), k);
    assert.match((out[0]!.status_reports as string[])[0]!, /<\?xml/);
    assert.equal(errorDoc(r.stderr).code, 'rejected');
  }
});

test('iso parse --json is one line; iso build and iso statement --json are one object holding the XML', () => {
  const parsed = run(['--json', 'iso', 'parse', PACS008]);
  assert.equal(parsed.status, 0, parsed.stderr);
  assert.equal(parsed.stdout.trimEnd().split('\n').length, 1);
  const model = join(dir, 'model.json');
  writeFileSync(model, parsed.stdout);
  const built = run(['iso', 'build', '--json', '--type', 'pacs.008.001.08', model]);
  assert.equal(built.status, 0, built.stderr);
  const [b] = records(built.stdout);
  assert.equal(b!.message_type, 'pacs.008.001.08');
  assert.match(String(b!.xml), /^<\?xml/);
  const plain = run(['iso', 'build', '--type', 'pacs.008.001.08', model]);
  assert.match(plain.stdout, /^<\?xml/);
  const missing = run(['--json', '--store', store, 'iso', 'statement', '--participant', 'BKCHCNBJ', '--currency', 'CNY', '--date', '2025-09-01']);
  assert.notEqual(missing.status, 0);
  assert.equal(missing.stdout, '');
  assert.ok(errorDoc(missing.stderr).exit_code === missing.status);
});
