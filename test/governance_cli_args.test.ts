// Two CLI arguments that did not reach their command: `scheme show --version N`
// (the program's own --version took it and printed sco-settle's release) and
// `calendar show --currency` of a currency without a calendar file (the file
// system's error with the machine's path, instead of naming the currencies).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { schemeShowArgv } from '../src/cli/scheme_commands.js';

const BIN = resolve('bin/sco-settle.js');

test('scheme show --version N and calendar show --currency reach their commands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-gcli-args-'));
  const cli = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, '--store', `sqlite:${join(dir, 's.db')}`, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, SCO_SETTLE_STORE: '' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  try {
    assert.equal(cli(['init']).code, 0);
    const shown = cli(['scheme', 'show', '--version', '1', '--json']);
    assert.doesNotMatch(shown.stdout, /^sco-settle \d/, 'not the program version');
    assert.equal(shown.code, 3, 'no_scheme exits as not found');
    assert.match(shown.stderr, /no_scheme/);
    const bad = cli(['scheme', 'show', '--version', 'x', '--json']);
    assert.equal(bad.code, 4);
    assert.match(bad.stderr, /--version: a version number/);
    assert.match(cli(['--version']).stdout, /^sco-settle \d/, 'the program version still answers before a command');

    const unknown = cli(['calendar', 'show', '--currency', 'XXX', '--from', '2025-09-01', '--to', '2025-09-02', '--json']);
    assert.equal(unknown.code, 4);
    assert.match(unknown.stderr, /no calendar file for XXX; there are BYN, CNY, INR, IRR/);
    assert.doesNotMatch(unknown.stderr, /ENOENT/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('schemeShowArgv renames only scheme show --version', () => {
  assert.deepEqual(schemeShowArgv(['node', 'bin', 'scheme', 'show', '--version', '2']), ['node', 'bin', 'scheme', 'show', '--scheme-version', '2']);
  assert.deepEqual(schemeShowArgv(['node', 'bin', 'scheme', 'show', '--version=2']), ['node', 'bin', 'scheme', 'show', '--scheme-version=2']);
  assert.deepEqual(schemeShowArgv(['node', 'bin', '--version']), ['node', 'bin', '--version']);
  assert.deepEqual(schemeShowArgv(['node', 'bin', 'scheme', 'proposals', '--version']), ['node', 'bin', 'scheme', 'proposals', '--version']);
});
