// The API's routes for API users and keys (operator role; auditors may read).
// Every change is a journaled platform command (create_user, update_user,
// create_key, revoke_key) run as the calling operator, so it is in the audit
// trail and applies to the very next request (the guard reads users and keys
// from the platform on each request; see src/http/auth.ts). A key is created
// from material the client made: the client draws the secret and sends only its
// id, salt and scrypt hash (the CLI's `keys create --server` does), so the
// secret never reaches the server, its logs or the idempotency records.

import * as R from './responses.js';
import { Type } from '@sinclair/typebox';
import { keyView, userView, type ApiKeyRecord, type ApiUser } from '../platform/platform.js';
import { fromRefusal } from '../http/errors.js';
import { OPERATOR_ONLY, ROLES } from '../http/roles.js';
import { forbidden, route, type AnyContext, type RouteDef } from './route.js';
import { Bic, EmptyBody, PageOnlyQuery } from './schemas.js';
import { keyOrderPage, oldestFirstPage, pageQuerySchema } from './cursors.js';

const strict = { additionalProperties: false } as const;
const UserName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$', description: 'user name' });
const KeyId = Type.String({ minLength: 16, maxLength: 16, pattern: '^[0-9a-f]{16}$', description: 'key id: the 16 hex digits after sco_' });
const Base64 = Type.String({ minLength: 4, maxLength: 88, pattern: '^[A-Za-z0-9+/]+={0,2}$' });
const RoleSchema = Type.Union(
  ROLES.map((r) => Type.Literal(r)),
  { description: 'role' },
);
const READERS = ['operator', 'auditor'] as const;

const CreateUserBody = Type.Object({ name: UserName, role: RoleSchema, participant: Type.Optional(Type.Union([Bic, Type.Null()])) }, strict);
const UpdateUserBody = Type.Object(
  { role: Type.Optional(RoleSchema), participant: Type.Optional(Type.Union([Bic, Type.Null()])), disabled: Type.Optional(Type.Boolean()) },
  { ...strict, minProperties: 1 },
);
const CreateKeyBody = Type.Object(
  {
    user: UserName,
    key_id: KeyId,
    salt: { ...Base64, description: 'base64 of 16 random bytes' },
    hash: { ...Base64, description: 'base64 scrypt(secret, salt; N=16384, r=8, p=1, 32 bytes); the token is sco_<key_id>_<secret>' },
  },
  strict,
);
const KeysQuery = Type.Object({ user: Type.Optional(UserName), ...pageQuerySchema(10_000, 1_000) }, strict);
const USER_PAGES = { list: 'users', limit_max: 10_000, limit_default: 1_000 };
const KEY_PAGES = { list: 'keys', limit_max: 10_000, limit_default: 1_000 };

async function run<T>(ctx: AnyContext, command: Record<string, unknown>): Promise<T> {
  const out = await ctx.platform.execute(command, ctx.user.name);
  if (!out.ok) throw fromRefusal(out.error!);
  return out.result as T;
}

function keyBody(k: Omit<ApiKeyRecord, 'salt' | 'hash'>): Record<string, unknown> {
  return { key_id: k.id, user: k.user, created_at: k.created_at, revoked_at: k.revoked_at };
}

export const USER_ROUTES: RouteDef[] = [
  route({
    method: 'GET',
    url: '/v1/users',
    operationId: 'listUsers',
    tag: 'auth',
    summary: 'API users',
    roles: READERS,
    query: PageOnlyQuery(10_000, 1_000),
    responses: { 200: R.UserList },
    handler: (ctx) => {
      // apiUsers() is in name order; a user created meanwhile lands where its name sorts.
      const page = keyOrderPage(
        ctx.platform.apiUsers(),
        (u) => u.name,
        ctx.query,
        USER_PAGES,
        () => true,
      );
      return { status: 200, body: { users: page.items.map(userView), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'POST',
    url: '/v1/users',
    operationId: 'createUser',
    tag: 'auth',
    summary: 'Create an API user (journaled)',
    roles: OPERATOR_ONLY,
    body: CreateUserBody,
    responses: { 201: R.User },
    handler: async (ctx) => ({
      status: 201,
      body: await run<ApiUser>(ctx, { type: 'create_user', name: ctx.body.name, role: ctx.body.role, participant: ctx.body.participant ?? null }),
    }),
  }),
  route({
    method: 'PATCH',
    url: '/v1/users/:name',
    operationId: 'updateUser',
    tag: 'auth',
    summary: "Change a user's role or participant, or disable or enable it; applies to its next request (journaled)",
    roles: OPERATOR_ONLY,
    params: Type.Object({ name: UserName }, strict),
    body: UpdateUserBody,
    responses: { 200: R.User },
    handler: async (ctx) => {
      // An operator cannot lock itself out; another operator (or the CLI on the stopped store) can.
      if (ctx.params.name === ctx.user.name) throw forbidden('an operator does not change its own user; ask another operator', 'name');
      return { status: 200, body: await run<ApiUser>(ctx, { type: 'update_user', name: ctx.params.name, ...ctx.body }) };
    },
  }),
  route({
    method: 'GET',
    url: '/v1/keys',
    operationId: 'listKeys',
    tag: 'auth',
    summary: 'API keys (ids, users, dates; never secrets or hashes)',
    roles: READERS,
    query: KeysQuery,
    responses: { 200: R.KeyList },
    handler: (ctx) => {
      // apiKeys() is in creation order and keys are never removed (revoked ones stay): positions hold.
      const page = oldestFirstPage(ctx.platform.apiKeys(), ctx.query, KEY_PAGES, (k) => ctx.query.user === undefined || k.user === ctx.query.user);
      return { status: 200, body: { keys: page.items.map((k) => keyBody(keyView(k))), next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'POST',
    url: '/v1/keys',
    operationId: 'createKey',
    tag: 'auth',
    summary: 'Record a new API key from its id, salt and scrypt hash (the client keeps the secret; journaled)',
    roles: OPERATOR_ONLY,
    body: CreateKeyBody,
    responses: { 201: R.Key },
    handler: async (ctx) => {
      const b = ctx.body;
      const k = await run<ReturnType<typeof keyView>>(ctx, { type: 'create_key', id: b.key_id, user: b.user, salt: b.salt, hash: b.hash });
      return { status: 201, body: keyBody(k) };
    },
  }),
  route({
    method: 'POST',
    url: '/v1/keys/:id/revoke',
    operationId: 'revokeKey',
    tag: 'auth',
    summary: 'Revoke an API key: refused from its next request (journaled)',
    roles: OPERATOR_ONLY,
    params: Type.Object({ id: KeyId }, strict),
    body: EmptyBody,
    responses: { 200: R.Key },
    handler: async (ctx) => ({ status: 200, body: keyBody(await run<ReturnType<typeof keyView>>(ctx, { type: 'revoke_key', id: ctx.params.id })) }),
  }),
];
