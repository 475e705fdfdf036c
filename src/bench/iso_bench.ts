// The iso benchmark: typical single-transaction pacs.008.001.08 messages (with
// AppHdr, in the BizMsg envelope), seeded: names and addresses in Latin,
// Cyrillic, Chinese and Perso-Arabic script, member currencies, random amounts.
// Figures, each the median of `rounds` timed rounds after a warm-up, one core:
//   pacs008_parse_per_s      XML -> typed model (safe reader + model mapping)
//   pacs008_build_per_s      typed model -> XML
//   pacs008_validate_per_s   official XSD validation with libxml2-wasm (layer b),
//                            on the calling thread alone; null when no XSD folder is given
//   pacs008_validate_per_s_workers  the same on a pool of worker threads
//                            (xsd_workers of them, the host's available parallelism),
//                            the parts serialised on the calling thread as in production
//   pacs008_builtin_validate_per_s  safe read + built-in definitions (layer a) + business rules

import { SCO_MEMBER_CURRENCIES } from '../fx/iso4217.js';
import { buildMessage, parseMessage, type IsoMessage } from '../iso20022/messages/index.js';
import { validateBuiltIn, xsdValidate } from '../iso20022/validate.js';
import { XsdPool } from '../iso20022/xsd_pool.js';
import { locateMessage } from '../iso20022/envelope.js';
import { parseXml } from '../xml/reader.js';
import { Prng } from '../sim/prng.js';
import { median, round } from './stats.js';

export interface IsoBenchOptions {
  seed: number;
  /** Messages per timed round. */
  messages: number;
  xsd_dir: string | null;
  rounds?: number;
  progress: (m: string) => void;
}

export interface IsoBenchResult {
  suite: 'iso';
  metrics: {
    pacs008_parse_per_s: number;
    pacs008_build_per_s: number;
    pacs008_validate_per_s: number | null;
    pacs008_validate_per_s_workers: number | null;
    xsd_workers: number | null;
    pacs008_builtin_validate_per_s: number;
  };
  notes: string[];
}

const SAMPLE = 256;
const NAMES = [
  'Shanghai Silk Trading Co Ltd',
  'ООО Сибирский Лес',
  '新疆棉花进出口有限公司',
  'شرکت بازرگانی پارس',
  'Almaty Grain LLP',
  'Тошкент Текстиль АЖ',
  'Lahore Rice Mills Pvt Ltd',
];
const TOWNS = ['Shanghai', 'Новосибирск', '乌鲁木齐', 'تهران', 'Almaty', 'Тошкент', 'Lahore'];
const BICS = [
  'ICBKCNBJXXX',
  'SABRRUMMXXX',
  'SBININBBXXX',
  'HABBPKKAXXX',
  'BMJIIRTHXXX',
  'HSBKKZKXXXX',
  'KICBKG22XXX',
  'ORIOTJ22XXX',
  'NBFAUZ2XXXX',
  'BPSBBY2XXXX',
];
const COUNTRIES = ['CN', 'RU', 'IN', 'PK', 'IR', 'KZ', 'KG', 'TJ', 'UZ', 'BY'];

function uuidV4(rng: Prng): string {
  const hex = (n: number): string => Array.from({ length: n }, () => rng.below(16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-${'89ab'[rng.below(4)]}${hex(3)}-${hex(12)}`;
}

export function samplePacs008(rng: Prng, i: number): IsoMessage {
  const c = SCO_MEMBER_CURRENCIES[rng.below(SCO_MEMBER_CURRENCIES.length)]!;
  const d = rng.below(BICS.length);
  let k = rng.below(BICS.length - 1);
  if (k >= d) k++;
  const amount = `${1 + rng.below(9_999_999)}.${String(rng.below(100)).padStart(2, '0')}`;
  const ts = '2025-09-01T10:15:30.000Z';
  return {
    message_type: 'pacs.008.001.08',
    header: {
      from: { bic: BICS[d]! },
      to: { bic: BICS[k]! },
      business_message_id: `BMI${i}`,
      message_definition_id: 'pacs.008.001.08',
      business_service: 'sco.settle.01',
      creation_date: ts,
    },
    document: {
      group_header: { message_id: `MSG${i}`, creation_date_time: ts, settlement_method: 'CLRG', clearing_system: { proprietary: 'SCOSETTLE' } },
      transactions: [
        {
          instruction_id: `INS${i}`,
          end_to_end_id: `E2E${i}`,
          transaction_id: `TX${i}`,
          uetr: uuidV4(rng),
          payment_type: { service_level: { code: 'G001' } },
          interbank_settlement_amount: { currency: c, value: amount },
          interbank_settlement_date: '2025-09-01',
          charge_bearer: 'SHAR',
          instructing_agent: { bic: BICS[d]! },
          instructed_agent: { bic: BICS[k]! },
          debtor: {
            name: NAMES[rng.below(NAMES.length)]!,
            postal_address: {
              street_name: 'Main Street',
              building_number: String(1 + rng.below(200)),
              town_name: TOWNS[d % TOWNS.length]!,
              country: COUNTRIES[d]!,
            },
          },
          debtor_account: { other_id: `40702810${rng.below(1e9)}` },
          debtor_agent: { bic: BICS[d]! },
          creditor_agent: { bic: BICS[k]! },
          creditor: { name: NAMES[rng.below(NAMES.length)]!, postal_address: { town_name: TOWNS[k % TOWNS.length]!, country: COUNTRIES[k]! } },
          creditor_account: { other_id: `ACC${rng.below(1e9)}` },
          purpose: { code: 'GDDS' },
          remittance_information: [`Invoice ${rng.below(1e6)} / contract ${rng.below(1e4)}`],
        },
      ],
    },
  };
}

function timed(n: number, fn: (i: number) => void): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn(i);
  return n / ((performance.now() - t0) / 1000);
}

export async function runIsoBench(opts: IsoBenchOptions): Promise<IsoBenchResult> {
  const rounds = opts.rounds ?? 5;
  if (!Number.isInteger(opts.messages) || opts.messages < 1) throw new Error('messages must be a positive integer');
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) throw new Error('rounds must be an integer from 1 to 100');
  const rng = new Prng(opts.seed);
  const models = Array.from({ length: SAMPLE }, (_, i) => samplePacs008(rng, i));
  const xmls = models.map(buildMessage);
  const notes: string[] = [];
  const bytes = xmls.reduce((s, x) => s + Buffer.byteLength(x), 0) / SAMPLE;
  notes.push(`${SAMPLE} distinct single-transaction pacs.008.001.08 messages with AppHdr, mean ${Math.round(bytes)} bytes, cycled; seed ${opts.seed}`);
  let sink = 0;
  const measure = async (label: string, n: number, fn: (i: number) => void | Promise<void>): Promise<number[]> => {
    const sync = (i: number): void => void fn(i);
    timed(Math.min(n, 2000), sync); // warm-up
    const rates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      rates.push(timed(n, sync));
      opts.progress(`iso: ${label} round ${r + 1}/${rounds}: ${Math.round(rates[r]!)}/s`);
    }
    return rates;
  };
  const parseRates = await measure('parse', opts.messages, (i) => {
    sink += parseMessage(xmls[i % SAMPLE]!).message_type.length;
  });
  const buildRates = await measure('build', opts.messages, (i) => {
    sink += buildMessage(models[i % SAMPLE]!).length;
  });
  const builtinRates = await measure('built-in validation', opts.messages, (i) => {
    if (!validateBuiltIn(xmls[i % SAMPLE]!).valid) throw new Error('benchmark message is invalid');
  });
  const xsd = await benchXsd(opts, xmls, rounds, notes);
  sink += xsd.sink;
  const xsdRate = xsd.rate;
  const span = (xs: number[]): string => `${round(Math.min(...xs), 0)}..${round(Math.max(...xs), 0)}`;
  notes.push(
    `median of ${rounds} rounds of ${opts.messages}; min..max parse ${span(parseRates)}, build ${span(buildRates)}, built-in validation ${span(builtinRates)}; checksum ${sink % 65536}`,
  );
  return {
    suite: 'iso',
    metrics: {
      pacs008_parse_per_s: Math.round(median(parseRates)),
      pacs008_build_per_s: Math.round(median(buildRates)),
      pacs008_validate_per_s: xsdRate,
      pacs008_validate_per_s_workers: xsd.workers_rate,
      xsd_workers: xsd.workers,
      pacs008_builtin_validate_per_s: Math.round(median(builtinRates)),
    },
    notes,
  };
}

/** Layer (b) alone: the located parts re-serialised and checked by libxml2 against both XSDs (AppHdr + Document); null without an XSD folder. */
async function benchXsd(
  opts: IsoBenchOptions,
  xmls: string[],
  rounds: number,
  notes: string[],
): Promise<{ rate: number | null; workers_rate: number | null; workers: number | null; sink: number }> {
  if (opts.xsd_dir === null) {
    notes.push('pacs008_validate_per_s: null — no XSD folder given (--xsd-dir or SCO_SETTLE_XSD_DIR)');
    return { rate: null, workers_rate: null, workers: null, sink: 0 };
  }
  const dir = opts.xsd_dir;
  const located = xmls.map((x) => locateMessage(parseXml(x)));
  const first = await xsdValidate(dir, 'pacs.008.001.08', located[0]!.document, '/Document');
  await xsdValidate(dir, 'head.001.001.02', located[0]!.header!, '/AppHdr');
  if (first.length > 0) throw new Error(`benchmark message fails the XSD: ${first[0]!.message}`);
  const n = Math.max(1, Math.floor(opts.messages / 2));
  const rates: number[] = [];
  let sink = 0;
  const runRound = async (count: number): Promise<number> => {
    const t0 = performance.now();
    for (let i = 0; i < count; i++) {
      const m = located[i % SAMPLE]!;
      const a = await xsdValidate(dir, 'head.001.001.02', m.header!, '/AppHdr');
      const b = await xsdValidate(dir, 'pacs.008.001.08', m.document, '/Document');
      sink += a.length + b.length;
    }
    return count / ((performance.now() - t0) / 1000);
  };
  await runRound(Math.min(n, 500));
  for (let r = 0; r < rounds; r++) {
    rates.push(await runRound(n));
    opts.progress(`iso: XSD validation round ${r + 1}/${rounds}: ${Math.round(rates[r]!)}/s`);
  }
  notes.push(
    `pacs008_validate_per_s: libxml2-wasm XsdValidator against ${dir} (AppHdr and Document, each re-serialised from the safe reader's tree; reading excluded); ${n} messages per round, one thread`,
  );
  const pool = await benchXsdPool(opts, dir, located, n, rounds);
  notes.push(
    `pacs008_validate_per_s_workers: the same on ${pool.workers} worker threads (${WINDOW_PER_WORKER} messages in flight per worker), median of ${rounds} rounds ${pool.span}`,
  );
  return { rate: Math.round(median(rates)), workers_rate: pool.rate, workers: pool.workers, sink: sink + pool.sink };
}

const WINDOW_PER_WORKER = 4;

/** Layer (b) on an XsdPool: messages kept in flight, WINDOW_PER_WORKER per worker. */
async function benchXsdPool(
  opts: IsoBenchOptions,
  dir: string,
  located: ReturnType<typeof locateMessage>[],
  n: number,
  rounds: number,
): Promise<{ rate: number; workers: number; span: string; sink: number }> {
  const pool = new XsdPool(dir);
  let sink = 0;
  const runRound = async (count: number): Promise<number> => {
    const t0 = performance.now();
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        const m = located[next++ % SAMPLE]!;
        const issues = await pool.validate([
          { id: 'head.001.001.02', el: m.header!, path: '/AppHdr' },
          { id: 'pacs.008.001.08', el: m.document, path: '/Document' },
        ]);
        sink += issues.length;
      }
    };
    await Promise.all(Array.from({ length: pool.size * WINDOW_PER_WORKER }, lane));
    return count / ((performance.now() - t0) / 1000);
  };
  try {
    await runRound(Math.min(n, 500));
    const rates: number[] = [];
    for (let r = 0; r < rounds; r++) {
      rates.push(await runRound(n));
      opts.progress(`iso: XSD validation on ${pool.size} workers, round ${r + 1}/${rounds}: ${Math.round(rates[r]!)}/s`);
    }
    return { rate: Math.round(median(rates)), workers: pool.size, span: `${round(Math.min(...rates), 0)}..${round(Math.max(...rates), 0)}`, sink };
  } finally {
    await pool.close();
  }
}
