// The two unit forms of every HTTP answer (src/http/units.ts) and what the
// OpenAPI document says of them: beside `X_minor` the major-unit `X`, beside
// `X_at_ns` the RFC 3339 `X_at`, null where the exact one is null; and every
// response schema the document publishes lists both.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withUnits, withUnitsSchema } from '../src/http/units.js';
import { startApi } from './support/api.js';

test('a reading not yet taken and an amount not known are null in both forms', () => {
  const out = withUnits({ currency: 'CNY', closed_at_ns: null, opened_at_ns: '1756454400000000000', limit_minor: null, amount_minor: '150000' });
  assert.equal((out as Record<string, unknown>).closed_at, null);
  assert.equal((out as Record<string, unknown>).opened_at, '2025-08-29T08:00:00.000000000Z');
  assert.equal((out as Record<string, unknown>).limit, null);
  assert.equal((out as Record<string, unknown>).amount, '1500.00');
});

test('the schema of an answer gains the unit siblings, nullable where the exact member is', () => {
  const s = withUnitsSchema({
    type: 'object',
    properties: {
      amount_minor: { type: 'string' },
      closed_at_ns: { anyOf: [{ type: 'string' }, { type: 'null' }] },
      at_ns: { type: 'string' },
      fee: { type: 'string' },
      fee_minor: { type: 'string' },
      rows: { type: 'array', items: { type: 'object', properties: { value_minor: { type: 'string' } } } },
    },
  }) as { properties: Record<string, Record<string, unknown>> };
  assert.equal(s.properties.amount!.type, 'string');
  assert.deepEqual((s.properties.closed_at!.anyOf as unknown[])[1], { type: 'null' });
  assert.equal(s.properties.at!.format, 'date-time');
  assert.equal(s.properties.fee!.type, 'string', 'a member already there is kept as it is');
  assert.equal(s.properties.fee!.description, undefined);
  const row = (s.properties.rows!.items as { properties: Record<string, unknown> }).properties;
  assert.ok('value' in row, 'nested objects gain them too');
});

test('every response schema of the OpenAPI document lists the unit forms beside the exact ones', async () => {
  const fx = await startApi('sqlite', { seed: false });
  try {
    const doc = (await (await fetch(`${fx.base}/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    const missing: string[] = [];
    let checked = 0;
    const walk = (v: unknown, where: string): void => {
      if (v === null || typeof v !== 'object') return;
      if (Array.isArray(v)) {
        for (const x of v) walk(x, where);
        return;
      }
      const o = v as Record<string, unknown>;
      const props = o.properties as Record<string, unknown> | undefined;
      if (props !== undefined && typeof props === 'object')
        for (const k of Object.keys(props)) {
          const sibling = k.endsWith('_minor') ? k.slice(0, -6) : k === 'at_ns' || k.endsWith('_at_ns') ? k.slice(0, -3) : null;
          if (sibling === null || sibling === '') continue;
          checked++;
          if (!(sibling in props)) missing.push(`${where}: ${k} without ${sibling}`);
        }
      for (const x of Object.values(o)) walk(x, where);
    };
    for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) walk(op.responses, `${method.toUpperCase()} ${path}`);
    assert.ok(checked > 50, `only ${checked} exact members found`);
    assert.deepEqual(missing, []);
  } finally {
    await fx.close();
  }
});
