// The `sco-settle` command line: parses arguments, runs a command, and turns
// every failure into one clear line on stderr and a non-zero exit.

import { Command, CommanderError } from 'commander';
import { registerLedgerCommands } from './ledger_commands.js';
import { registerVerifyCommand } from './verify_command.js';
import { registerBenchCommands } from './bench_commands.js';
import { registerDemoCommand } from './demo.js';
import { registerFxCommands } from './fx_commands.js';
import { registerIsoCommands } from './iso_commands.js';
import { registerLsmCommands } from './lsm_commands.js';
import { registerPlatformCommands } from './platform_commands.js';
import { registerScreenCommands } from './screen_commands.js';
import { registerSimCommands } from './sim_commands.js';
import { registerServeCommands } from './serve_commands.js';
import { registerAuthCommands } from './auth_commands.js';
import { registerFuzzCommand } from './fuzz_commands.js';
import { registerCalendarCommands } from './calendar_commands.js';
import { registerReconcileCommand } from './reconcile_commands.js';
import { registerSchemeCommands } from './scheme_commands.js';
import { registerReplicaCommand } from './replica_command.js';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sco-settle')
    .description('Settlement platform for cross-border payments in SCO member currencies.')
    .option('--store <url>', 'sqlite:PATH or postgres://… (env SCO_SETTLE_STORE; default sqlite:./data/sco-settle.db)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerPlatformCommands(program);
  registerLedgerCommands(program);
  registerVerifyCommand(program);
  registerFxCommands(program);
  registerLsmCommands(program);
  registerIsoCommands(program);
  registerBenchCommands(program);
  registerScreenCommands(program);
  registerDemoCommand(program);
  registerSimCommands(program);
  registerServeCommands(program);
  registerAuthCommands(program);
  registerFuzzCommand(program);
  registerCalendarCommands(program);
  registerReconcileCommand(program);
  registerSchemeCommands(program);
  registerReplicaCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    // A command may report failure without throwing (e.g. `iso validate` on an invalid file).
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed help or the usage error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
    }
    const e = err as Error & { code?: string };
    process.stderr.write(`sco-settle: ${e.code !== undefined && typeof e.code === 'string' ? `${e.code}: ` : ''}${e.message}\n`);
    if (process.env.SCO_SETTLE_DEBUG) process.stderr.write(`${e.stack}\n`);
    return 1;
  }
}
