// The platform state machine: the journal's CommandExecutor. Each command is
// decoded, dispatched to its command module and run deterministically against
// the platform state (./state.ts) and the ledger together, in one journal entry,
// so replay rebuilds both. The rules live in the folders that name them
// (clearing/, financing/, fx/, compliance/); the command modules drive them and
// apply their plans through CommandContext.applyPlan, the one owner of
// platform transfer ids.
//
// Invariants (asserted where cheap, property-tested in test/platform_*.test.ts):
//  - money moves only by ledger transfers, so value is conserved per currency;
//  - a payment settles at most once: `settled` is final except by a return, and
//    its transfers are created in one linked chain (both PvP legs, or a whole LSM
//    release, or a whole window) or not at all;
//  - settlement accounts never go below zero (the ledger's
//    debits_must_not_exceed_credits), intraday credit never beyond its line;
//  - every state change of a payment is in its history with time and reason.

import { jsonDigest, type CommandExecutor, type CommandGiven, type CommandOutput as CommandOutputText, type LedgerAccess } from '../journal/command.js';
import { closeDay, closeWindow, liquidityArrivals, lsmOnLiquidity, openDay, runLsm } from './clearing_commands.js';
import { directoryTarget, isDirectoryCommand } from './api_directory.js';
import { decodeCommand, type Command } from './commands.js';
import { CommandContext, PLATFORM_LIMITS } from './context.js';
import { PlatformError } from './errors.js';
import { applyHaircutFloors, drawCredit, drawSwapLine, openSwap, setCollateral, unwindSwapLine } from './financing_commands.js';
import type { SchemeView } from './instruction.js';
import { executeLiquidityProposal, setLiquidityExecution } from './liquidity_commands.js';
import { importRates, lockQuote, publishQuote, publishReferenceRate, setRatePolicy } from './market_commands.js';
import { activeCurrency, fund, registerParticipant } from './participant_commands.js';
import { cancelPayment, decideCase, returnPayment, submitPayments } from './payment_commands.js';
import { runDirectoryCommand } from './user_commands.js';
import { governanceTarget, isGovernanceCommand, runGovernanceCommand, type GovernanceCommand } from './governance_commands.js';
import { applyAdmission, checkSwapCap, refuseUnderScheme, schemeCutoffs, takeEffect } from './governance_effect.js';
import { drainDirty, openWindow } from './settlement.js';
import { expireSettleBy, releaseWarehouse } from './warehouse_commands.js';
import { calendarTick, setCalendars } from './currency_days.js';
import { PlatformState } from './state.js';
import { decodePlatformState, encodePlatformState, readsPlatformState } from './state_codec.js';
import type { AuditRecord, CommandOutput } from './types.js';
import { bigintJson, windowView } from './views.js';

export { PLATFORM_LIMITS } from './context.js';
export { uetrBits } from '../clearing/accounts.js';
export type { AnonymousRejection, AuditRecord, ChangeEvent, CommandOutput } from './types.js';
export { bigintJson, caseView, dayView, facilityView, participantView, paymentView, stringify, swapView, windowView } from './views.js';

/** An output JSON writes as it is, with the digest of that text; the text itself is written only when read (tests). */
class PlainOutput implements CommandOutputText {
  constructor(
    readonly value: CommandOutput,
    readonly digest: Buffer,
    /** The JSON text of value.result as the digest wrote it, when it wrote it whole (a batch's output); else undefined. */
    readonly resultText: string | undefined,
  ) {}

  get text(): string {
    return JSON.stringify(this.value);
  }
}

export class PlatformStateMachine extends PlatformState implements CommandExecutor, SchemeView {
  /**
   * The rules versions this binary runs (CHANGELOG.md says what each changed):
   *  1  the rules of the first platform release (fbfd236);
   *  2  a rejected instruction keeps its instructed amount (payment_commands.ts);
   *  3  the second wave's rule changes, each listed in CHANGELOG.md under
   *     "Rules version 3" and branched on `cx.rules_version >= 3` where it applies;
   *  4  changes made after rules-3 stores were written (CHANGELOG.md,
   *     "Rules version 4"), branched on `cx.rules_version >= 4`;
   *  5  the LSM run's solver also uses its chain-removal start, cycle and exact
   *     neighbourhood moves on runs of at most 64 queued items, before its exact
   *     search, and after chain removal tries the removal rule with several
   *     cascade weights (lsmRules5Search in clearing/lsm_release.ts;
   *     CHANGELOG.md, "Rules version 5"): only non-FIFO runs can release
   *     differently;
   *  6  after that search, the LSM run's solver makes nodes left short whole by
   *     an exact re-choice of several payments at once, as a start and as a
   *     move from the best, keeping rules 5's choice unless it finds strictly
   *     more (lsmRules6ShortRepair in clearing/lsm_release.ts; CHANGELOG.md,
   *     "Rules version 6"): only non-FIFO runs can release differently;
   *  7  after that, on runs of at most 64 accounts, the LSM run's solver also
   *     starts from the LP relaxation solved exactly and repairs short accounts
   *     by residual chains, keeping rules 6's choice unless it finds strictly
   *     more (lsmRules7LpStart in clearing/lsm_release.ts; CHANGELOG.md,
   *     "Rules version 7"): only non-FIFO runs can release differently;
   *  8  after that, on runs of at most 256 accounts, the LSM run's solver also
   *     dives on the LP relaxation (fixing items one at a time, re-optimised
   *     from where it stands) and starts from where the dive ends, keeping
   *     rules 7's choice unless it finds strictly more (lsmRules8LpDive in
   *     clearing/lsm_release.ts; CHANGELOG.md, "Rules version 8"): only
   *     non-FIFO runs can release differently;
   *  9  after that, the LSM run's solver also rounds the dive's point and the
   *     relaxation's and makes the short accounts whole by targeted changes
   *     there only, keeping rules 8's choice unless it finds strictly more
   *     (lsmRules9LpRepair in clearing/lsm_release.ts; CHANGELOG.md, "Rules
   *     version 9"): only non-FIFO runs can release differently;
   * 10  after that, the LSM run's solver also rounds the dive's point and makes
   *     each short account whole by a path of whole-payment changes to the
   *     accounts with room, keeping rules 9's choice unless it finds strictly
   *     more (lsmRules10LpPaths in clearing/lsm_release.ts; CHANGELOG.md,
   *     "Rules version 10"): only non-FIFO runs can release differently;
   * 11  after that, the LSM run's solver also covers each account the paths
   *     left short by a set of whole-payment changes over many neighbours at
   *     once (a neighbour without the room making it a level deeper), keeping
   *     rules 10's choice unless it finds strictly more (lsmRules11LpSplit in
   *     clearing/lsm_release.ts; CHANGELOG.md, "Rules version 11"): only
   *     non-FIFO runs can release differently;
   * 12  after that, where rules 8's dive ran out of work, the LSM run's solver
   *     dives once more keeping every payment its point settles whole (so it
   *     gets further within the same work) and runs rules 8-11's phases on
   *     that point, keeping rules 11's choice unless it finds strictly more
   *     (lsmRules12DiveKeepsWhole in clearing/lsm_release.ts; CHANGELOG.md,
   *     "Rules version 12"): only non-FIFO runs can release differently;
   * 13  after that, the LSM run's solver re-chooses the payments of pairs of
   *     participants exactly (a branch and bound bounded by the pair's own LP
   *     relaxation), the rest fixed, keeping rules 12's choice unless it finds
   *     strictly more (lsmRules13RegionExact in clearing/lsm_release.ts;
   *     CHANGELOG.md, "Rules version 13"): only non-FIFO runs can release
   *     differently;
   * 14  after that, the LSM run's solver re-chooses pairs once more, those
   *     whose pair's LP relaxation promises most over what the pair settles
   *     now first, keeping rules 13's choice unless it finds strictly more
   *     (lsmRules14RegionGap in clearing/lsm_release.ts; CHANGELOG.md,
   *     "Rules version 14"): only non-FIFO runs can release differently;
   * 15  after that, the LSM run's solver re-chooses pairs on chunks of their
   *     payments (64, then 32: those their LP relaxation moves most), the
   *     rest fixed, keeping rules 14's
   *     choice unless it finds strictly more (lsmRules15RegionChunks in
   *     clearing/lsm_release.ts; CHANGELOG.md, "Rules version 15"): only
   *     non-FIFO runs can release differently;
   * 16  after that, the LSM run's solver re-chooses every pair of
   *     participants exactly again from rules 12's choice, its search also
   *     fixing payments by their reduced cost, keeping rules 15's choice
   *     unless it finds strictly more (lsmRules16RegionPairs in
   *     clearing/lsm_release.ts; CHANGELOG.md, "Rules version 16"): only
   *     non-FIFO runs can release differently;
   * 17  after that, on runs with PvP trades, every pair again from rules 16's
   *     choice in the rounds of a round robin, then swaps of an unsettled
   *     payment for one or two lighter settled ones, keeping rules 16's
   *     choice unless it finds strictly more (lsmRules17RegionRounds in
   *     clearing/lsm_release.ts; CHANGELOG.md, "Rules version 17"): only
   *     non-FIFO runs can release differently;
   * 18  after that, on runs with PvP trades, the trades among sets of
   *     participants grown around each unsettled trade re-chosen exactly,
   *     keeping rules 17's choice unless it finds strictly more
   *     (lsmRules18RegionInduced in clearing/lsm_release.ts; CHANGELOG.md,
   *     "Rules version 18"): only non-FIFO runs can release differently;
   * 19  after that, on runs with PvP trades, the run solved again on weights
   *     perturbed by a fixed seed and the trades where that choice and rules
   *     18's differ re-chosen exactly, keeping rules 18's choice unless it
   *     finds strictly more (lsmRules19RegionRestart in
   *     clearing/lsm_release.ts; CHANGELOG.md, "Rules version 19"): only
   *     non-FIFO runs can release differently;
   * 20  after that, on runs of at most 20 participants and 256 items, every
   *     triple of participants re-chosen exactly, passes until none changes,
   *     keeping rules 19's choice unless it finds strictly more
   *     (lsmRules20RegionTriples in clearing/lsm_release.ts; CHANGELOG.md,
   *     "Rules version 20"): only non-FIFO runs can release differently;
   * 21  after that, two phases on disjoint runs, each keeping rules 20's
   *     choice unless it finds strictly more: on rules 20's small runs, a
   *     second triple search from another start and the two choices'
   *     differences re-chosen exactly (lsmRules21TripleRestart); on runs of
   *     payments only with more than 20 participants, every pair of
   *     participants in rounds, then the payments among sets of participants
   *     grown around each unsettled payment, re-chosen exactly
   *     (lsmRules21WideRegions); both in clearing/lsm_release.ts; CHANGELOG.md,
   *     "Rules version 21": only non-FIFO runs can release differently;
   * 22  after that, on rules 20's small runs, the triple search restarted on
   *     perturbed weights and each other choice's differences re-chosen
   *     exactly, keeping rules 21's choice unless it finds strictly more
   *     (lsmRules22PerturbedRestarts in clearing/lsm_release.ts;
   *     CHANGELOG.md, "Rules version 22"): only non-FIFO runs can release
   *     differently.
   * Entries replay under the version they recorded, so all stay callable.
   */
  readonly rules_versions = Object.freeze({ oldest: 1, current: 22 });

  execute(command: Buffer, clock_ns: bigint, ledger: LedgerAccess, rules_version: number, given?: CommandGiven): CommandOutputText {
    if (rules_version < this.rules_versions.oldest || rules_version > this.rules_versions.current) {
      throw new Error(`rules version ${rules_version} is not one this binary runs (${this.rules_versions.oldest}..${this.rules_versions.current})`);
    }
    this.commands++;
    this.commandLedger = ledger;
    this.integrityProblemText = null;
    const cx = new CommandContext(this, ledger, clock_ns, rules_version);
    let out: CommandOutput;
    let cmd: Command | null = null;
    try {
      // The submitting engine hands over what it holds (Platform.execute: the command's text and its own copy of
      // the value that text reads as), so the same value is not read from the bytes again; replay parses them.
      cmd = decodeCommand(given?.value !== undefined ? given.value : JSON.parse(given?.text ?? command.toString('utf8')));
      // Rules 3: the clock passed these payments' settle_by (reject if not settled) since the last command.
      if (rules_version >= 3) expireSettleBy(cx);
      // Rules 3 with calendars: currencies that opened or closed on their own calendars since the last command.
      if (rules_version >= 3) calendarTick(cx);
      const result = this.run(cx, cmd);
      drainDirty(cx);
      if (cx.rules_version >= 3) lsmOnLiquidity(cx, liquidityArrivals(cx, cmd));
      out = { ok: true, result, changes: cx.changes };
      if (cx.alerts.length > 0) out.alerts = cx.alerts;
    } catch (err) {
      if (!(err instanceof PlatformError)) throw err;
      // Refusals are checked before anything changes; what changed before a refusal
      // inside a multi-step command (queue releases) is kept and reported.
      drainDirty(cx);
      out = { ok: false, error: { code: err.code, field: err.field, message: err.message }, changes: cx.changes };
      if (cx.alerts.length > 0) out.alerts = cx.alerts;
    } finally {
      this.commandLedger = null;
    }
    if (cmd !== null) this.record(cmd, out.ok, clock_ns, rules_version);
    // Finished payments become records between commands; no rule sees the difference (./payment_book.ts).
    this.payments.compact();
    // The value handed back must read exactly like the text parsed: when the output
    // holds no bigint (the common case, e.g. payment submissions) it is the object
    // itself, digested as JSON writes it without writing the whole text (jsonDigest);
    // otherwise the parsed text (bigints as decimal strings), digested as it is.
    let resultText: string | undefined;
    const digest = jsonDigest(out as unknown as Record<string, unknown>, undefined, (k, text) => {
      if (k === 'result') resultText = text;
    });
    if (digest !== null) return new PlainOutput(out, digest, resultText);
    const text = JSON.stringify(out, bigintJson);
    return { text, value: JSON.parse(text) };
  }

  /** Why the last command cannot be a genuine journal entry (a governance act whose signature does not verify), or null. */
  integrityProblem(): string | null {
    return this.integrityProblemText;
  }

  /** Empty until the first command: a ledger-only store snapshots the same with or without a platform. */
  encodeState(): Buffer {
    if (this.commands === 0) return Buffer.alloc(0);
    return encodePlatformState(this.snapshotData());
  }

  /** The records encodeState covers, about: the payments held dominate it. */
  stateWeight(): number {
    return this.payments.size;
  }

  readsState(state: Buffer): boolean {
    return readsPlatformState(state);
  }

  restoreState(state: Buffer): void {
    this.loadData(decodePlatformState(state));
  }

  private run(cx: CommandContext, cmd: Command): unknown {
    if (isGovernanceCommand(cmd)) return this.runGovernance(cx, cmd);
    switch (cmd.type) {
      case 'register_participant':
        return registerParticipant(cx, cmd);
      case 'fund':
        return fund(cx, cmd.participant, cmd.currency, cmd.amount, true, cmd.reference);
      case 'defund':
        return fund(cx, cmd.participant, cmd.currency, cmd.amount, false);
      case 'submit_payments':
        return submitPayments(cx, cmd.payments, cmd.screening, cmd.by);
      case 'cancel_payment':
        return cancelPayment(cx, cmd.uetr, cmd.reason || 'CUST');
      case 'return_payment':
        return returnPayment(cx, cmd.uetr, cmd.reason || 'NARR');
      case 'decide_case':
        return decideCase(cx, cmd.case_id, cmd.by, cmd.decision, cmd.note);
      case 'run_lsm':
        return runLsm(cx, activeCurrency(this, cmd.currency, 'currency').code);
      case 'open_window':
        return windowView(openWindow(cx, activeCurrency(this, cmd.currency, 'currency').code));
      case 'close_window':
        return closeWindow(cx, activeCurrency(this, cmd.currency, 'currency').code);
      case 'open_day':
        return this.openDayUnderScheme(cx, cmd);
      case 'close_day':
        return closeDay(cx);
      case 'import_rates':
        return importRates(cx, cmd.file, cmd.rows);
      case 'set_collateral':
        return setCollateral(cx, cmd);
      case 'draw_credit':
        return drawCredit(cx, cmd.participant, cmd.currency, cmd.amount);
      case 'open_swap_line':
        return this.openSwapUnderScheme(cx, cmd);
      case 'draw_swap':
        return drawSwapLine(cx, cmd.line, cmd.amount);
      case 'unwind_swap':
        return unwindSwapLine(cx, cmd.line);
      case 'publish_quote':
        return publishQuote(cx, cmd);
      case 'lock_quote':
        return lockQuote(cx, cmd);
      case 'set_rate_policy':
        return setRatePolicy(cx, cmd);
      case 'publish_reference_rate':
        return publishReferenceRate(cx, cmd);
      case 'set_liquidity_execution':
        return setLiquidityExecution(cx, cmd.enabled);
      case 'execute_liquidity_proposal':
        return executeLiquidityProposal(cx, cmd);
      case 'set_calendars':
        return setCalendars(cx, cmd);
      case 'set_config':
        // Rules 4: under a scheme its version sets the bypass (lsm.bypass_fifo); the operator alone may not.
        if (cx.rules_version >= 4) refuseUnderScheme(this, 'the FIFO bypass (lsm.bypass_fifo)', 'bypass_fifo');
        this.bypass_fifo = cmd.bypass_fifo;
        return { bypass_fifo: this.bypass_fifo };
      case 'create_user':
      case 'update_user':
      case 'create_key':
      case 'revoke_key':
      case 'adopt_api_directory':
        return runDirectoryCommand(cx, cmd);
    }
  }

  /** The governance commands, new in rules 3: under rules 1 and 2 they are the unknown command types they were then. */
  private runGovernance(cx: CommandContext, cmd: GovernanceCommand): unknown {
    if (cx.rules_version < 3) throw new PlatformError('invalid_command', 'type', `unknown command type ${JSON.stringify(cmd.type)}`);
    return runGovernanceCommand(this, cmd, cx.now);
  }

  /**
   * open_day under a scheme (none before scheme_init, so rules 1 and 2 never meet it): the scheme's cut-offs, then the
   * version due comes into force — its haircut floors applied to pools pledged earlier, the currencies whose calendar it
   * drops released from the warehouse by the platform's day — and the day's answer says so (`scheme`).
   */
  private openDayUnderScheme(cx: CommandContext, cmd: Extract<Command, { type: 'open_day' }>): unknown {
    const scheme = this.governance === null ? null : schemeCutoffs(this, cmd.date);
    const out = openDay(cx, { date: cmd.date, cutoffs: scheme?.cutoffs ?? cmd.cutoffs, default_cutoff: scheme?.default_cutoff ?? cmd.default_cutoff });
    const change = this.governance === null ? null : takeEffect(this, cmd.date, cx.now);
    if (change === null || cx.rules_version < 3) return out;
    const lowered = applyHaircutFloors(cx);
    if (change.calendars_dropped.length > 0 && this.day !== null) releaseWarehouse(cx, this.day);
    const answer = {
      version: change.to.version,
      replaced: change.from?.version ?? 0,
      credit_lines_lowered: lowered,
      calendars_dropped: change.calendars_dropped,
    };
    // Rules 4: the participants the new version no longer admits are suspended, those it admits again reinstated.
    if (cx.rules_version >= 4) Object.assign(answer, { participants: applyAdmission(this, change) });
    return { ...(out as object), scheme: answer };
  }

  /** open_swap_line under a scheme: within the scheme's cap for the pair. */
  private openSwapUnderScheme(cx: CommandContext, cmd: Extract<Command, { type: 'open_swap_line' }>): unknown {
    const provider = this.participant(cmd.provider)?.issues;
    const drawer = this.participant(cmd.drawer)?.issues;
    if (this.governance !== null && provider != null && drawer != null) checkSwapCap(this, provider, drawer, cmd.limit);
    return openSwap(cx, cmd);
  }

  private record(cmd: Command, ok: boolean, at_ns: bigint, rules_version: number): void {
    const target = isDirectoryCommand(cmd)
      ? directoryTarget(cmd)
      : 'participant' in cmd
        ? (cmd.participant ?? '')
        : 'uetr' in cmd
          ? cmd.uetr
          : 'currency' in cmd
            ? cmd.currency
            : 'id' in cmd
              ? cmd.id
              : cmd.type === 'submit_payments'
                ? `${cmd.payments.length} payments`
                : '';
    if (rules_version >= 3) {
      if (this.audit.length >= PLATFORM_LIMITS.audit_recent_max + PLATFORM_LIMITS.audit_trim)
        this.audit.splice(0, this.audit.length - PLATFORM_LIMITS.audit_recent_max);
    } else if (this.audit.length >= PLATFORM_LIMITS.audit_max) this.audit.splice(0, this.audit.length - PLATFORM_LIMITS.audit_max + 1);
    const rec: AuditRecord = { at_ns, by: cmd.by, action: cmd.type, target: isGovernanceCommand(cmd) ? governanceTarget(cmd) : target, ok };
    if (this.governance !== null && this.governance.in_force > 0) rec.scheme_version = this.governance.in_force;
    this.audit.push(rec);
  }
}
