// POST /v1/payments with an ISO 20022 body (application/xml): the message goes to
// src/iso20022/submit.ts (submitIsoMessage), which maps it to platform commands and
// answers with status reports. Participant users may only pay from their own
// participant: checked in the `screen` hook, which runs on the mapped instructions
// before the command is journaled (a refusal there journals nothing) and screens
// them against the store's sanctions lists, as JSON submissions are; cancellations
// (camt.056) and returns (pacs.004) name their sender, checked in `authorize`.

import { submitIsoMessage } from '../iso20022/submit.js';
import { forbidden, type AnyContext, type RouteResult } from './route.js';

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
      if (own !== null && req.participant !== own) throw forbidden(`only ${own} may ${req.action} its payments`, 'uetr');
    },
  });
  if (result.payments.length === 0) {
    const first = result.errors[0];
    return {
      status: result.message_type === null ? 400 : 422,
      body: { code: 'invalid_message', message: first?.message ?? 'the message was not submitted', path: first?.path ?? '', ...result },
    };
  }
  return { status: 200, body: result };
}
