// Commands on participants and their money: registration (with its ledger
// accounts; under rules 3 also the name and country rules of
// ./participant_rules.ts) and liquidity transfers in and out; and the input
// checks every command module shares (a known participant, an active currency,
// an amount).

import { ACCOUNT_KIND, accountId, ledgerTransfer, OPERATOR_NO, PARTICIPANTS_MAX, TRANSFER_CODE } from '../clearing/accounts.js';
import type { Participant } from '../clearing/types.js';
import { memberCurrency, type CurrencyInfo } from '../fx/iso4217.js';
import { AccountFlags, emptyAccount, RESULT_CODES, type Account } from '../ledger/types.js';
import { readAmount } from './amounts.js';
import type { Command } from './commands.js';
import type { CommandContext } from './context.js';
import { checkParticipantIdentity } from './participant_rules.js';
import { liquidityTransferId } from './liquidity_transfer_ids.js';
import { PlatformError } from './errors.js';
import { checkAdmission } from './governance_effect.js';
import type { PlatformState } from './state.js';
import { participantView } from './views.js';

export function memberOrAny(code: string, field: string): CurrencyInfo {
  try {
    return memberCurrency(code, field);
  } catch {
    throw new PlatformError('unknown_currency', field, `${JSON.stringify(code)} is not an SCO member currency`);
  }
}

/** A member currency with a central bank on the platform. */
export function activeCurrency(s: PlatformState, code: string, field: string): CurrencyInfo {
  const c = memberOrAny(code, field);
  if (!s.issuer.has(c.code)) throw new PlatformError('no_central_bank', field, `${c.code} has no central bank on the platform yet`);
  return c;
}

export function need(s: PlatformState, id: string, field: string): Participant {
  const p = s.byId.get(id);
  if (p === undefined) throw new PlatformError('unknown_participant', field, `${JSON.stringify(id)} is not a participant`);
  return p;
}

/**
 * A positive decimal amount in the currency's minor units. Under rules 3 the
 * grammar of ./amounts.ts (at most 18 digits; the refusal names the rule broken);
 * before, up to 38 integer digits and every refusal worded as one of decimals.
 * Callers that do not pass their rules version keep the old reading.
 */
export function amount(text: string, c: CurrencyInfo, field: string, rules_version = 1): bigint {
  if (rules_version >= 3) {
    const r = readAmount(text, c.minor_units, c.code);
    if (!r.ok) throw new PlatformError('invalid_field', field, r.message);
    return r.minor;
  }
  let v: bigint;
  try {
    v = parseScaledChecked(text, c.minor_units);
  } catch {
    throw new PlatformError('invalid_field', field, `${JSON.stringify(text)} is not an amount in ${c.code} (at most ${c.minor_units} decimals)`);
  }
  if (v <= 0n) throw new PlatformError('invalid_field', field, 'must be greater than zero');
  return v;
}

function parseScaledChecked(text: string, scale: number): bigint {
  const m = /^(\d{1,38})(?:\.(\d+))?$/.exec(text);
  if (m === null) throw new Error('not a decimal');
  const frac = m[2] ?? '';
  if (frac.length > scale) throw new Error('too many decimals');
  return BigInt(m[1]! + frac.padEnd(scale, '0'));
}

export function registerParticipant(cx: CommandContext, cmd: Extract<Command, { type: 'register_participant' }>): unknown {
  const s = cx.s;
  if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(cmd.id))
    throw new PlatformError('invalid_field', 'id', 'must be a BIC (8 or 11 characters, ISO 9362)');
  if (!/^[A-Z]{2}$/.test(cmd.country)) throw new PlatformError('invalid_field', 'country', 'must be an ISO 3166 alpha-2 code');
  // Rules 3: an assigned country code and a name that displays as itself.
  if (cx.rules_version >= 3) checkParticipantIdentity(cmd.name, cmd.country);
  if (s.byId.has(cmd.id)) throw new PlatformError('participant_exists', 'id', `${cmd.id} is already a participant`);
  if (s.participants.length >= PARTICIPANTS_MAX) throw new PlatformError('limit_exceeded', 'id', `at most ${PARTICIPANTS_MAX} participants`);
  // Rules 4: under a scheme only the participants it admits register.
  if (cx.rules_version >= 4) checkAdmission(s, cmd);
  if (cmd.currencies.length === 0) throw new PlatformError('invalid_field', 'currencies', 'at least one currency');
  const infos = cmd.currencies.map((c, i) => memberOrAny(c, `currencies[${i}]`));
  if (new Set(infos.map((c) => c.code)).size !== infos.length) throw new PlatformError('invalid_field', 'currencies', 'a currency is listed twice');
  let issues: string | null = null;
  if (cmd.kind === 'central_bank') {
    issues = infos[0]!.code;
    if (s.issuer.has(issues))
      throw new PlatformError('central_bank_exists', 'currencies[0]', `${issues} already has a central bank (${s.issuer.get(issues)!.id})`);
  }
  infos.forEach((c, i) => {
    if (c.code !== issues && !s.issuer.has(c.code))
      throw new PlatformError('no_central_bank', `currencies[${i}]`, `${c.code} has no central bank on the platform yet`);
  });
  const p: Participant = {
    id: cmd.id,
    no: s.participants.length + 1,
    kind: cmd.kind,
    name: cmd.name,
    country: cmd.country,
    currencies: infos.map((c) => c.code),
    issues,
    suspended: false,
  };
  const accounts = participantAccounts(p, infos);
  const results = cx.ledger.createAccounts(accounts);
  const bad = results.findIndex((r) => r !== 0);
  if (bad >= 0) throw new PlatformError('ledger_refused', 'id', `the ledger refused account ${accounts[bad]!.id}: ${RESULT_CODES[results[bad]!]}`);
  s.participants.push(p);
  s.byId.set(p.id, p);
  if (issues !== null) s.issuer.set(issues, p);
  return participantView(p);
}

/** A central bank's issuing account and the operator's accounts of its currency; a settlement and a credit account per currency of anyone else. */
function participantAccounts(p: Participant, infos: CurrencyInfo[]): Account[] {
  const accounts: Account[] = [];
  for (const c of infos) {
    if (c.code === p.issues) {
      accounts.push(emptyAccount(accountId(p.no, c.numeric, ACCOUNT_KIND.issuing), c.numeric, ACCOUNT_KIND.issuing, AccountFlags.history));
      for (const kind of [ACCOUNT_KIND.lsm_transit, ACCOUNT_KIND.dns_settlement, ACCOUNT_KIND.fx_residue]) {
        accounts.push(emptyAccount(accountId(OPERATOR_NO, c.numeric, kind), c.numeric, kind));
      }
    } else {
      accounts.push(
        emptyAccount(
          accountId(p.no, c.numeric, ACCOUNT_KIND.settlement),
          c.numeric,
          ACCOUNT_KIND.settlement,
          AccountFlags.debits_must_not_exceed_credits | AccountFlags.history,
        ),
      );
      accounts.push(emptyAccount(accountId(p.no, c.numeric, ACCOUNT_KIND.intraday_credit), c.numeric, ACCOUNT_KIND.intraday_credit));
    }
  }
  return accounts;
}

/**
 * A liquidity transfer in from (`inward`) or back to the home system. Rules 4: a
 * funding with a `reference` (a camt.050's) books under the id the reference
 * gives (./liquidity_transfer_ids.ts), so the same reference funds once.
 */
export function fund(cx: CommandContext, participant: string, currency: string, amountText: string, inward: boolean, reference?: string): unknown {
  const s = cx.s;
  if (reference !== undefined && cx.rules_version < 4) throw new PlatformError('invalid_command', 'reference', 'a funding reference needs rules version 4');
  const p = need(s, participant, 'participant');
  const c = activeCurrency(s, currency, 'currency');
  if (p.issues === c.code) throw new PlatformError('invalid_state', 'participant', 'a central bank issues its own currency; it is not funded');
  if (!p.currencies.includes(c.code)) throw new PlatformError('unknown_currency', 'currency', `${p.id} holds no ${c.code} account`);
  const value = amount(amountText, c, 'amount', cx.rules_version);
  const referenced = reference === undefined ? null : liquidityTransferId(c.code, reference);
  if (referenced !== null && cx.ledger.machine.lookupTransfer(referenced) !== undefined)
    throw new PlatformError(
      'invalid_state',
      'reference',
      `liquidity transfer ${JSON.stringify(reference)} in ${c.code} was funded already (ledger transfer ${referenced})`,
    );
  const cb = s.issuer.get(c.code)!;
  const issuing = accountId(cb.no, c.numeric, ACCOUNT_KIND.issuing);
  const settlement = s.settlementAccount(p, c.code);
  const applied = cx.applyTransfers(
    (ids) => [
      ledgerTransfer(
        referenced ?? ids(),
        inward ? issuing : settlement,
        inward ? settlement : issuing,
        value,
        c.numeric,
        inward ? TRANSFER_CODE.funding : TRANSFER_CODE.defunding,
        0,
      ),
    ],
    referenced === null ? 'if_accepted' : 'never',
  );
  if (!applied.accepted) {
    const name = RESULT_CODES[applied.results[0]!];
    if (name === 'exceeds_credits')
      throw new PlatformError('insufficient_funds', 'amount', `${p.id} has ${s.available(p, c.code)} ${c.code} minor units available`);
    throw new PlatformError('ledger_refused', 'amount', `the ledger refused the transfer: ${name}`);
  }
  if (inward) cx.markDirty(p, c.code);
  return { participant: p.id, currency: c.code, available_minor: s.available(p, c.code), transfer_id: applied.plan[0]!.id };
}
