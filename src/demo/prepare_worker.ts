// The body of one worker thread preparing the demo's payments ahead of the day
// (./prepare_pool.ts), and the messages it exchanges with the pool. For each
// payment it screens the payment and runs the message path (./payment_message.ts)
// for the forms the main thread is likely to send it in: as generated, and
// recycled into the payee's home currency when payer and payee both hold it
// (./recycling.ts). The main thread decides which form is sent, from the payer's
// balance when the payment arrives; a request carries the payers' balances when it
// was made (a hint, `held`), and only the form the hint says is prepared
// (recycledForms). The main thread takes an answer if it is the very payment it
// sends; otherwise it tells the form's instructions from the answer for the other
// form where that is exact (./payment_message.ts instructionsInForm), else runs the
// path itself, so a wrong guess costs little time. The body runs only under its
// workerData role, so the pool and tests import this module freely.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { bicResolver, type RawInstruction } from '../iso20022/mapping.js';
import { PairConverter, RateBook } from '../platform/fx_tools.js';
import { REFERENCE_RATES } from '../platform/reference.js';
import type { ScreeningOutcome } from '../platform/types.js';
import type { SimPayment } from '../sim/index.js';
import { trafficCursor, type TrafficRecipe } from './day_traffic.js';
import { messageInstructions } from './payment_message.js';
import { packPrepared, type PackedPrepared } from './prepared_codec.js';
import { recycledAs, recyclingCandidate } from './recycling.js';
import { screenerOf, type ScreenerRecipe } from './screener.js';

/** workerData marker: the body runs only under it. */
export const PREPARE_WORKER_ROLE = 'sco-settle-demo-prepare';

/**
 * What a worker is started with: the day, the participants (id, currencies), the screener to rebuild (null:
 * none) and, optionally, the day's traffic recipe (./day_traffic.ts): then requests may name positions in the
 * traffic instead of carrying the payments: the worker generates them itself (the main thread generates the same
 * payments; the reply names the chunk's first and last UETR, which the pool checks against its own).
 */
export interface PrepareInit {
  role: typeof PREPARE_WORKER_ROLE;
  date: string;
  participants: Array<[string, string[]]>;
  screen: ScreenerRecipe | null;
  traffic?: TrafficRecipe;
}

/** The message path's answer for one form of a payment (instructions null: the message was invalid). */
export interface PreparedForm {
  currency: string;
  payee_currency: string;
  amount_minor: bigint;
  instructions: RawInstruction[] | null;
}

/** A payment prepared ahead: its screening outcome (null: no screener) and the message path's answer per form. */
export interface Prepared {
  screening: ScreeningOutcome | null;
  forms: PreparedForm[];
}

/** What each payer held per currency when a request was made (key `bic:currency`, available minor units). */
export type HeldHint = ReadonlyMap<string, bigint>;

export interface PrepareRequest {
  n: number;
  /** The payments to prepare; or, absent, `generate`: the traffic's payments from position `from` (the init's recipe). */
  payments?: SimPayment[];
  generate?: { from: number; count: number };
  /** The payers' balances when the request was made; absent: every form is prepared. */
  held?: HeldHint;
}

/**
 * `packed`: the answers, one per payment, packed (./prepared_codec.ts; its codes' buffer transferred, not cloned).
 * `ends`: for a `generate` request, the UETRs of the first and last payment the worker generated (null: none).
 */
export type PrepareReply = { n: number; packed: PackedPrepared; ends?: [string, string] | null } | { n: number; fail: string };

/**
 * Which forms of a recyclable payment to prepare, from what its payer held in the
 * payee's home currency when the request was made (`held`; null: no hint, both).
 * The payment is recycled when the payer holds at least its converted amount at
 * arrival, some thousands of payments after the request; the form the hint says.
 * A wrong guess (~9 % of a 100k day's recyclable payments) is told on the main
 * thread from the other form (./payment_message.ts instructionsInForm) for a few
 * µs: cheaper than a second form for every payment near the threshold (stop 49,
 * docs/benchmarks.md: 4×/¼ thresholds prepared ~14,500 second forms per 100k).
 */
export function recycledForms(held: bigint | null, amount: bigint): 'generated' | 'recycled' | 'both' {
  if (held === null) return 'both';
  return held >= amount ? 'recycled' : 'generated';
}

/** Prepares payments as a worker started with `init` does (exported so a test can run it on the calling thread). */
export function preparer(init: PrepareInit): (sp: SimPayment, held?: HeldHint) => Prepared {
  const currencies = new Map(init.participants);
  const resolve = bicResolver((id) => currencies.has(id));
  const screen = init.screen === null ? null : screenerOf(init.screen);
  const convert = referenceConverter(init.date);
  const form = (sp: SimPayment): PreparedForm => ({
    currency: sp.currency,
    payee_currency: sp.payee_currency,
    amount_minor: sp.amount_minor,
    instructions: messageInstructions(sp, init.date, resolve),
  });
  return (sp, held) => {
    const candidate = recyclingCandidate(sp, (bic) => currencies.get(bic));
    const amount = candidate?.both === true ? convert(sp.currency, candidate.home, sp.amount_minor) : null;
    const which = amount === null ? 'generated' : recycledForms(held === undefined ? null : (held.get(`${sp.payer_bic}:${candidate!.home}`) ?? 0n), amount);
    const forms: PreparedForm[] = [];
    if (which !== 'recycled') forms.push(form(sp));
    if (which !== 'generated') forms.push(form(recycledAs(sp, candidate!.home, amount!)));
    return { screening: screen === null ? null : screen(sp), forms };
  };
}

/**
 * Conversion at the embedded reference rates the demo imports, rounded down; null
 * when there is no rate. Should the platform's rates differ, the main thread finds
 * no form matching what it sends and runs the message path itself.
 */
function referenceConverter(date: string): (from: string, to: string, minor: bigint) => bigint | null {
  const book = RateBook.fromRows(
    REFERENCE_RATES.map((r, i) => ({ line: i + 1, row: { currency: r.currency, units_per_usd: r.units_per_usd, date: r.date, source: r.source } })),
    {},
    'demo reference rates',
  );
  const pairs = new Map<string, PairConverter | null>();
  return (from, to, minor) => {
    const key = `${from}>${to}`;
    if (!pairs.has(key)) {
      try {
        pairs.set(key, new PairConverter(from, to, book.crossRate(from, to, date).rate));
      } catch {
        pairs.set(key, null);
      }
    }
    try {
      return pairs.get(key)?.convert(minor, 'down').amount_minor ?? null;
    } catch {
      return null;
    }
  };
}

const init = workerData as PrepareInit | null;
if (!isMainThread && parentPort !== null && init?.role === PREPARE_WORKER_ROLE) {
  const port = parentPort;
  const prepare = preparer(init);
  const take = init.traffic === undefined ? null : trafficCursor(init.traffic);
  port.on('message', (req: PrepareRequest) => {
    let reply: PrepareReply;
    try {
      if (req.payments !== undefined) reply = { n: req.n, packed: packPrepared(req.payments.map((sp) => prepare(sp, req.held))) };
      else {
        if (take === null || req.generate === undefined) throw new Error('a request without payments, and no traffic to generate them from');
        const payments = take(req.generate.from, req.generate.count);
        const ends: [string, string] | null = payments.length === 0 ? null : [payments[0]!.uetr, payments.at(-1)!.uetr];
        reply = { n: req.n, packed: packPrepared(payments.map((sp) => prepare(sp, req.held))), ends };
      }
    } catch (err) {
      reply = { n: req.n, fail: (err as Error).message };
    }
    port.postMessage(reply, 'packed' in reply ? [reply.packed.codes.buffer] : []);
  });
}
