// Fuzz target `api`: the HTTP API's request handling end to end (routing, auth,
// body and query validation, the platform's refusals) through fastify's
// in-process injection on a platform with a small scheme on a memory store.
// Inputs are JSON: a route, a user, path parameters and a body, where the body is
// a valid one with values replaced by hostile scalars and JSON values, or a
// mutated text. Every answer must be below 500 and, when a refusal, the
// project's error body with a stable `code`; a 5xx, a refusal without a code, or
// an exception is a crash. The scheme restarts after every RESTART_EVERY inputs, to
// bound memory, as a set-up the hang watch does not time (under load a restart took
// longer than an input may); a replayed input runs on a fresh scheme.

import type { Api } from '../api/server.js';
import { buildApi } from '../api/server.js';
import { UserDirectory } from '../http/auth.js';
import { Platform } from '../platform/platform.js';
import type { Prng } from '../sim/prng.js';
import { HOSTILE_SCALARS, mutate } from './mutate.js';
import type { FuzzOutcome, FuzzTarget } from './target.js';

const RESTART_EVERY = 5_000;
const DAY = '2025-09-01';
const BANKS = ['BKCHCNBJ', 'ICBKCNBJ', 'SABRRUMM'] as const;

interface ApiInput {
  method: 'GET' | 'POST';
  url: string;
  user: 'operator' | 'bank';
  body?: string;
}

const ROUTES: ReadonlyArray<{ method: 'GET' | 'POST'; url: string; body?: Record<string, unknown> }> = [
  {
    method: 'POST',
    url: '/v1/payments',
    body: { uetr: '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f', payer: BANKS[0], payee: BANKS[1], currency: 'CNY', amount: '12.34', value_date: DAY },
  },
  { method: 'POST', url: '/v1/payments', body: { payments: [{ payer: BANKS[0], payee: BANKS[1], currency: 'CNY', amount: '1.00' }] } },
  { method: 'GET', url: '/v1/payments?limit={s}&state={s}&currency={s}' },
  { method: 'GET', url: '/v1/payments/{s}' },
  { method: 'POST', url: '/v1/payments/{s}/cancel', body: { reason: 'DUPL' } },
  { method: 'POST', url: '/v1/participants', body: { id: 'NEWBCNBJ', kind: 'bank', name: 'New Bank', country: 'CN', currencies: ['CNY'] } },
  { method: 'POST', url: '/v1/participants/{s}/funding', body: { currency: 'CNY', amount: '100.00' } },
  { method: 'POST', url: '/v1/quotes/lock', body: { base: 'CNY', quote: 'RUB', amount: '100.00' } },
  { method: 'GET', url: '/v1/quotes?base={s}&quote={s}' },
  { method: 'GET', url: '/v1/participants/{s}/balances' },
];

const JSON_VALUES: readonly unknown[] = [null, true, 0, -1, 1e308, 1.5, '', [], {}, [[[]]], { a: { b: {} } }, '__proto__', { __proto__: { admin: true } }];

export function apiTarget(): FuzzTarget {
  let api: Api | null = null;
  let tokens: Record<ApiInput['user'], string> = { operator: '', bank: '' };
  let runs = 0;
  const restart = async (): Promise<void> => {
    if (api !== null) await api.shutdown();
    ({ api, tokens } = await startScheme());
    runs = 0;
  };
  return {
    name: 'api',
    setup: restart,
    setupDue: () => runs >= RESTART_EVERY,
    input(rng) {
      return JSON.stringify(apiInput(rng));
    },
    async run(text) {
      runs++;
      const input = JSON.parse(text) as ApiInput;
      const res = await api!.app.inject({
        method: input.method,
        url: input.url,
        headers: { authorization: `Bearer ${tokens[input.user]}`, ...(input.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(input.body !== undefined ? { payload: input.body } : {}),
      });
      return answer(res.statusCode, res.body);
    },
  };
}

function answer(status: number, body: string): FuzzOutcome {
  if (status >= 500) throw new Error(`HTTP ${status}: ${body.slice(0, 200)}`);
  if (status < 400) return { code: `${status}` };
  let code: unknown;
  try {
    code = (JSON.parse(body) as { code?: unknown }).code;
  } catch {
    code = undefined;
  }
  if (typeof code !== 'string' || code.length === 0) throw new Error(`HTTP ${status} without the error format: ${body.slice(0, 200)}`);
  return { code: `${status} ${code}` };
}

function apiInput(rng: Prng): ApiInput {
  const route = ROUTES[rng.below(ROUTES.length)]!;
  const url = route.url.replace(/\{s\}/g, () => pathValue(rng));
  const user = rng.below(2) === 0 ? 'operator' : 'bank';
  if (route.body === undefined) return { method: route.method, url, user };
  const body =
    rng.below(3) === 0
      ? mutate(rng, JSON.stringify(route.body), ['"', '{', '}', '[', ']', ':', ',', 'null', '1e999', '"\\u0000"', '"\\ud800"'])
      : JSON.stringify(hostileBody(rng, route.body));
  return { method: route.method, url, user, body };
}

function pathValue(rng: Prng): string {
  const options = [
    BANKS[rng.below(BANKS.length)]!,
    '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    HOSTILE_SCALARS[rng.below(HOSTILE_SCALARS.length)]!,
    '%',
    '%zz',
    '..%2f..',
    'a'.repeat(rng.below(4000)),
  ];
  const v = options[rng.below(options.length)]!;
  return rng.below(4) === 0 ? v : encodeURIComponent(v);
}

/** A valid body with one to three fields replaced, removed or added. */
function hostileBody(rng: Prng, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...body };
  const keys = Object.keys(out);
  const n = 1 + rng.below(3);
  for (let k = 0; k < n; k++) {
    const key = rng.below(5) === 0 ? `extra_${rng.below(3)}` : keys[rng.below(keys.length)]!;
    const roll = rng.below(3);
    if (roll === 0) delete out[key];
    else out[key] = roll === 1 ? HOSTILE_SCALARS[rng.below(HOSTILE_SCALARS.length)] : JSON_VALUES[rng.below(JSON_VALUES.length)];
  }
  return out;
}

/** Central banks, three banks and a liquidity provider on a memory store; one operator and one bank user. */
async function startScheme(): Promise<{ api: Api; tokens: Record<ApiInput['user'], string> }> {
  let now_ns = BigInt(Date.parse(`${DAY}T06:00:00Z`)) * 1_000_000n;
  const platform = await Platform.open('memory:', { clock: () => (now_ns += 1_000n) });
  const run = (cmd: Record<string, unknown>): Promise<unknown> => platform.run(cmd as Parameters<Platform['run']>[0]);
  await run({ type: 'register_participant', id: 'PBOCCNBJ', kind: 'central_bank', name: "People's Bank of China", country: 'CN', currencies: ['CNY'] });
  await run({ type: 'register_participant', id: 'CBRFRUMM', kind: 'central_bank', name: 'Bank of Russia', country: 'RU', currencies: ['RUB'] });
  for (const [id, country, ccys] of [
    [BANKS[0], 'CN', ['CNY']],
    [BANKS[1], 'CN', ['CNY']],
    [BANKS[2], 'RU', ['RUB', 'CNY']],
  ] as const) {
    await run({ type: 'register_participant', id, kind: 'bank', name: `Bank ${id}`, country, currencies: [...ccys] });
  }
  await run({ type: 'register_participant', id: 'FXLPCNSH', kind: 'liquidity_provider', name: 'FX LP', country: 'CN', currencies: ['CNY', 'RUB'] });
  await run({ type: 'open_day', date: DAY, default_cutoff: '17:00' });
  for (const id of [BANKS[0], BANKS[1]]) await run({ type: 'fund', participant: id, currency: 'CNY', amount: '1000000.00' });
  const users = await UserDirectory.load(platform);
  await users.createUser('fuzz-operator', 'operator', null);
  await users.createUser('fuzz-bank', 'participant', BANKS[0]);
  const tokens = { operator: (await users.createKey('fuzz-operator')).token, bank: (await users.createKey('fuzz-bank')).token };
  const api = await buildApi({ platform, users, logLevel: false, rateLimit: null, authFailures: null });
  // Ready here, in the set-up: else the first input's inject would compile every route's schemas (~200 ms) on its clock.
  await api.app.ready();
  return { api, tokens };
}
