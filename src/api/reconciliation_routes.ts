// The API's reconciliation route: a central bank's mirror account against the
// platform's balances in its currency for one day, with every difference named
// (src/iso20022/reconciliation.ts) — what `sco-settle reconcile` prints as JSON.
// For the operator, auditors and the central bank itself; another central bank,
// and any participant, get 404 as for a central bank that does not exist.

import * as R from './responses.js';
import { Type } from '@sinclair/typebox';
import { ApiError, notFound } from '../http/errors.js';
import { reconciliation } from '../iso20022/reconciliation.js';
import { ReportError } from '../iso20022/reports.js';
import { bigintJson } from '../platform/platform.js';
import { parseMajorAmount } from '../platform/fx_tools.js';
import { currencyInfo } from '../platform/reference.js';
import { route, type RouteDef } from './route.js';
import { Bic } from './schemas.js';

const ReconciliationParams = Type.Object({ bic: Bic }, { additionalProperties: false });
const ReconciliationQuery = Type.Object(
  {
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' }),
    day: Type.Optional(
      Type.Union([Type.Literal('home'), Type.Literal('utc')], {
        description: "home (default): local midnight to midnight in the currency's home zone; utc: the UTC date, as camt.053 statements read it",
      }),
    ),
    home_balance: Type.Optional(
      Type.String({ maxLength: 40, description: "the mirror account's balance in the home RTGS, in major units (decimal), to compare" }),
    ),
  },
  { additionalProperties: false },
);

export const RECONCILIATION_ROUTES: RouteDef[] = [
  route({
    method: 'GET',
    url: '/v1/central-banks/:bic/reconciliation',
    operationId: 'getReconciliation',
    tag: 'settlement',
    summary:
      "A central bank's reconciliation for a day: its mirror account (what it issued) against the platform's settlement balances in its currency, differences named; reconciled is false when one that must be zero is not",
    roles: ['operator', 'central_bank', 'auditor'],
    params: ReconciliationParams,
    query: ReconciliationQuery,
    responses: { 200: R.Reconciliation },
    handler: async (ctx) => {
      const { bic } = ctx.params;
      const cb = ctx.platform.participant(bic);
      const own = ctx.scope.kind === 'all' || (ctx.scope.kind === 'currency' && ctx.scope.id === bic);
      if (cb === undefined || cb.issues === null || !own) throw notFound(`central bank ${bic}`, 'params.bic');
      let home: bigint | null = null;
      if (ctx.query.home_balance !== undefined) {
        try {
          home = parseMajorAmount(ctx.query.home_balance, currencyInfo(cb.issues), 'home_balance');
        } catch (err) {
          throw new ApiError(400, 'invalid_field', (err as Error).message, 'query.home_balance');
        }
      }
      try {
        const r = await reconciliation(ctx.platform, bic, ctx.query.date, home, ctx.query.day ?? 'home');
        return { status: 200, body: JSON.parse(JSON.stringify(r, bigintJson)) as unknown };
      } catch (err) {
        if (!(err instanceof ReportError)) throw err;
        if (err.code === 'invalid_date') throw new ApiError(400, 'invalid_field', err.message, `query.${err.field}`);
        throw notFound(err.message, `query.${err.field}`);
      }
    },
  }),
];
