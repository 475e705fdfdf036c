// An API server for tests: a platform on a real store (SQLite file or the
// PostgreSQL server) with the test scheme and a controllable clock, one user and
// key per role, listening on a free loopback port; restart() stops it gracefully
// and starts it again on the same store (a new port).

import { Platform } from '../../src/platform/platform.js';
import { UserDirectory, type Role } from '../../src/http/auth.js';
import type { Api } from '../../src/api/server.js';
import { buildServer } from '../../src/cli/serve_commands.js';
import type { RateLimitOptions } from '../../src/http/rate_limit.js';
import type { BackPressureLimits } from '../../src/api/back_pressure.js';
import type { WebhookOptions } from '../../src/api/webhooks.js';
import { makeBackend, type Backend } from './backends.js';
import { BANKS, CB, LP, setupScheme, TestClock } from './platform.js';

export const USERS: Record<string, { role: Role; participant: string | null }> = {
  op: { role: 'operator', participant: null },
  cb: { role: 'central_bank', participant: CB.CNY },
  bankA: { role: 'participant', participant: BANKS[0] },
  bankB: { role: 'participant', participant: BANKS[1] },
  lp: { role: 'liquidity_provider', participant: LP },
  comp: { role: 'compliance', participant: null },
  comp2: { role: 'compliance', participant: null },
  aud: { role: 'auditor', participant: null },
};

export interface ApiFixture {
  backend: Backend;
  platform: Platform;
  api: Api;
  clock: TestClock;
  base: string;
  keys: Record<string, string>;
  request(
    method: string,
    path: string,
    opts?: { user?: string | null; body?: unknown; raw?: string; headers?: Record<string, string> },
    // biome-ignore lint/suspicious/noExplicitAny: a response body is read field by field and each test asserts the fields it reads
  ): Promise<{ status: number; body: any; headers: Headers }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startApi(
  backendName: 'sqlite' | 'postgres',
  opts: {
    rateLimit?: RateLimitOptions | null;
    seed?: boolean;
    backPressure?: Partial<BackPressureLimits>;
    webhooks?: Partial<WebhookOptions>;
    member_currency?: string;
  } = {},
): Promise<ApiFixture> {
  const backend = makeBackend(backendName);
  const clock = new TestClock();
  const platform = await Platform.open(await backend.open(), { clock: clock.read });
  if (opts.seed !== false) {
    await setupScheme(platform);
    for (const [p, c] of [
      [BANKS[0], 'CNY'],
      [BANKS[1], 'CNY'],
      [BANKS[2], 'RUB'],
      [BANKS[3], 'RUB'],
      [LP, 'CNY'],
      [LP, 'RUB'],
    ] as const) {
      await platform.run({ type: 'fund', participant: p, currency: c, amount: '1000000.00' });
    }
  }
  const users = await UserDirectory.load(platform);
  const keys: Record<string, string> = {};
  for (const [name, u] of Object.entries(USERS)) {
    // The platform refuses a user for a participant it does not have (an unseeded store).
    if (u.participant !== null && platform.participant(u.participant) === undefined) continue;
    await users.createUser(name, u.role, u.participant);
    keys[name] = (await users.createKey(name)).token;
  }
  const fx: ApiFixture = {
    backend,
    platform,
    clock,
    api: null as unknown as Api,
    base: '',
    keys,
    async request(method, path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      const user = o.user === undefined ? 'op' : o.user;
      if (user !== null) headers.authorization = `Bearer ${keys[user]}`;
      let body: string | undefined;
      if (o.raw !== undefined) body = o.raw;
      else if (o.body !== undefined) {
        body = JSON.stringify(o.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await fetch(fx.base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async restart() {
      await fx.api.shutdown();
      fx.platform = await Platform.open(await backend.open(), { clock: clock.read });
      await listen(await UserDirectory.load(fx.platform));
    },
    async close() {
      await fx.api.shutdown().catch(() => undefined);
      await backend.cleanup();
    },
  };
  async function listen(dir: UserDirectory): Promise<void> {
    // The tests' webhook receivers listen on loopback, which the server refuses unless allowed.
    const webhooks = opts.webhooks ?? { allow_hosts: ['127.0.0.1'] };
    fx.api = await buildServer({
      platform: fx.platform,
      users: dir,
      logLevel: false,
      rateLimit: opts.rateLimit ?? null,
      webhooks,
      ...(opts.backPressure !== undefined ? { backPressure: opts.backPressure } : {}),
      ...(opts.member_currency !== undefined ? { member_currency: opts.member_currency } : {}),
    });
    const address = await fx.api.app.listen({ port: 0, host: '127.0.0.1' });
    fx.base = address;
  }
  await listen(users);
  return fx;
}
