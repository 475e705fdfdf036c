// `sco-settle fuzz`: the fuzz campaign (src/fuzz). Runs N seeded inputs against a
// target in a watched worker thread and prints {"target","inputs","crashes",
// "hangs","disagreements","codes",…}; `--replay INDEX` runs one input alone and
// prints it with its answer. Exit 0 when nothing crashed, hung or disagreed,
// 3 otherwise, 2 for a usage error.

import type { Command } from 'commander';
import { EXIT } from './exit_codes.js';
import { FUZZ_INPUTS_MAX, FUZZ_TARGETS, runFuzz, type FuzzSummary } from '../fuzz/harness.js';
import { replayOne } from '../fuzz/worker_loop.js';
import { cliTarget } from './fuzz_cli_target.js';
import { CliInputError } from './input.js';

const TIMEOUT_MS_DEFAULT = 2_000;

function intOption(text: string, flag: string, min: number, max: number): number {
  if (!/^[0-9]{1,10}$/.test(text)) throw new CliInputError(`${flag}: must be an integer, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < min || n > max) throw new CliInputError(`${flag}: must be from ${min} to ${max}, got ${n}`);
  return n;
}

export function registerFuzzCommand(program: Command): void {
  program
    .command('fuzz')
    .description('fuzz a reader with seeded, replayable inputs: no crash, no hang, every refusal with a stable code')
    .requiredOption('--target <name>', `what to fuzz: ${FUZZ_TARGETS.join(', ')} (selftest checks the runner)`)
    .option('--inputs <n>', 'how many inputs', '10000')
    .option('--seed <n>', 'seed of the inputs (uint32)', '1')
    .option('--timeout-ms <n>', 'longest one input may run before it counts as a hang', String(TIMEOUT_MS_DEFAULT))
    .option('--replay <index>', 'run the input with this index alone and print it with its answer')
    .option('--json', 'print the summary as one JSON document')
    .action(async (o: { target: string; inputs: string; seed: string; timeoutMs: string; replay?: string; json?: boolean }) => {
      // The targets load the API server (fastify and its schemas): only this command needs them.
      const { platformTargets } = await import('../fuzz/targets.js');
      const targets = { ...platformTargets(), cli: cliTarget };
      const make = targets[o.target as keyof typeof targets];
      if (make === undefined) throw new CliInputError(`--target: expected one of ${Object.keys(targets).join(', ')}, got ${JSON.stringify(o.target)}`);
      const seed = intOption(o.seed, '--seed', 0, 0xffffffff);
      if (o.replay !== undefined) {
        const r = await replayOne(make(), seed, intOption(o.replay, '--replay', 0, FUZZ_INPUTS_MAX - 1));
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const summary = await runFuzz({
        target: o.target,
        inputs: intOption(o.inputs, '--inputs', 1, FUZZ_INPUTS_MAX),
        seed,
        input_timeout_ms: intOption(o.timeoutMs, '--timeout-ms', 10, 600_000),
        worker: new URL('./fuzz_worker.js', import.meta.url),
        progress: progressLine(o.target),
      });
      process.stdout.write(o.json === true ? `${JSON.stringify(summary)}\n` : summaryText(summary));
      if (summary.crashes + summary.hangs + summary.disagreements > 0) process.exitCode = EXIT.verification_failed;
    });
}

function progressLine(target: string): (done: number, total: number) => void {
  let shown = 0;
  return (done, total) => {
    if (done - shown < Math.max(10_000, total / 20) && done < total) return;
    shown = done;
    process.stderr.write(`fuzz ${target}: ${done}/${total} (${Math.floor((done * 100) / total)}%)\n`);
  };
}

function summaryText(s: FuzzSummary): string {
  const lines = [
    `fuzz ${s.target}: ${s.inputs} inputs (seed ${s.seed}) in ${s.wall_s} s, ${s.inputs_per_s}/s`,
    `  crashes ${s.crashes}, hangs ${s.hangs}, disagreements ${s.disagreements}`,
    `  codes: ${Object.entries(s.codes)
      .map(([c, n]) => `${c} ${n}`)
      .join(', ')}`,
    ...s.findings.map((f) => `  ${f.kind} at ${f.index}: ${f.detail}${f.input === '' ? '' : ` — ${f.input}`}`),
  ];
  return `${lines.join('\n')}\n`;
}
