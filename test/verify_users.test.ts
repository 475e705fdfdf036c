// `verify` covers API users and keys (issue 20, defect 9): they are journaled
// commands, the documents table is an index derived from them, and verify fails,
// naming the user or key, when the index disagrees with the journal — a role
// changed, a revoked key un-revoked, a user added or removed directly in SQLite.
// A store written by the previous release (test/fixtures/stores) has its users
// and keys in the documents table only: they are adopted into the journal once,
// on the first open, and are covered from then on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Database } from '../src/store/sqlite_driver.js';

const BIN = resolve('bin/sco-settle.js');
const FIXTURES = new URL('../../test/fixtures/stores/', import.meta.url);

function cli(store: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--store', store, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, SCO_SETTLE_STORE: '', SCO_SETTLE_API_KEY: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(store: string, args: string[]): string {
  const r = cli(store, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function doc(path: string, name: string): Record<string, unknown> {
  const db = new Database(path, { readonly: true });
  try {
    const row = db.prepare('SELECT body FROM documents WHERE name = ?').get(name) as { body: Buffer } | undefined;
    assert.ok(row !== undefined, `document ${name} exists`);
    return JSON.parse(Buffer.from(row.body).toString('utf8')) as Record<string, unknown>;
  } finally {
    db.close();
  }
}

function putDoc(path: string, name: string, body: unknown): void {
  const db = new Database(path);
  try {
    db.prepare('INSERT OR REPLACE INTO documents (name, body, updated_at) VALUES (?, ?, ?)').run(
      name,
      Buffer.from(JSON.stringify(body)),
      new Date().toISOString(),
    );
  } finally {
    db.close();
  }
}

function deleteDoc(path: string, name: string): void {
  const db = new Database(path);
  try {
    db.prepare('DELETE FROM documents WHERE name = ?').run(name);
  } finally {
    db.close();
  }
}

/** Runs `fn` on a copy of the store file and checks verify fails naming `who`; the original is left as it was. */
function tamperedFails(path: string, who: RegExp, fn: (copy: string) => void): void {
  const copy = `${path}.tampered.db`;
  writeFileSync(copy, readFileSync(path));
  // The journal head record travels with the store (see journal_head.test.ts).
  if (existsSync(`${path}.head`)) writeFileSync(`${copy}.head`, readFileSync(`${path}.head`));
  try {
    fn(copy);
    const r = cli(`sqlite:${copy}`, ['verify']);
    assert.equal(r.code, 5, `verify must fail: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, /api_directory_mismatch/);
    assert.match(r.stderr, who);
  } finally {
    rmSync(copy, { force: true });
    rmSync(`${copy}.head`, { force: true });
  }
}

test('verify fails, naming the user or key, when the documents table disagrees with the journal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-vusers-'));
  const path = join(dir, 'u.db');
  const store = `sqlite:${path}`;
  try {
    ok(store, ['init']);
    ok(store, ['participants', 'add', '--id', 'PBOCCNBJ', '--kind', 'central_bank', '--name', 'PBOC', '--country', 'CN', '--currencies', 'CNY']);
    ok(store, ['participants', 'add', '--id', 'BKCHCNBJ', '--kind', 'bank', '--name', 'Bank of China', '--country', 'CN', '--currencies', 'CNY']);
    ok(store, ['users', 'create', '--role', 'participant', '--participant', 'BKCHCNBJ', 'alice']);
    ok(store, ['users', 'create', '--role', 'auditor', 'bob']);
    const key = JSON.parse(ok(store, ['keys', 'create', '--user', 'alice'])) as { key_id: string };
    const revoked = JSON.parse(ok(store, ['keys', 'create', '--user', 'bob'])) as { key_id: string };
    ok(store, ['keys', 'revoke', revoked.key_id]);
    assert.match(ok(store, ['verify']), /^ok: /);

    tamperedFails(path, /user alice/, (copy) => {
      putDoc(copy, 'api/users/alice', { ...doc(copy, 'api/users/alice'), role: 'operator', participant: null });
    });
    tamperedFails(path, /user alice/, (copy) => {
      putDoc(copy, 'api/users/alice', { ...doc(copy, 'api/users/alice'), participant: 'ICBKCNBJ' });
    });
    tamperedFails(path, new RegExp(`key ${revoked.key_id}`), (copy) => {
      putDoc(copy, `api/keys/${revoked.key_id}`, { ...doc(copy, `api/keys/${revoked.key_id}`), revoked_at: null });
    });
    tamperedFails(path, new RegExp(`key ${key.key_id}`), (copy) => {
      putDoc(copy, `api/keys/${key.key_id}`, { ...doc(copy, `api/keys/${key.key_id}`), user: 'bob' });
    });
    tamperedFails(path, /user mallory/, (copy) => {
      putDoc(copy, 'api/users/mallory', { name: 'mallory', role: 'operator', participant: null, created_at: new Date().toISOString() });
    });
    tamperedFails(path, /user bob/, (copy) => deleteDoc(copy, 'api/users/bob'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a previous release's store: its users and keys are adopted into the journal once, then verified", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-vusers-'));
  const path = join(dir, 'old.db');
  const store = `sqlite:${path}`;
  try {
    writeFileSync(path, gunzipSync(readFileSync(new URL('fbfd236-demo.db.gz', FIXTURES))));
    // What the previous release's `users create` and `keys create` wrote.
    const created_at = '2025-09-01T07:00:00.000Z';
    putDoc(path, 'api/users/old-operator', { name: 'old-operator', role: 'operator', participant: null, created_at });
    putDoc(path, 'api/users/old-auditor', { name: 'old-auditor', role: 'auditor', participant: null, created_at });
    const keyId = '0123456789abcdef';
    putDoc(path, `api/keys/${keyId}`, {
      id: keyId,
      user: 'old-operator',
      salt: Buffer.alloc(16, 1).toString('base64'),
      hash: Buffer.alloc(32, 2).toString('base64'),
      created_at,
      revoked_at: null,
    });

    const listed = JSON.parse(ok(store, ['users', 'list'])) as { users: Array<{ name: string; role: string }> };
    assert.deepEqual(
      listed.users.map((u) => [u.name, u.role]),
      [
        ['old-auditor', 'auditor'],
        ['old-operator', 'operator'],
      ],
    );
    assert.match(ok(store, ['verify']), /^ok: /);
    ok(store, ['users', 'list']);
    const db = new Database(path, { readonly: true });
    const adoptions = (db.prepare('SELECT body FROM journal').all() as Array<{ body: Buffer }>).filter((r) =>
      Buffer.from(r.body).includes('"adopt_api_directory"'),
    ).length;
    db.close();
    assert.equal(adoptions, 1, 'adopted once, recorded in the journal');
    const keys = JSON.parse(ok(store, ['keys', 'list'])) as { keys: Array<{ id: string; user: string }> };
    assert.deepEqual(
      keys.keys.map((k) => [k.id, k.user]),
      [[keyId, 'old-operator']],
    );

    tamperedFails(path, /user old-auditor/, (copy) => {
      putDoc(copy, 'api/users/old-auditor', { ...doc(copy, 'api/users/old-auditor'), role: 'operator' });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
