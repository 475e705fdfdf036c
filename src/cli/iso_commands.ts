// `sco-settle iso …`: ISO 20022 messages from files — validate, parse, build —
// over src/iso20022. Submitting messages into the platform and producing
// statements arrive with the platform layer. Output is JSON on stdout.

import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { validateMessage, resolveXsdDir, validateBuiltIn } from '../iso20022/validate.js';
import { buildMessage, modelOf, TYPED_MESSAGES, type IsoMessage } from '../iso20022/messages/index.js';
import { DEFAULT_XML_LIMITS } from '../iso20022/xml.js';
import { CliInputError, readInput } from './input.js';

/** Reads a message file as bytes (the XML reader decodes and bounds it); never more than the size limit + 1. */
async function readMessageFile(file: string): Promise<Uint8Array | { error: string }> {
  try {
    const buf = file === '-' ? Buffer.from(await readInput('-'), 'utf8') : await readFile(file);
    return buf;
  } catch (err) {
    return { error: (err as NodeJS.ErrnoException).code ?? (err as Error).message };
  }
}

export function registerIsoCommands(program: Command): void {
  const iso = program.command('iso').description('ISO 20022 messages: validate, parse and build (pacs.008/009/002/004, camt.053/054/056/029, head.001)');

  iso
    .command('validate')
    .description('validate messages: built-in definitions always, the official XSDs too when --xsd-dir or SCO_SETTLE_XSD_DIR is set, then business rules; one JSON line per file; exit 0 only if all are valid')
    .argument('<files...>', 'message files (a bare Document, or AppHdr + Document in an envelope)')
    .option('--xsd-dir <dir>', 'folder of official ISO 20022 XSDs (<message id>.xsd) for the second validation layer (env SCO_SETTLE_XSD_DIR)')
    .action(async (files: string[], o: { xsdDir?: string }) => {
      const xsd_dir = resolveXsdDir(o.xsdDir);
      let allValid = true;
      for (const file of files) {
        const bytes = await readMessageFile(file);
        let line: { file: string; valid: boolean; message_type: string | null; errors: Array<{ path: string; code: string; message: string }> };
        if ('error' in bytes) {
          line = { file, valid: false, message_type: null, errors: [{ path: '/', code: 'FILE_UNREADABLE', message: `cannot read: ${bytes.error}` }] };
        } else {
          const r = await validateMessage(bytes, { xsd_dir });
          line = { file, valid: r.valid, message_type: r.message_type, errors: r.errors };
        }
        if (!line.valid) allValid = false;
        process.stdout.write(JSON.stringify(line) + '\n');
      }
      if (!allValid) process.exitCode = 1;
    });

  iso
    .command('parse')
    .description('print a message as JSON ({message_type, header?, document}; amounts as decimal strings); refuses a message that does not validate')
    .argument('<file>', 'message file')
    .option('--xsd-dir <dir>', 'also validate against the official XSDs in this folder (env SCO_SETTLE_XSD_DIR)')
    .action(async (file: string, o: { xsdDir?: string }) => {
      const bytes = await readMessageFile(file);
      if ('error' in bytes) throw new CliInputError(`${file}: cannot read: ${bytes.error}`);
      const r = await validateMessage(bytes, { xsd_dir: resolveXsdDir(o.xsdDir) });
      if (!r.valid || r.message === null) {
        const first = r.errors[0]!;
        throw new CliInputError(`${file}: not a valid message (${r.errors.length} error(s)); first: ${first.code} at ${first.path}: ${first.message}`);
      }
      process.stdout.write(JSON.stringify(modelOf(r.message), null, 2) + '\n');
    });

  iso
    .command('build')
    .description('build XML from a JSON model ({header?, document} or the output of `iso parse`); the result is validated before it is printed')
    .requiredOption('--type <message id>', `message type: ${TYPED_MESSAGES.join(', ')}`)
    .argument('<json_file>', 'JSON model, or - for stdin')
    .action(async (file: string, o: { type: string }) => {
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
      const r = validateBuiltIn(xml);
      if (!r.valid) {
        const first = r.errors[0]!;
        throw new CliInputError(`${file}: the built message is not valid (${r.errors.length} error(s)); first: ${first.code} at ${first.path}: ${first.message}`);
      }
      process.stdout.write(xml + '\n');
    });
}
