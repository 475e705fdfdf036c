// Mutual TLS: a client certificate issued by the configured CA authenticates as
// the API user its subject CN names (that user's role and participant apply); a
// certificate from another CA, or none, does not; API keys keep working. The
// certificates are made here with the system's openssl (skipped, saying so,
// where there is none).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { MemoryStore } from '../src/store/memory.js';
import { Platform } from '../src/platform/platform.js';
import { UserDirectory } from '../src/http/auth.js';
import { buildServer } from '../src/cli/serve_commands.js';
import { BANKS, setupScheme, TestClock } from './support/platform.js';

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;

function makeCerts(dir: string): void {
  const o = (args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  for (const ca of ['ca', 'rogue']) {
    o(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.crt`, '-days', '2', '-subj', `/CN=${ca} test CA`]);
  }
  const leaf = (name: string, cn: string, ca: string, ext: string | null): void => {
    o(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    const args = ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2'];
    if (ext !== null) {
      writeFileSync(join(dir, `${name}.ext`), ext);
      args.push('-extfile', `${name}.ext`);
    }
    o(args);
  };
  leaf('server', 'localhost', 'ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  leaf('alice', 'alice-bank', 'ca', null);
  leaf('mallory', 'alice-bank', 'rogue', null);
}

test('a client certificate from the trusted CA authenticates as the user it names', async (t) => {
  if (!openssl) return t.skip('no openssl on this machine to make test certificates');
  const dir = mkdtempSync(join(tmpdir(), 'sco-settle-mtls-'));
  const store = new MemoryStore();
  const clock = new TestClock();
  const platform = await Platform.open(store, { clock: clock.read });
  try {
    makeCerts(dir);
    await setupScheme(platform);
    const users = await UserDirectory.load(platform);
    await users.createUser('alice-bank', 'participant', BANKS[0]!);
    await users.createUser('op', 'operator', null);
    const key = await users.createKey('op');
    const f = (n: string): Buffer => readFileSync(join(dir, n));
    const api = await buildServer({ platform, users, logLevel: false, https: { key: f('server.key'), cert: f('server.crt'), ca: f('ca.crt') } });
    await api.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (api.app.server.address() as AddressInfo).port;
    const get = (path: string, client: { cert?: Buffer; key?: Buffer; token?: string }): Promise<{ status: number; body: Record<string, unknown> }> =>
      new Promise((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'GET',
            ca: f('ca.crt'),
            ...(client.cert ? { cert: client.cert, key: client.key } : {}),
            headers: client.token ? { authorization: `Bearer ${client.token}` } : {},
          },
          (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Record<string, unknown> }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    try {
      const me = await get('/v1/me', { cert: f('alice.crt'), key: f('alice.key') });
      assert.equal(me.status, 200, JSON.stringify(me.body));
      assert.deepEqual(me.body, { name: 'alice-bank', role: 'participant', participant: BANKS[0] });
      const other = await get(`/v1/participants/${BANKS[1]}/balances`, { cert: f('alice.crt'), key: f('alice.key') });
      assert.equal(other.status, 404, 'the certificate user sees its own participant only');
      const rogue = await get('/v1/me', { cert: f('mallory.crt'), key: f('mallory.key') });
      assert.equal(rogue.status, 401, 'a certificate from another CA is not trusted');
      const none = await get('/v1/me', {});
      assert.equal(none.status, 401);
      const byKey = await get('/v1/me', { token: key.token });
      assert.equal(byKey.body.name, 'op', 'API keys keep working over TLS');
    } finally {
      await api.shutdown();
    }
  } finally {
    await platform.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
});
