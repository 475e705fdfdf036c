// How the HTTP answers present amounts and times, one rule for every route:
//   - beside every integer amount in minor units `X_minor` (a decimal string or
//     bigint) whose currency is known, the same amount in major units `X` as a
//     decimal string with the currency's ISO 4217 exponent (`amount_minor`
//     "150000" in CNY gives `amount` "1500.00"; JPY-like exponent 0 gives "1500").
//     The currency is `P_currency` for `P_amount_minor`, else the object's own
//     `currency`, else the nearest enclosing object's;
//   - beside every clock reading `at_ns` / `X_at_ns` (nanoseconds since the Unix
//     epoch), the same instant as RFC 3339 UTC with nanoseconds, `at` / `X_at`.
// A field already present is never replaced, so the added members only ever
// add. The exact figure stays the `_minor` / `_ns` one.

import { CURRENCIES, formatScaled } from '../platform/reference.js';

/** Deepest nesting walked (API answers are shallow; a deeper value is left as it is). */
const DEPTH_MAX = 16;

/** `ns` (nanoseconds since the epoch, as text or bigint) as RFC 3339 UTC with nine fraction digits. */
export function rfc3339(ns: bigint | string): string | null {
  let n: bigint;
  try {
    n = typeof ns === 'bigint' ? ns : BigInt(ns);
  } catch {
    return null;
  }
  if (n < 0n || n > 253_402_300_799_999_999_999n) return null;
  const s = n / 1_000_000_000n;
  const frac = (n % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(s) * 1000).toISOString().slice(0, 19)}.${frac}Z`;
}

/** An amount in minor units of `currency` as a major-unit decimal string, or null when either is not one. */
export function majorUnits(minor: unknown, currency: unknown): string | null {
  if (typeof currency !== 'string') return null;
  const c = CURRENCIES.get(currency);
  if (c === undefined) return null;
  let n: bigint;
  if (typeof minor === 'bigint') n = minor;
  else if (typeof minor === 'string' && /^-?[0-9]{1,40}$/.test(minor)) n = BigInt(minor);
  else if (typeof minor === 'number' && Number.isSafeInteger(minor)) n = BigInt(minor);
  else return null;
  return formatScaled(n, c.minor_units);
}

/** The value with major-unit amounts and RFC 3339 times added beside the exact ones (a copy; the input is not changed). */
export function withUnits<T>(value: T): T {
  return walk(value, undefined, 0) as T;
}

/** Change events (or any list of objects with `at_ns`) with `at` added. */
export function withTimes<T extends { at_ns: string }>(list: readonly T[]): Array<T & { at: string }> {
  return list.map((c) => ({ ...c, at: rfc3339(c.at_ns) ?? '' }));
}

function walk(v: unknown, currency: string | undefined, depth: number): unknown {
  if (depth > DEPTH_MAX || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => walk(x, currency, depth + 1));
  const o = v as Record<string, unknown>;
  const own = typeof o.currency === 'string' ? o.currency : currency;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) out[k] = walk(x, own, depth + 1);
  for (const [k, x] of Object.entries(o)) {
    if (k.endsWith('_minor')) {
      const major = k.slice(0, -'_minor'.length);
      if (major === '' || major in o) continue;
      const prefix = major.endsWith('_amount') ? major.slice(0, -'_amount'.length) : null;
      const cur = prefix !== null && typeof o[`${prefix}_currency`] === 'string' ? o[`${prefix}_currency`] : own;
      const text = x === null ? null : majorUnits(x, cur);
      if (text !== null || x === null) out[major] = text;
    } else if (k === 'at_ns' || k.endsWith('_at_ns')) {
      const at = k.slice(0, -'_ns'.length);
      if (at in o) continue;
      // A reading not yet taken (null) is null in both forms.
      if (x === null) out[at] = null;
      if (typeof x !== 'string' && typeof x !== 'bigint') continue;
      const text = rfc3339(x);
      if (text !== null) out[at] = text;
    }
  }
  return out;
}

type JsonSchema = Record<string, unknown>;

const nullable = (s: unknown): boolean =>
  s !== null && typeof s === 'object' && (((s as JsonSchema).anyOf as unknown[] | undefined) ?? []).some((x) => (x as JsonSchema).type === 'null');

/**
 * A response schema (plain JSON Schema) with the members withUnits adds: beside
 * every `X_minor` property an optional `X` (major units; absent when the currency
 * is not known), beside every `at_ns` / `X_at_ns` an optional `at` / `X_at`
 * (RFC 3339), each nullable where its source is. The OpenAPI document publishes
 * these, so what an answer carries and what the document says agree.
 */
export function withUnitsSchema(schema: unknown, depth = 0): unknown {
  if (depth > DEPTH_MAX || schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((x) => withUnitsSchema(x, depth + 1));
  const out: JsonSchema = {};
  for (const [k, v] of Object.entries(schema as JsonSchema)) out[k] = k === 'properties' ? v : withUnitsSchema(v, depth + 1);
  const props = (schema as JsonSchema).properties as JsonSchema | undefined;
  if (props === undefined || typeof props !== 'object') return out;
  const next: JsonSchema = {};
  for (const [k, v] of Object.entries(props)) next[k] = withUnitsSchema(v, depth + 1);
  for (const [k, v] of Object.entries(props)) {
    const major = k.endsWith('_minor') ? k.slice(0, -'_minor'.length) : null;
    const at = k === 'at_ns' || k.endsWith('_at_ns') ? k.slice(0, -'_ns'.length) : null;
    const name = major ?? at;
    if (name === null || name === '' || name in props) continue;
    const form: JsonSchema =
      major !== null
        ? { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]+)?$', description: `${k} in major units (decimal, the currency's ISO 4217 exponent)` }
        : { type: 'string', format: 'date-time', description: `${k} as RFC 3339 UTC` };
    next[name] = nullable(v) ? { anyOf: [form, { type: 'null' }] } : form;
  }
  out.properties = next;
  return out;
}
