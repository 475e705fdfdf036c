// `sco-settle scheme …`: the scheme's governance from the command line — init,
// show, propose, answer, withdraw, proposals, proposal, audit and what-if — and
// `users set-signing-key`. Proposals and answers are signed here with the user's
// Ed25519 private key (PEM, --sign-key) over the canonical encoding of the act;
// the platform checks the signature against the user's registered public key
// before it journals anything. Every output is JSON on stdout; a refusal is one
// line on stderr with its stable code and field.

import { readFileSync } from 'node:fs';
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { Option, type Command } from 'commander';
import type { Platform } from '../platform/platform.js';
import { PlatformError } from '../platform/errors.js';
import { CliInputError } from './input.js';
import { print, withPlatform } from './platform_run.js';

const FILE_BYTES_MAX = 2_000_000;

function readJsonFile(path: string, what: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliInputError(`${what} ${path}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (text.length > FILE_BYTES_MAX) throw new CliInputError(`${what} ${path}: larger than ${FILE_BYTES_MAX} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new CliInputError(`${what} ${path}: not JSON: ${(err as Error).message}`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new CliInputError(`${what} ${path}: must be a JSON object`);
  return v as Record<string, unknown>;
}

function privateKey(path: string): KeyObject {
  let k: KeyObject;
  try {
    k = createPrivateKey(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CliInputError(`--sign-key ${path}: not a readable private key in PEM: ${(err as Error).message}`);
  }
  if (k.asymmetricKeyType !== 'ed25519') throw new CliInputError(`--sign-key ${path}: must be an Ed25519 key, got ${k.asymmetricKeyType}`);
  return k;
}

type PlatformModule = typeof import('../platform/platform.js');

/**
 * Signs the act that `build` makes from the platform module, loaded here: only inside withPlatform, where the
 * commands that open a store have loaded it already (#18).
 */
async function signAct(key: KeyObject, build: (m: PlatformModule) => Record<string, unknown>): Promise<string> {
  const m = await import('../platform/platform.js');
  return sign(null, m.canonicalBytes(build(m)), key).toString('base64');
}

/** Runs a command and returns its result; a refusal (before or after journaling) throws with code and field. */
async function run(p: Platform, cmd: Record<string, unknown>, by: string): Promise<Record<string, unknown>> {
  try {
    const out = await p.execute(cmd, by);
    if (!out.ok) throw new PlatformError(out.error!.code as PlatformError['code'], out.error!.field, out.error!.message);
    return out.result as Record<string, unknown>;
  } catch (err) {
    if (err instanceof PlatformError && err.field !== '' && !err.message.startsWith(err.field))
      throw new PlatformError(err.code, err.field, `${err.field}: ${err.message}`);
    throw err;
  }
}

function needBy(command: Command): void {
  if ((command.optsWithGlobals() as { by?: string }).by === undefined) throw new CliInputError('--by USER: the API user who acts');
}

export function registerSchemeCommands(program: Command): void {
  const scheme = program
    .command('scheme')
    .description("the scheme's governance: versioned scheme documents changed by signed proposals, adopted by no objection");
  registerReads(scheme);
  registerActs(scheme);
  const users = program.commands.find((c) => c.name() === 'users');
  (users ?? program.command('users'))
    .command('set-signing-key')
    .description("register a user's Ed25519 public key (PEM) for signing scheme proposals and answers")
    .requiredOption('--user <name>', 'the API user')
    .requiredOption('--public-key <file>', 'the public key, PEM (SPKI)')
    .action(async (o: { user: string; publicKey: string }, cmd: Command) => {
      let pem: string;
      try {
        pem = readFileSync(o.publicKey, 'utf8');
      } catch (err) {
        throw new CliInputError(`--public-key ${o.publicKey}: cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      await withPlatform(cmd, async (p, by) => print(await run(p, { type: 'set_signing_key', user: o.user, public_key: pem.trim() }, by)));
    });
}

export { schemeShowArgv } from './scheme_argv.js';

function registerReads(scheme: Command): void {
  scheme
    .command('show')
    .description('the scheme version in force (or --version N)')
    .option('--version <n>', 'a version number')
    .addOption(new Option('--scheme-version <n>').hideHelp())
    .option('--json', 'JSON (the only format)')
    .action(async (o: { version?: string; schemeVersion?: string }, cmd: Command) => {
      const text = o.schemeVersion ?? o.version;
      const n = text === undefined ? undefined : Number(text);
      if (n !== undefined && !(Number.isSafeInteger(n) && n >= 1)) throw new CliInputError('--version: a version number (1, 2, …)');
      await withPlatform(cmd, async (p) => {
        const v = p.scheme(n);
        print({ version: v.version, adopted_at: v.adopted_at, document: v.document });
      });
    });
  scheme
    .command('proposals')
    .description('proposals, oldest first')
    .option('--state <state>', 'open, adopted, rejected or withdrawn')
    .option('--json', 'JSON (the only format)')
    .action(async (o: { state?: string }, cmd: Command) => {
      if (o.state !== undefined && !['open', 'adopted', 'rejected', 'withdrawn'].includes(o.state))
        throw new CliInputError('--state: one of open, adopted, rejected, withdrawn');
      await withPlatform(cmd, async (p) => print({ proposals: p.proposals(o.state) }));
    });
  scheme
    .command('proposal')
    .description('one proposal with its answers and reservations')
    .argument('<id>', 'the proposal id, P-1 …')
    .option('--json', 'JSON (the only format)')
    .action(async (id: string, _o: unknown, cmd: Command) => withPlatform(cmd, async (p) => print(p.proposal(id))));
  scheme
    .command('audit')
    .description("the auditor's trail: versions, proposals with signatures, and every command with the scheme version it ran under")
    .option('--json', 'JSON (the only format)')
    .action(async (_o: unknown, cmd: Command) => withPlatform(cmd, async (p) => print(p.schemeAudit())));
  scheme
    .command('what-if')
    .description('replay a past business day under the version in force and under the proposed one; print both sides')
    .argument('<id>', 'the proposal id')
    .requiredOption('--day <date>', 'the business day, YYYY-MM-DD')
    .option('--json', 'JSON (the only format)')
    .action(async (id: string, o: { day: string }, cmd: Command) => {
      if (!/^\d{4}-\d\d-\d\d$/.test(o.day)) throw new CliInputError('--day: a date YYYY-MM-DD');
      await withPlatform(cmd, async (p) => print(await p.schemeWhatIf(id, o.day)));
    });
}

function registerActs(scheme: Command): void {
  scheme
    .command('init')
    .description('create scheme version 1 from a scheme document (a store without a scheme)')
    .argument('<file>', 'the scheme document, JSON')
    .action(async (file: string, _o: unknown, cmd: Command) => {
      const document = readJsonFile(file, 'scheme document');
      await withPlatform(cmd, async (p, by) => print(await run(p, { type: 'scheme_init', document }, by)));
    });
  scheme
    .command('propose')
    .description('propose changes (RFC 6902 JSON Patch) to the scheme, signed')
    .argument('<file>', '{"title","rationale","changes":[…],"window_s","effective":"next_business_day"|"YYYY-MM-DD"}')
    .requiredOption('--sign-key <file>', "the proposer's Ed25519 private key, PEM")
    .action(async (file: string, o: { signKey: string }, cmd: Command) => {
      needBy(cmd);
      const f = readJsonFile(file, 'proposal');
      const key = privateKey(o.signKey);
      await withPlatform(cmd, async (p, by) => {
        const body = { title: f.title, rationale: f.rationale, changes: f.changes, window_s: f.window_s, effective: f.effective ?? 'next_business_day' };
        for (const k of Object.keys(f)) if (!(k in body)) throw new CliInputError(`proposal ${file}: unknown field ${k}`);
        const signature = await signAct(key, (m) => m.proposeAct({ by, ...body } as Parameters<PlatformModule['proposeAct']>[0]));
        const r = await run(p, { type: 'scheme_propose', ...body, signature }, by);
        print({ id: r.id, state: r.state, closes_at: r.closes_at, voters: r.voters });
      });
    });
  scheme
    .command('answer')
    .description("answer a proposal for the user's member: --approve, --object --reason, or --reserve --reason")
    .argument('<id>', 'the proposal id')
    .requiredOption('--sign-key <file>', "the user's Ed25519 private key, PEM")
    .option('--approve', 'approve')
    .option('--object', 'object (the proposal is rejected at the close unless withdrawn)')
    .option('--reserve', 'state a reservation without blocking')
    .option('--reason <text>', 'why (required with --object and --reserve)')
    .option('--member <code>', "the member answered for (must be the user's own)")
    .action(
      async (id: string, o: { signKey: string; approve?: boolean; object?: boolean; reserve?: boolean; reason?: string; member?: string }, cmd: Command) => {
        needBy(cmd);
        const chosen = (['approve', 'object', 'reserve'] as const).filter((k) => o[k] === true);
        if (chosen.length !== 1) throw new CliInputError('one of --approve, --object or --reserve');
        const answer = chosen[0]!;
        if (answer !== 'approve' && (o.reason === undefined || o.reason === '')) throw new CliInputError(`--${answer} needs --reason TEXT`);
        const reason = answer === 'approve' ? (o.reason ?? '') : o.reason!;
        const key = privateKey(o.signKey);
        await withPlatform(cmd, async (p, by) => {
          const signature = await signAct(key, (m) => m.answerAct({ by, id, answer, reason }));
          print(await run(p, { type: 'scheme_answer', id, answer, reason, ...(o.member !== undefined ? { member: o.member } : {}), signature }, by));
        });
      },
    );
  scheme
    .command('withdraw')
    .description('withdraw an open proposal (its proposer only)')
    .argument('<id>', 'the proposal id')
    .action(async (id: string, _o: unknown, cmd: Command) => {
      needBy(cmd);
      await withPlatform(cmd, async (p, by) => print(await run(p, { type: 'scheme_withdraw', id }, by)));
    });
}
