// The key walks without a key array (issue #18, the demo day's main thread: an
// Object.keys list per payment, per party and per copied object): jsonCopy's
// objects, a party's unknown-field check (src/platform/instruction.ts) and a
// command's (`only`, src/platform/commands.ts) now walk keys with for-in and skip
// inherited ones. Each is checked against the Object.keys walk it replaced, for
// any own keys in any order, integer-like names and inherited enumerable keys.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeCommand } from '../src/platform/commands.js';
import { PlatformError } from '../src/platform/errors.js';
import { checkInstruction, type CheckRules, type SchemeView } from '../src/platform/instruction.js';
import { jsonCopy, NOT_JSON } from '../src/platform/json_copy.js';
import type { Participant } from '../src/platform/types.js';

const UETR = '0a1b2c3d-0000-4000-8000-00000000abcd';
const PARTS = new Map<string, Participant>(['BANKAAAA', 'BANKBBBB'].map((id) => [id, { id, currencies: ['CNY'], suspended: false } as unknown as Participant]));
const scheme: SchemeView = { participant: (id) => PARTS.get(id), currencyActive: (c) => c === 'CNY', business_date: '2025-09-01' };
const rules: CheckRules = { rules_version: 14, now_ns: 0n, day: { date: '2025-09-01', state: 'open' } as unknown as CheckRules['day'] };

const names = fc.constantFrom('name', 'country', 'address', 'town', '0', '7', 'toString', 'constructor', 'nick', 'hit', 'score', 'list_version', 'detail');

/** An object with `own` keys in that order over a prototype holding `inherited` as enumerable keys (Object.prototype when none). */
function withKeys(own: string[], inherited: string[], value: (k: string) => unknown): Record<string, unknown> {
  const proto: Record<string, unknown> = {};
  for (const k of inherited) proto[k] = value(k);
  const o = Object.create(inherited.length > 0 ? proto : Object.prototype) as Record<string, unknown>;
  for (const k of own) o[k] = value(k);
  return o;
}

test("a party's first unknown field is the first of Object.keys not listed, inherited keys left out", () => {
  const listed = new Set(['name', 'country', 'address']);
  fc.assert(
    fc.property(fc.uniqueArray(names, { maxLength: 6 }), fc.uniqueArray(names, { maxLength: 3 }), fc.boolean(), (own, inherited, debtor) => {
      const party = withKeys(own, inherited, (k) => (k === 'country' ? 'CN' : `v${k}`));
      const raw = {
        uetr: UETR,
        end_to_end_id: 'E',
        payer: 'BANKAAAA',
        payee: 'BANKBBBB',
        currency: 'CNY',
        amount: '1.00',
        [debtor ? 'debtor' : 'creditor']: party,
      };
      const r = checkInstruction(raw, scheme, 'payments[3]', rules);
      const first = Object.keys(party).find((k) => !listed.has(k));
      const at = `payments[3].${debtor ? 'debtor' : 'creditor'}`;
      if (first !== undefined) assert.deepEqual(r.ok ? null : [r.rejection.field, r.rejection.detail], [`${at}.${first}`, 'unknown field']);
      // The name is read as a member, so an inherited one is read too.
      else if (!('name' in party)) assert.deepEqual(r.ok ? null : r.rejection.field, `${at}.name`);
      else assert.ok(r.ok);
    }),
    { numRuns: 1_000 },
  );
});

test("a command's first unknown field (a screening outcome's) is the first of Object.keys not allowed, inherited keys left out", () => {
  const allowed = new Set(['hit', 'score', 'list_version', 'detail']);
  const good: Record<string, unknown> = { hit: false, score: 0.5, list_version: 'v1', detail: 'd' };
  fc.assert(
    fc.property(fc.uniqueArray(names, { maxLength: 6 }), fc.uniqueArray(names, { maxLength: 3 }), (own, inherited) => {
      const outcome = withKeys(['hit', 'score', 'list_version', ...own.filter((k) => !allowed.has(k))], inherited, (k) => good[k] ?? 'x');
      let refusal: [string, string] | null = null;
      try {
        decodeCommand({ type: 'submit_payments', payments: [{ uetr: 'x' }], screening: [outcome] });
      } catch (err) {
        if (!(err instanceof PlatformError)) throw err;
        refusal = [err.field, err.message];
      }
      const first = Object.keys(outcome).find((k) => !allowed.has(k));
      assert.deepEqual(refusal, first === undefined ? null : [`screening[0].${first}`, 'unknown field']);
    }),
    { numRuns: 1_000 },
  );
});

/** jsonCopy's object walk as it was: Object.keys. */
function keysCopy(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) if ((v as Record<string, unknown>)[k] !== undefined) out[k] = keysCopy((v as Record<string, unknown>)[k]);
  return out;
}

test('jsonCopy copies the keys of Object.keys in its order, also with an enumerable key on Object.prototype', () => {
  fc.assert(
    fc.property(fc.uniqueArray(names, { maxLength: 8 }), fc.boolean(), fc.boolean(), (own, polluted, nullProto) => {
      const o = (nullProto ? Object.create(null) : {}) as Record<string, unknown>;
      for (const k of own) o[k] = k === '7' ? { inner: 1, [k]: null } : k;
      const polluting = 'inherited_for_this_test';
      if (polluted) Object.defineProperty(Object.prototype, polluting, { value: 1, enumerable: true, configurable: true, writable: true });
      try {
        const c = jsonCopy(o);
        assert.notEqual(c, NOT_JSON);
        const ref = keysCopy(o);
        assert.deepEqual(Object.keys(c as object), Object.keys(ref as object));
        assert.equal(JSON.stringify(c), JSON.stringify(ref));
        assert.equal(Object.hasOwn(c as object, polluting), false);
      } finally {
        if (polluted) delete (Object.prototype as Record<string, unknown>)[polluting];
      }
    }),
    { numRuns: 500 },
  );
});
