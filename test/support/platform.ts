// Test scheme for platform tests: a controllable clock on a business day that the
// embedded reference rates cover, central banks, banks and a liquidity provider.

import { Platform } from '../../src/platform/platform.js';
import type { Store } from '../../src/store/types.js';
import { randomUUID } from 'node:crypto';

export const BUSINESS_DATE = '2025-09-01';
export const DAY_START_NS = BigInt(Date.parse(`${BUSINESS_DATE}T06:00:00Z`)) * 1_000_000n;

export class TestClock {
  now_ns = DAY_START_NS;
  /** Each reading moves 1 µs, as a real clock would. */
  read = (): bigint => (this.now_ns += 1_000n);
  at(hhmm: string): void {
    this.now_ns = BigInt(Date.parse(`${BUSINESS_DATE}T${hhmm}:00Z`)) * 1_000_000n;
  }
}

export const CB = { CNY: 'PBOCCNBJ', RUB: 'CBRFRUMM', KZT: 'NBKZKZKA' } as const;
export const BANKS = ['BKCHCNBJ', 'ICBKCNBJ', 'SABRRUMM', 'VTBRRUMM', 'HSBKKZKX'] as const;
export const LP = 'FXLPCNSH';

export async function openPlatform(store: Store, clock = new TestClock()): Promise<{ platform: Platform; clock: TestClock }> {
  return { platform: await Platform.open(store, { clock: clock.read }), clock };
}

/** CNY, RUB and KZT central banks; two CNY banks, two RUB banks, one KZT bank; one LP in all three. */
export async function setupScheme(platform: Platform, opts: { cutoff?: string } = {}): Promise<void> {
  await platform.run({ type: 'register_participant', id: CB.CNY, kind: 'central_bank', name: "People's Bank of China", country: 'CN', currencies: ['CNY'] });
  await platform.run({ type: 'register_participant', id: CB.RUB, kind: 'central_bank', name: 'Банк России', country: 'RU', currencies: ['RUB'] });
  await platform.run({
    type: 'register_participant',
    id: CB.KZT,
    kind: 'central_bank',
    name: 'National Bank of Kazakhstan',
    country: 'KZ',
    currencies: ['KZT'],
  });
  await platform.run({ type: 'register_participant', id: BANKS[0], kind: 'bank', name: 'Bank of China', country: 'CN', currencies: ['CNY'] });
  await platform.run({ type: 'register_participant', id: BANKS[1], kind: 'bank', name: '中国工商银行', country: 'CN', currencies: ['CNY'] });
  await platform.run({ type: 'register_participant', id: BANKS[2], kind: 'bank', name: 'Сбербанк', country: 'RU', currencies: ['RUB', 'CNY'] });
  await platform.run({ type: 'register_participant', id: BANKS[3], kind: 'bank', name: 'ВТБ', country: 'RU', currencies: ['RUB'] });
  await platform.run({ type: 'register_participant', id: BANKS[4], kind: 'bank', name: 'Halyk Bank', country: 'KZ', currencies: ['KZT', 'CNY'] });
  await platform.run({
    type: 'register_participant',
    id: LP,
    kind: 'liquidity_provider',
    name: 'FX Liquidity',
    country: 'CN',
    currencies: ['CNY', 'RUB', 'KZT'],
  });
  await platform.run({ type: 'open_day', date: BUSINESS_DATE, default_cutoff: opts.cutoff ?? '17:00' });
}

export function uetr(): string {
  return randomUUID();
}

export function payment(payer: string, payee: string, currency: string, amount: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { uetr: uetr(), end_to_end_id: `E2E-${Math.random().toString(36).slice(2, 10)}`, payer, payee, currency, amount, ...extra };
}
