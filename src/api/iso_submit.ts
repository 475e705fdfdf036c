// POST /v1/payments with an ISO 20022 body (application/xml): the message goes to
// src/iso20022/submit.ts (submitIsoMessage), which maps it to platform commands and
// answers with status reports. Participant users may only pay from their own
// participant: checked in the `screen` hook, which runs on the mapped instructions
// before the command is journaled (a refusal there journals nothing) and screens
// them against the store's sanctions lists, as JSON submissions are; cancellations
// (camt.056) and returns (pacs.004) name their sender, checked in `authorize`.
// A camt.050 liquidity transfer funds a bank's settlement account from its home
// RTGS: sent by the operator here, or by the currency's central bank on
// POST /v1/participants/:id/funding (submitFundingXml); never by the bank itself.

import { submitIsoMessage, type SubmitResult } from '../iso20022/submit.js';
import { submitLiquidityTransfer, type FundingRequest } from '../iso20022/liquidity_transfer.js';
import { ApiError } from '../http/errors.js';
import { forbidden, mayActFor, type AnyContext, type RouteResult } from './route.js';

export async function submitXml(ctx: AnyContext, xml: string): Promise<RouteResult> {
  const own = ctx.scope.kind === 'participant' ? ctx.scope.id : null;
  const result = await submitIsoMessage(ctx.platform, xml, ctx.user.name, {
    // A cancel or return about another participant's payment is answered as for an unknown one.
    ...(own === null ? {} : { caller: own }),
    screen: async (instructions) => {
      instructions.forEach((ins, i) => {
        if (own !== null && ins.payer !== own) throw forbidden(`payments are submitted as payer ${own} only`, `payments[${i}].payer`);
      });
      const screener = await ctx.platform.screener();
      return instructions.map((ins) => (screener === null ? null : screener.screen({ ...ins })));
    },
    authorize: (req) => {
      if (req.action === 'fund') return mayFund(ctx, req);
      if (own !== null && req.participant !== own) throw forbidden(`only ${own} may ${req.action} its payments`, 'uetr');
    },
  });
  return answer(result);
}

/** A camt.050 on the funding route of participant `id`: it must credit that participant, in the caller's currency for a central bank. */
export async function submitFundingXml(ctx: AnyContext, id: string, xml: string): Promise<RouteResult> {
  const a = await submitLiquidityTransfer(ctx.platform, xml, ctx.user.name, {
    authorize: (req) => {
      if (req.participant !== id) throw new ApiError(422, 'invalid_field', `the liquidity transfer credits ${req.participant}, not ${id}`, 'id');
      mayFund(ctx, req);
    },
  });
  return answer({
    message_type: a.message_type,
    accepted: a.accepted,
    status_reports: a.status_reports,
    resolutions: [],
    returns: [],
    payments: [],
    errors: a.errors,
    liquidity_transfers: a.liquidity_transfers,
  });
}

/** Funding comes from home: the operator, or the central bank of the currency; a bank does not fund itself. */
function mayFund(ctx: AnyContext, req: FundingRequest): void {
  if (ctx.scope.kind === 'participant')
    throw forbidden(`a liquidity transfer in comes from the ${req.currency} central bank (its home RTGS) or the operator`, 'participant');
  mayActFor(ctx, req.participant, req.currency);
}

/** 200 with the answers when something was submitted (every transaction answered, even refused), else 422. */
function answer(result: SubmitResult): RouteResult {
  if (result.payments.length === 0 && (result.liquidity_transfers ?? []).length === 0) {
    const first = result.errors[0];
    return {
      status: result.message_type === null ? 400 : 422,
      body: { code: 'invalid_message', message: first?.message ?? 'the message was not submitted', path: first?.path ?? '', ...result },
    };
  }
  return { status: 200, body: result };
}
