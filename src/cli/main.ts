// The `sco-settle` command line: parses arguments, runs a command, and turns
// every failure into one clear line on stderr (a JSON document under --json) and
// the exit status of its kind (./exit_codes.ts).

import { Command, CommanderError } from 'commander';
import { COMMAND_MODULES, type CommandModule, modulesFor } from './command_table.js';
import { schemeShowArgv } from './scheme_argv.js';
import { BUILD_INFO } from '../platform/build_info.js';
import { EXIT } from './exit_codes.js';
import { reportError, setJsonOutput, usageErrorJson } from './output.js';

/** The program with the commands of these modules (by default all: what `--help` lists). */
export async function buildProgram(json = false, modules: readonly CommandModule[] = Object.keys(COMMAND_MODULES) as CommandModule[]): Promise<Command> {
  const program = new Command();
  program
    .name('sco-settle')
    .description('Settlement platform for cross-border payments in SCO member currencies.')
    .option('--store <url>', 'sqlite:PATH or postgres://… (env SCO_SETTLE_STORE; default sqlite:./data/sco-settle.db)')
    .option('--json', 'every command: one JSON document on stdout, errors as JSON on stderr')
    .version(`sco-settle ${BUILD_INFO.version} (node ${BUILD_INFO.node})`, '-V, --version')
    // Every command that acts reads it (the platform's, `users`, `keys`, `scheme`): the program's own, whichever command is loaded.
    .option('--by <user>', 'who the change is attributed to in the audit trail (default: the OS user)')
    .showHelpAfterError(json ? false : '(run with --help for usage)')
    .exitOverride();
  // Set before the commands are added: they inherit it.
  if (json) program.configureOutput({ outputError: (text, write) => write(usageErrorJson(text, EXIT.usage)) });
  // The global --json reaches commands that read their own --json option too.
  program.hook('preAction', (_p, action) => {
    if (program.opts().json === true && action.options.some((o) => o.long === '--json')) action.setOptionValue('json', true);
  });
  // Loaded together, registered in table order: the order of `--help` and of commands sharing a name (`users`).
  const names = (Object.keys(COMMAND_MODULES) as CommandModule[]).filter((name) => modules.includes(name));
  for (const register of await Promise.all(names.map((name) => COMMAND_MODULES[name]()))) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // Known before parsing, so that a usage error is JSON too.
  const json = argv.slice(2).includes('--json');
  setJsonOutput(json);
  const args = schemeShowArgv(argv);
  // Only the named command's module is loaded; without a known command, all (help, suggestions, errors as ever).
  const program = await buildProgram(json, modulesFor(args.slice(2)) ?? undefined);
  try {
    await program.parseAsync(args);
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
