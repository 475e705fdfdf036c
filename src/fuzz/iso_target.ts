// Fuzz target `iso`: ISO 20022 reading, validation and mapping — what a bank's
// message meets before any platform command. Inputs are valid pacs.008/pacs.009
// messages with markup mutations and with element values replaced by hostile
// scalars (signs, exponents, 39-digit amounts, impossible dates, unknown codes).
// Every input must end in an answer with a stable code: the message's first
// validation code, a mapping refusal's code, or `mapped`. An exception without a
// code is a crash.

import { parseMessage, type Pacs008, type Pacs009 } from '../iso20022/messages/index.js';
import { instructionsOfPacs008, instructionsOfPacs009 } from '../iso20022/mapping.js';
import { validateBuiltIn } from '../iso20022/validate.js';
import type { Prng } from '../sim/prng.js';
import { XML_DICTIONARY, xmlCorpus } from './corpus.js';
import { HOSTILE_SCALARS, mutate } from './mutate.js';
import type { FuzzOutcome, FuzzTarget } from './target.js';

export function isoTarget(): FuzzTarget {
  let corpus: readonly string[] = [];
  return {
    name: 'iso',
    async setup() {
      corpus = xmlCorpus().slice(0, 2);
    },
    input(rng) {
      const seed = corpus[rng.below(corpus.length)]!;
      return rng.below(2) === 0 ? replaceValues(rng, seed) : mutate(rng, seed, [...XML_DICTIONARY, ...HOSTILE_SCALARS]);
    },
    run: readMessage,
  };
}

/** One to three element values replaced by hostile scalars: the message stays well-formed. */
function replaceValues(rng: Prng, xml: string): string {
  const values: Array<[number, number]> = [];
  const re = />([^<>]+)</g;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) values.push([m.index + 1, m.index + 1 + m[1]!.length]);
  let out = xml;
  const n = 1 + rng.below(3);
  for (let k = 0; k < n && values.length > 0; k++) {
    const [from, to] = values.splice(rng.below(values.length), 1)[0]!;
    const scalar = HOSTILE_SCALARS[rng.below(HOSTILE_SCALARS.length)]!.replace(/[<&]/g, '');
    out = out.slice(0, from) + scalar + out.slice(to);
    const shift = scalar.length - (to - from);
    for (const v of values) {
      if (v[0] <= from) continue;
      v[0] += shift;
      v[1] += shift;
    }
  }
  return out;
}

function readMessage(input: string): FuzzOutcome {
  try {
    const v = validateBuiltIn(input);
    if (!v.valid) return { code: v.errors[0]?.code ?? 'invalid' };
    const parsed = parseMessage(input);
    const mapped =
      parsed.message_type === 'pacs.008.001.08'
        ? instructionsOfPacs008(parsed.document as Pacs008, { resolveBic: (b) => b })
        : parsed.message_type === 'pacs.009.001.08'
          ? instructionsOfPacs009(parsed.document as Pacs009, { resolveBic: (b) => b })
          : [];
    return { code: mapped.length > 0 ? 'mapped' : `valid ${parsed.message_type}` };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.length > 0) return { code };
    throw err;
  }
}
