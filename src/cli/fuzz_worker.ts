// The fuzz runner's worker thread: builds the asked target (the platform's
// targets and the CLI's own) and runs its share of inputs (src/fuzz/worker_loop.ts).

import { parentPort, workerData } from 'node:worker_threads';
import { platformTargets } from '../fuzz/targets.js';
import { runWorkerLoop, type WorkerTask } from '../fuzz/worker_loop.js';
import { cliTarget } from './fuzz_cli_target.js';

const task = workerData as WorkerTask;
const make = { ...platformTargets(), cli: cliTarget }[task.target];
if (make === undefined) parentPort!.postMessage({ type: 'setup_failed', detail: `unknown target "${task.target}"` });
else await runWorkerLoop(make(), task, (m) => parentPort!.postMessage(m));
