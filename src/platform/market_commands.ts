// Commands of the FX market data: importing reference rates, liquidity
// providers publishing quotes, and locking a quote for one conversion
// (fx/quote_locks.ts).

import { expiredLocks, keptInputs, lockFromTier, QUOTE_LOCKS_MAX } from '../fx/quote_locks.js';
import type { QuoteInput } from '../fx/quotes.js';
import { RateBook } from '../fx/rates.js';
import type { Command } from './commands.js';
import type { CommandContext } from './context.js';
import { PlatformError } from './errors.js';
import { activeCurrency, amount, need } from './participant_commands.js';

export function importRates(cx: CommandContext, file: string, rows: Extract<Command, { type: 'import_rates' }>['rows']): unknown {
  const s = cx.s;
  const merged = [...s.rateRows, ...rows.map((r) => ({ ...r, file }))];
  try {
    RateBook.fromRows(
      merged.map((r, i) => ({ line: i + 1, row: r })),
      {},
      file,
    );
    // Each row checked on its own too, so the error names the line of this file.
    RateBook.fromRows(
      rows.map((r, i) => ({ line: i + 2, row: r })),
      {},
      file,
    );
  } catch (err) {
    const e = err as Error & { field?: string };
    throw new PlatformError('invalid_field', e.field ?? 'rows', e.message);
  }
  s.rateRows = merged;
  s.rateBook = null;
  return { file, imported: rows.length, total: merged.length };
}

export function publishQuote(cx: CommandContext, cmd: Extract<Command, { type: 'publish_quote' }>): unknown {
  const s = cx.s;
  const lp = need(s, cmd.provider, 'provider');
  if (lp.kind !== 'liquidity_provider') throw new PlatformError('invalid_field', 'provider', `${lp.id} is not a liquidity provider`);
  const b = activeCurrency(s, cmd.base, 'base');
  const q = activeCurrency(s, cmd.quote, 'quote');
  if (!lp.currencies.includes(b.code) || !lp.currencies.includes(q.code))
    throw new PlatformError('invalid_field', 'quote', `${lp.id} holds no account in ${lp.currencies.includes(b.code) ? q.code : b.code}`);
  const input: QuoteInput = {
    provider: lp.id,
    base: b.code,
    quote: q.code,
    expires_at_ns: cx.now + BigInt(cmd.valid_s) * 1_000_000_000n,
    tiers: cmd.tiers.map((t, i) => ({
      min_minor: amount(t.min, b, `tiers[${i}].min`),
      max_minor: amount(t.max, b, `tiers[${i}].max`),
      bid: t.bid,
      ask: t.ask,
    })),
  };
  try {
    s.quotes().publish(input, cx.now);
  } catch (err) {
    const e = err as Error & { field?: string; code?: string };
    throw new PlatformError(e.code === 'limit_exceeded' ? 'limit_exceeded' : 'invalid_field', e.field ?? 'tiers', e.message);
  }
  s.quoteInputs = keptInputs(s.quoteInputs, input, cx.now);
  return { provider: lp.id, base: b.code, quote: q.code, expires_at_ns: input.expires_at_ns, tiers: input.tiers.length };
}

/** The best live quote covering a conversion of `amount` of BASE into QUOTE, locked for the quote book's lock time. */
export function lockQuote(cx: CommandContext, base: string, quote: string, amountText: string): unknown {
  const s = cx.s;
  const b = activeCurrency(s, base, 'base');
  activeCurrency(s, quote, 'quote');
  const value = amount(amountText, b, 'amount');
  let tier: ReturnType<ReturnType<typeof s.quotes>['select']>;
  try {
    tier = s.quotes().select(b.code, quote, 'sell', value, cx.now);
  } catch (err) {
    throw new PlatformError('rate_unavailable', 'amount', (err as Error).message);
  }
  const lock = lockFromTier(++s.lockSeq, tier, value, cx.now);
  for (const id of expiredLocks(s.quoteLocks, cx.now)) s.quoteLocks.delete(id);
  if (s.quoteLocks.size >= QUOTE_LOCKS_MAX) throw new PlatformError('limit_exceeded', 'amount', 'too many live quote locks');
  s.quoteLocks.set(lock.id, lock);
  return {
    quote_id: lock.id,
    provider: lock.provider,
    base: lock.base,
    quote: lock.quote,
    amount_minor: value,
    price: lock.price_text,
    expires_at_ns: lock.expires_at_ns,
  };
}
