// The LSM's release problem as a mixed-integer program in CPLEX LP format, for
// HiGHS: maximise the weight of the chosen items (one 0/1 variable each) such
// that every node's capacity plus what the chosen items net into it stays ≥ 0,
// and under FIFO each node's chosen items (by first leg) form a prefix of its
// queue. The bench's reference optimum and the measuring scripts (the oracle's
// exact neighbourhoods, the generated families) all read this one model.

import type { LinkedProblem } from '../clearing/lsm_linked.js';

/** Names per line in the Binary section (HiGHS's reader takes long lines, people do not). */
const BINARY_NAMES_PER_LINE = 20;

/**
 * The model of `problem`. `relax`: no integrality (the LP relaxation).
 * `fixed[k]` 0 or 1 fixes item k at that value; -1 (or no `fixed`) leaves it free.
 */
export function lpModel(problem: LinkedProblem, relax: boolean, fixed: readonly number[] | null = null): string {
  const rows: string[][] = problem.capacities.map(() => []);
  const obj: string[] = [];
  problem.items.forEach((it, k) => {
    obj.push(`+ ${it.weight} x${k}`);
    const net = new Map<number, bigint>();
    for (const leg of it.legs) {
      net.set(leg.from, (net.get(leg.from) ?? 0n) - leg.amount);
      net.set(leg.to, (net.get(leg.to) ?? 0n) + leg.amount);
    }
    for (const [n, d] of net) if (d !== 0n) rows[n]!.push(`${d < 0n ? '-' : '+'} ${d < 0n ? -d : d} x${k}`);
  });
  const lines = ['Maximize', ` value: ${obj.join(' ')}`, 'Subject To'];
  problem.capacities.forEach((c, n) => {
    if (rows[n]!.length > 0) lines.push(` c${n}: ${rows[n]!.join(' ')} >= ${-c}`);
  });
  if (problem.fifo) {
    const last = new Map<number, number>();
    problem.items.forEach((it, k) => {
      const prev = last.get(it.legs[0]!.from);
      if (prev !== undefined) lines.push(` f${k}: x${k} - x${prev} <= 0`);
      last.set(it.legs[0]!.from, k);
    });
  }
  const isFixed = (k: number): boolean => fixed !== null && fixed[k]! >= 0;
  lines.push('Bounds');
  for (let k = 0; k < problem.items.length; k++) lines.push(isFixed(k) ? ` x${k} = ${fixed![k]}` : ` 0 <= x${k} <= 1`);
  if (!relax) {
    const free: string[] = [];
    for (let k = 0; k < problem.items.length; k++) if (!isFixed(k)) free.push(`x${k}`);
    lines.push('Binary');
    for (let i = 0; i < free.length; i += BINARY_NAMES_PER_LINE) lines.push(` ${free.slice(i, i + BINARY_NAMES_PER_LINE).join(' ')}`);
  }
  lines.push('End');
  return lines.join('\n');
}
