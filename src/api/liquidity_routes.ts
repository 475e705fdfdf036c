// The API's liquidity routes: the cross-currency liquidity optimiser's
// proposals for gridlocked queues, read-only, for the operator and the central
// banks (a central bank sees its own currency's). Executing a proposal is the
// journaled `execute_liquidity_proposal` command, where the scheme allows it.

import * as R from './responses.js';
import { Type } from '@sinclair/typebox';
import { seesCurrency } from '../http/access.js';
import { bigintJson } from '../platform/platform.js';
import { forbidden, route, type RouteDef } from './route.js';
import { Currency } from './schemas.js';

const OptimiseQuery = Type.Object({ currency: Type.Optional(Currency) }, { additionalProperties: false });

export const LIQUIDITY_ROUTES: RouteDef[] = [
  route({
    method: 'GET',
    url: '/v1/liquidity/proposals',
    operationId: 'listLiquidityProposals',
    tag: 'settlement',
    summary:
      'Cross-currency liquidity proposals: PvP conversions or swap-line drawings that release the most queued value per unit of liquidity moved (read-only)',
    roles: ['operator', 'central_bank'],
    query: OptimiseQuery,
    responses: { 200: R.LiquidityProposals },
    handler: (ctx) => {
      const currency = ctx.query.currency;
      if (currency !== undefined && !seesCurrency(ctx.scope, currency))
        throw forbidden('a central bank sees the proposals of its own currency only', 'query.currency');
      const results = ctx.platform.liquidityProposals(currency).filter((r) => seesCurrency(ctx.scope, r.currency));
      const body = JSON.parse(JSON.stringify({ execution_allowed: ctx.platform.liquidityExecutionAllowed(), results }, bigintJson)) as unknown;
      return { status: 200, body };
    },
  }),
];
