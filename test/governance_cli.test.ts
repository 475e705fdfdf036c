// The scheme's governance through the CLI on a demo day's store: scheme show,
// users set-signing-key, a signed proposal and answer, each bad input refused
// with its code and nothing journaled, and `scheme what-if` — deterministic, its
// "current" side equal to what the day really did, its "proposed" side the day
// under a different LSM interval.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT, PLATFORM_EXIT } from '../src/cli/exit_codes.js';
import type { PlatformErrorCode } from '../src/platform/errors.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDay } from '../src/demo/day.js';
import { Platform } from '../src/platform/platform.js';
import { keyPair } from './support/governance.js';

const BIN = resolve('bin/sco-settle.js');

test('scheme commands on a demo day: propose, answer, refusals, what-if', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-gcli-'));
  const path = join(dir, 'demo.db');
  const store = `sqlite:${path}`;
  const cli = (args: string[]): { code: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [BIN, '--store', store, ...args], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, SCO_SETTLE_STORE: '' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = (args: string[]): Record<string, unknown> => {
    const r = cli(args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  };
  const commands = (): number => ok(['scheme', 'audit', '--json']).commands_total as number;
  const refused = (args: string[], code: string): void => {
    const before = commands();
    const r = cli(args);
    // The exit status of each code (src/cli/exit_codes.ts): not 0, not 1 (internal).
    assert.equal(r.code, EXIT[PLATFORM_EXIT[code as PlatformErrorCode]], `${args.join(' ')} must fail with ${code}'s status`);
    assert.match(r.stderr, new RegExp(`^sco-settle: ${code}: `), r.stderr);
    assert.equal(commands(), before, `nothing journaled for ${code}`);
  };
  try {
    const run = await runDay({ store, seed: 3, banks: 20, payments: 600, dns_share: 0.3, screen: null, onProgress: () => {} });
    const day = run.business_date;
    await run.platform.close();

    const shown = ok(['scheme', 'show', '--json']);
    assert.deepEqual(Object.keys(shown), ['version', 'adopted_at', 'document']);
    assert.equal(shown.version, 1);
    const members = (shown.document as { members: Record<string, { central_bank: string }> }).members;
    assert.equal(Object.keys(members).length, 10);
    const keys: Record<string, string> = {};
    for (const m of ['CN', 'RU', 'KZ']) {
      const user = m.toLowerCase();
      ok(['--by', 'admin', 'users', 'create', user, '--role', 'central_bank', '--participant', members[m]!.central_bank]);
      const k = keyPair();
      writeFileSync(join(dir, `${user}.pub.pem`), k.publicPem);
      writeFileSync((keys[user] = join(dir, `${user}.pem`)), k.privatePem);
      ok(['--by', 'admin', 'users', 'set-signing-key', '--user', user, '--public-key', join(dir, `${user}.pub.pem`)]);
    }
    const proposal = join(dir, 'lsm5.json');
    const body = {
      title: 'LSM every 5 minutes',
      rationale: 'shorter queues',
      changes: [{ op: 'replace', path: '/lsm/interval_minutes', value: 5 }],
      window_s: 86_400,
    };
    writeFileSync(proposal, JSON.stringify({ ...body, effective: 'next_business_day' }));
    const opened = ok(['--by', 'cn', 'scheme', 'propose', proposal, '--sign-key', keys.cn!]);
    assert.deepEqual(Object.keys(opened), ['id', 'state', 'closes_at', 'voters']);
    assert.deepEqual([opened.id, opened.state, (opened.voters as string[]).length], ['P-1', 'open', 10]);

    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ ...body, changes: [{ op: 'replace', path: '/lsm/every', value: 5 }], effective: 'next_business_day' }),
    );
    refused(['--by', 'cn', 'scheme', 'propose', join(dir, 'bad.json'), '--sign-key', keys.cn!], 'unknown_path');
    refused(['--by', 'ru', 'scheme', 'answer', 'P-1', '--approve', '--sign-key', keys.kz!], 'bad_signature');
    refused(['--by', 'admin', 'scheme', 'answer', 'P-1', '--approve', '--sign-key', keys.kz!], 'not_a_member');
    refused(['--by', 'ru', 'scheme', 'answer', 'P-1', '--approve', '--member', 'KZ', '--sign-key', keys.ru!], 'not_your_member');
    const answered = ok(['--by', 'ru', 'scheme', 'answer', 'P-1', '--reserve', '--reason', 'watch the queues', '--sign-key', keys.ru!]);
    assert.deepEqual(answered.reservations, [{ member: 'RU', reason: 'watch the queues' }]);
    assert.equal((ok(['scheme', 'proposals', '--state', 'open', '--json']).proposals as unknown[]).length, 1);

    const t0 = process.hrtime.bigint();
    const first = cli(['scheme', 'what-if', 'P-1', '--day', day, '--json']);
    const wall_ms = Number((process.hrtime.bigint() - t0) / 1_000_000n);
    const second = cli(['scheme', 'what-if', 'P-1', '--day', day, '--json']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, second.stdout, 'what-if is deterministic');
    const w = JSON.parse(first.stdout) as { current: Record<string, unknown>; proposed: Record<string, unknown> };
    const p = await Platform.open(store);
    try {
      const real = await p.dayFigures(day);
      const { scheme_version: _v, ...current } = w.current;
      assert.deepEqual(current, JSON.parse(JSON.stringify(real)), 'the current side is what the day really did');
    } finally {
      await p.close();
    }
    assert.ok((w.current.settled_count as number) > 0);
    assert.ok((w.proposed.lsm as { runs: number }).runs > (w.current.lsm as { runs: number }).runs, 'a 5-minute LSM runs more often than a 15-minute one');
    process.stderr.write(`what-if wall time (600-payment day): ${wall_ms} ms\n`);
    assert.equal(cli(['verify']).code, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
