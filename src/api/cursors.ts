// Cursor pagination for the API's list routes other than /v1/payments (which
// keeps its own, in payment_routes.ts): a page of at most `limit` items and an
// opaque `next_cursor` naming where the next page starts, in a form that stays
// right while items are added between two pages. Two kinds of list:
//  - append-only lists (participants in registration order, API keys in creation
//    order, compliance cases and the audit trail newest first, the scheme's
//    proposals oldest first): the cursor is a position in the whole list, which
//    items added at its end never move — a page starts exactly where the last
//    one ended, and (newest first) what arrives meanwhile is not repeated;
//  - lists in key order where an item may land anywhere (users by name, webhook
//    subscriptions by id): the cursor is the last key of the page, and the next
//    page starts after it.
// A cursor names its list: one list's cursor given to another, or text the API
// did not make, is 400 invalid_field on query.cursor. Filters apply after the
// cursor, so a page may hold fewer than `limit` items and the last page may be
// empty; `next_cursor` null means there is nothing further.

import { Type } from '@sinclair/typebox';
import { ApiError } from '../http/errors.js';

export interface PageQuery {
  limit?: string;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** The `limit` and `cursor` members of a list route's query schema. */
export function pageQuerySchema(limit_max: number, limit_default: number) {
  return {
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$', description: `page size, 1..${limit_max} (default ${limit_default})` })),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, pattern: '^[A-Za-z0-9_-]+$', description: 'next_cursor of the previous page, as it was given' }),
    ),
  };
}

/** The `updated_since` member of a list route's query schema. */
export function updatedSinceSchema(what: string) {
  return Type.Optional(
    Type.String({
      maxLength: 40,
      pattern: '^([0-9]{1,20}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2}))$',
      description: `only ${what} at or after this time (RFC 3339, or nanoseconds since the epoch)`,
    }),
  );
}

function cursorText(list: string, value: string): string {
  return Buffer.from(`${list}:${value}`, 'utf8').toString('base64url');
}

/** The value a cursor of `list` holds; refuses another list's cursor or one the API did not make. */
function cursorValue(list: string, text: string): string {
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  if (!decoded.startsWith(`${list}:`) || cursorText(list, decoded.slice(list.length + 1)) !== text) {
    throw new ApiError(400, 'invalid_field', `not a cursor of ${list} this API gave (use next_cursor as it is)`, 'query.cursor');
  }
  return decoded.slice(list.length + 1);
}

function positionOf(list: string, text: string): number {
  const v = cursorValue(list, text);
  if (!/^[0-9]{1,12}$/.test(v)) throw new ApiError(400, 'invalid_field', `not a cursor of ${list} this API gave (use next_cursor as it is)`, 'query.cursor');
  return Number(v);
}

function limitOf(q: PageQuery, limit_max: number, limit_default: number): number {
  const n = q.limit === undefined ? limit_default : Number(q.limit);
  if (!Number.isInteger(n) || n < 1 || n > limit_max) throw new ApiError(400, 'invalid_field', `1..${limit_max}`, 'query.limit');
  return n;
}

interface PageOptions {
  list: string;
  limit_max: number;
  limit_default: number;
}

/** A page of an append-only list (stored oldest first) read newest first: from the cursor's position down. */
export function newestFirstPage<T>(all: readonly T[], q: PageQuery, o: PageOptions, keep: (t: T) => boolean): Page<T> {
  const limit = limitOf(q, o.limit_max, o.limit_default);
  let i = Math.min(q.cursor === undefined ? all.length : positionOf(o.list, q.cursor), all.length) - 1;
  const items: T[] = [];
  for (; i >= 0 && items.length < limit; i--) if (keep(all[i]!)) items.push(all[i]!);
  return { items, next_cursor: items.length === limit && i >= 0 ? cursorText(o.list, String(i + 1)) : null };
}

/** A page of an append-only list read oldest first: from the cursor's position up. */
export function oldestFirstPage<T>(all: readonly T[], q: PageQuery, o: PageOptions, keep: (t: T) => boolean): Page<T> {
  const limit = limitOf(q, o.limit_max, o.limit_default);
  let i = q.cursor === undefined ? 0 : positionOf(o.list, q.cursor);
  const items: T[] = [];
  for (; i < all.length && items.length < limit; i++) if (keep(all[i]!)) items.push(all[i]!);
  return { items, next_cursor: items.length === limit && i < all.length ? cursorText(o.list, String(i)) : null };
}

/** A page of a list in ascending order of a unique key: the items after the cursor's key. */
export function keyOrderPage<T>(sorted: readonly T[], key: (t: T) => string, q: PageQuery, o: PageOptions, keep: (t: T) => boolean): Page<T> {
  const limit = limitOf(q, o.limit_max, o.limit_default);
  const after = q.cursor === undefined ? null : cursorValue(o.list, q.cursor);
  let i = 0;
  if (after !== null) while (i < sorted.length && key(sorted[i]!) <= after) i++;
  const items: T[] = [];
  for (; i < sorted.length && items.length < limit; i++) if (keep(sorted[i]!)) items.push(sorted[i]!);
  return { items, next_cursor: items.length === limit && i < sorted.length ? cursorText(o.list, key(items[items.length - 1]!)) : null };
}

/** Sorts by a string key in code-unit order (the order keyOrderPage compares in). */
export function byKey<T>(items: Iterable<T>, key: (t: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
