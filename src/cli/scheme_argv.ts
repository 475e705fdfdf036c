// The one rewrite of argv before parsing, kept apart from the scheme commands so
// that main.ts applies it without loading them (#18).

/**
 * `scheme show --version N` asks for a scheme version, but the program's own
 * `--version` (sco-settle's release) is taken wherever it stands: the command's is
 * handed over as `--scheme-version` before parsing.
 */
export function schemeShowArgv(argv: readonly string[]): string[] {
  const i = argv.indexOf('scheme');
  if (i < 2 || argv[i + 1] !== 'show') return [...argv];
  return argv.map((a, k) => (k > i + 1 && (a === '--version' || a.startsWith('--version=')) ? a.replace('--version', '--scheme-version') : a));
}
