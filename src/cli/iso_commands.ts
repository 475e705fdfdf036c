// `sco-settle iso …`: ISO 20022 messages from files — validate (valid ISO 20022
// by default; --platform: also accepted by this platform), parse, build — over
// src/iso20022; and with the platform on the global --store: submit
// pacs.008/pacs.009, pacs.004 returns and camt.056 cancellation requests (printing
// the pacs.002, camt.029 and pacs.004 answers), and camt.053 statements and
// camt.054 notifications of a participant's account. Output is JSON or XML on
// stdout, summaries on stderr; validate and submit --json stream one JSON object
// per message a line (NDJSON, ./output.ts), and under --json an XML result is
// one JSON object with the XML in `xml`.

import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { validateMessage, resolveXsdDir, validateBuiltIn } from '../iso20022/validate.js';
import { buildMessage, modelOf, TYPED_MESSAGES, type IsoMessage } from '../iso20022/messages/index.js';
import { DEFAULT_XML_LIMITS } from '../iso20022/xml.js';
import { CliInputError, readInput } from './input.js';
import { existingStoreUrl, stderrProgress } from './context.js';
import type { Platform } from '../platform/platform.js';
import { isCamt050, validateCamt050 } from '../iso20022/camt050.js';
import { accountByIdOf, notificationXml, statementXml } from '../iso20022/reports.js';
import { parseUnsigned, U128_MAX } from '../platform/ledger_codecs.js';
import { print, printRecord, printText } from './output.js';

/** The platform (and below, submission) is loaded only by the commands that open it: validate, parse and build never do (#18). */
async function withPlatform<T>(command: Command, fn: (p: Platform) => Promise<T>): Promise<T> {
  const { Platform: Facade } = await import('../platform/platform.js');
  const platform = await Facade.open(await existingStoreUrl(command), { onProgress: stderrProgress });
  try {
    return await fn(platform);
  } finally {
    await platform.close();
  }
}

function parseBig(value: string, what: string): bigint {
  try {
    return /^0x[0-9a-f]+$/i.test(value) ? BigInt(value) : parseUnsigned(value, what, U128_MAX);
  } catch (err) {
    throw new CliInputError(`${what} ${JSON.stringify(value)}: ${(err as Error).message.replace(/^field "[^"]*": /, '')}`);
  }
}

/** Reads a message file as bytes (the XML reader decodes and bounds it); never more than the size limit + 1. */
async function readMessageFile(file: string): Promise<Uint8Array | { error: string }> {
  try {
    const buf = file === '-' ? Buffer.from(await readInput('-'), 'utf8') : await readFile(file);
    return buf;
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

/** Registration order is the order `iso --help` lists the subcommands in. */
export function registerIsoCommands(program: Command): void {
  const iso = program
    .command('iso')
    .description(
      'ISO 20022 messages: validate, parse and build (pacs.008/009/002/004, camt.053/054/056/029, head.001); submit, also camt.050 liquidity transfers',
    );
  registerValidateCommand(iso);
  registerParseCommand(iso);
  registerBuildCommand(iso);
  registerSubmitCommand(iso);
  registerStatementCommand(iso);
  registerNotificationCommand(iso);
}

interface ValidationLine {
  file: string;
  /** The question answered: 'iso' (valid ISO 20022: schema and code sets) or 'platform' (also accepted by this platform). */
  rules: 'iso' | 'platform';
  valid: boolean;
  message_type: string | null;
  errors: Array<{ path: string; code: string; message: string }>;
}

function registerValidateCommand(iso: Command): void {
  iso
    .command('validate')
    .description(
      'is it valid ISO 20022? the built-in definitions always, the official XSDs too when --xsd-dir or SCO_SETTLE_XSD_DIR is set, then code sets (any active ISO 4217 currency, BIC countries, LEI check digits, UETRs); with --platform, also would this platform accept it (currencies it settles; with --store or SCO_SETTLE_STORE, agents it knows as participants); one JSON line per file; exit 0 only if all are valid',
    )
    .argument('<files...>', 'message files (a bare Document, or AppHdr + Document in an envelope)')
    .option('--xsd-dir <dir>', 'folder of official ISO 20022 XSDs (<message id>.xsd) for the second validation layer (env SCO_SETTLE_XSD_DIR)')
    .option('--platform', "also the platform's acceptance rules, as submission applies them")
    .action(async (files: string[], o: ValidateCliOptions, cmd: Command) => validateFiles(files, o, cmd));
}

interface ValidateCliOptions {
  xsdDir?: string;
  platform?: boolean;
}

async function validateFiles(files: string[], o: ValidateCliOptions, cmd: Command): Promise<void> {
  const xsd_dir = resolveXsdDir(o.xsdDir);
  const rules = o.platform === true ? 'platform' : 'iso';
  // Agents are checked only against a store named on purpose (--store or the environment): the default one may not exist.
  const storeNamed = (cmd.optsWithGlobals() as { store?: string }).store !== undefined || (process.env.SCO_SETTLE_STORE ?? '') !== '';
  const check = async (isParticipant?: (bic: string) => boolean): Promise<void> => {
    for (const file of files) {
      const bytes = await readMessageFile(file);
      let line: ValidationLine;
      if ('error' in bytes) {
        line = { file, rules, valid: false, message_type: null, errors: [{ path: '/', code: 'FILE_UNREADABLE', message: `cannot read: ${bytes.error}` }] };
      } else {
        let r = await validateMessage(bytes, { xsd_dir, rules, ...(isParticipant !== undefined ? { isParticipant } : {}) });
        // camt.050 has no built-in definition (its XSD is not there): checked by its structural reader.
        if (r.message === null && isCamt050(r.message_type)) r = validateCamt050(bytes);
        line = { file, rules, valid: r.valid, message_type: r.message_type, errors: r.errors };
      }
      if (!line.valid) invalid++;
      printRecord(line);
    }
  };
  let invalid = 0;
  if (rules === 'platform' && storeNamed) await withPlatform(cmd, (p) => check((bic) => p.participant(bic) !== undefined));
  else {
    if (rules === 'platform') process.stderr.write('no --store or SCO_SETTLE_STORE: agents are not checked against participants\n');
    await check();
  }
  // Thrown, so that --json gives the error document on stderr too (exit 4, invalid input).
  if (invalid > 0) throw Object.assign(new Error(`${invalid} of ${files.length} file(s) not valid (see the lines)`), { code: 'invalid_input' });
}

function registerParseCommand(iso: Command): void {
  iso
    .command('parse')
    .description('print a message as JSON ({message_type, header?, document}; amounts as decimal strings); refuses a message that does not validate')
    .argument('<file>', 'message file')
    .option('--xsd-dir <dir>', 'also validate against the official XSDs in this folder (env SCO_SETTLE_XSD_DIR)')
    .action(async (file: string, o: { xsdDir?: string }) => parseFile(file, o));
}

async function parseFile(file: string, o: { xsdDir?: string }): Promise<void> {
  const bytes = await readMessageFile(file);
  if ('error' in bytes) throw new CliInputError(`${file}: cannot read: ${bytes.error}`);
  const r = await validateMessage(bytes, { xsd_dir: resolveXsdDir(o.xsdDir), rules: 'iso' });
  if (!r.valid || r.message === null) {
    const first = r.errors[0]!;
    throw new CliInputError(`${file}: not a valid message (${r.errors.length} error(s)); first: ${first.code} at ${first.path}: ${first.message}`);
  }
  print(modelOf(r.message));
}

function registerBuildCommand(iso: Command): void {
  iso
    .command('build')
    .description('build XML from a JSON model ({header?, document} or the output of `iso parse`); the result is validated before it is printed')
    .requiredOption('--type <message id>', `message type: ${TYPED_MESSAGES.join(', ')}`)
    .argument('<json_file>', 'JSON model, or - for stdin')
    .action(async (file: string, o: { type: string }) => buildFile(file, o));
}

async function buildFile(file: string, o: { type: string }): Promise<void> {
  if (!TYPED_MESSAGES.includes(o.type)) throw new CliInputError(`--type: ${JSON.stringify(o.type)} has no builder; one of ${TYPED_MESSAGES.join(', ')}`);
  const text = await readInput(file);
  if (text.length > DEFAULT_XML_LIMITS.max_bytes) throw new CliInputError(`${file}: larger than ${DEFAULT_XML_LIMITS.max_bytes} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CliInputError(`${file}: malformed JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || typeof (value as { document?: unknown }).document !== 'object') {
    throw new CliInputError(`${file}: expected an object with a "document" member`);
  }
  const model = { ...(value as object), message_type: o.type } as IsoMessage;
  let xml: string;
  try {
    xml = buildMessage(model);
  } catch (err) {
    throw new CliInputError(`${file}: ${(err as Error).message}`);
  }
  const r = validateBuiltIn(xml, { rules: 'iso' });
  if (!r.valid) {
    const first = r.errors[0]!;
    throw new CliInputError(`${file}: the built message is not valid (${r.errors.length} error(s)); first: ${first.code} at ${first.path}: ${first.message}`);
  }
  printText(xml, { message_type: o.type });
}

interface SubmitOptions {
  xsdDir?: string;
  by: string;
  platformBic?: string;
  json?: boolean;
}

function registerSubmitCommand(iso: Command): void {
  iso
    .command('submit')
    .description(
      'submit pacs.008/pacs.009 files (one submit_payments command per file), pacs.004 returns and camt.056 cancellation requests (one return_payment/cancel_payment per transaction), camt.050.001.05 liquidity transfers from a home RTGS (one fund command, answered by a pacs.002) to the platform on --store; prints the answers (XML: pacs.002s, then camt.029s, then the pacs.004s sent on to the payers of returned payments) on stdout and one JSON summary line per file on stderr (--json: JSON lines with the answers on stdout); exit 1 if a message or transaction was rejected',
    )
    .argument('<files...>', 'message files (a bare Document, or AppHdr + Document in an envelope), or - for stdin')
    .option('--xsd-dir <dir>', 'also validate against the official XSDs in this folder (env SCO_SETTLE_XSD_DIR)')
    .option('--by <id>', 'who submits (recorded in the journal and audit trail)', 'cli')
    .option('--platform-bic <bic>', "the platform's BIC, written as instructing agent of the reports")
    .option('--json', 'JSON lines on stdout: {file, message_type, accepted, payments, errors, status_reports, resolutions, returns}')
    .action(async (files: string[], o: SubmitOptions, cmd: Command) => submitFiles(files, o, cmd));
}

async function submitFiles(files: string[], o: SubmitOptions, cmd: Command): Promise<void> {
  let rejected = 0;
  await withPlatform(cmd, async (platform) => {
    for (const file of files) if (!(await submitFile(platform, file, o))) rejected++;
  });
  // Thrown, not process.exitCode: main() returns its own exit status.
  if (rejected > 0) throw Object.assign(new Error(`${rejected} of ${files.length} message(s) not accepted (see the summaries)`), { code: 'rejected' });
}

/** Submits one file and prints its answers and summary; true if it was accepted. */
async function submitFile(platform: Platform, file: string, o: SubmitOptions): Promise<boolean> {
  const bytes = await readMessageFile(file);
  const opts: { xsdDir?: string; platformBic?: string } = {};
  if (o.xsdDir !== undefined) opts.xsdDir = o.xsdDir;
  if (o.platformBic !== undefined) opts.platformBic = o.platformBic;
  const r =
    'error' in bytes
      ? {
          message_type: null,
          accepted: false,
          status_reports: [] as string[],
          resolutions: [] as string[],
          returns: [] as string[],
          payments: [],
          errors: [{ path: '/', code: 'FILE_UNREADABLE', message: `cannot read: ${bytes.error}` }],
        }
      : await (await import('../iso20022/submit.js')).submitIsoMessage(platform, bytes, o.by, opts);
  // The receipt of the answers (pacs.002 and the rest): the journal entry and hash durable when they were given.
  const head = platform.journalHead();
  const summary = {
    file,
    message_type: r.message_type,
    accepted: r.accepted,
    payments: r.payments,
    errors: r.errors,
    ...(r.liquidity_transfers === undefined ? {} : { liquidity_transfers: r.liquidity_transfers }),
    journal_head: `${head.seq}:${head.head_hash}`,
  };
  if (o.json === true) {
    printRecord({ ...summary, status_reports: r.status_reports, resolutions: r.resolutions, returns: r.returns });
  } else {
    for (const x of [...r.status_reports, ...r.resolutions, ...r.returns]) process.stdout.write(x + '\n');
    process.stderr.write(JSON.stringify(summary) + '\n');
  }
  return r.accepted;
}

/** The account options `statement` and `notification` share: --participant and --currency, or --account. */
function accountOptions(c: Command): Command {
  return c
    .option('--participant <bic>', 'the account holder (BIC)')
    .option('--currency <ccy>', 'the account currency')
    .option('--account <id>', 'or: the platform account id (decimal)');
}

function platformBicOf(o: { platformBic?: string }): { platformBic?: string } {
  const opts: { platformBic?: string } = {};
  if (o.platformBic !== undefined) opts.platformBic = o.platformBic;
  return opts;
}

type StatementOptions = AccountOptions & { date: string; platformBic?: string };
type NotificationOptions = AccountOptions & { transfer: string; platformBic?: string };

function registerStatementCommand(iso: Command): void {
  accountOptions(
    iso
      .command('statement')
      .description(
        "print the camt.053.001.08 statement of a participant's settlement (or issuing) account for one business day: opening and closing booked balances from the ledger and every booking of the day",
      ),
  )
    .requiredOption('--date <yyyy-mm-dd>', 'the business day (UTC)')
    .option('--platform-bic <bic>', "the platform's BIC, written as account servicer")
    .action(async (o: StatementOptions, cmd: Command) => {
      await withPlatform(cmd, async (platform) => {
        const { participant, currency } = accountArgs(platform, o);
        const xml = await statementXml(platform, participant, currency, o.date, platformBicOf(o));
        printText(xml, { message_type: 'camt.053.001.08', participant, currency, date: o.date });
      });
    });
}

function registerNotificationCommand(iso: Command): void {
  accountOptions(
    iso.command('notification').description("print the camt.054.001.08 notifying the debit or credit one ledger transfer made on a participant's account"),
  )
    .requiredOption('--transfer <id>', 'the ledger transfer id (decimal, or 0x… hexadecimal as in NtryRef)')
    .option('--platform-bic <bic>', "the platform's BIC, written as account servicer")
    .action(async (o: NotificationOptions, cmd: Command) => {
      const id = parseBig(o.transfer, '--transfer');
      await withPlatform(cmd, async (platform) => {
        const { participant, currency } = accountArgs(platform, o);
        const xml = await notificationXml(platform, participant, currency, id, platformBicOf(o));
        printText(xml, { message_type: 'camt.054.001.08', participant, currency, transfer: id.toString() });
      });
    });
}

interface AccountOptions {
  participant?: string;
  currency?: string;
  account?: string;
}

function accountArgs(platform: Platform, o: AccountOptions): { participant: string; currency: string } {
  if (o.account !== undefined) {
    if (o.participant !== undefined || o.currency !== undefined) throw new CliInputError('give --account, or --participant and --currency, not both');
    return accountByIdOf(platform, parseBig(o.account, '--account'));
  }
  if (o.participant === undefined || o.currency === undefined) throw new CliInputError('give --participant and --currency (or --account)');
  return { participant: o.participant, currency: o.currency };
}
