// The worker side of the fuzz runner: sets the target up, then runs inputs in
// order, writing each index into shared memory first (the runner's hang watch),
// and reports counts and findings every REPORT_EVERY inputs and at the end.

import { preview, inputRng, type FuzzTarget } from './target.js';

export const REPORT_EVERY = 1_000;
/** The index the worker shows while it sets its target up (not an input: the hang watch allows set-up longer). */
export const SETTING_UP = -1;
const FINDINGS_PER_REPORT_MAX = 50;

export interface WorkerTask {
  target: string;
  seed: number;
  from: number;
  to: number;
  /** Indices not to run again (they hung). */
  skip: number[];
  current: SharedArrayBuffer;
}

export interface FuzzFinding {
  index: number;
  kind: 'crash' | 'hang' | 'disagreement';
  detail: string;
  /** The input, shortened; replay the index for all of it. */
  input: string;
}

export interface FuzzTally {
  done: number;
  crashes: number;
  hangs: number;
  disagreements: number;
  codes: Record<string, number>;
  findings: FuzzFinding[];
}

export type WorkerMessage = { type: 'report' | 'done'; tally: FuzzTally; next: number } | { type: 'setup_failed'; detail: string };

const emptyTally = (): FuzzTally => ({ done: 0, crashes: 0, hangs: 0, disagreements: 0, codes: {}, findings: [] });

export async function runWorkerLoop(target: FuzzTarget, task: WorkerTask, post: (m: WorkerMessage) => void): Promise<void> {
  try {
    await target.setup?.();
  } catch (err) {
    post({ type: 'setup_failed', detail: (err as Error).message });
    return;
  }
  const current = new Int32Array(task.current);
  const skip = new Set(task.skip);
  let tally = emptyTally();
  for (let i = task.from; i < task.to; i++) {
    if (target.setupDue?.() === true) {
      Atomics.store(current, 0, SETTING_UP);
      await target.setup?.();
    }
    Atomics.store(current, 0, i);
    if (!skip.has(i)) await runOne(target, task.seed, i, tally);
    if ((i + 1) % REPORT_EVERY === 0 && i + 1 < task.to) {
      post({ type: 'report', tally, next: i + 1 });
      tally = emptyTally();
    }
  }
  post({ type: 'done', tally, next: task.to });
}

async function runOne(target: FuzzTarget, seed: number, index: number, tally: FuzzTally): Promise<void> {
  const input = target.input(inputRng(seed, index), index);
  tally.done++;
  try {
    const out = await target.run(input);
    tally.codes[out.code] = (tally.codes[out.code] ?? 0) + 1;
    if (out.disagreement !== undefined) {
      tally.disagreements++;
      if (tally.findings.length < FINDINGS_PER_REPORT_MAX)
        tally.findings.push({ index, kind: 'disagreement', detail: out.disagreement, input: preview(input) });
    }
  } catch (err) {
    tally.crashes++;
    tally.codes.crash = (tally.codes.crash ?? 0) + 1;
    const e = err as Error;
    if (tally.findings.length < FINDINGS_PER_REPORT_MAX)
      tally.findings.push({ index, kind: 'crash', detail: `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`.slice(0, 300), input: preview(input) });
  }
}

/** Runs one input and returns it with its outcome (for --replay). */
export async function replayOne(target: FuzzTarget, seed: number, index: number): Promise<{ input: string; outcome: unknown }> {
  await target.setup?.();
  const input = target.input(inputRng(seed, index), index);
  try {
    return { input, outcome: await target.run(input) };
  } catch (err) {
    return { input, outcome: { crash: (err as Error).stack ?? String(err) } };
  }
}
