// Revoking a key, and changing or disabling a user, on a store a server is
// serving (issue 20, defect 4): through the API (operator role) and through the
// CLI (`--server URL`, the operator's key in SCO_SETTLE_API_KEY), while requests
// with the key run. The key must be refused within a second of the change being
// acknowledged; the latencies are measured and printed (median over the runs).
//
// Everything is real: the `sco-settle` binary serves a SQLite file in a temp dir
// (a child process holding the writer lock), the users and keys are made by the
// CLI before it starts, and requests go over loopback HTTP.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/sco-settle.js');
/** The acceptance bound: a revoked key is refused within this long of the revocation being acknowledged. */
const REFUSED_WITHIN_MS = 1_000;
const API_RUNS = 5;

function cli(store: string, args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--store', store, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, SCO_SETTLE_STORE: '', SCO_SETTLE_API_KEY: '', ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(store: string, args: string[]): string {
  const r = cli(store, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function newKey(store: string, user: string): { id: string; token: string } {
  const k = JSON.parse(ok(store, ['keys', 'create', '--user', user])) as { key_id: string; api_key: string };
  return { id: k.key_id, token: k.api_key };
}

/** Starts `sco-settle serve` on the store; resolves with its base URL once it listens. */
function serve(store: string): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(process.execPath, [BIN, '--store', store, 'serve', '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent'], {
    env: { ...process.env, SCO_SETTLE_STORE: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((res, rej) => {
    let err = '';
    const timer = setTimeout(() => rej(new Error(`serve did not start: ${err}`)), 60_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      err += d;
      const m = /API on (https?:\/\/\S+)/.exec(err);
      if (m !== null) {
        clearTimeout(timer);
        res({ child, base: m[1]! });
      }
    });
    child.once('exit', (code) => rej(new Error(`serve exited ${code}: ${err}`)));
  });
}

// biome-ignore lint/suspicious/noExplicitAny: a response body is read field by field and each test asserts the fields it reads
async function call(base: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

/**
 * Requests GET /v1/me with `token` back to back until one is refused (401), from
 * when `start` is called; `change()` runs meanwhile. Returns when the change was
 * acknowledged and when the first refused request was sent and answered
 * (performance.now() ms), and whether any request sent after the acknowledgment passed.
 */
async function refusedAfter(
  base: string,
  token: string,
  change: () => Promise<void>,
): Promise<{ changed_at_ms: number; acked_at_ms: number; refused_at_ms: number; passed_after_ack: number; requests: number }> {
  const first = await call(base, token, 'GET', '/v1/me');
  assert.equal(first.status, 200, `the key works before the change: ${JSON.stringify(first.body)}`);
  let acked_at_ms = Number.POSITIVE_INFINITY;
  let refused_at_ms = Number.NaN;
  let passed_after_ack = 0;
  let requests = 0;
  let stopped = false;
  const loop = (async () => {
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline && !stopped) {
      const sent = performance.now();
      const r = await call(base, token, 'GET', '/v1/me');
      requests++;
      if (r.status === 401) {
        refused_at_ms = performance.now();
        return;
      }
      assert.equal(r.status, 200, JSON.stringify(r.body));
      if (sent > acked_at_ms) passed_after_ack++;
    }
  })();
  const changed_at_ms = performance.now();
  try {
    await change();
  } catch (err) {
    stopped = true;
    await loop.catch(() => undefined);
    throw err;
  }
  acked_at_ms = performance.now();
  await loop;
  assert.ok(Number.isFinite(refused_at_ms), 'the key was refused at last');
  return { changed_at_ms, acked_at_ms, refused_at_ms, passed_after_ack, requests };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

test('a key revoked through the API or the CLI, and a user changed or disabled, take effect on the running server within a second', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-revoke-'));
  const store = `sqlite:${join(dir, 'served.db')}`;
  let child: ChildProcess | null = null;
  try {
    ok(store, ['init']);
    ok(store, ['users', 'create', '--role', 'operator', 'ops']);
    ok(store, ['users', 'create', '--role', 'auditor', 'watcher']);
    ok(store, ['users', 'create', '--role', 'auditor', 'mover']);
    const op = newKey(store, 'ops');
    const apiKeys = Array.from({ length: API_RUNS }, () => newKey(store, 'watcher'));
    const cliKey = newKey(store, 'watcher');
    const moverKey = newKey(store, 'mover');
    const streamKey = newKey(store, 'watcher');
    const served = await serve(store);
    child = served.child;
    const base = served.base;

    // The operator's key once, so its scrypt is not in the first measurement.
    assert.equal((await call(base, op.token, 'GET', '/v1/me')).status, 200);
    // Through the API: POST /v1/keys/{id}/revoke as the operator, API_RUNS times.
    const apiLatency: number[] = [];
    const apiAckToRefused: number[] = [];
    for (const k of apiKeys) {
      const m = await refusedAfter(base, k.token, async () => {
        const r = await call(base, op.token, 'POST', `/v1/keys/${k.id}/revoke`, {});
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.key_id, k.id);
        assert.equal(typeof r.body.revoked_at, 'string');
      });
      assert.equal(m.passed_after_ack, 0, 'no request sent after the revocation was acknowledged passed');
      apiLatency.push(m.refused_at_ms - m.changed_at_ms);
      apiAckToRefused.push(m.refused_at_ms - m.acked_at_ms);
      assert.ok(m.refused_at_ms - m.acked_at_ms < REFUSED_WITHIN_MS, `refused ${m.refused_at_ms - m.acked_at_ms} ms after the acknowledgment`);
    }
    assert.ok(median(apiLatency) < REFUSED_WITHIN_MS, `median revoke request -> refused ${median(apiLatency)} ms`);
    const listed = await call(base, op.token, 'GET', '/v1/keys?user=watcher');
    assert.equal(listed.status, 200);
    assert.equal(listed.body.keys.filter((k: { revoked_at: string | null }) => k.revoked_at !== null).length, API_RUNS);
    assert.ok(
      listed.body.keys.every((k: Record<string, unknown>) => !('hash' in k) && !('salt' in k)),
      'no secret material is listed',
    );
    // Only an operator may revoke.
    const notOp = await call(base, moverKey.token, 'POST', `/v1/keys/${cliKey.id}/revoke`, {});
    assert.equal(notOp.status, 403);

    // Through the CLI while the server holds the writer lock: without --server it says how, with it it works.
    const busy = cli(store, ['keys', 'revoke', cliKey.id]);
    assert.notEqual(busy.code, 0);
    assert.match(busy.stderr, /--server/);
    let cliOut = '';
    const cliRun = await refusedAfter(base, cliKey.token, async () => {
      const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => {
        const c = spawn(process.execPath, [BIN, '--store', store, 'keys', 'revoke', cliKey.id, '--server', base], {
          env: { ...process.env, SCO_SETTLE_STORE: '', SCO_SETTLE_API_KEY: op.token },
        });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d) => (stdout += d));
        c.stderr.on('data', (d) => (stderr += d));
        c.on('exit', (code) => res({ code, stdout, stderr }));
      });
      assert.equal(r.code, 0, r.stderr);
      cliOut = r.stdout;
    });
    assert.equal(JSON.parse(cliOut).key_id, cliKey.id);
    assert.equal(cliRun.passed_after_ack, 0, 'no request sent after the CLI returned passed');
    assert.ok(cliRun.refused_at_ms - cliRun.acked_at_ms < REFUSED_WITHIN_MS);

    // A user's role change applies to the next request; disabling refuses its keys.
    const before = await call(base, moverKey.token, 'GET', '/v1/me');
    assert.equal(before.body.role, 'auditor');
    const patched = await call(base, op.token, 'PATCH', '/v1/users/mover', { role: 'compliance' });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.role, 'compliance');
    assert.equal((await call(base, moverKey.token, 'GET', '/v1/me')).body.role, 'compliance');
    const viaCli = cli(store, ['users', 'update', 'mover', '--role', 'auditor', '--server', base], { SCO_SETTLE_API_KEY: op.token });
    assert.equal(viaCli.code, 0, viaCli.stderr);
    assert.equal((await call(base, moverKey.token, 'GET', '/v1/me')).body.role, 'auditor');
    const disable = await refusedAfter(base, moverKey.token, async () => {
      const r = await call(base, op.token, 'PATCH', '/v1/users/mover', { disabled: true });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    });
    assert.equal(disable.passed_after_ack, 0);

    // A user and a key created through the CLI on the served store: the secret is drawn by the CLI, the server gets its hash.
    const remote = { SCO_SETTLE_API_KEY: op.token };
    const made = cli(store, ['users', 'create', 'newbie', '--role', 'auditor', '--server', base], remote);
    assert.equal(made.code, 0, made.stderr);
    const madeKey = cli(store, ['keys', 'create', '--user', 'newbie', '--server', base], remote);
    assert.equal(madeKey.code, 0, madeKey.stderr);
    const newbie = JSON.parse(madeKey.stdout) as { key_id: string; api_key: string };
    assert.equal((await call(base, newbie.api_key, 'GET', '/v1/me')).body.name, 'newbie');
    const self = await call(base, op.token, 'PATCH', '/v1/users/ops', { disabled: true });
    assert.equal(self.status, 403, 'an operator does not lock itself out');
    const noKey = cli(store, ['keys', 'list', '--server', base]);
    assert.notEqual(noKey.code, 0);
    assert.match(noKey.stderr, /SCO_SETTLE_API_KEY/);

    // An event stream opened with a key ends when the key is revoked.
    const sse = await fetch(`${base}/v1/events`, { headers: { authorization: `Bearer ${streamKey.token}` } });
    assert.equal(sse.status, 200);
    const reader = sse.body!.getReader();
    await reader.read();
    const streamRevokedAt = performance.now();
    assert.equal((await call(base, op.token, 'POST', `/v1/keys/${streamKey.id}/revoke`, {})).status, 200);
    for (;;) if ((await reader.read()).done) break;
    const streamEndMs = performance.now() - streamRevokedAt;
    assert.ok(streamEndMs < REFUSED_WITHIN_MS, `the stream ended ${streamEndMs} ms after the revocation was sent`);

    // The OpenAPI document lists the new routes.
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    assert.ok(doc.paths['/v1/keys/{id}/revoke']?.post, 'POST /v1/keys/{id}/revoke is documented');
    assert.ok(doc.paths['/v1/users/{name}']?.patch, 'PATCH /v1/users/{name} is documented');

    process.stdout.write(
      `key revocation on a served store: API, revoke request sent -> key refused: median ${median(apiLatency).toFixed(1)} ms over ${API_RUNS} runs ` +
        `(${apiLatency.map((x) => x.toFixed(1)).join(', ')}); revoke acknowledged -> key refused: median ${median(apiAckToRefused).toFixed(1)} ms ` +
        `(negative: refused before the acknowledgment arrived); CLI keys revoke --server: process spawned -> key refused ` +
        `${(cliRun.refused_at_ms - cliRun.changed_at_ms).toFixed(1)} ms (node start-up included), CLI exited -> key refused ${(cliRun.refused_at_ms - cliRun.acked_at_ms).toFixed(1)} ms; ` +
        `open event stream ended ${streamEndMs.toFixed(1)} ms after the revoke request was sent\n`,
    );
  } finally {
    if (child !== null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
