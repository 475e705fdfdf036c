// The `sco-settle` command line: parses arguments, runs a command, and turns
// every failure into one clear line on stderr (a JSON document under --json) and
// the exit status of its kind (./exit_codes.ts).

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
import { registerSchemeCommands, schemeShowArgv } from './scheme_commands.js';
import { registerReplicaCommand } from './replica_command.js';
import { registerStoreCommands } from './store_commands.js';
import { BUILD_INFO } from '../platform/build_info.js';
import { EXIT } from './exit_codes.js';
import { reportError, setJsonOutput, usageErrorJson } from './output.js';

export function buildProgram(json = false): Command {
  const program = new Command();
  program
    .name('sco-settle')
    .description('Settlement platform for cross-border payments in SCO member currencies.')
    .option('--store <url>', 'sqlite:PATH or postgres://… (env SCO_SETTLE_STORE; default sqlite:./data/sco-settle.db)')
    .option('--json', 'every command: one JSON document on stdout, errors as JSON on stderr')
    .version(`sco-settle ${BUILD_INFO.version} (node ${BUILD_INFO.node})`, '-V, --version')
    .showHelpAfterError(json ? false : '(run with --help for usage)')
    .exitOverride();
  // Set before the commands are added: they inherit it.
  if (json) program.configureOutput({ outputError: (text, write) => write(usageErrorJson(text, EXIT.usage)) });
  // The global --json reaches commands that read their own --json option too.
  program.hook('preAction', (_p, action) => {
    if (program.opts().json === true && action.options.some((o) => o.long === '--json')) action.setOptionValue('json', true);
  });
  registerStoreCommands(program);
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
  // Known before parsing, so that a usage error is JSON too.
  const json = argv.slice(2).includes('--json');
  setJsonOutput(json);
  const program = buildProgram(json);
  try {
    await program.parseAsync(schemeShowArgv(argv));
    // A command may report failure without throwing (e.g. `iso validate` on an invalid file).
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed help or the usage error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    return reportError(err);
  }
}
