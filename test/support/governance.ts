// A scheme document for governance tests: the ten member states, the three central
// banks test/support/platform.ts registers (CN, RU, KZ) and the other seven, the
// test banks and liquidity provider; and Ed25519 key pairs for signing acts.

import { generateKeyPairSync } from 'node:crypto';
import type { Platform } from '../../src/platform/platform.js';
import { BANKS, CB, LP } from './platform.js';

/** The central-bank users that sign governance acts in these tests, by name. */
export const CB_USERS = { cn: CB.CNY, ru: CB.RUB, kz: CB.KZT } as const;

const OTHER_CBS: Record<string, [string, string, string]> = {
  IN: ['RBISINBB', 'INR', 'Reserve Bank of India'],
  PK: ['SBPPPKKA', 'PKR', 'State Bank of Pakistan'],
  IR: ['BMJIIRTH', 'IRR', 'Central Bank of Iran'],
  KG: ['NBKRKG22', 'KGS', 'National Bank of the Kyrgyz Republic'],
  TJ: ['NBTJTJ22', 'TJS', 'National Bank of Tajikistan'],
  UZ: ['CBUZUZ22', 'UZS', 'Central Bank of Uzbekistan'],
  BY: ['NBRBBY2X', 'BYN', 'National Bank of the Republic of Belarus'],
};

const NUMERIC: Record<string, number> = { CNY: 156, RUB: 643, INR: 356, PKR: 586, IRR: 364, KZT: 398, KGS: 417, TJS: 972, UZS: 860, BYN: 933 };

export function schemeDocument(): Record<string, unknown> {
  const members: Record<string, unknown> = {
    CN: { name: 'China', central_bank: CB.CNY, currency: 'CNY', status: 'active' },
    RU: { name: 'Russia', central_bank: CB.RUB, currency: 'RUB', status: 'active' },
    KZ: { name: 'Kazakhstan', central_bank: CB.KZT, currency: 'KZT', status: 'active' },
  };
  const participants: Record<string, unknown> = {
    [CB.CNY]: { kind: 'central_bank', country: 'CN', currencies: ['CNY'] },
    [CB.RUB]: { kind: 'central_bank', country: 'RU', currencies: ['RUB'] },
    [CB.KZT]: { kind: 'central_bank', country: 'KZ', currencies: ['KZT'] },
    [BANKS[0]]: { kind: 'bank', country: 'CN', currencies: ['CNY'] },
    [BANKS[1]]: { kind: 'bank', country: 'CN', currencies: ['CNY'] },
    [BANKS[2]]: { kind: 'bank', country: 'RU', currencies: ['RUB', 'CNY'] },
    [BANKS[3]]: { kind: 'bank', country: 'RU', currencies: ['RUB'] },
    [BANKS[4]]: { kind: 'bank', country: 'KZ', currencies: ['KZT', 'CNY'] },
    [LP]: { kind: 'liquidity_provider', country: 'CN', currencies: ['CNY', 'RUB', 'KZT'] },
  };
  for (const [code, [bic, ccy, name]] of Object.entries(OTHER_CBS)) {
    members[code] = { name, central_bank: bic, currency: ccy, status: 'active' };
    participants[bic] = { kind: 'central_bank', country: code, currencies: [ccy] };
  }
  const currencies = Object.fromEntries(Object.entries(NUMERIC).map(([c, n]) => [c, { ledger: n, minor_units: 2 }]));
  return {
    name: 'sco-settle test scheme',
    members,
    currencies,
    participants,
    limits: { payment_max: { CNY: '1000000000.00' }, credit_haircuts_bp: { government_bond: 200, central_bank_bill: 100 }, queue_length_max: 100_000 },
    cutoffs: { default: '17:00', currencies: {} },
    dns_windows: { open_at: '08:00', close_at: '15:00', currencies: ['CNY', 'RUB'] },
    lsm: { interval_minutes: 15, bypass_fifo: false },
    swap_lines: { caps: { 'CNY/RUB': '10000000000.00' } },
    rates: { sources: ['central bank official rates'], max_age_business_days: 3, extended_age_business_days: 10, quote_tolerance_bp: 200 },
    screening: { list_sources: ['ofac-sdn', 'un-consolidated'] },
    operator_owned: { '/lsm/interval_minutes': { min: 5, max: 60 }, '/cutoffs/default': { min: '16:00', max: '19:00' } },
  };
}

export function keyPair(): { publicPem: string; privatePem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  return {
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

/** The scheme document with only the three members test/support/platform.ts registers (CN, RU, KZ). */
export function threeMemberScheme(): Record<string, unknown> {
  const doc = schemeDocument();
  const members = doc.members as Record<string, unknown>;
  for (const m of Object.keys(members)) if (!['CN', 'RU', 'KZ'].includes(m)) delete members[m];
  return doc;
}

/** Creates each of CB_USERS as its central bank's user with a signing key; returns their private keys by name. */
export async function signingCentralBanks(p: Platform): Promise<Record<string, string>> {
  const keys: Record<string, string> = {};
  for (const [name, bic] of Object.entries(CB_USERS)) {
    await p.run({ type: 'create_user', name, role: 'central_bank', participant: bic }, 'admin');
    const k = keyPair();
    await p.run({ type: 'set_signing_key', user: name, public_key: k.publicPem }, 'admin');
    keys[name] = k.privatePem;
  }
  return keys;
}
