// The API's liquidity routes: the cross-currency liquidity optimiser's
// proposals for gridlocked queues, read-only, for the operator and the central
// banks (a central bank sees its own currency's), each with an id; and the door
// to execute one by its id: the journaled `execute_liquidity_proposal` command,
// where the scheme allows it (set_liquidity_execution), by the operator or the
// central bank of the currency the proposal buys. No four eyes: the scheme's
// setting is the consent, as for the operator's other liquidity commands
// (draw_swap, draw_credit), which one person runs.

import * as R from './responses.js';
import { Type } from '@sinclair/typebox';
import { seesCurrency } from '../http/access.js';
import { bigintJson } from '../platform/platform.js';
import { exec, forbidden, route, type RouteDef } from './route.js';
import { Currency } from './schemas.js';

const OptimiseQuery = Type.Object({ currency: Type.Optional(Currency) }, { additionalProperties: false });
const ProposalParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64, description: 'a proposal id from GET /v1/liquidity/proposals' }) },
  { additionalProperties: false },
);

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
  route({
    method: 'POST',
    url: '/v1/liquidity/proposals/:id/execute',
    operationId: 'executeLiquidityProposal',
    tag: 'settlement',
    summary:
      'Execute a liquidity proposal by its id, if it is still proposed (409 stale_proposal when the state moved on since it was listed, 404 when unknown); refused unless the scheme allows execution',
    roles: ['operator', 'central_bank'],
    params: ProposalParams,
    responses: { 200: R.LiquidityExecution },
    handler: (ctx) => {
      const command = ctx.platform.liquidityProposalCommand(ctx.params.id);
      if (!seesCurrency(ctx.scope, command.buy_currency as string)) throw forbidden('a central bank executes the proposals of its own currency only', 'id');
      return exec(ctx, command);
    },
  }),
];
