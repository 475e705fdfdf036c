// A real `sco-settle serve` process for the tests that need one (the change feed
// across restarts, the typed client and the examples): a SQLite store in a temp
// folder prepared with the test scheme (funded banks, today's business day open) and
// one user and API key per role, then the binary serving it on a free loopback
// port. stop() ends the process (SIGTERM: a graceful drain; SIGKILL: a crash)
// and start() serves the same store again on a new port.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Platform } from '../../src/platform/platform.js';
import { UserDirectory } from '../../src/http/auth.js';
import { USERS } from './api.js';
import { BANKS, LP, setupScheme } from './platform.js';

const BIN = resolve('bin/sco-settle.js');

export interface Served {
  store: string;
  dir: string;
  keys: Record<string, string>;
  base: string;
  child: ChildProcess | null;
  start(): Promise<void>;
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  cleanup(): Promise<void>;
}

/** Prepares a store (scheme, funds, users and keys) and serves it. */
export async function serveTestStore(prefix: string): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), `sco-settle-${prefix}-`));
  const store = `sqlite:${join(dir, 'served.db')}`;
  const platform = await Platform.open(store);
  const keys: Record<string, string> = {};
  try {
    await setupScheme(platform);
    // The server runs on the wall clock: today's business day, open until the end of the (UTC) day.
    await platform.run({ type: 'close_day' });
    await platform.run({ type: 'open_day', date: new Date().toISOString().slice(0, 10), default_cutoff: '23:59' });
    for (const [p, c] of [
      [BANKS[0], 'CNY'],
      [BANKS[1], 'CNY'],
      [BANKS[2], 'RUB'],
      [BANKS[3], 'RUB'],
      [LP, 'CNY'],
    ] as const)
      await platform.run({ type: 'fund', participant: p, currency: c, amount: '1000000.00' });
    const users = await UserDirectory.load(platform);
    for (const [name, u] of Object.entries(USERS)) {
      await users.createUser(name, u.role, u.participant);
      keys[name] = (await users.createKey(name)).token;
    }
  } finally {
    await platform.close();
  }
  const s: Served = {
    store,
    dir,
    keys,
    base: '',
    child: null,
    async start() {
      const child = spawn(
        process.execPath,
        [BIN, '--store', store, 'serve', '--port', '0', '--host', '127.0.0.1', '--log-level', 'silent', '--webhook-allow', '127.0.0.1'],
        {
          env: { ...process.env, SCO_SETTLE_STORE: '' },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      s.child = child;
      s.base = await new Promise<string>((res, rej) => {
        let err = '';
        const timer = setTimeout(() => rej(new Error(`serve did not start: ${err}`)), 60_000);
        child.stderr!.setEncoding('utf8');
        child.stderr!.on('data', (d: string) => {
          err += d;
          const m = /API on (https?:\/\/\S+)/.exec(err);
          if (m !== null) {
            clearTimeout(timer);
            res(m[1]!);
          }
        });
        child.once('exit', (code) => {
          clearTimeout(timer);
          rej(new Error(`serve exited ${code}: ${err}`));
        });
      });
    },
    async stop(signal = 'SIGTERM') {
      const child = s.child;
      if (child === null || child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(signal);
      await exited;
      s.child = null;
    },
    async cleanup() {
      await s.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await s.start();
  return s;
}
