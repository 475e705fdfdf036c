// Multilateral net positions: for each currency, what every participant receives
// minus what it pays over a set of payments. This module owns that arithmetic
// only (deferred net settlement windows call it at close); it is pure, exact and
// has no I/O.
//
// Invariant (asserted): per currency the net positions sum to zero.
//
// Exactness at speed. Participants and currencies are integer indices; a
// position lives in a float64 cell while it is an integer of magnitude <= 2^53-1,
// where float addition is exact. Before an addition would leave that range the
// cell is flushed into a bigint side cell and restarted (an addend is itself
// <= 2^53-1, so the restarted sum is exact). Detection is safe because rounding
// is monotone: a true sum beyond 2^53-1 is at least 2^53 and rounds to at least
// 2^53. Amounts wider than 53 bits: 64-bit amounts (BigUint64Array) are read as
// two 32-bit halves through a Uint32Array view and accumulated in two cell sets;
// arbitrary bigints above 2^53 go straight to the bigint cells. The result is
// exact for any amounts; floats never hold a rounded money value.
//
// Complexity: O(payments + participants * currencies); memory two float64 cells
// (plus lazily bigint cells) per (currency, participant).

import { ClearingInputError } from './input_error.js';

export const NETTING_PAYMENTS_MAX = 100_000_000;
export const NETTING_PARTICIPANTS_MAX = 1_000_000;
export const NETTING_CURRENCIES_MAX = 1_000;
/** Bounds the position table: participants x currencies. */
export const NETTING_CELLS_MAX = 20_000_000;

const MAX = Number.MAX_SAFE_INTEGER;
const MAX_BIG = BigInt(MAX);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Bad input to this module (kept as a name of its own for callers' readability). */
export const NettingInputError = ClearingInputError;
export type NettingInputError = ClearingInputError;

/** Payments in columns: index k is one payment. */
export interface IndexedPayments {
  readonly participants: number;
  readonly currencies: number;
  readonly payer: ArrayLike<number>;
  readonly payee: ArrayLike<number>;
  readonly currency: ArrayLike<number>;
  /** Float64Array: each a safe integer (checked). BigUint64Array or bigint[]: any positive amount. */
  readonly amount: Float64Array | BigUint64Array | readonly bigint[];
}

export interface NetPositions {
  readonly participants: number;
  readonly currencies: number;
  /** net[currency][participant] = received - paid. */
  readonly net: bigint[][];
}

/** Exact sums in float64 cells while they stay <= 2^53-1, with a bigint overflow per cell. */
class Cells {
  readonly acc: Float64Array;
  private big: bigint[] | null = null;
  constructor(size: number) {
    this.acc = new Float64Array(size);
  }
  flush(cell: number): void {
    if (this.big === null) this.big = new Array<bigint>(this.acc.length).fill(0n);
    this.big[cell] = this.big[cell]! + BigInt(this.acc[cell]!);
    this.acc[cell] = 0;
  }
  addBig(cell: number, v: bigint): void {
    if (this.big === null) this.big = new Array<bigint>(this.acc.length).fill(0n);
    this.big[cell] = this.big[cell]! + v;
  }
  value(cell: number): bigint {
    const a = BigInt(this.acc[cell]!);
    return this.big === null ? a : this.big[cell]! + a;
  }
}

function checkShape(b: IndexedPayments): number {
  const n = b.amount.length;
  if (b.payer.length !== n || b.payee.length !== n || b.currency.length !== n) {
    throw new NettingInputError(
      'payments',
      `columns differ in length: payer ${b.payer.length}, payee ${b.payee.length}, currency ${b.currency.length}, amount ${n}`,
    );
  }
  if (n > NETTING_PAYMENTS_MAX) throw new NettingInputError('payments', `at most ${NETTING_PAYMENTS_MAX} payments per run, got ${n}`);
  if (!Number.isInteger(b.participants) || b.participants < 0 || b.participants > NETTING_PARTICIPANTS_MAX) {
    throw new NettingInputError('participants', `must be an integer from 0 to ${NETTING_PARTICIPANTS_MAX}`);
  }
  if (!Number.isInteger(b.currencies) || b.currencies < 0 || b.currencies > NETTING_CURRENCIES_MAX) {
    throw new NettingInputError('currencies', `must be an integer from 0 to ${NETTING_CURRENCIES_MAX}`);
  }
  if (b.participants * b.currencies > NETTING_CELLS_MAX) {
    throw new NettingInputError('participants', `participants x currencies must be at most ${NETTING_CELLS_MAX}`);
  }
  return n;
}

function badIndex(b: IndexedPayments, k: number): never {
  const pr = b.payer[k]!;
  const pe = b.payee[k]!;
  const cu = b.currency[k]!;
  const okP = (x: number): boolean => Number.isInteger(x) && x >= 0 && x < b.participants;
  if (!okP(pr)) throw new NettingInputError(`payments[${k}].payer`, `participant index ${pr} out of range 0..${b.participants - 1}`);
  if (!okP(pe)) throw new NettingInputError(`payments[${k}].payee`, `participant index ${pe} out of range 0..${b.participants - 1}`);
  if (!(Number.isInteger(cu) && cu >= 0 && cu < b.currencies)) {
    throw new NettingInputError(`payments[${k}].currency`, `currency index ${cu} out of range 0..${b.currencies - 1}`);
  }
  throw new NettingInputError(`payments[${k}].payee`, 'a payment to oneself');
}

/** Net positions per currency over payments given as index columns. */
export function netPositionsIndexed(b: IndexedPayments): NetPositions {
  const n = checkShape(b);
  const P = b.participants;
  const C = b.currencies;
  const lo = new Cells(P * C);
  let hi: Cells | null = null;
  // One loop per amount representation, each in its own function, so each stays monomorphic and tight.
  const amount = b.amount;
  if (amount instanceof Float64Array) accumulateFloat(b, amount, n, lo);
  else if (amount instanceof BigUint64Array) hi = accumulateU64(b, amount, n, lo);
  else accumulateBigint(b, amount, n, lo);
  return { participants: P, currencies: C, net: netRows(lo, hi, P, C) };
}

// In the loops below, `x >>> 0 === x` rejects negatives, fractions and NaN for the index checks.

/** Safe-integer float amounts: each side cell accumulates in a float, flushed to its exact cell before it could lose precision. */
function accumulateFloat(b: IndexedPayments, amount: Float64Array, n: number, lo: Cells): void {
  const P = b.participants;
  const C = b.currencies;
  const { payer, payee, currency } = b;
  const accLo = lo.acc;
  for (let k = 0; k < n; k++) {
    const pr = payer[k]!;
    const pe = payee[k]!;
    const cu = currency[k]!;
    if (pr >>> 0 !== pr || pe >>> 0 !== pe || cu >>> 0 !== cu || pr >= P || pe >= P || cu >= C || pr === pe) badIndex(b, k);
    const a = amount[k]!;
    if (!(a > 0 && a <= MAX && Math.floor(a) === a)) {
      throw new NettingInputError(`payments[${k}].amount`, `must be an integer from 1 to 2^53-1 in a Float64Array, got ${a}`);
    }
    const base = cu * P;
    const pc = base + pr;
    const rc = base + pe;
    let v = accLo[pc]! - a;
    if (v < -MAX) {
      lo.flush(pc);
      v = -a;
    }
    accLo[pc] = v;
    v = accLo[rc]! + a;
    if (v > MAX) {
      lo.flush(rc);
      v = a;
    }
    accLo[rc] = v;
  }
}

/** 64-bit amounts: the low and high 32-bit words accumulate in separate cells; returns the high cells. */
function accumulateU64(b: IndexedPayments, amount: BigUint64Array, n: number, lo: Cells): Cells {
  const P = b.participants;
  const C = b.currencies;
  const { payer, payee, currency } = b;
  const accLo = lo.acc;
  const words = new Uint32Array(amount.buffer, amount.byteOffset, amount.length * 2);
  const L = LITTLE_ENDIAN ? 0 : 1;
  const H = 1 - L;
  const hiCells = new Cells(P * C);
  const accHi = hiCells.acc;
  for (let k = 0; k < n; k++) {
    const pr = payer[k]!;
    const pe = payee[k]!;
    const cu = currency[k]!;
    if (pr >>> 0 !== pr || pe >>> 0 !== pe || cu >>> 0 !== cu || pr >= P || pe >= P || cu >= C || pr === pe) badIndex(b, k);
    const l = words[2 * k + L]!;
    const h = words[2 * k + H]!;
    if (l === 0 && h === 0) throw new NettingInputError(`payments[${k}].amount`, 'must be greater than zero');
    const base = cu * P;
    const pc = base + pr;
    const rc = base + pe;
    let v = accLo[pc]! - l;
    if (v < -MAX) {
      lo.flush(pc);
      v = -l;
    }
    accLo[pc] = v;
    v = accLo[rc]! + l;
    if (v > MAX) {
      lo.flush(rc);
      v = l;
    }
    accLo[rc] = v;
    if (h !== 0) {
      v = accHi[pc]! - h;
      if (v < -MAX) {
        hiCells.flush(pc);
        v = -h;
      }
      accHi[pc] = v;
      v = accHi[rc]! + h;
      if (v > MAX) {
        hiCells.flush(rc);
        v = h;
      }
      accHi[rc] = v;
    }
  }
  return hiCells;
}

/** Bigint amounts: as floats up to 2^53, beyond straight into the exact cells. */
function accumulateBigint(b: IndexedPayments, amount: Exclude<IndexedPayments['amount'], Float64Array | BigUint64Array>, n: number, lo: Cells): void {
  const P = b.participants;
  const C = b.currencies;
  const { payer, payee, currency } = b;
  const accLo = lo.acc;
  for (let k = 0; k < n; k++) {
    const pr = payer[k]!;
    const pe = payee[k]!;
    const cu = currency[k]!;
    if (pr >>> 0 !== pr || pe >>> 0 !== pe || cu >>> 0 !== cu || pr >= P || pe >= P || cu >= C || pr === pe) badIndex(b, k);
    const big = amount[k]!;
    if (typeof big !== 'bigint' || big <= 0n) {
      throw new NettingInputError(`payments[${k}].amount`, `must be a bigint greater than zero, got ${String(big)}`);
    }
    const base = cu * P;
    const pc = base + pr;
    const rc = base + pe;
    if (big > MAX_BIG) {
      // Rare: beyond 53 bits the amount goes to the exact side cells directly.
      lo.addBig(pc, -big);
      lo.addBig(rc, big);
      continue;
    }
    const a = Number(big);
    let v = accLo[pc]! - a;
    if (v < -MAX) {
      lo.flush(pc);
      v = -a;
    }
    accLo[pc] = v;
    v = accLo[rc]! + a;
    if (v > MAX) {
      lo.flush(rc);
      v = a;
    }
    accLo[rc] = v;
  }
}

/** The net position of each participant in each currency; each currency's positions sum to zero. */
function netRows(lo: Cells, hi: Cells | null, P: number, C: number): bigint[][] {
  const net: bigint[][] = [];
  for (let cu = 0; cu < C; cu++) {
    const row: bigint[] = new Array<bigint>(P);
    let sum = 0n;
    for (let i = 0; i < P; i++) {
      const cell = cu * P + i;
      let v = lo.value(cell);
      if (hi !== null) v += hi.value(cell) << 32n;
      row[i] = v;
      sum += v;
    }
    if (sum !== 0n) throw new Error(`netting: invariant broken: net positions of currency ${cu} sum to ${sum}, not 0`);
    net.push(row);
  }
  return net;
}

export interface NettingPayment {
  readonly payer: string;
  readonly payee: string;
  readonly currency: string;
  readonly amount: bigint;
}

/**
 * Net positions keyed by currency then participant, over payments named by id.
 * Every participant that pays or receives in a currency appears in that currency's
 * map (with 0n if it nets out).
 */
export function netPositions(payments: readonly NettingPayment[]): Map<string, Map<string, bigint>> {
  if (payments.length > NETTING_PAYMENTS_MAX)
    throw new NettingInputError('payments', `at most ${NETTING_PAYMENTS_MAX} payments per run, got ${payments.length}`);
  const pIndex = new Map<string, number>();
  const cIndex = new Map<string, number>();
  const pNames: string[] = [];
  const cNames: string[] = [];
  const intern = (m: Map<string, number>, names: string[], s: unknown, field: string): number => {
    if (typeof s !== 'string' || s.length === 0) throw new NettingInputError(field, 'must be a non-empty string');
    let i = m.get(s);
    if (i === undefined) {
      i = names.length;
      m.set(s, i);
      names.push(s);
    }
    return i;
  };
  const n = payments.length;
  const payer = new Uint32Array(n);
  const payee = new Uint32Array(n);
  const currency = new Uint32Array(n);
  const amount: bigint[] = new Array<bigint>(n);
  for (let k = 0; k < n; k++) {
    const p = payments[k]!;
    payer[k] = intern(pIndex, pNames, p.payer, `payments[${k}].payer`);
    payee[k] = intern(pIndex, pNames, p.payee, `payments[${k}].payee`);
    currency[k] = intern(cIndex, cNames, p.currency, `payments[${k}].currency`);
    amount[k] = p.amount;
  }
  const r = netPositionsIndexed({ participants: pNames.length, currencies: cNames.length, payer, payee, currency, amount });
  // Only participants active in a currency are reported for it.
  const active = new Uint8Array(pNames.length * cNames.length);
  for (let k = 0; k < n; k++) {
    active[currency[k]! * pNames.length + payer[k]!] = 1;
    active[currency[k]! * pNames.length + payee[k]!] = 1;
  }
  const out = new Map<string, Map<string, bigint>>();
  cNames.forEach((c, ci) => {
    const m = new Map<string, bigint>();
    pNames.forEach((p, pi) => {
      if (active[ci * pNames.length + pi] === 1) m.set(p, r.net[ci]![pi]!);
    });
    out.set(c, m);
  });
  return out;
}
