// What the CLI prints, in one shape. Without --json: a result as indented JSON, a
// list as one JSON value a line, messages as text. With --json (accepted by every
// command): stdout holds exactly one JSON document on one line — the result, a
// list as an array — and an error is one JSON document on stderr:
//   {"error":{"code":…,"field":…,"message":…,"exit_code":…}}
// Commands that answer per file or message (`iso validate`, `iso submit --json`)
// stream instead: one JSON object a line (NDJSON) as each is done, with or without
// --json, so a consumer reads them as they come; their failure is still the one
// JSON error document on stderr under --json.
// Progress and notes always go to stderr as text, so stdout stays machine-readable.

import { bigintJson } from '../platform/view_tools.js';
import { exitCodeFor } from './exit_codes.js';

let json = false;

export function setJsonOutput(on: boolean): void {
  json = on;
}

export function jsonOutput(): boolean {
  return json;
}

/** A command's result. */
export function print(value: unknown): void {
  process.stdout.write(json ? `${JSON.stringify(value, bigintJson)}\n` : `${JSON.stringify(value, bigintJson, 2)}\n`);
}

/** A list: one array under --json, else one JSON value a line (NDJSON). */
export function printList(values: readonly unknown[]): void {
  if (json) process.stdout.write(`${JSON.stringify(values, bigintJson)}\n`);
  else for (const v of values) process.stdout.write(`${JSON.stringify(v, bigintJson)}\n`);
}

/** One record of a streamed answer (NDJSON): one JSON object on one line, --json or not. */
export function printRecord(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, bigintJson)}\n`);
}

/** A text document (XML) as the result: the text itself, or under --json one JSON object holding it beside `meta`. */
export function printText(text: string, meta: Record<string, unknown>): void {
  process.stdout.write(json ? `${JSON.stringify({ ...meta, xml: text }, bigintJson)}\n` : `${text}\n`);
}

/** Writes a failure to stderr (text, or the JSON error document) and returns its exit status. */
export function reportError(err: unknown): number {
  const e = err as Error & { code?: unknown; field?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const exit_code = exitCodeFor(code);
  const message = e instanceof Error ? e.message : String(err);
  if (json) {
    const field = typeof e.field === 'string' ? e.field : '';
    process.stderr.write(`${JSON.stringify({ error: { code: code ?? 'internal', field, message, exit_code } })}\n`);
  } else {
    process.stderr.write(`sco-settle: ${code !== undefined ? `${code}: ` : ''}${message}\n`);
  }
  if (process.env.SCO_SETTLE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
  return exit_code;
}

/** A usage error that Commander found (unknown option, missing argument), under --json. */
export function usageErrorJson(text: string, exit_code: number): string {
  return `${JSON.stringify({ error: { code: 'usage', field: '', message: text.replace(/^error: /, '').trim(), exit_code } })}\n`;
}
