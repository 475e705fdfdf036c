// The API's governance routes: the adopted scheme (every role reads it), the
// proposals (operator, central banks, auditor), signed proposals and answers
// (a central-bank user acts for its own member only: the platform maps the
// user's participant to its member and refuses anything else; the operator may
// propose operator-owned changes within bounds), withdrawal by the proposer,
// the what-if comparison, and the auditor's trail. Signatures are made by the
// caller (Ed25519 over the canonical act); the server never holds private keys.

import { Type } from '@sinclair/typebox';
import { EVERY_ROLE } from '../http/roles.js';
import * as R from './responses.js';
import { oldestFirstPage, pageQuerySchema } from './cursors.js';
import { exec, route, type RouteDef } from './route.js';

const GOVERNANCE_READERS = ['operator', 'central_bank', 'auditor'] as const;
const PROPOSAL_PAGES = { list: 'proposals', limit_max: 10_000, limit_default: 1_000 };
const ProposalId = Type.Object({ id: Type.String({ pattern: '^P-[1-9][0-9]{0,8}$' }) }, { additionalProperties: false });
const Signature = Type.String({ minLength: 1, maxLength: 200 });

const ProposeBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200 }),
    rationale: Type.String({ minLength: 1, maxLength: 4000 }),
    changes: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 200 }),
    window_s: Type.Integer({ minimum: 60, maximum: 2_592_000 }),
    effective: Type.String({ maxLength: 20 }),
    signature: Signature,
  },
  { additionalProperties: false },
);

const AnswerBody = Type.Object(
  {
    answer: Type.Union([Type.Literal('approve'), Type.Literal('object'), Type.Literal('reserve')]),
    reason: Type.Optional(Type.String({ maxLength: 4000 })),
    member: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
    signature: Signature,
  },
  { additionalProperties: false },
);

export const GOVERNANCE_ROUTES: RouteDef[] = [
  route({
    method: 'GET',
    url: '/v1/scheme',
    operationId: 'getScheme',
    tag: 'governance',
    summary: 'The scheme version in force (or ?version=N): {version, adopted_at, document}',
    roles: EVERY_ROLE,
    query: Type.Object({ version: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,8}$' })) }, { additionalProperties: false }),
    responses: { 200: R.SchemeVersion },
    handler: (ctx) => {
      const v = ctx.platform.scheme(ctx.query.version === undefined ? undefined : Number(ctx.query.version));
      return {
        status: 200,
        body: { version: v.version, adopted_at: v.adopted_at, effective_date: v.effective_date, in_force: v.in_force, document: v.document },
      };
    },
  }),
  route({
    method: 'GET',
    url: '/v1/scheme/proposals',
    operationId: 'listSchemeProposals',
    tag: 'governance',
    summary: 'Proposals to change the scheme, oldest first (?state=open|adopted|rejected|withdrawn)',
    roles: GOVERNANCE_READERS,
    query: Type.Object(
      {
        state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('adopted'), Type.Literal('rejected'), Type.Literal('withdrawn')])),
        ...pageQuerySchema(10_000, 1_000),
      },
      { additionalProperties: false },
    ),
    responses: { 200: R.ProposalList },
    handler: (ctx) => {
      // Proposals are kept in the order they were made and never removed: positions hold.
      const state = ctx.query.state;
      const page = oldestFirstPage(ctx.platform.proposals(), ctx.query, PROPOSAL_PAGES, (p) => state === undefined || p.state === state);
      return { status: 200, body: { proposals: page.items, next_cursor: page.next_cursor } };
    },
  }),
  route({
    method: 'GET',
    url: '/v1/scheme/proposals/:id',
    operationId: 'getSchemeProposal',
    tag: 'governance',
    summary: 'One proposal with its answers, reservations and, once adopted, its version and effective date',
    roles: GOVERNANCE_READERS,
    params: ProposalId,
    responses: { 200: R.Proposal },
    handler: (ctx) => ({ status: 200, body: ctx.platform.proposal(ctx.params.id) }),
  }),
  route({
    method: 'POST',
    url: '/v1/scheme/proposals',
    operationId: 'proposeSchemeChange',
    tag: 'governance',
    summary: "Propose changes (RFC 6902 JSON Patch), signed with the caller's Ed25519 key over the canonical act",
    roles: ['operator', 'central_bank'],
    body: ProposeBody,
    responses: { 201: R.Proposal },
    handler: (ctx) => exec(ctx, { type: 'scheme_propose', ...ctx.body }, 201),
  }),
  route({
    method: 'POST',
    url: '/v1/scheme/proposals/:id/answers',
    operationId: 'answerSchemeProposal',
    tag: 'governance',
    summary: "Answer for the caller's member: approve, object (with reason) or reserve (with reason), signed",
    roles: ['central_bank'],
    params: ProposalId,
    body: AnswerBody,
    responses: { 200: R.Proposal },
    handler: (ctx) => exec(ctx, { type: 'scheme_answer', id: ctx.params.id, reason: '', ...ctx.body }),
  }),
  route({
    method: 'POST',
    url: '/v1/scheme/proposals/:id/withdraw',
    operationId: 'withdrawSchemeProposal',
    tag: 'governance',
    summary: 'Withdraw an open proposal (its proposer only)',
    roles: ['operator', 'central_bank'],
    params: ProposalId,
    responses: { 200: R.Proposal },
    handler: (ctx) => exec(ctx, { type: 'scheme_withdraw', id: ctx.params.id }),
  }),
  route({
    method: 'GET',
    url: '/v1/scheme/proposals/:id/what-if',
    operationId: 'schemeWhatIf',
    tag: 'governance',
    summary: 'A past business day (?day=YYYY-MM-DD) replayed under the version in force and under the proposal: both sides',
    roles: GOVERNANCE_READERS,
    params: ProposalId,
    query: Type.Object({ day: Type.String({ pattern: '^\\d{4}-\\d\\d-\\d\\d$' }) }, { additionalProperties: false }),
    responses: { 200: R.WhatIf },
    handler: async (ctx) => {
      const report = await ctx.platform.schemeWhatIf(ctx.params.id, ctx.query.day);
      return { status: 200, body: report };
    },
  }),
  route({
    method: 'GET',
    url: '/v1/scheme/audit',
    operationId: 'getSchemeAudit',
    tag: 'governance',
    summary: "The auditor's trail: versions, proposals with signatures, and the newest commands with the scheme version each ran under",
    roles: ['auditor', 'operator'],
    responses: { 200: R.SchemeAudit },
    handler: (ctx) => ({ status: 200, body: ctx.platform.schemeAudit() }),
  }),
];
