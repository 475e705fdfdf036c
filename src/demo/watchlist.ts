// The demo's watch-list: a handful of FICTITIOUS entities (no real person or
// company) in the OpenSanctions FollowTheMoney JSON-lines format, so the demo
// shows screening, holds and four-eyes decisions on a clone with no real lists.
// Real lists are loaded with `sco-settle screen load`; the demo uses them instead
// when the store holds any.

import { parseSanctionsList, type SanctionsList } from '../platform/screening_tools.js';

const ENTITIES = [
  { id: 'DEMO-001', schema: 'Company', properties: { name: ['Polar Meridian Trading LLC'], alias: ['ООО Полярный Меридиан'], country: ['ru'] } },
  { id: 'DEMO-002', schema: 'Company', properties: { name: ['Golden Crane Logistics Co., Ltd.'], alias: ['金鹤物流有限公司'], country: ['cn'] } },
  {
    id: 'DEMO-003',
    schema: 'Person',
    properties: { name: ['Arkady Semyonovich Velichko'], alias: ['Аркадий Семёнович Величко'], birthDate: ['1971-03-14'], nationality: ['by'] },
  },
  { id: 'DEMO-004', schema: 'Company', properties: { name: ['Caspian Azure Shipping'], alias: ['شرکت کشتیرانی لاجورد خزر'], country: ['ir'] } },
  { id: 'DEMO-005', schema: 'Person', properties: { name: ['Timur Bakhytovich Zhanaliyev'], alias: ['Тимур Бахытович Жаналиев'], nationality: ['kz'] } },
];

/** Names as a bank might receive them: transliteration variants, reordered tokens, a typo. */
export const WATCHLIST_VARIANTS: readonly string[] = [
  'POLAR MERIDIAN TRADING',
  'OOO Polyarnyi Meridian',
  'Golden Crane Logistics',
  '金鹤物流',
  'Velichko Arkadiy',
  'Arkadii S. Velichko',
  'Caspian Azur Shipping Co',
  'Zhanaliev Timur',
];

/** The watch-list as OpenSanctions JSON lines: what `screen load --format opensanctions` takes (`sim watchlist` prints it). */
export function demoWatchlistText(): string {
  return ENTITIES.map((e) => JSON.stringify({ ...e, datasets: ['sco-settle-demo'], last_change: '2025-08-01T00:00:00' })).join('\n') + '\n';
}

export function demoWatchlist(now: Date): SanctionsList {
  const text = demoWatchlistText();
  return parseSanctionsList('opensanctions', [{ name: 'sco-settle-demo-watchlist.ndjson', bytes: new TextEncoder().encode(text) }], now, 'demo-watchlist');
}
