// Which module registers each top-level command, so that `sco-settle <command>`
// loads only that command's module (and what it imports) instead of all of them:
// most of a short command's time was spent loading modules it never ran (#18).
// Kept free of imports beyond commander's types; test/cli_startup.test.ts checks
// the table against what loading every module registers, so it cannot drift.

import type { Command } from 'commander';

type Register = (program: Command) => void;

/** Every command module, in the order `sco-settle --help` lists their commands. */
export const COMMAND_MODULES = {
  store: async (): Promise<Register> => (await import('./store_commands.js')).registerStoreCommands,
  platform: async (): Promise<Register> => (await import('./platform_commands.js')).registerPlatformCommands,
  ledger: async (): Promise<Register> => (await import('./ledger_commands.js')).registerLedgerCommands,
  verify: async (): Promise<Register> => (await import('./verify_command.js')).registerVerifyCommand,
  fx: async (): Promise<Register> => (await import('./fx_commands.js')).registerFxCommands,
  lsm: async (): Promise<Register> => (await import('./lsm_commands.js')).registerLsmCommands,
  iso: async (): Promise<Register> => (await import('./iso_commands.js')).registerIsoCommands,
  bench: async (): Promise<Register> => (await import('./bench_commands.js')).registerBenchCommands,
  screen: async (): Promise<Register> => (await import('./screen_commands.js')).registerScreenCommands,
  demo: async (): Promise<Register> => (await import('./demo.js')).registerDemoCommand,
  sim: async (): Promise<Register> => (await import('./sim_commands.js')).registerSimCommands,
  serve: async (): Promise<Register> => (await import('./serve_commands.js')).registerServeCommands,
  auth: async (): Promise<Register> => (await import('./auth_commands.js')).registerAuthCommands,
  fuzz: async (): Promise<Register> => (await import('./fuzz_commands.js')).registerFuzzCommand,
  calendar: async (): Promise<Register> => (await import('./calendar_commands.js')).registerCalendarCommands,
  reconcile: async (): Promise<Register> => (await import('./reconcile_commands.js')).registerReconcileCommand,
  scheme: async (): Promise<Register> => (await import('./scheme_commands.js')).registerSchemeCommands,
  replica: async (): Promise<Register> => (await import('./replica_command.js')).registerReplicaCommand,
} as const;

export type CommandModule = keyof typeof COMMAND_MODULES;

/**
 * Each top-level command and the modules that add to it, in registration order
 * (`users` gets `set-signing-key` from the scheme module, after the auth module made it).
 */
export const COMMAND_TABLE: Readonly<Record<string, readonly CommandModule[]>> = {
  init: ['store'],
  backup: ['store'],
  restore: ['store'],
  participants: ['platform'],
  fund: ['platform'],
  defund: ['platform'],
  payments: ['platform'],
  day: ['platform'],
  window: ['platform'],
  'lsm-run': ['platform'],
  financing: ['platform'],
  quotes: ['platform'],
  cases: ['platform'],
  ledger: ['ledger'],
  verify: ['verify'],
  fx: ['fx'],
  lsm: ['lsm'],
  liquidity: ['lsm'],
  iso: ['iso'],
  bench: ['bench'],
  screen: ['screen'],
  demo: ['demo'],
  sim: ['sim'],
  serve: ['serve'],
  users: ['auth', 'scheme'],
  keys: ['auth'],
  fuzz: ['fuzz'],
  calendar: ['calendar'],
  reconcile: ['reconcile'],
  scheme: ['scheme'],
  replica: ['replica'],
};

/** The program's options that take a value: their value is never the command. */
const VALUE_OPTIONS = new Set(['--store', '--by']);
/** The program's options without a value. */
const FLAG_OPTIONS = new Set(['--json']);

/**
 * The modules to load for these arguments (argv without node and the script), or
 * null for all of them: no command, `help`, an unknown command, or an option before
 * the command other than --store, --by and --json (--help, --version, a mistake). Then
 * commander sees every command, and its help, suggestions and errors are as before.
 * Mirrors how commander finds the command: the first operand, program options
 * (with their values) skipped.
 */
export function modulesFor(args: readonly string[]): readonly CommandModule[] | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (VALUE_OPTIONS.has(arg)) {
      i++;
      continue;
    }
    if (FLAG_OPTIONS.has(arg) || [...VALUE_OPTIONS].some((o) => arg.startsWith(`${o}=`))) continue;
    if (arg.startsWith('-')) return null;
    return Object.hasOwn(COMMAND_TABLE, arg) ? COMMAND_TABLE[arg]! : null;
  }
  return null;
}
