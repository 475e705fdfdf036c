// The public statistics, for anyone (no API key: these routes carry no roles, so
// the guard lets them through), with no participant in them — the rules of what
// is published are in src/platform/public_statistics.ts:
//   GET /public/statistics          an HTML page, rendered here (no script)
//   GET /v1/public/statistics       the same figures as JSON
//   GET /v1/public/statistics.csv   the published cells as CSV

import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { RouteDoc } from '../http/route_doc.js';
import { bigintJson, type Platform } from '../platform/platform.js';
import type { PublicPeriod, PublicStatistics } from '../platform/public_statistics.js';

const NoQuery = Type.Object({}, { additionalProperties: false });

// What the routes answer, for the OpenAPI document (src/http/route_doc.ts); no roles: no key needed.
const Period = Type.Object({ period: Type.String(), settled_count: Type.Integer({ minimum: 0 }) }, { additionalProperties: true });
const StatisticsBody = Type.Object(
  {
    rules: Type.String(),
    cell_count_min: Type.Integer({ minimum: 1 }),
    daily: Type.Array(Type.Object({ corridor: Type.String(), currency: Type.String() }, { additionalProperties: true })),
    monthly: Type.Array(Type.Object({ corridor: Type.String(), currency: Type.String() }, { additionalProperties: true })),
    days: Type.Array(Period),
    months: Type.Array(Period),
    suppressed_payments: Type.Object({ daily: Type.Integer({ minimum: 0 }), monthly: Type.Integer({ minimum: 0 }) }),
  },
  { title: 'PublicStatistics' },
);
function publicDoc(operationId: string, summary: string, schema: RouteDoc['responses'][number]['schema'], content_type?: string): { doc: RouteDoc } {
  return { doc: { operationId, tag: 'public', summary, responses: { 200: { schema, ...(content_type !== undefined ? { content_type } : {}) } } } };
}
const CSP = "default-src 'none'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function usd(cents: bigint): string {
  const whole = (cents / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `$${whole}.${(cents % 100n).toString().padStart(2, '0')}`;
}

function share(bp: number | null): string {
  return bp === null ? '–' : `${(bp / 100).toFixed(2)} %`;
}

function periodTable(title: string, list: PublicPeriod[]): string {
  const rows = list
    .map(
      (p) =>
        `<tr><td>${esc(p.period)}</td><td>${p.settled_count}</td><td>${usd(p.settled_usd_cents)}</td><td>${share(p.own_currency_share_bp)}</td><td>${p.pvp_count}</td><td>${usd(p.pvp_usd_cents)}</td></tr>`,
    )
    .join('');
  return `<h2>${esc(title)}</h2><table><thead><tr><th>period</th><th>payments settled</th><th>value (USD equivalent)</th><th>cross-border value in members' own currencies</th><th>PvP payments</th><th>PvP value (USD equivalent)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function cellTable(title: string, list: PublicStatistics['monthly']): string {
  const rows = list
    .map((c) => `<tr><td>${esc(c.period)}</td><td>${esc(c.corridor)}</td><td>${esc(c.currency)}</td><td>${c.count}</td><td>${usd(c.usd_cents)}</td></tr>`)
    .join('');
  return `<h2>${esc(title)}</h2><table><thead><tr><th>period</th><th>corridor (countries)</th><th>currency</th><th>payments</th><th>value (USD equivalent)</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function statisticsPage(st: PublicStatistics): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>sco-settle: public statistics</title><link rel="stylesheet" href="/app/app.css"></head><body><main class="public">
<h1>Settlement in members' own currencies: public statistics</h1>
<p>${esc(st.rules)}. Payments in cells too small to publish: ${st.suppressed_payments.monthly} (monthly), ${st.suppressed_payments.daily} (daily).</p>
<p><a href="/v1/public/statistics">JSON</a> · <a href="/v1/public/statistics.csv">CSV</a></p>
${periodTable('By month', st.months)}${cellTable('By month, corridor and currency', st.monthly)}${periodTable('By day', st.days)}${cellTable('By day, corridor and currency', st.daily)}
</main></body></html>`;
}

export function registerPublicRoutes(app: FastifyInstance, platform: Platform): void {
  app.get(
    '/public/statistics',
    {
      config: publicDoc('getPublicStatisticsPage', 'The public statistics as an HTML page', { type: 'string' }, 'text/html'),
      schema: { querystring: NoQuery },
    },
    async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', CSP)
        .header('cache-control', 'no-store')
        .send(statisticsPage(platform.publicStatistics())),
  );
  app.get(
    '/v1/public/statistics',
    {
      config: publicDoc('getPublicStatistics', 'Value and count settled by corridor and currency, per day and month (no participant data)', StatisticsBody),
      schema: { querystring: NoQuery },
    },
    async (_req, reply) => reply.type('application/json').header('cache-control', 'no-store').send(JSON.stringify(platform.publicStatistics(), bigintJson)),
  );
  app.get(
    '/v1/public/statistics.csv',
    { config: publicDoc('getPublicStatisticsCsv', 'The published cells as CSV', { type: 'string' }, 'text/csv'), schema: { querystring: NoQuery } },
    async (_req, reply) => reply.type('text/csv; charset=utf-8').header('cache-control', 'no-store').send(platform.publicStatisticsCsv()),
  );
}
