// Liquidity-saving mechanism for rules version 3: linked items.
//
// This module owns the v3 gridlock solver: which queued ITEMS settle together,
// where an item is one or more legs (a payment, or the two legs of a PvP trade in
// two currencies) that settle whole or not at all. It is pure and deterministic:
// no I/O, no clock, a fixed-seed generator; the result depends on the input and
// the work budget only (it runs inside journaled commands that are replayed).
// solveLsm (lsm.ts) stays as it is for rules 1 and 2; this module reuses it.
//
// Problem. Node n (an account: participant x currency) has capacity c_n >= 0.
// Choose x_k in {0,1} per item so that for every n
//     c_n + sum_k x_k * net_k(n) >= 0,   net_k(n) = inflows - outflows of k's legs at n,
// maximising sum_k weight_k x_k. With `fifo`, for each node the chosen items whose
// FIRST leg is paid from it form a prefix of them in list order.
//
// Method, all within one work budget (deterministic steps; the default grows with
// the problem, see linkedWorkBudget):
//  1. Exact floor: FIFO RTGS over items (a node's queue head settles when every
//     node it draws on covers it), in bigint. The result is never worth less.
//  2. When every item has one leg, solveLsm itself (no clock; 90% of the budget,
//     25% on problems small enough for the exact search) is a candidate, so the
//     result is never worse than solveLsm with that budget.
//  3. An engine over items (float64 copies; exact when twice the total of leg
//     amounts is below 2^53, else its result is repaired in bigint). Starts:
//     removal from "everything", each candidate re-filled, greedy by weight, and
//     two from node prices: a subgradient descent on the Lagrangian dual of the
//     node rows gives each node a price and each item a reduced weight (what the
//     LP relaxation settles, for linked items as for payments); the items of
//     positive reduced weight are repaired by a price-aware removal rule.
//     Removal scores an item at a short node by its weight, plus the priced room
//     it brings to or takes from its other nodes, plus the deficit it pushes on
//     the nodes it fed, per unit of the deficit it covers.
//  4. Up to EXACT_ITEMS_MAX items: branch and bound (bound: the least of the
//     undecided weights and the Lagrangian bound; cut: a node no undecided item
//     can rescue) with half the budget left; when it completes, the optimum.
//  5. Otherwise, for linked items (and small problems): rounds of ejection moves
//     (settle one unsettled item; half the time first re-insert from the nodes it
//     feeds, closing cycles back to its payers; then the short nodes drop others;
//     then re-insertion; undone if the value fell) and kicks (re-queue the
//     unsettled items of random nodes on top of the best, removal with a random
//     rule, re-insertion), until 40 rounds without progress or the budget.
//     On payments alone solveLsm's LP-guided search runs instead (on the
//     benchmark this search never beat it there).
//  6. Beyond EXACT_ITEMS_MAX items (not under FIFO): first one more start,
//     chain removal from everything (lsm_chain_removal.ts: a short node drops
//     a payment, its payee one of at least what it lost, and so on until a
//     node absorbs the loss or the chain closes; then the removal rule), kept
//     when better than the best so far; then cycle insertion
//     (lsm_cycles.ts: settle a closed chain of unsettled payments whose every
//     node pays on what it receives) and exact neighbourhood moves
//     (lsm_neighbourhood.ts: free the items at a node and a neighbour, re-choose
//     them by branch and bound), from the best so far, with a budget as large
//     again as the rest's.
//     Removal rules cascade where nodes must balance nearly to the unit (a hub
//     without liquidity: issue 16 measured 0.25 of the optimum there); an
//     exact choice among a few dozen items pairs the cycles that pay it back.
//     Up to EXACT_ITEMS_MAX items (option small_moves, rules version 5) the
//     same phase runs too, before the exact search (its incumbent is what the
//     search must beat, and what is left when the search does not finish), with
//     the moves from every start of chain removal, not only the best.
//     After chain removal the removal rule makes the nodes still short whole;
//     under rules 5 (option chain_repair_weights) with several weights on the
//     deficit it pushes onto payees, the best kept: at weight 1 its cascade
//     round crossing cycles could undo most of what the chains kept.
//  7. Rules 6 (option short_repair), after all of the above, with half the
//     budget on top: the nodes chain removal left short (or everything's) are
//     made whole by an exact re-choice of several items at once around each
//     (lsm_short_repair.ts), and, where no such re-choice exists, by the
//     cascade taken one removal at a time with chain removal re-run after
//     each; then, from the best, an insertion move whose short nodes are made
//     whole exactly. The result replaces step 1-6's only when strictly better
//     by exact weight, so rules 6 never settles less than rules 5.
//  8. Rules 7 (option lp_start), after all of the above, with half the budget
//     on top (past LP_NODES_MAX nodes only the insertion move repaired by
//     residual chains, heaviest first), on runs of at most LP_NODES_MAX nodes: the LP relaxation solved
//     exactly (lsm_lp.ts); starts from what it settles whole (as it is, with
//     the items it settles in part added where that lowers the shortfalls, and
//     with all of them), each made whole by the exact repair, then by residual
//     chains (lsm_residual_chains.ts: a short node drops a payment it pays OR
//     settles one paid to it, passing the shortfall on), then the removal rule;
//     the exact duals' price starts; an insertion move repaired by residual
//     chains (reduced weight first); the moves. Kept only when strictly better
//     by exact weight, so rules 7 never settles less than rules 6. Where
//     nodes must balance nearly to the unit (no liquidity), the optimum is a
//     circulation of large payments patched by small ones, far from every start
//     of steps 1-7 (held-out zero_small: 0.63 of a proven optimum).
//  9. Rules 8 (option lp_dive), after all of the above, on runs of at most
//     LP_NODES_MAX_V8 nodes: the relaxation again, by a bounded simplex
//     started from step 8's choice and priced by the largest reduced cost
//     (step 8's, from nothing under Bland's rule, ran out of pivots on runs of
//     a thousand items and more: novel chain_big), then a dive on it (lpDive:
//     the item settled most fixed at 1, else 0, the rest re-optimised; the
//     point stays feasible); the dive's point and the relaxation's are starts
//     repaired as in step 8, then step 8's moves, with 10 times the budget for
//     the relaxation and the dive and half of it for the rest. Kept only when
//     strictly better by exact weight, so rules 8 never settles less than 7.
// 10. Rules 9 (option lp_repair), after all of the above, with half the budget
//     on top: the dive's point and the relaxation's (step 9's), rounded (whole
//     items; items at least half settled), made whole by targeted changes at
//     the short nodes only (lsm_lp_repair.ts: drop a selected item the short
//     node pays, or settle one paid to it that the point settles in part, the
//     least weight per unit of shortfall covered, with a price on what it
//     pushes onto nodes without room), each checked exactly and re-filled;
//     then the moves from the best. Kept only when strictly better by exact
//     weight, so rules 9 never settles less than rules 8. Step 9's repair
//     (the removal rule's cascade) threw away most of the dive's point on
//     some runs (unseen dealers: 224.5 M whole, 205.6 M kept; 221.0 M now).
// 11. Rules 10 (option lp_paths), after all of the above, with half the budget
//     on top: the dive's point (step 9's), rounded (whole items; items at
//     least half settled), each short node made whole by the cheapest path of
//     whole-item changes to the nodes with room (lsm_lp_paths.ts: drop an item
//     it pays or settle one paid to it; what that takes from one other node
//     beyond its room, that node passes on; a shortfall no path carries whole
//     is split), then repaired as a start of step 8's (exact repair, residual
//     chains, removal rule) where the paths left nodes short, re-filled; then
//     the moves from the best. Kept only when strictly better by exact
//     weight, so rules 10 never settles less than rules 9. Rules 9's repair
//     went round cycles of hubs; on whales the paths still leave 0.3-0.7 M
//     short at a few nodes, and the repairs after lose the rest there.
// 12. Rules 11 (option lp_split), after all of the above, with the budget once
//     more on top: each selection step 11's paths left with nodes short (also
//     where their work ran out), each short node (largest shortfall first)
//     covered by a SET of whole-item changes at it, cheapest per unit first,
//     each taking from its own neighbour; a neighbour left short covers that
//     the same way a level deeper (2, 3, then 4 levels; never from a node
//     above it), else the change is undone (lsm_lp_split.ts). Used only when
//     no node is left short: checked exactly, re-filled, then the moves from
//     the best. Kept only when strictly better by exact weight, so rules 11
//     never settles less than rules 10. On novel whales seed 808921316 the
//     paths' 49.08 M with 0.37 M short at 8 nodes becomes whole at 47.4 M
//     (rules 10 kept 38.0 M: the removal rule's cascade after the paths).
//     Where that fails, once more with each level allowed to take back from
//     the node just above it when that node ends better off (a PvP trade's
//     change takes at both of a participant's accounts).
// 13. Rules 12 (option dive_keep_whole), after all of the above, only where
//     step 9's dive ran out of work: a second relaxation and dive, from the
//     best so far, whose dive fixes at 1 before each pick every item its
//     point settles whole (lpDive's keepWhole: its re-optimisations then move
//     only the items not yet whole, so it gets further within the same work),
//     then steps 9-12's phases on its points, each with its budget again.
//     Kept only when strictly better by exact weight, so rules 12 never
//     settles less than rules 11.
// 14. Rules 13 (option region_exact), after all of the above, not under FIFO:
//     each pair of participants (the nodes a PvP trade's legs join; a node
//     when items have one leg), those sharing the most unsettled weight
//     first, has its items (at most REGION_ITEMS_MAX) re-chosen exactly with
//     the rest fixed, by a branch and bound whose bound is the region's own
//     LP relaxation (lsm_region_exact.ts); a region's new choice is kept only
//     when strictly heavier by exact weight; then re-filled. Within
//     REGION_EXACT_BUDGET_FACTOR times the budget, REGION_STEPS_MAX a region.
//     Kept only when strictly better, so rules 13 never settles less than 12.
//     Rules 4's region search (bound: the undecided weight) cut nothing on
//     such ~100-item regions; HiGHS on them recovered most of the gap of the
//     bench's three worst instances (docs/benchmarks.md).
// 15. Rules 14 (option region_gap), after rules 13's phase, from its result:
//     the same exact re-choice of pairs, in another order: a share
//     (REGION_GAP_SHARE) of the phase's work solves the pairs' root
//     relaxations, and the pairs whose root bound exceeds their region's
//     present weight most go first (those with no unit to gain are left
//     out); REGION_GAP_BUDGET_FACTOR times the budget. Kept only when
//     strictly better, so rules 14 never settles less than 13. Rules 13's
//     sharing order tried ~30 of pvp_legs' 780 pairs and ~440 of whales'
//     11,175 within its work; the root bound is a few pivots from the
//     present choice (docs/benchmarks.md, rules 14).
// 16. Rules 15 (option region_chunks), after rules 14's phase, from its
//     result: the pairs whose region is over a chunk (REGION_CHUNK_SIZES:
//     64, then 32 items), each re-chosen exactly on a chunk: the items the
//     pair's root relaxation moves most from the present choice, the rest
//     fixed (exactChunks). Rules 13 and 14 skip pairs over 128 items (on
//     credit_tight nearly every pair) and search the others whole, often
//     without finishing (pvp_legs); a chunk's search gets further.
//     REGION_CHUNK_BUDGET_FACTOR times the budget, later passes only around
//     what changed. Kept only when strictly better, so
//     rules 15 never settles less than 14.
// 17. Rules 16 (option region_pairs), after rules 15's phase, on runs with
//     a two-leg item: from rules 12's result (not 15's), every pair of
//     participants re-chosen exactly in participant order, by rules 13's
//     branch and bound with reduced-cost fixing at its nodes, 10 M steps a
//     region (exactPairs); REGION_PAIRS_BUDGET_FACTOR times the budget.
//     Kept only when strictly heavier than rules 15's result, so rules 16
//     never settles less than 15.
// 18. Rules 17 (option region_rounds), after rules 16's phase, on the same
//     runs, from its result: every pair again, exactly as rules 16 does, but
//     in the rounds of a round robin (inRounds: each round meets every
//     participant once), REGION_ROUNDS_BUDGET_FACTOR times the budget; then
//     a swap search over the whole run (lsm_swap.ts: an unsettled item in
//     place of one or two lighter settled ones). Rules 16's participant
//     order spends its work on the first participants' pairs (~200 of 780
//     on pvp_legs). Kept only when strictly heavier than rules 16's result,
//     so rules 17 never settles less than 16.
// 19. Rules 18 (option region_induced), after rules 17's phase, on the same
//     runs, from its result: regions induced by a set of participants (the
//     trades among them only, exactInduced), grown around each unsettled
//     trade, heaviest first, by the participant sharing the most weight with
//     the set, each re-chosen exactly as rules 16 does. A pair's region
//     cannot move a heavy trade whose room comes round a ring of three or
//     more participants (what HiGHS's optimum settles that rules 17 does
//     not, on held-out pvp_legs). REGION_INDUCED_BUDGET_FACTOR times the
//     budget. Kept only when strictly heavier than rules 17's result, so
//     rules 18 never settles less than 17.
// 20. Rules 19 (option region_restart), after rules 18's phase, on the same
//     runs: the run solved again (steps 1-19) on weights perturbed by a
//     fixed seed (restartWeights: 80-120 % each), whose search ends in
//     another local optimum; then the trades where that choice and rules
//     18's differ re-chosen exactly from the heavier of the two
//     (regionBranchAndBound, REGION_RESTART_CROSS_FACTOR times the budget).
//     Given exactly the trades where HiGHS's choice differs, that search
//     reaches HiGHS's choice on run seed 7's pvp_legs; the regions rules
//     13-18 grow hold nothing of it. Kept only when strictly heavier than
//     rules 18's result, so rules 19 never settles less than 18.
// 21. Rules 20 (option region_triples), after rules 19's phase, on runs of
//     at most TRIPLE_UNITS_MAX participants and TRIPLE_ITEMS_MAX items, not
//     FIFO: every triple of participants has its items re-chosen exactly
//     (exactTriples: rules 16's branch and bound, TRIPLE_REGION_STEPS_MAX a
//     region), then again the triples a change touched, until a pass
//     changes nothing; TRIPLE_BUDGET_FACTOR times the budget. On held-out
//     zero_small (15 nodes, 120 payments, no liquidity) rules 19 left
//     0.52-0.93 of HiGHS's proven optimum: the items HiGHS settles
//     differently span 12-14 of the 15 nodes, out of a pair's reach. Kept
//     only when strictly heavier than rules 19's result, so rules 20 never
//     settles less than 19.
// 22. Rules 21, small runs (option triple_restart), after rules 20's phase,
//     on the same runs: a second triple search from another start (rules
//     20's choice less every item at the TRIPLE_RESTART_DROP participants
//     with the most unsettled weight, repaired), then the items where the
//     two local optima differ re-chosen exactly (exactCross);
//     TRIPLE_RESTART_BUDGET_FACTOR times the budget. The triple search's
//     local optima depend on where it starts. Kept only when strictly
//     heavier than rules 20's result, so it never settles less than 20.
// 23. Rules 21 (option wide_regions), after rules 20's phase, on runs of
//     payments only (one leg each) with more than TRIPLE_UNITS_MAX
//     participants, not FIFO, from rules 20's result: every pair of
//     participants re-chosen exactly in the rounds of a round robin (rules
//     17's exactPairs, 10 M steps a region) on WIDE_PAIRS_SHARE of the work,
//     then regions induced by sets of participants grown around each
//     unsettled payment, heaviest first (rules 18's exactInduced, larger:
//     WIDE_INDUCED_LIMITS); WIDE_BUDGET_FACTOR times the budget. Rules 16-19
//     run on runs with PvP trades only and rules 20 on runs of at most 20
//     participants, so on wide payment runs (held-out wide, large; novel
//     whales) rules 15's pairs and chunks were the last exact moves. Kept
//     only when strictly heavier than rules 20's result, so rules 21 never
//     settles less than 20.
// 24. Rules 22, small runs (option perturbed_restarts), after rules 21's
//     triple restart, on the same runs: the triple search restarted from
//     rules 21's choice on weights perturbed by a fixed seed (integer per
//     mille factors), each other local optimum's differences with the best
//     re-chosen exactly under the true weights (lsm_perturbed_triples.ts);
//     PERTURBED_BUDGET_FACTOR times the budget. Kept only when strictly
//     heavier than rules 21's result, so it never settles less than 21.
// Every returned set is checked exactly in bigint against every node and the
// FIFO rule before return; a violation throws.
//
// Limits (what it does not find; docs/benchmarks.md has the figures): a
// heuristic for an NP-hard problem beyond EXACT_ITEMS_MAX items. On the
// benchmark's held-out star and tiered gridlocks it reaches 0.93-0.97 of HiGHS's
// best at the default budget and more with more budget; a 50-item instance whose
// optimum is a cycle of large payments needed some 20,000,000 steps of exact
// search (0.70 at the default without small_moves; the moves find it: the LP
// relaxation there is 24% above the optimum, so a bound re-optimised at each
// node of the search would not have cut enough). Under FIFO there are no ejection moves (kicks
// re-queue whole queues). The subgradient prices are approximate (120 steps).
// `urgent` does not enter the objective; the caller orders the queue.

import { ClearingInputError } from './input_error.js';
import { swapSearch } from './lsm_swap.js';
// The fixed-seed generator is lsm.ts's (exported for this module, unchanged).
import { exactChosenWeight, exactRoom, Rng, solveLsm, type LsmProblem } from './lsm.js';
import { removeChains } from './lsm_chain_removal.js';
import { insertCycles } from './lsm_cycles.js';
import { exactNeighbourhoods } from './lsm_neighbourhood.js';
import { ResidualChains } from './lsm_residual_chains.js';
import { BoundedLp, LP_NODES_MAX, LP_NODES_MAX_V8, type LpRelaxation, lpDive, solveLpRelaxation } from './lsm_lp.js';
import { repairByPaths } from './lsm_lp_paths.js';
import { repairBySplit } from './lsm_lp_split.js';
import { repairLpPoint } from './lsm_lp_repair.js';
import {
  buildRegion,
  dropBusiestParticipants,
  exactChunks,
  exactCross,
  exactInduced,
  exactPairs,
  exactRegions,
  exactTriples,
  participantsOf,
  regionBranchAndBound,
} from './lsm_region_exact.js';
import { perturbedTripleRestarts } from './lsm_perturbed_triples.js';
import { cascadeWithChains, flip, ShortRepair, undoLog, type RepairLog } from './lsm_short_repair.js';

export interface LinkedLeg {
  readonly from: number;
  readonly to: number;
  readonly amount: bigint;
}
export interface LinkedItem {
  readonly id: string;
  readonly legs: readonly LinkedLeg[];
  readonly weight: bigint;
  readonly urgent: boolean;
}
export interface LinkedProblem {
  /** Per node (an account: participant x currency): available balance + undrawn credit, minor units, >= 0. */
  readonly capacities: readonly bigint[];
  /** In queue order. An item settles whole (every leg) or not at all. */
  readonly items: readonly LinkedItem[];
  /** With fifo, for each node, the chosen items whose FIRST leg is paid from that node form a prefix of them in list order. */
  readonly fifo: boolean;
}
export interface LinkedSolution {
  readonly settled: string[];
  readonly settled_weight: bigint;
  readonly method: string;
}
export interface LinkedOptions {
  readonly work_budget?: number;
  /**
   * The cycle and exact neighbourhood moves (step 6; default on). The rules-3
   * release turns them off: it re-runs in replay, and journals written before
   * them must replay to the same settlements.
   */
  readonly neighbourhood_moves?: boolean;
  /**
   * On problems within the exact search's size, the chain-removal start, cycle
   * and exact neighbourhood moves also run, before the exact search (default
   * on; the rules-4 release and earlier turn them off: journals written before
   * them must replay to the same settlements). Before, a small gridlock whose
   * optimum swaps a few payments for a cycle of large ones, and which the exact
   * search could not finish within its budget, was left to the ejection search
   * (0.70 of the optimum on the benchmark's small family); the moves find it,
   * and a better incumbent lets the exact search cut more. They run from every
   * start of chain removal, not only from the best.
   */
  readonly small_moves?: boolean;
  /**
   * After chain removal, the removal rule runs with several weights on the
   * deficit a removal pushes onto its payee, the best kept (CHAIN_REPAIR_WEIGHTS_V5;
   * default on; rules version 5: rules 4 ran it with weight 1 alone).
   */
  readonly chain_repair_weights?: boolean;
  /**
   * After the search above, one more phase with a budget of its own (half the
   * work budget, SHORT_REPAIR_SHARE): nodes left short are made whole by an
   * exact re-choice of several items at once (lsm_short_repair.ts), from the
   * chain-removal start (or everything), and as a move from the best: settle an
   * unsettled item and make the nodes it leaves short whole exactly. Default on;
   * rules version 6 (the rules-5 release and earlier turn it off). The result is
   * what the search without it returns unless the phase found strictly more.
   */
  readonly short_repair?: boolean;
  /**
   * After the search above (rules 6's included), one more phase with a budget
   * of its own (LP_START_SHARE): on runs of at most LP_NODES_MAX nodes, the LP
   * relaxation solved exactly (lsm_lp.ts) gives starts (the items it settles
   * whole; those plus the ones it settles in part; its exact duals as node
   * prices), each made whole by the exact repair of short nodes and the removal
   * rule, then the moves from the best. Default on; rules version 7 (the
   * rules-6 release and earlier turn it off). The result is what the search
   * without it returns unless the phase found strictly more.
   */
  readonly lp_start?: boolean;
  /**
   * After the search above (rules 7's included), one more phase: on runs of at
   * most LP_NODES_MAX_V8 nodes, the relaxation by a bounded simplex from the
   * choice so far, a dive on it, and starts from both, repaired as rules 7's
   * (step 9 above). Default on; rules version 8 (the rules-7 release and
   * earlier turn it off). The result is what the search without it returns
   * unless the phase found strictly more.
   */
  readonly lp_dive?: boolean;
  /**
   * After the search above (rules 8's included), one more phase: the dive's
   * point and the relaxation's, rounded and made whole by targeted removals
   * at the short nodes only (lsm_lp_repair.ts), re-filled, then the moves from
   * the best (step 10 above). Default on; rules version 9 (the rules-8 release
   * and earlier turn it off). The result is what the search without it
   * returns unless the phase found strictly more.
   */
  readonly lp_repair?: boolean;
  /**
   * After the search above (rules 9's included), one more phase: the dive's
   * point, rounded, each short node made whole by whole-item paths to the
   * nodes with room (lsm_lp_paths.ts), then repaired as a start of rules 7's,
   * re-filled, then the moves from the best (step 11 above). Default on; rules
   * version 10 (the rules-9 release and earlier turn it off). The result is
   * what the search without it returns unless the phase found strictly more.
   */
  readonly lp_paths?: boolean;
  /**
   * After the search above (rules 10's included), one more phase: each
   * selection rules 10's paths left with nodes short, each such node covered by
   * a set of whole-item changes over many neighbours at once, a neighbour
   * without the room making it a level deeper (lsm_lp_split.ts); used only
   * when no node is left short, re-filled, then the moves from the best (step
   * 12 above). Default on; rules version 11 (the rules-10 release and earlier
   * turn it off). The result is what the search without it returns unless the
   * phase found strictly more.
   */
  readonly lp_split?: boolean;
  /**
   * After the search above (rules 11's included), where rules 8's dive ran
   * out of work: a second dive, from the choice so far, that fixes at 1 before
   * each pick every item its point settles whole (lsm_lp.ts, lpDive's
   * `keepWhole`), and rules 8-11's phases on its points (step 13 above).
   * Default on; rules version 12 (the rules-11 release and earlier turn it
   * off). The result is what the search without it returns unless the phase
   * found strictly more.
   */
  readonly dive_keep_whole?: boolean;
  /**
   * After the search above (rules 12's included), one more phase: pairs of
   * participants, those sharing the most unsettled weight first, each pair's
   * items re-chosen exactly with the rest fixed, by a branch and bound bounded
   * by the region's own LP relaxation (lsm_region_exact.ts), kept only when
   * strictly heavier; then re-filled (step 14 above). Not under FIFO. Default
   * on; rules version 13 (the rules-12 release and earlier turn it off; so
   * does dive_keep_whole off). The result is what the search without it
   * returns unless the phase found strictly more.
   */
  readonly region_exact?: boolean;
  /**
   * After region_exact's phase, from its result: the pairs again, those whose
   * region's root LP bound exceeds its present weight most first (step 15
   * above), kept only when strictly heavier. Default on; rules version 14
   * (the rules-13 release and earlier turn it off; so does region_exact off).
   */
  readonly region_gap?: boolean;
  /**
   * After region_gap's phase, from its result: the pairs over a chunk's items
   * re-chosen exactly on a chunk of their region (step 16 above), kept
   * only when strictly heavier. Default on; rules version 15 (the rules-14
   * release and earlier turn it off; so does region_gap off).
   */
  readonly region_chunks?: boolean;
  /**
   * After region_chunks' phase: every pair re-chosen exactly with reduced-cost
   * fixing, from rules 12's result and from the heavier of that and rules 15's
   * (step 17 above), kept only when strictly heavier than rules 15's result.
   * Default on; rules version 16 (the rules-15 release and earlier turn it
   * off; so does region_chunks off).
   */
  readonly region_pairs?: boolean;
  /**
   * After region_pairs' phase, on the same runs: every pair again from its result, in rounds, then swaps (step 18
   * above), kept only when strictly heavier than rules 16's result. Default on; rules version 17 (the rules-16
   * release and earlier turn it off; so does region_pairs off).
   */
  readonly region_rounds?: boolean;
  /**
   * After region_rounds' phase, on the same runs, from its result: regions induced by sets of participants (the
   * trades among them only), grown around each unsettled trade, heaviest first, each re-chosen exactly (step 19
   * above), kept only when strictly heavier than rules 17's result. Default on; rules version 18 (the rules-17
   * release and earlier turn it off; so does region_rounds off).
   */
  readonly region_induced?: boolean;
  /**
   * After region_induced's phase, on the same runs: the run solved again (rules 18's phases) on weights perturbed
   * by a fixed seed, then the items where that choice and rules 18's differ re-chosen exactly from the heavier of
   * the two (step 20 above), kept only when strictly heavier than rules 18's result. Default on; rules version 19
   * (the rules-18 release and earlier turn it off; so does region_induced off).
   */
  readonly region_restart?: boolean;
  /**
   * After region_restart's phase, on runs of at most TRIPLE_UNITS_MAX participants and TRIPLE_ITEMS_MAX items:
   * every triple of participants re-chosen exactly, passes until none changes (step 21 above), kept only when
   * strictly heavier than rules 19's result. Default on; rules version 20 (the rules-19 release and earlier turn it
   * off; so does region_restart off).
   */
  readonly region_triples?: boolean;
  /**
   * Rules 21 on small runs: after region_triples' phase, on the same runs, a second triple search from another
   * start and the two local optima's differences re-chosen exactly (step 22 above), kept only when strictly
   * heavier than rules 20's result. Default on; rules version 21 (the rules-20 release and earlier turn it off; so
   * does region_triples off).
   */
  readonly triple_restart?: boolean;
  /**
   * After region_triples' phase, on runs of payments only with more than TRIPLE_UNITS_MAX participants: pairs of
   * participants in rounds, then regions induced by sets of participants grown around each unsettled payment, each
   * re-chosen exactly (step 23 above),
   * kept only when strictly heavier than rules 20's result. Default on; rules version 21 (the rules-20 release and
   * earlier turn it off; so does region_triples off).
   */
  readonly wide_regions?: boolean;
  /**
   * Rules 22 on small runs: after triple_restart's phase, on the same runs, the triple search restarted from its
   * result on perturbed weights, each other local optimum's differences re-chosen exactly (step 24 above), kept only
   * when strictly heavier than rules 21's result. Default on; rules version 22 (the rules-21 release and earlier
   * turn it off; so does triple_restart off).
   */
  readonly perturbed_restarts?: boolean;
}

export const LINKED_ITEMS_MAX = 100_000;
export const LINKED_NODES_MAX = 10_000;
/** Legs per item (a PvP trade has two). */
export const LINKED_LEGS_MAX = 8;
/** Base search effort in inner-loop steps (some tens of ms at 2,000 items); the default grows with the problem, see linkedWorkBudget. */
export const LINKED_WORK_BUDGET_DEFAULT = 2_000_000;
/** The default budget's ceiling (some hundreds of ms on the largest problems). */
export const LINKED_WORK_BUDGET_MAX_DEFAULT = 25_000_000;

/**
 * The default work budget for a problem of this size: the base plus 120 steps
 * per node pair (solveLsm's LP relaxation costs O(nodes^2) per phase, and on
 * 200-300 nodes a flat budget ends before it: measured, wide gridlocks reached
 * 0.70 of the optimum at 2,000,000 steps and 0.98 at 20,000,000) plus 300 per
 * item, capped. A function of the input only, so replay stays exact.
 */
export function linkedWorkBudget(nodes: number, items: number): number {
  return Math.min(LINKED_WORK_BUDGET_MAX_DEFAULT, LINKED_WORK_BUDGET_DEFAULT + 120 * nodes * nodes + 300 * items);
}
/** Item ids at most this long (they travel in journals). */
const ID_LENGTH_MAX = 200;

/** The work budget solveLsm gets inside solveLinked when every item has one leg. */
export function linkedLsmBudget(work_budget: number, items: number): number {
  // solveLsm's LP-guided search is the stronger start on many payments (the ejection search here never
  // beat it there, so it does not run; the exact neighbourhood moves then improve on it); on few, the exact search here is.
  return Math.floor(work_budget * (items > EXACT_ITEMS_MAX ? LSM_SHARE : 0.25));
}

// ---------------------------------------------------------------------------
// Compiled form.

export interface Net {
  readonly nodes: number;
  readonly m: number;
  readonly fifo: boolean;
  /** Per item, its net effects: nodes effNode[effStart[k] .. effStart[k+1]) change by effDelta (in - out). */
  readonly effStart: Int32Array;
  readonly effNode: Int32Array;
  readonly effDelta: readonly bigint[];
  readonly effF: Float64Array;
  readonly weight: readonly bigint[];
  readonly weightF: Float64Array;
  /** Weight per unit of the item's largest outflow (to price deficits it pushes on). */
  readonly wpu: Float64Array;
  readonly cap: readonly bigint[];
  /** min(cap, the node's total outflow): the same constraint, smaller numbers. */
  readonly capF: Float64Array;
  /** Payer of each item's first leg. */
  readonly first: Int32Array;
  /** Per node, the items whose first leg it pays, in list order: qItems[qStart[n] .. qStart[n+1]); qPos[k] is k's index in its queue. */
  readonly qStart: Int32Array;
  readonly qItems: Int32Array;
  readonly qPos: Int32Array;
  /** Per node, the items that draw on it (net < 0 there), by weight, largest first. */
  readonly drawStart: Int32Array;
  readonly drawItems: Int32Array;
  /** Beside drawItems: the item's net effect at that node (its effF there, < 0), so FIFO truncation need not look it up. */
  readonly drawEff: Float64Array;
  /** Items that draw on no node (always settle). */
  readonly free: Int32Array;
  readonly byWeight: Int32Array;
  readonly floatExact: boolean;
  readonly singleLeg: boolean;
}

function itemField(k: number, it: LinkedItem | undefined, field: string): string {
  const id = it !== undefined && it !== null && typeof it.id === 'string' && it.id.length > 0 ? ` (id ${JSON.stringify(it.id.slice(0, 40))})` : '';
  return `items[${k}]${id}.${field}`;
}

function checkCapacities(capacities: readonly bigint[]): void {
  if (!Array.isArray(capacities)) throw new ClearingInputError('capacities', 'must be an array');
  if (capacities.length > LINKED_NODES_MAX) throw new ClearingInputError('capacities', `at most ${LINKED_NODES_MAX} nodes, got ${capacities.length}`);
  capacities.forEach((c, n) => {
    if (typeof c !== 'bigint' || c < 0n) throw new ClearingInputError(`capacities[${n}]`, 'must be a bigint >= 0');
  });
}

/**
 * checkItem's working lists for an item of several legs (two nodes a leg at most), reused from item to item:
 * `[]` then push gave each item two lists with room for 16, kept as its answer.
 */
const NET_AT: number[] = new Array<number>(2 * LINKED_LEGS_MAX).fill(0);
const NET_DELTA: bigint[] = new Array<bigint>(2 * LINKED_LEGS_MAX).fill(0n);

/** Checks one item; returns its legs' net effect per node (zeros dropped, nodes ascending). */
function checkItem(k: number, it: LinkedItem, nodes: number, ids: Set<string>): ItemNet {
  if (it === null || typeof it !== 'object') throw new ClearingInputError(`items[${k}]`, 'must be an object');
  if (typeof it.id !== 'string' || it.id.length === 0 || it.id.length > ID_LENGTH_MAX) {
    throw new ClearingInputError(itemField(k, it, 'id'), `must be a non-empty string of at most ${ID_LENGTH_MAX} characters`);
  }
  if (ids.has(it.id)) throw new ClearingInputError(itemField(k, it, 'id'), `duplicate item id ${JSON.stringify(it.id)}`);
  ids.add(it.id);
  if (typeof it.weight !== 'bigint' || it.weight < 0n) throw new ClearingInputError(itemField(k, it, 'weight'), 'must be a bigint >= 0');
  if (typeof it.urgent !== 'boolean') throw new ClearingInputError(itemField(k, it, 'urgent'), 'must be a boolean');
  if (!Array.isArray(it.legs) || it.legs.length === 0 || it.legs.length > LINKED_LEGS_MAX) {
    throw new ClearingInputError(itemField(k, it, 'legs'), `must hold 1 to ${LINKED_LEGS_MAX} legs`);
  }
  // Per node touched, in the order first touched: its net (in - out); then zeros dropped, nodes ascending.
  // Plain loops, no closures or index arrays: a run compiles every one of its items (up to 4,094).
  const legs = it.legs;
  // One leg (every item but a PvP trade's): its two nodes, ascending, as literals of their length (`[]` then push
  // gives each list room for 17); the same checks and nets as the loop below.
  if (legs.length === 1 && 0 in legs) {
    const leg = legs[0]!;
    checkLeg(k, it, 0, leg, nodes);
    const out = 0n - leg.amount;
    return leg.from < leg.to ? { at: [leg.from, leg.to], delta: [out, leg.amount] } : { at: [leg.to, leg.from], delta: [leg.amount, out] };
  }
  // Several legs: worked out in NET_AT/NET_DELTA, so only the answer, of its length, is allocated.
  let touched = 0;
  for (let j = 0; j < legs.length; j++) {
    // A hole in the array is skipped, as forEach skipped it.
    if (!(j in legs)) continue;
    const leg = legs[j]!;
    checkLeg(k, it, j, leg, nodes);
    touched = addNet(touched, leg.from, 0n - leg.amount);
    touched = addNet(touched, leg.to, leg.amount);
  }
  // The touched nodes (distinct, at most 2 per leg) sorted in place with their nets, ascending.
  for (let i = 1; i < touched; i++) {
    const n = NET_AT[i]!;
    const d = NET_DELTA[i]!;
    let j = i - 1;
    for (; j >= 0 && NET_AT[j]! > n; j--) {
      NET_AT[j + 1] = NET_AT[j]!;
      NET_DELTA[j + 1] = NET_DELTA[j]!;
    }
    NET_AT[j + 1] = n;
    NET_DELTA[j + 1] = d;
  }
  // Zeros dropped (no Map per item, nor an entry pair per node read back: stop 50).
  let kept = 0;
  for (let i = 0; i < touched; i++) if (NET_DELTA[i] !== 0n) kept++;
  const at = new Array<number>(kept);
  const delta = new Array<bigint>(kept);
  for (let i = 0, o = 0; i < touched; i++) {
    if (NET_DELTA[i] === 0n) continue;
    at[o] = NET_AT[i]!;
    delta[o++] = NET_DELTA[i]!;
  }
  return { at, delta };
}

/** Checks leg `j` of item `k` (throws naming the field). */
function checkLeg(k: number, it: LinkedItem, j: number, leg: LinkedLeg, nodes: number): void {
  if (leg === null || typeof leg !== 'object') throw new ClearingInputError(itemField(k, it, `legs[${j}].from`), 'a leg must be an object');
  if (!isNodeOf(leg.from, nodes)) throw new ClearingInputError(itemField(k, it, `legs[${j}].from`), `unknown node ${String(leg.from)} (there are ${nodes})`);
  if (!isNodeOf(leg.to, nodes)) throw new ClearingInputError(itemField(k, it, `legs[${j}].to`), `unknown node ${String(leg.to)} (there are ${nodes})`);
  if (leg.from === leg.to) throw new ClearingInputError(itemField(k, it, `legs[${j}].to`), 'a leg from a node to itself');
  if (typeof leg.amount !== 'bigint' || leg.amount <= 0n) throw new ClearingInputError(itemField(k, it, `legs[${j}].amount`), 'must be a bigint > 0');
}

/** An item's net per node it touches: nodes ascending, each net (in - out) not zero. */
interface ItemNet {
  readonly at: number[];
  readonly delta: bigint[];
}

/** Adds `d` to node `n`'s net in NET_AT/NET_DELTA's first `touched` entries (appending the node when first touched); the new count. */
function addNet(touched: number, n: number, d: bigint): number {
  for (let i = 0; i < touched; i++) {
    if (NET_AT[i] !== n) continue;
    NET_DELTA[i]! += d;
    return touched;
  }
  NET_AT[touched] = n;
  NET_DELTA[touched] = d;
  return touched + 1;
}

function isNodeOf(v: unknown, nodes: number): v is number {
  return Number.isInteger(v) && (v as number) >= 0 && (v as number) < nodes;
}

/** Validates the problem and builds the compiled form. Throws ClearingInputError naming the field. */
export function compileLinked(problem: LinkedProblem): Net {
  if (problem === null || typeof problem !== 'object') throw new ClearingInputError('problem', 'must be an object');
  checkCapacities(problem.capacities);
  if (!Array.isArray(problem.items)) throw new ClearingInputError('items', 'must be an array');
  if (problem.items.length > LINKED_ITEMS_MAX) throw new ClearingInputError('items', `at most ${LINKED_ITEMS_MAX} items, got ${problem.items.length}`);
  if (typeof problem.fifo !== 'boolean') throw new ClearingInputError('fifo', 'must be a boolean');
  const nodes = problem.capacities.length;
  const m = problem.items.length;
  const ids = new Set<string>();
  const nets = problem.items.map((it, k) => checkItem(k, it, nodes, ids));
  const effStart = new Int32Array(m + 1);
  for (let k = 0; k < m; k++) effStart[k + 1] = effStart[k]! + nets[k]!.at.length;
  const effNode = new Int32Array(effStart[m]!);
  const effDelta: bigint[] = new Array<bigint>(effStart[m]!);
  const outTotal: bigint[] = new Array<bigint>(nodes).fill(0n);
  let legTotal = 0n;
  for (let k = 0; k < m; k++) {
    const { at, delta } = nets[k]!;
    let e = effStart[k]!;
    for (let i = 0; i < at.length; i++) {
      const n = at[i]!;
      const d = delta[i]!;
      effNode[e] = n;
      effDelta[e++] = d;
      if (d < 0n) outTotal[n] = outTotal[n]! - d;
    }
    for (const leg of problem.items[k]!.legs) legTotal += leg.amount;
  }
  const floatExact = 2n * legTotal <= BigInt(Number.MAX_SAFE_INTEGER);
  const capacities = problem.capacities;
  const capF = new Float64Array(capacities.length);
  for (let n = 0; n < capacities.length; n++) {
    const c = capacities[n]!;
    capF[n] = Number(c < outTotal[n]! ? c : outTotal[n]!);
  }
  return indexNet(problem, { nodes, m, effStart, effNode, effDelta, capF, floatExact });
}

/** The numbers as an Int32Array, copied by a loop (no iterator). */
function int32Of(list: readonly number[]): Int32Array {
  const out = new Int32Array(list.length);
  for (let i = 0; i < list.length; i++) out[i] = list[i]!;
  return out;
}

/** Per-node lists as one array and where each node's starts (filled by loops). */
function flatLists(lists: number[][], nodes: number): { start: Int32Array; all: Int32Array } {
  const start = new Int32Array(nodes + 1);
  for (let n = 0; n < nodes; n++) start[n + 1] = start[n]! + lists[n]!.length;
  const all = new Int32Array(start[nodes]!);
  for (let n = 0, at = 0; n < nodes; n++) {
    const l = lists[n]!;
    for (let i = 0; i < l.length; i++) all[at++] = l[i]!;
  }
  return { start, all };
}

/** The lists one after another, as a Float64Array. */
function concatFloat64(lists: number[][]): Float64Array {
  let n = 0;
  for (const l of lists) n += l.length;
  const out = new Float64Array(n);
  for (let j = 0, at = 0; j < lists.length; j++) {
    const l = lists[j]!;
    for (let i = 0; i < l.length; i++) out[at++] = l[i]!;
  }
  return out;
}

/** The per-node queues and draw lists, by-weight order and float copies. */
function indexNet(
  problem: LinkedProblem,
  p: { nodes: number; m: number; effStart: Int32Array; effNode: Int32Array; effDelta: bigint[]; capF: Float64Array; floatExact: boolean },
): Net {
  const { nodes, m, effStart, effNode, effDelta } = p;
  const items = problem.items;
  // Typed arrays filled by plain loops, not `from` with a map function or from a flattened list: those went through
  // the iterator protocol, an object per element (~0.7 kB per payment of a demo day, stop 50); the same values.
  const weight = items.map((it) => it.weight);
  const weightF = new Float64Array(weight.length);
  for (let k = 0; k < weight.length; k++) weightF[k] = Number(weight[k]!);
  const effF = new Float64Array(effDelta.length);
  for (let e = 0; e < effDelta.length; e++) effF[e] = Number(effDelta[e]!);
  const first = new Int32Array(items.length);
  for (let k = 0; k < items.length; k++) first[k] = items[k]!.legs[0]!.from;
  const wpu = new Float64Array(m);
  // A total order (ties by index): one result, whichever sort makes it.
  const byWeightDesc = (a: number, b: number): number => weightF[b]! - weightF[a]! || a - b;
  const order = new Array<number>(m);
  for (let k = 0; k < m; k++) order[k] = k;
  const byWeight = int32Of(order.sort(byWeightDesc));
  const queues: number[][] = Array.from({ length: nodes }, () => []);
  const draws: number[][] = Array.from({ length: nodes }, () => []);
  const drawEffs: number[][] = Array.from({ length: nodes }, () => []);
  const free: number[] = [];
  const qPos = new Int32Array(m);
  for (let k = 0; k < m; k++) {
    qPos[k] = queues[first[k]!]!.length;
    queues[first[k]!]!.push(k);
  }
  for (const k of byWeight) {
    let out = 0;
    for (let e = effStart[k]!; e < effStart[k + 1]!; e++) {
      if (effF[e]! < 0) {
        draws[effNode[e]!]!.push(k);
        drawEffs[effNode[e]!]!.push(effF[e]!);
        out = Math.max(out, -effF[e]!);
      }
    }
    if (out === 0) free.push(k);
    wpu[k] = out > 0 ? weightF[k]! / out : 0;
  }
  const drawEff = concatFloat64(drawEffs);
  const q = flatLists(queues, nodes);
  const d = flatLists(draws, nodes);
  return {
    ...p,
    fifo: problem.fifo,
    effF,
    weight,
    weightF,
    wpu,
    cap: problem.capacities,
    first,
    qStart: q.start,
    qItems: q.all,
    qPos,
    drawStart: d.start,
    drawItems: d.all,
    drawEff,
    free: int32Of(free),
    byWeight,
    singleLeg: items.every((it) => it.legs.length === 1),
  };
}

// ---------------------------------------------------------------------------
// Exact checks, the exact floor and the exact repair.

/** Each node's room once `sel` settles, exactly. */
function exactSlack(net: Net, sel: Uint8Array): bigint[] {
  return exactRoom(net, net.cap, sel);
}

export function exactWeight(net: Net, sel: Uint8Array): bigint {
  return exactChosenWeight(net, sel);
}

/** Why `sel` is not a valid settlement of `net`, or null. */
export function linkedViolation(net: Net, sel: Uint8Array): string | null {
  const s = exactSlack(net, sel);
  for (let n = 0; n < net.nodes; n++) if (s[n]! < 0n) return `node ${n} ends ${-s[n]!} below zero`;
  if (net.fifo) {
    for (let n = 0; n < net.nodes; n++) {
      for (let j = net.qStart[n]! + 1; j < net.qStart[n + 1]!; j++) {
        if (sel[net.qItems[j]!] === 1 && sel[net.qItems[j - 1]!] !== 1) return `node ${n} settles out of queue order`;
      }
    }
  }
  return null;
}

/** Whether item k fits the exact slacks s (every node it draws on covers it). */
function fitsExact(net: Net, s: bigint[], k: number): boolean {
  for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (s[net.effNode[e]!]! + net.effDelta[e]! < 0n) return false;
  return true;
}

/**
 * FIFO RTGS over items, exact: each node's queue head settles when it fits at
 * every node; a node that gains re-examines the queues whose head draws on it.
 * Whatever order the worklist runs, the result is the same (settling only adds room).
 */
export function fifoRtgsLinked(net: Net): Uint8Array {
  const sel = new Uint8Array(net.m);
  const s = net.cap.slice();
  const head = new Int32Array(net.nodes);
  const work: number[] = [];
  const queued = new Uint8Array(net.nodes).fill(1);
  for (let n = net.nodes - 1; n >= 0; n--) work.push(n);
  while (work.length > 0) {
    const n = work.pop()!;
    queued[n] = 0;
    const end = net.qStart[n + 1]! - net.qStart[n]!;
    while (head[n]! < end) {
      const k = net.qItems[net.qStart[n]! + head[n]!]!;
      if (!fitsExact(net, s, k)) break;
      sel[k] = 1;
      head[n]!++;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
        const x = net.effNode[e]!;
        s[x] = s[x]! + net.effDelta[e]!;
        if (net.effDelta[e]! > 0n) requeueDrawers(net, x, head, queued, work);
      }
    }
  }
  return sel;
}

/** Queues whose head draws on node x go back on the worklist (x gained room). */
function requeueDrawers(net: Net, x: number, head: Int32Array, queued: Uint8Array, work: number[]): void {
  if (queued[x] === 0) {
    queued[x] = 1;
    work.push(x);
  }
  for (let j = net.drawStart[x]!; j < net.drawStart[x + 1]!; j++) {
    const k = net.drawItems[j]!;
    const q = net.first[k]!;
    if (queued[q] === 0 && net.qPos[k] === head[q]) {
      queued[q] = 1;
      work.push(q);
    }
  }
}

/** Exact repair: while a node is short, drop the latest selected item drawing on it (under FIFO with the rest of its queue). */
export function exactRepairLinked(net: Net, sel: Uint8Array): void {
  const s = exactSlack(net, sel);
  const drop = (k: number): void => {
    sel[k] = 0;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) s[net.effNode[e]!] = s[net.effNode[e]!]! - net.effDelta[e]!;
  };
  for (let again = true; again; ) {
    again = false;
    for (let n = 0; n < net.nodes; n++) {
      while (s[n]! < 0n) {
        let pick = -1;
        for (let j = net.drawStart[n]!; j < net.drawStart[n + 1]!; j++) {
          const k = net.drawItems[j]!;
          if (sel[k] === 1 && k > pick) pick = k;
        }
        if (pick < 0) throw new Error('lsm_linked: internal error: a short node draws on nothing selected');
        if (net.fifo) {
          const q = net.first[pick]!;
          for (let j = net.qStart[q + 1]! - 1; j >= net.qStart[q]! + net.qPos[pick]!; j--) if (sel[net.qItems[j]!] === 1) drop(net.qItems[j]!);
        } else drop(pick);
        again = true;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// The search engine (float64 copies; exact when net.floatExact).

/** Counts work steps; the only stopping rule besides stalling (no clock). */
export class Work {
  steps = 0;
  constructor(readonly max: number) {}
  get exhausted(): boolean {
    return this.steps > this.max;
  }
}

export class LinkedEngine {
  readonly sel: Uint8Array;
  readonly slack: Float64Array;
  /** Under FIFO, how many of each node's queue are selected (always a prefix). */
  readonly plen: Int32Array;
  value = 0;
  /** Per node, a price of its room (Lagrangian multipliers, weight per unit): removal weighs what an item brings to or takes from other nodes at these prices. */
  readonly price: Float64Array;
  /** How much the prices count in removal; 0 = not at all. */
  beta = 0;
  private readonly stack: number[] = [];
  private readonly onStack: Uint8Array;
  private logging = false;
  private readonly log: number[] = [];
  private readonly lock: Uint8Array;
  /** Scratch of eject (reused: a move allocates nothing). */
  private readonly shortScratch: number[] = [];
  private readonly gainScratch: number[] = [];
  private readonly qCum: Float64Array;
  /**
   * Beside drawItems, for FIFO truncation (read there once per candidate, so kept in draw order, not looked up per item):
   * the queue of the item (its first leg's payer), where that queue starts in qItems, the queue's cumulated weight
   * before the item (0 at its head), and what the item covers at the node (-drawEff). Empty unless the net is FIFO.
   */
  private readonly drawQ: Int32Array;
  private readonly drawQBase: Int32Array;
  private readonly drawCumBefore: Float64Array;
  private readonly drawCovers: Float64Array;
  private readonly candK: Int32Array;
  private readonly candCost: Float64Array;

  constructor(
    private readonly net: Net,
    readonly work: Work,
    private readonly rng: Rng,
  ) {
    this.sel = new Uint8Array(net.m);
    this.slack = Float64Array.from(net.capF);
    this.plen = new Int32Array(net.nodes);
    this.price = new Float64Array(net.nodes);
    this.onStack = new Uint8Array(net.nodes);
    this.lock = new Uint8Array(net.m);
    this.qCum = new Float64Array(net.m);
    for (let n = 0; n < net.nodes; n++) {
      let acc = 0;
      for (let j = net.qStart[n]!; j < net.qStart[n + 1]!; j++) this.qCum[j] = acc += net.weightF[net.qItems[j]!]!;
    }
    // Only FIFO truncation reads them.
    const draws = net.fifo ? net.drawItems.length : 0;
    this.drawQ = new Int32Array(draws);
    this.drawQBase = new Int32Array(draws);
    this.drawCumBefore = new Float64Array(draws);
    this.drawCovers = new Float64Array(draws);
    for (let j = 0; j < draws; j++) {
      const k = net.drawItems[j]!;
      const q = net.first[k]!;
      const base = net.qStart[q]!;
      const p = net.qPos[k]!;
      this.drawQ[j] = q;
      this.drawQBase[j] = base;
      this.drawCumBefore[j] = p > 0 ? this.qCum[base + p - 1]! : 0;
      this.drawCovers[j] = -net.drawEff[j]!;
    }
    let deg = 0;
    for (let n = 0; n < net.nodes; n++) deg = Math.max(deg, net.drawStart[n + 1]! - net.drawStart[n]!);
    this.candK = new Int32Array(deg);
    this.candCost = new Float64Array(deg);
  }

  load(sel: Uint8Array): void {
    const net = this.net;
    this.sel.fill(0);
    this.slack.set(net.capF);
    this.plen.fill(0);
    this.value = 0;
    for (let k = 0; k < net.m; k++) if (sel[k] === 1) this.add(k);
    if (net.fifo) {
      const { qStart, qItems } = net;
      const plen = this.plen;
      for (let n = 0; n < net.nodes; n++) {
        const base = qStart[n]!;
        const len = qStart[n + 1]! - base;
        while (plen[n]! < len && this.sel[qItems[base + plen[n]!]!] === 1) plen[n]!++;
      }
    }
  }

  private add(k: number): void {
    if (this.logging) this.log.push(k);
    const net = this.net;
    const { effNode, effF } = net;
    const slack = this.slack;
    this.sel[k] = 1;
    for (let e = net.effStart[k]!, e1 = net.effStart[k + 1]!; e < e1; e++) slack[effNode[e]!]! += effF[e]!;
    this.value += net.weightF[k]!;
  }

  private remove(k: number): void {
    if (this.logging) this.log.push(~k);
    const net = this.net;
    const { effNode, effF } = net;
    const slack = this.slack;
    this.sel[k] = 0;
    for (let e = net.effStart[k]!, e1 = net.effStart[k + 1]!; e < e1; e++) slack[effNode[e]!]! -= effF[e]!;
    this.value -= net.weightF[k]!;
  }

  private push(n: number): void {
    if (this.onStack[n] === 0) {
      this.onStack[n] = 1;
      this.stack.push(n);
    }
  }

  private pop(): number {
    const n = this.stack.pop()!;
    this.onStack[n] = 0;
    return n;
  }

  /** Removing k: the nodes it fed that go short go on the stack. */
  private removeAndPush(k: number): void {
    const net = this.net;
    this.remove(k);
    const { effNode, effF } = net;
    const slack = this.slack;
    for (let e = net.effStart[k]!, e1 = net.effStart[k + 1]!; e < e1; e++) if (effF[e]! > 0 && slack[effNode[e]!]! < 0) this.push(effNode[e]!);
  }

  /**
   * Removes items until no node is short. `prot` marks items to keep if at all
   * possible; `w` weighs the deficit a removal pushes onto the nodes it fed;
   * `noise` randomises the choice. Terminates: each step removes an item, and
   * with nothing selected no node is short.
   */
  repair(prot: Uint8Array | null, w: number, noise: number, only: readonly number[] | null = null): void {
    const net = this.net;
    if (only !== null) for (const n of only) this.push(n);
    else for (let n = 0; n < net.nodes; n++) if (this.slack[n]! < 0) this.push(n);
    while (this.stack.length > 0) {
      const n = this.pop();
      if (net.fifo) this.truncateWhileShort(n);
      else while (this.slack[n]! < 0) this.removeCheapest(n, prot, w, noise);
    }
  }

  /** Non-FIFO: scores short node n's removal candidates, removes the cheapest in turn until its deficit is covered or halved. */
  private removeCheapest(n: number, prot: Uint8Array | null, w: number, noise: number): void {
    let cnt = this.score(n, prot, w, noise);
    if (cnt === 0) cnt = this.score(n, null, w, noise);
    if (cnt === 0) throw new Error('lsm_linked: internal error: a short node draws on nothing selected');
    const half = -0.5 * this.slack[n]!;
    const ck = this.candK;
    const cc = this.candCost;
    while (this.slack[n]! < 0) {
      let bj = -1;
      let bc = Infinity;
      for (let j = 0; j < cnt; j++) {
        if (cc[j]! < bc) {
          bc = cc[j]!;
          bj = j;
        }
      }
      this.work.steps += cnt;
      if (bj < 0) break;
      cc[bj] = Infinity;
      const k = ck[bj]!;
      if (this.sel[k] === 1) this.removeAndPush(k);
      if (-this.slack[n]! < half) break;
    }
  }

  private score(n: number, prot: Uint8Array | null, w: number, noise: number): number {
    const net = this.net;
    const slack = this.slack;
    const d = -slack[n]!;
    let cnt = 0;
    this.work.steps += net.drawStart[n + 1]! - net.drawStart[n]!;
    for (let j = net.drawStart[n]!; j < net.drawStart[n + 1]!; j++) {
      const k = net.drawItems[j]!;
      if (this.sel[k] !== 1 || (prot !== null && prot[k] === 1)) continue;
      let covers = 0;
      let casc = 0;
      let priced = 0;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
        const x = net.effNode[e]!;
        const dx = net.effF[e]!;
        if (x === n) covers = -dx;
        else {
          // Signed: losing an inflow where room is dear costs, relieving a dear node gains.
          priced += this.price[x]! * dx;
          if (dx > 0) {
            const room = slack[x]! > 0 ? slack[x]! : 0;
            if (dx > room) casc += dx - room;
          }
        }
      }
      let cost = (net.weightF[k]! + this.beta * priced + net.wpu[k]! * w * casc) / (covers < d ? covers : d);
      if (noise > 0) cost *= 1 + noise * this.rng.float();
      this.candK[cnt] = k;
      this.candCost[cnt++] = cost;
    }
    return cnt;
  }

  /**
   * FIFO: while node n is short, truncates the queue whose suffix (from a selected item drawing on n) costs least per
   * unit covered: cheapestTruncation's choice each time, the same steps counted. Truncating only removes items, so
   * the selected drawers of n can only drop out between choices: the first choice scans n's whole draw list and keeps
   * the selected entries (in list order) in candK; each later one reads only those, dropping the ones since removed
   * (a demo day's short nodes were truncated ~10 times each, ~30 % of a draw list selected).
   */
  truncateWhileShort(n: number): void {
    const net = this.net;
    const len = net.drawStart[n + 1]! - net.drawStart[n]!;
    let cnt = -1;
    while (this.slack[n]! < 0) {
      cnt = this.selectedDrawers(n, cnt);
      const best = this.cheapestOfDrawers(n, cnt);
      this.work.steps += len;
      if (best < 0) throw new Error('lsm_linked: internal error: a short node draws on nothing selected');
      const q = net.first[best]!;
      const base = net.qStart[q]!;
      while (this.plen[q]! > net.qPos[best]!) this.removeAndPush(net.qItems[base + --this.plen[q]!]!);
    }
  }

  /**
   * Node n's draw entries (indices into drawItems) whose item is selected, in list order, into candK; their count.
   * `cnt` < 0: from n's whole draw list; else from the first `cnt` of candK (an earlier answer for n, nothing added since).
   */
  private selectedDrawers(n: number, cnt: number): number {
    const net = this.net;
    const { sel, candK } = this;
    const items = net.drawItems;
    let out = 0;
    if (cnt < 0) {
      for (let j = net.drawStart[n]!, end = net.drawStart[n + 1]!; j < end; j++) if (sel[items[j]!] === 1) candK[out++] = j;
    } else {
      for (let i = 0; i < cnt; i++) {
        const j = candK[i]!;
        if (sel[items[j]!] === 1) candK[out++] = j;
      }
    }
    return out;
  }

  /** The cheapest truncation (cheapestTruncation's rule) among the first `cnt` draw entries in candK (all selected, in list order). */
  private cheapestOfDrawers(n: number, cnt: number): number {
    const d = -this.slack[n]!;
    let best = -1;
    let bc = Infinity;
    const candK = this.candK;
    const items = this.net.drawItems;
    for (let i = 0; i < cnt; i++) {
      const j = candK[i]!;
      const k = items[j]!;
      const cost = this.truncationCost(j, d);
      if (cost < bc || (cost === bc && k > best)) {
        bc = cost;
        best = k;
      }
    }
    return best;
  }

  /**
   * FIFO: the selected item drawing on node n from which truncating its queue costs least per unit of n's deficit
   * covered (the suffix's weight over what the item covers at n, at most the deficit), the later item on a tie; -1
   * when n draws on nothing selected: the choice truncateWhileShort makes first, from n's whole draw list (it uses
   * candK). Public for the tests (test/lsm_engine_arrays.test.ts).
   */
  cheapestTruncation(n: number): number {
    return this.cheapestOfDrawers(n, this.selectedDrawers(n, -1));
  }

  /**
   * The cost of truncating at draw entry j per unit of deficit d covered: the suffix from its item to the end of its
   * queue's selected prefix (the same two cumulated weights as qCum[base + qPos[k] - 1] gives) over what it covers,
   * at most d.
   */
  private truncationCost(j: number, d: number): number {
    const suffix = this.qCum[this.drawQBase[j]! + this.plen[this.drawQ[j]!]! - 1]! - this.drawCumBefore[j]!;
    const covers = this.drawCovers[j]!;
    return suffix / (covers < d ? covers : d);
  }

  /** Whether unselected item k fits the current slacks at every node it draws on. */
  private fits(k: number): boolean {
    const net = this.net;
    const { effNode, effF } = net;
    const slack = this.slack;
    for (let e = net.effStart[k]!, e1 = net.effStart[k + 1]!; e < e1; e++) if (effF[e]! < 0 && slack[effNode[e]!]! + effF[e]! < 0) return false;
    return true;
  }

  /** Adds k and puts the nodes it feeds back on the stack (they gained room). */
  private addAndPush(k: number): void {
    const net = this.net;
    this.add(k);
    const { effNode, effF } = net;
    for (let e = net.effStart[k]!, e1 = net.effStart[k + 1]!; e < e1; e++) if (effF[e]! > 0) this.push(effNode[e]!);
  }

  /** Greedy re-insertion to a fixed point from the nodes given (all when null): any unselected item that fits, largest weight first. */
  fill(from: readonly number[] | null = null, all = true): void {
    const net = this.net;
    if (from !== null) for (const n of from) this.push(n);
    else if (all) {
      for (const k of net.free) if (this.sel[k] === 0 && (!net.fifo || net.qPos[k] === this.plen[net.first[k]!])) this.fillOne(k);
      for (let n = net.nodes - 1; n >= 0; n--) this.push(n);
    }
    const { fifo, drawStart, drawItems, first, qPos } = net;
    const { sel, plen } = this;
    while (this.stack.length > 0) {
      const n = this.pop();
      if (fifo) this.fillQueue(n);
      const end = drawStart[n + 1]!;
      this.work.steps += end - drawStart[n]!;
      for (let j = drawStart[n]!; j < end; j++) {
        const k = drawItems[j]!;
        if (sel[k] !== 0) continue;
        if (fifo) {
          const q = first[k]!;
          if (q !== n && qPos[k] === plen[q] && this.fits(k)) this.fillQueue(q);
        } else if (this.fits(k)) this.addAndPush(k);
      }
    }
  }

  private fillOne(k: number): void {
    if (this.net.fifo) this.plen[this.net.first[k]!]!++;
    this.addAndPush(k);
  }

  /** FIFO: settles node q's queue heads while they fit. */
  private fillQueue(q: number): void {
    const net = this.net;
    const base = net.qStart[q]!;
    const len = net.qStart[q + 1]! - base;
    const { qItems } = net;
    const plen = this.plen;
    while (plen[q]! < len) {
      const k = qItems[base + plen[q]!]!;
      this.work.steps++;
      if (!this.fits(k)) break;
      this.fillOne(k);
    }
  }

  /**
   * Ejection move (non-FIFO): settle p, let the nodes it pushes short drop other
   * items by the removal rule (p locked), then re-insert where nodes gained room.
   * Returns the change in value; undo() reverts it.
   */
  eject(p: number, w: number, noise: number, chain = false): number {
    const net = this.net;
    const v0 = this.value;
    this.log.length = 0;
    this.logging = true;
    this.add(p);
    this.lock[p] = 1;
    const short = this.shortScratch;
    short.length = 0;
    for (let e = net.effStart[p]!; e < net.effStart[p + 1]!; e++) {
      if (this.slack[net.effNode[e]!]! < 0) short.push(net.effNode[e]!);
      else if (chain && net.effF[e]! > 0) this.push(net.effNode[e]!);
    }
    // A chain first re-inserts from the nodes p feeds: what they can now pay may close a cycle back to p's payers.
    if (chain) this.fill(null, false);
    this.repair(this.lock, w, noise, short);
    this.lock[p] = 0;
    const gainers = this.gainScratch;
    gainers.length = 0;
    for (const x of this.log) {
      const k = x < 0 ? ~x : x;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (x < 0 ? net.effF[e]! < 0 : net.effF[e]! > 0) gainers.push(net.effNode[e]!);
    }
    this.fill(gainers);
    this.logging = false;
    return this.value - v0;
  }

  undo(): void {
    for (let j = this.log.length - 1; j >= 0; j--) {
      const x = this.log[j]!;
      if (x >= 0) this.remove(x);
      else this.add(~x);
    }
    this.log.length = 0;
  }

  /** Why the incremental slacks, value or FIFO prefix lengths disagree with a recomputation (tests). */
  checkInvariants(): string | null {
    const net = this.net;
    const slack = Float64Array.from(net.capF);
    let value = 0;
    for (let k = 0; k < net.m; k++) {
      if (this.sel[k] !== 1) continue;
      for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += net.effF[e]!;
      value += net.weightF[k]!;
    }
    if (Math.abs(value - this.value) > 1e-6 * (1 + Math.abs(value))) return `value ${this.value}, recomputed ${value}`;
    for (let n = 0; n < net.nodes; n++) {
      if (Math.abs(slack[n]! - this.slack[n]!) > 1e-6 * (1 + Math.abs(slack[n]!))) return `node ${n}: slack ${this.slack[n]}, recomputed ${slack[n]}`;
      if (!net.fifo) continue;
      for (let j = net.qStart[n]!; j < net.qStart[n + 1]!; j++) {
        if ((this.sel[net.qItems[j]!] === 1) !== j - net.qStart[n]! < this.plen[n]!) return `node ${n}: selection is not the prefix of length ${this.plen[n]}`;
      }
    }
    return null;
  }
}

// ---------------------------------------------------------------------------
// The driver.

/** Ejection moves per round, and rounds without progress before stopping. */
const EJECT_BURST = 400;
const STALL_ROUNDS = 40;

interface Candidate {
  sel: Uint8Array;
  method: string;
}

/** The best selection the search found so far (float value) and how. */
class Incumbent {
  readonly best: Uint8Array;
  value = -1;
  method = '';
  constructor(m: number) {
    this.best = new Uint8Array(m);
  }
  consider(eng: LinkedEngine, method: string): boolean {
    if (eng.value > this.value) {
      this.best.set(eng.sel);
      this.value = eng.value;
      this.method = method;
      return true;
    }
    return false;
  }
}

/** solveLsm on a single-leg problem (nodes as participants with limit 0), as a selection. */
function lsmCandidate(problem: LinkedProblem, work_budget: number): Uint8Array {
  const lp: LsmProblem = {
    participants: problem.capacities.map((c, n) => ({ id: `n${n}`, balance: c, limit: 0n })),
    payments: problem.items.map((it, k) => ({
      id: String(k),
      from: `n${it.legs[0]!.from}`,
      to: `n${it.legs[0]!.to}`,
      amount: it.legs[0]!.amount,
      priority: 0,
    })),
    fifo: problem.fifo,
  };
  const sel = new Uint8Array(problem.items.length);
  for (const id of solveLsm(lp, { work_budget }).settled) sel[Number(id)] = 1;
  return sel;
}

function toLinkedSolution(problem: LinkedProblem, net: Net, cand: Candidate): LinkedSolution {
  const why = linkedViolation(net, cand.sel);
  if (why !== null) throw new Error(`lsm_linked: postcondition failed (${cand.method}): ${why}`);
  const settled: string[] = [];
  for (let k = 0; k < net.m; k++) if (cand.sel[k] === 1) settled.push(problem.items[k]!.id);
  return { settled, settled_weight: exactWeight(net, cand.sel), method: cand.method };
}

/** The candidate of the highest exact weight; the first of equals. */
function bestOf(net: Net, cands: readonly Candidate[]): Candidate {
  let top = cands[0]!;
  let topW = -1n;
  for (const c of cands) {
    const w = exactWeight(net, c.sel);
    if (w > topW) {
      top = c;
      topW = w;
    }
  }
  return top;
}

/** The boolean options of solveLinked (each default on). */
const BOOLEAN_OPTIONS = [
  'small_moves',
  'chain_repair_weights',
  'short_repair',
  'lp_start',
  'lp_dive',
  'lp_repair',
  'lp_paths',
  'lp_split',
  'dive_keep_whole',
  'region_exact',
  'region_gap',
  'region_chunks',
  'region_pairs',
  'region_rounds',
  'region_induced',
  'region_restart',
  'region_triples',
  'triple_restart',
  'wide_regions',
  'perturbed_restarts',
] as const;

/** Throws ClearingInputError on an option of the wrong type. */
function checkOptions(options: LinkedOptions): void {
  const asked = options.work_budget;
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 0)) throw new ClearingInputError('options.work_budget', 'must be an integer >= 0');
  if (options.neighbourhood_moves !== undefined && typeof options.neighbourhood_moves !== 'boolean') {
    throw new ClearingInputError('options.neighbourhood_moves', 'must be a boolean');
  }
  for (const key of BOOLEAN_OPTIONS) {
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new ClearingInputError(`options.${key}`, 'must be a boolean');
  }
}

/** Which of the later phases run (laterPhases). */
interface LaterOn {
  shortRepair: boolean;
  lpStart: boolean;
  lpDive: boolean;
  keepWhole: boolean;
  lpRepair: boolean;
  lpPaths: boolean;
  regionExact: boolean;
  regionGap: boolean;
  regionChunks: boolean;
  regionPairs: boolean;
  regionRounds: boolean;
  regionInduced: boolean;
  regionRestart: boolean;
  regionTriples: boolean;
  tripleRestart: boolean;
  wideRegions: boolean;
  perturbedRestarts: boolean;
}

function laterOn(options: LinkedOptions, shortRepair: boolean): LaterOn {
  // Rules 7 runs on top of rules 6's search, rules 8 on top of rules 7's, and so on: each promises to release at least as much.
  const lpStart = shortRepair && options.lp_start !== false;
  const lpDive = lpStart && options.lp_dive !== false;
  const lpRepair = lpDive && options.lp_repair !== false;
  const lpPaths = lpRepair && options.lp_paths !== false;
  const keepWhole = options.dive_keep_whole !== false;
  // Rules 13 on top of rules 12 (and 10, whose phases rules 12 repeats).
  const regionExact = lpPaths && keepWhole && options.region_exact !== false;
  // Rules 14 on top of rules 13.
  const regionGap = regionExact && options.region_gap !== false;
  // Rules 15 on top of rules 14.
  const regionChunks = regionGap && options.region_chunks !== false;
  // Rules 16 on top of rules 15.
  const regionPairs = regionChunks && options.region_pairs !== false;
  // Rules 17 on top of rules 16.
  const regionRounds = regionPairs && options.region_rounds !== false;
  // Rules 18 on top of rules 17.
  const regionInduced = regionRounds && options.region_induced !== false;
  // Rules 19 on top of rules 18.
  const regionRestart = regionInduced && options.region_restart !== false;
  // Rules 20 on top of rules 19.
  const regionTriples = regionRestart && options.region_triples !== false;
  // Rules 21 (small runs) on top of rules 20.
  const tripleRestart = regionTriples && options.triple_restart !== false;
  // Rules 21 on top of rules 20.
  const wideRegions = regionTriples && options.wide_regions !== false;
  // Rules 22 (small runs) on top of rules 21's triple restart.
  const perturbedRestarts = tripleRestart && options.perturbed_restarts !== false;
  return {
    shortRepair,
    lpStart,
    lpDive,
    keepWhole,
    lpRepair,
    lpPaths,
    regionExact,
    regionGap,
    regionChunks,
    regionPairs,
    regionRounds,
    regionInduced,
    regionRestart,
    regionTriples,
    tripleRestart,
    wideRegions,
    perturbedRestarts,
  };
}

export function solveLinked(problem: LinkedProblem, options: LinkedOptions = {}): LinkedSolution {
  checkOptions(options);
  const asked = options.work_budget;
  const net = compileLinked(problem);
  const budget = asked ?? linkedWorkBudget(net.nodes, net.m);
  const cands: Candidate[] = [{ sel: fifoRtgsLinked(net), method: 'fifo_rtgs' }];
  if (cands[0]!.sel.every((x) => x === 1)) return toLinkedSolution(problem, net, cands[0]!);
  // The cycle and neighbourhood moves run last with a budget of their own (see NEIGHBOURHOOD_SHARE).
  const small = net.m <= EXACT_ITEMS_MAX;
  const smallMoves = small && options.small_moves !== false && options.neighbourhood_moves !== false;
  const repairWeights = options.chain_repair_weights === false ? [1] : CHAIN_REPAIR_WEIGHTS_V5;
  const shortRepair = options.short_repair !== false && options.neighbourhood_moves !== false;
  const later = laterOn(options, shortRepair);
  const lns = new Work(
    !small && options.neighbourhood_moves !== false ? Math.floor(budget * NEIGHBOURHOOD_SHARE) : smallMoves ? Math.floor(budget * SMALL_MOVES_SHARE) : 0,
  );
  let searchBudget = budget;
  if (net.singleLeg) {
    const share = linkedLsmBudget(budget, net.m);
    cands.push({ sel: lsmCandidate(problem, share), method: 'lsm' });
    searchBudget -= share;
  }
  const work = new Work(searchBudget);
  const eng = new LinkedEngine(net, work, new Rng(0x11a7ed));
  const inc = new Incumbent(net.m);
  if (net.singleLeg && net.m > EXACT_ITEMS_MAX) {
    // solveLsm ran the same starts (removal from everything, greedy re-insertion, LP-guided ones) and the search:
    // repeating them here doubled the time and, on the benchmark, never settled more. Its result, re-filled.
    eng.load(cands[1]!.sel);
    eng.fill();
    inc.consider(eng, 'lsm+fill');
    const afterChains = neighbourhoodPhase(net, eng, lns, inc, repairWeights);
    const found = bestOf(net, [{ sel: inc.best, method: inc.method }, ...cands]);
    const r12 = laterPhases(net, eng, budget, inc, found, afterChains, later, options.lp_split !== false);
    return toLinkedSolution(problem, net, regionPhases(problem, net, eng, budget, inc, r12, later, options));
  }
  eng.load(new Uint8Array(net.m).fill(1));
  eng.repair(null, 1, 0);
  eng.fill();
  inc.consider(eng, 'removal+fill');
  for (const c of cands) {
    eng.load(c.sel);
    eng.fill();
    inc.consider(eng, `${c.method}+fill`);
  }
  eng.load(new Uint8Array(net.m));
  eng.fill();
  inc.consider(eng, 'greedy');
  const prices = lagrangianPrices(net, work, inc.value, PRICE_ITERATIONS);
  priceStarts(net, eng, inc, prices);
  // On payments alone, solveLsm (a candidate) searched already; the search here is for linked items and small problems.
  // Small problems (rules 5): the moves first, so the exact search starts from their incumbent.
  let afterChains: Uint8Array | null = null;
  if (smallMoves) afterChains = neighbourhoodPhase(net, eng, lns, inc, repairWeights, true);
  const proven = exactSmall(net, work, inc, prices);
  if (!proven && (!net.singleLeg || small)) searchLinked(net, eng, work, inc);
  if (!small) afterChains = neighbourhoodPhase(net, eng, lns, inc, repairWeights);
  if (!net.floatExact) exactRepairLinked(net, inc.best);
  const found = bestOf(net, [{ sel: inc.best, method: inc.method }, ...cands]);
  if (!shortRepair || proven) return toLinkedSolution(problem, net, found);
  const r12 = laterPhases(net, eng, budget, inc, found, afterChains, later, options.lp_split !== false);
  return toLinkedSolution(problem, net, regionPhases(problem, net, eng, budget, inc, r12, later, options));
}

/** Rules 13's phase on rules 12's result, then rules 14's on rules 13's, then rules 15's on rules 14's, as far as `on` says. */
function regionPhases(
  problem: LinkedProblem,
  net: Net,
  eng: LinkedEngine,
  budget: number,
  inc: Incumbent,
  r12: Candidate,
  on: LaterOn,
  options: LinkedOptions,
): Candidate {
  if (!on.regionExact) return r12;
  const r13 = regionExactPhase(problem, net, eng, budget, inc, r12, undefined);
  if (!on.regionGap) return r13;
  const r14 = regionExactPhase(problem, net, eng, budget, inc, r13, REGION_GAP_SHARE);
  if (!on.regionChunks) return r14;
  const r15 = regionChunkPhase(problem, net, eng, budget, inc, r14);
  if (!on.regionPairs) return r15;
  const r18 = regionPairPhase(problem, net, eng, budget, inc, r12, r15, on.regionRounds, on.regionInduced);
  if (!on.regionRestart) return r18;
  const r19 = regionRestartPhase(problem, net, eng, budget, inc, r18, options);
  if (!on.regionTriples) return r19;
  const r20 = regionTriplePhase(problem, net, eng, budget, inc, r19);
  const r21 = on.tripleRestart ? tripleRestartPhase(problem, net, eng, budget, inc, r20) : r20;
  const r22 = on.perturbedRestarts ? perturbedRestartPhase(problem, net, eng, budget, inc, r21) : r21;
  return on.wideRegions ? wideRegionPhase(problem, net, eng, budget, inc, r22) : r22;
}

/**
 * Each node's participant (participantsOf: nodes joined by a two-leg item's legs are one participant) and how many
 * participants the run has; the exact region phases' common start.
 */
function runParticipants(problem: LinkedProblem, net: Net): { units: Int32Array; count: number } {
  const units = participantsOf(
    net.nodes,
    problem.items.map((it) => it.legs),
  );
  let count = 0;
  for (let n = 0; n < net.nodes; n++) count = Math.max(count, units[n]! + 1);
  return { units, count };
}

/**
 * A small run's participants (runParticipants), or null when the run is not small: rules 20-22's triple phases run
 * only on runs not FIFO, with floats exact, at most TRIPLE_ITEMS_MAX items and 3 to TRIPLE_UNITS_MAX participants.
 */
function smallRunParticipants(problem: LinkedProblem, net: Net): { units: Int32Array; count: number } | null {
  if (net.fifo || !net.floatExact || net.m > TRIPLE_ITEMS_MAX) return null;
  const run = runParticipants(problem, net);
  return run.count < 3 || run.count > TRIPLE_UNITS_MAX ? null : run;
}

/**
 * Rules 21 on small runs (option triple_restart), on rules 20's runs (at most TRIPLE_UNITS_MAX participants and
 * TRIPLE_ITEMS_MAX items, not FIFO, floats exact): from rules 20's result `r20` less every item at the
 * TRIPLE_RESTART_DROP participants with the most unsettled weight (dropBusiestParticipants), repaired, every triple
 * re-chosen again (exactTriples) to another local optimum; then the items where it and `r20` differ re-chosen
 * exactly (exactCross), within TRIPLE_RESTART_BUDGET_FACTOR times the budget; re-filled. Returns `r20` unless
 * strictly heavier by exact weight, so it never releases less than rules 20.
 */
function tripleRestartPhase(problem: LinkedProblem, net: Net, eng: LinkedEngine, budget: number, inc: Incumbent, r20: Candidate): Candidate {
  const small = smallRunParticipants(problem, net);
  if (small === null) return r20;
  const { units, count } = small;
  const floor = exactWeight(net, r20.sel);
  const work = new Work(Math.min(budget * TRIPLE_RESTART_BUDGET_FACTOR, TRIPLE_STEPS_MAX));
  const other = r20.sel.slice();
  dropBusiestParticipants(net, units, count, other, TRIPLE_RESTART_DROP, work);
  exactRepairLinked(net, other);
  exactTriples(net, units, other, { steps_max: work.max, region_steps_max: TRIPLE_REGION_STEPS_MAX, passes_max: TRIPLE_PASSES_MAX }, work);
  const sel = exactCross(net, r20.sel, other, TRIPLE_RESTART_CROSS_STEPS_MAX, work);
  return keepIfHeavier(net, eng, inc, r20, floor, sel, 'triple_restart');
}

/**
 * Rules 22 on small runs (option perturbed_restarts), on rules 20's runs (at most TRIPLE_UNITS_MAX participants and
 * TRIPLE_ITEMS_MAX items, not FIFO, floats exact): from rules 21's result `r21`, PERTURBED_LIMITS.rounds restarts of
 * the triple search on weights perturbed by a fixed seed, each other local optimum's differences with the best
 * re-chosen exactly under the true weights (perturbedTripleRestarts), within PERTURBED_BUDGET_FACTOR times the
 * budget (at most PERTURBED_STEPS_MAX); re-filled. Returns `r21` unless strictly heavier by exact weight, so rules 22
 * never releases less than rules 21.
 */
function perturbedRestartPhase(problem: LinkedProblem, net: Net, eng: LinkedEngine, budget: number, inc: Incumbent, r21: Candidate): Candidate {
  const small = smallRunParticipants(problem, net);
  if (small === null) return r21;
  const { units } = small;
  const floor = exactWeight(net, r21.sel);
  const work = new Work(Math.min(budget * PERTURBED_BUDGET_FACTOR, PERTURBED_STEPS_MAX));
  const sel = perturbedTripleRestarts(net, units, r21.sel, PERTURBED_LIMITS, work);
  return keepIfHeavier(net, eng, inc, r21, floor, sel, 'perturbed_restarts');
}

/**
 * Rules 21 (option wide_regions), on runs of payments only (one leg each) with more than TRIPLE_UNITS_MAX
 * participants, not FIFO, floats exact: from rules 20's result `r20`, every pair of participants re-chosen exactly in
 * the rounds of a round robin (exactPairs' `rounds`, REGION_PAIRS_REGION_STEPS_MAX a region) on WIDE_PAIRS_SHARE of
 * the work, then regions induced by sets of participants (the payments among them only) grown around each unsettled
 * payment, heaviest first, each re-chosen exactly (exactInduced, WIDE_INDUCED_LIMITS), on the rest; the work
 * WIDE_BUDGET_FACTOR times the budget (at most WIDE_STEPS_MAX); re-filled. Rules 16-19's phases run on runs with
 * PvP trades only and rules 20's on runs of at most TRIPLE_UNITS_MAX participants, so on wide payment runs rules
 * 15's pair and chunk regions were the last exact moves. Returns `r20` unless strictly heavier by exact weight, so
 * rules 21 never releases less than rules 20.
 */
function wideRegionPhase(problem: LinkedProblem, net: Net, eng: LinkedEngine, budget: number, inc: Incumbent, r20: Candidate): Candidate {
  if (net.fifo || !net.floatExact || !net.singleLeg) return r20;
  const { units, count } = runParticipants(problem, net);
  if (count <= TRIPLE_UNITS_MAX) return r20;
  const floor = exactWeight(net, r20.sel);
  const sel = r20.sel.slice();
  const work = new Work(Math.min(budget * WIDE_BUDGET_FACTOR, WIDE_STEPS_MAX));
  // Pairs in rounds on a share of the work first, then the induced regions on the rest.
  const pairs = new Work(Math.floor(work.max * WIDE_PAIRS_SHARE));
  if (pairs.max > 0) exactPairs(net, units, sel, { steps_max: pairs.max, region_steps_max: REGION_PAIRS_REGION_STEPS_MAX, rounds: true }, pairs);
  work.steps += pairs.steps;
  exactInduced(net, units, sel, { ...WIDE_INDUCED_LIMITS, steps_max: Math.max(0, work.max - work.steps) }, work);
  return keepIfHeavier(net, eng, inc, r20, floor, sel, 'wide_regions');
}

/**
 * Rules 20 (option region_triples), on runs of at most TRIPLE_UNITS_MAX participants and TRIPLE_ITEMS_MAX items,
 * not FIFO, floats exact: from rules 19's result `r19`, every triple of participants re-chosen exactly, then the
 * triples a change touched, until a pass changes nothing (exactTriples), within TRIPLE_BUDGET_FACTOR times the
 * budget; re-filled. Returns `r19` unless strictly heavier by exact weight, so rules 20 never releases less than
 * rules 19.
 */
function regionTriplePhase(problem: LinkedProblem, net: Net, eng: LinkedEngine, budget: number, inc: Incumbent, r19: Candidate): Candidate {
  const small = smallRunParticipants(problem, net);
  if (small === null) return r19;
  const { units } = small;
  const floor = exactWeight(net, r19.sel);
  const sel = r19.sel.slice();
  const work = new Work(Math.min(budget * TRIPLE_BUDGET_FACTOR, TRIPLE_STEPS_MAX));
  exactTriples(net, units, sel, { steps_max: work.max, region_steps_max: TRIPLE_REGION_STEPS_MAX, passes_max: TRIPLE_PASSES_MAX }, work);
  return keepIfHeavier(net, eng, inc, r19, floor, sel, 'region_triples');
}

/**
 * Rules 19 (option region_restart), on runs with a two-leg item, not FIFO, floats exact: the run solved again by
 * solveLinked (rules 18's phases, this phase off) on its weights perturbed by a fixed seed (restartWeights), so
 * that its search ends in another local optimum; then the items where that choice and rules 18's `r18` differ are
 * re-chosen exactly (regionBranchAndBound, the rest of the heavier of the two fixed) within
 * REGION_RESTART_CROSS_STEPS_MAX steps. The heavier by exact weight of rules 18's, the other choice and the
 * re-chosen one is returned, `r18` unless strictly heavier, so rules 19 never releases less than rules 18. On run
 * seed 7's pvp_legs, the exact search given the items where HiGHS's choice differs reaches it (docs/benchmarks.md,
 * rules 19); another local optimum's differences are a region found without HiGHS.
 */
function regionRestartPhase(
  problem: LinkedProblem,
  net: Net,
  eng: LinkedEngine,
  budget: number,
  inc: Incumbent,
  r18: Candidate,
  options: LinkedOptions,
): Candidate {
  if (net.fifo || !net.floatExact || net.singleLeg) return r18;
  const floor = exactWeight(net, r18.sel);
  const perturbed: LinkedProblem = { ...problem, items: restartWeights(problem.items) };
  const again = solveLinked(perturbed, { ...options, work_budget: budget, region_restart: false });
  const index = new Map(problem.items.map((it, k) => [it.id, k]));
  const other = new Uint8Array(net.m);
  for (const id of again.settled) other[index.get(id)!] = 1;
  if (linkedViolation(net, other) !== null) return r18;
  const base = exactWeight(net, other) > floor ? other : r18.sel;
  const sel = base.slice();
  const items: number[] = [];
  for (let k = 0; k < net.m; k++) if (other[k] !== r18.sel[k]) items.push(k);
  if (items.length > 0) {
    const slack = exactRoom(net, net.cap, sel);
    const region = buildRegion(net, items, slack, sel);
    const start = Uint8Array.from(items, (k) => sel[k]!);
    const { best } = regionBranchAndBound(region, start, new Work(Math.min(budget * REGION_RESTART_CROSS_FACTOR, REGION_RESTART_CROSS_STEPS_MAX)), true);
    if (best !== null) for (let i = 0; i < items.length; i++) sel[items[i]!] = best[i]!;
  }
  return keepIfHeavier(net, eng, inc, r18, floor, sel, 'region_restart');
}

/** Rules 19: each item's weight times a factor in [80, 120] % (integer, at least 1), drawn in item order from a fixed seed. */
export function restartWeights(items: LinkedProblem['items']): LinkedProblem['items'] {
  const rng = new Rng(REGION_RESTART_SEED);
  return items.map((it) => {
    const w = (it.weight * BigInt(80 + rng.below(41))) / 100n;
    return { ...it, weight: w > 0n ? w : 1n };
  });
}

/**
 * Rules 16 (option region_pairs), on runs with a two-leg item (PvP trades) only: from rules 12's result `r12`,
 * every pair of participants re-chosen exactly in participant order with reduced-cost fixing (exactPairs), within
 * REGION_PAIRS_BUDGET_FACTOR times the budget (at most REGION_PAIRS_STEPS_MAX), REGION_PAIRS_REGION_STEPS_MAX a
 * region; then re-filled. Returns `r15` unless that is strictly heavier by exact weight, so rules 16 never releases
 * less than rules 15; not under FIFO, and only where floats are exact. Rules 13-15's searches (1 M steps a region,
 * most unfinished) lead to a choice that exact pair moves cannot leave (docs/benchmarks.md, "LSM rules version 16
 * not made"); from rules 12's, searches of 10 M steps compound. Rules 17 (`rounds`): then, from rules 16's result,
 * every pair again in rounds (exactPairs' `rounds`) within REGION_ROUNDS_BUDGET_FACTOR times the budget, and
 * swapSearch; returned only when strictly heavier by exact weight than rules 16's result, so rules 17 never releases
 * less than rules 16. Rules 18 (`induced`): then, from rules 17's result, exactInduced within
 * REGION_INDUCED_BUDGET_FACTOR times the budget; returned only when strictly heavier by exact weight than rules 17's
 * result, so rules 18 never releases less than rules 17.
 */
function regionPairPhase(
  problem: LinkedProblem,
  net: Net,
  eng: LinkedEngine,
  budget: number,
  inc: Incumbent,
  r12: Candidate,
  r15: Candidate,
  rounds: boolean,
  induced: boolean,
): Candidate {
  if (net.fifo || !net.floatExact || net.singleLeg) return r15;
  const floor = exactWeight(net, r15.sel);
  const { units } = runParticipants(problem, net);
  const sel = r12.sel.slice();
  const work = new Work(Math.min(budget * REGION_PAIRS_BUDGET_FACTOR, REGION_PAIRS_STEPS_MAX));
  exactPairs(net, units, sel, { steps_max: work.max, region_steps_max: REGION_PAIRS_REGION_STEPS_MAX }, work);
  const r16 = keepIfHeavier(net, eng, inc, r15, floor, sel, 'region_pairs');
  if (!rounds) return r16;
  // Rules 17: from rules 16's result, every pair again in rounds, then swaps; kept only when strictly heavier.
  const floor16 = exactWeight(net, r16.sel);
  const sel17 = r16.sel.slice();
  const work17 = new Work(Math.min(budget * REGION_ROUNDS_BUDGET_FACTOR, REGION_ROUNDS_STEPS_MAX));
  exactPairs(net, units, sel17, { steps_max: work17.max, region_steps_max: REGION_PAIRS_REGION_STEPS_MAX, rounds: true }, work17);
  swapSearch(net, sel17, new Work(Math.min(budget * SWAP_BUDGET_FACTOR, SWAP_STEPS_MAX)));
  const r17 = keepIfHeavier(net, eng, inc, r16, floor16, sel17, 'region_rounds');
  if (!induced) return r17;
  // Rules 18: from rules 17's result, regions induced by participant sets grown around unsettled trades.
  const floor17 = exactWeight(net, r17.sel);
  const sel18 = r17.sel.slice();
  const work18 = new Work(Math.min(budget * REGION_INDUCED_BUDGET_FACTOR, REGION_INDUCED_STEPS_MAX));
  exactInduced(net, units, sel18, { ...REGION_INDUCED_LIMITS, steps_max: work18.max }, work18);
  return keepIfHeavier(net, eng, inc, r17, floor17, sel18, 'region_induced');
}

/**
 * Rules 15 (option region_chunks): the pairs over a chunk's items of
 * `found` re-chosen exactly on chunks (exactChunks), within
 * REGION_CHUNK_BUDGET_FACTOR times the budget (at most
 * REGION_CHUNK_STEPS_MAX), then re-filled. Returns `found` unless that is
 * strictly heavier by exact weight; not under FIFO, and only where floats are exact.
 */
function regionChunkPhase(problem: LinkedProblem, net: Net, eng: LinkedEngine, budget: number, inc: Incumbent, found: Candidate): Candidate {
  if (net.fifo || !net.floatExact) return found;
  const floor = exactWeight(net, found.sel);
  const work = new Work(Math.min(budget * REGION_CHUNK_BUDGET_FACTOR, REGION_CHUNK_STEPS_MAX));
  const { units } = runParticipants(problem, net);
  const sel = found.sel.slice();
  // Each chunk size an equal share of the work, largest first (passes after the first only around what changed).
  REGION_CHUNK_SIZES.forEach((size, i) => {
    const end = Math.floor((work.max * (i + 1)) / REGION_CHUNK_SIZES.length);
    let dirty: Uint8Array | null = null;
    for (let pass = 0; pass < REGION_CHUNK_PASSES && work.steps <= end; pass++) {
      const limits = { steps_max: end - work.steps, region_steps_max: REGION_STEPS_MAX, root_steps_max: REGION_CHUNK_ROOT_STEPS_MAX, chunk_items: size };
      dirty = exactChunks(net, units, sel, limits, work, dirty);
      if (!dirty.includes(1)) break;
    }
  });
  return keepIfHeavier(net, eng, inc, found, floor, sel, 'region_chunks');
}

/**
 * The end of rules 13-15's phases: `sel` re-filled (kept unfilled if the fill
 * breaks a link), and taken as the incumbent only when strictly heavier by exact
 * weight than `found` (whose exact weight is `floor`); else `found`.
 */
function keepIfHeavier(net: Net, eng: LinkedEngine, inc: Incumbent, found: Candidate, floor: bigint, sel: Uint8Array, method: string): Candidate {
  eng.load(sel);
  eng.fill();
  const out = linkedViolation(net, eng.sel) === null ? eng.sel.slice() : sel;
  const weight = exactWeight(net, out);
  if (weight <= floor) return found;
  inc.best.set(out);
  inc.value = Number(weight);
  inc.method = method;
  return { sel: out, method };
}

/**
 * Rules 13 (option region_exact): two-participant regions of `found` re-chosen
 * exactly (lsm_region_exact.ts), within REGION_EXACT_BUDGET_FACTOR times the
 * budget (at most REGION_EXACT_STEPS_MAX), then re-filled. Returns `found`
 * unless that is strictly heavier by exact weight; not under FIFO, and only
 * where floats are exact. Rules 14 (option region_gap, `gapShare` given):
 * the same from rules 13's result, the pairs by root gap (exactRegions'
 * gap_share), within REGION_GAP_BUDGET_FACTOR times the budget.
 */
function regionExactPhase(
  problem: LinkedProblem,
  net: Net,
  eng: LinkedEngine,
  budget: number,
  inc: Incumbent,
  found: Candidate,
  gapShare: number | undefined,
): Candidate {
  if (net.fifo || !net.floatExact) return found;
  const floor = exactWeight(net, found.sel);
  const factor = gapShare === undefined ? REGION_EXACT_BUDGET_FACTOR : REGION_GAP_BUDGET_FACTOR;
  const work = new Work(Math.min(budget * factor, REGION_EXACT_STEPS_MAX));
  const { units } = runParticipants(problem, net);
  const sel = found.sel.slice();
  for (let pass = 0; pass < REGION_EXACT_PASSES && !work.exhausted; pass++) {
    const limits = { steps_max: work.max - work.steps, region_steps_max: REGION_STEPS_MAX, gap_share: gapShare };
    if (exactRegions(net, units, sel, limits, work) === 0) break;
  }
  return keepIfHeavier(net, eng, inc, found, floor, sel, gapShare === undefined ? 'region_exact' : 'region_gap');
}

/** Rules 6's phase on `found`, then rules 7's on its result, then rules 8's on that, then rules 9's, as far as `on` says; each keeps what it was given unless it finds strictly more. */
function laterPhases(
  net: Net,
  eng: LinkedEngine,
  budget: number,
  inc: Incumbent,
  found: Candidate,
  afterChains: Uint8Array | null,
  on: LaterOn,
  split: boolean,
): Candidate {
  const r6 = on.shortRepair ? shortRepairPhase(net, eng, budget, inc, found, afterChains) : found;
  const r7 = on.lpStart ? lpStartPhase(net, eng, budget, inc, r6) : r6;
  if (!on.lpDive) return r7;
  const points: LpPoints = { lp: null, dive: null, done: true };
  const r8 = lpStartPhase(net, eng, budget, inc, r7, true, points);
  const r9 = on.lpRepair ? lpRepairPhase(net, eng, budget, inc, r8, points) : r8;
  if (!on.lpPaths) return r9;
  // Rules 11 (option lp_split) on top of rules 10: the selections rules 10's paths left, split.
  const left: Uint8Array[] | null = split ? [] : null;
  const r10 = lpPathsPhase(net, eng, budget, inc, r9, points.dive, left);
  const r11 = left === null ? r10 : lpSplitPhase(net, eng, budget, inc, r10, left);
  if (!on.keepWhole || left === null || points.lp === null || points.done) return r11;
  // Rules 12 (option dive_keep_whole): rules 8's dive ran out of work; a second dive keeping what its point settles
  // whole, from rules 11's choice, and rules 8-11's phases on its points, each keeping what it is given unless strictly more.
  const again: LpPoints = { lp: null, dive: null, done: true };
  const q8 = lpStartPhase(net, eng, budget, inc, r11, true, again, true);
  const q9 = on.lpRepair ? lpRepairPhase(net, eng, budget, inc, q8, again) : q8;
  const left12: Uint8Array[] = [];
  const q10 = lpPathsPhase(net, eng, budget, inc, q9, again.dive, left12);
  return lpSplitPhase(net, eng, budget, inc, q10, left12);
}

/**
 * Exact neighbourhood moves (lsm_neighbourhood.ts) from the best selection; not under FIFO, and only where floats are exact.
 * Returns the selection chain removal left (nodes still short), or null when it removed nothing or did not run.
 */
function neighbourhoodPhase(net: Net, eng: LinkedEngine, work: Work, inc: Incumbent, weights: readonly number[], everyStart = false): Uint8Array | null {
  if (net.fifo || !net.floatExact || work.max === 0) return null;
  const { starts, afterChains } = chainRemovalStart(net, eng, work, inc, weights);
  movesFrom(net, eng, work, inc, inc.best.slice());
  // Small problems (rules 5): the moves also from each start of chain removal; which start leads them to the
  // optimum varies from one gridlock to the next, and on a few dozen items they cost little.
  if (everyStart) for (const sel of starts) if (!work.exhausted) movesFrom(net, eng, work, inc, sel);
  return afterChains;
}

/**
 * A phase's end: nothing above `floor` keeps `found`; else the moves from the
 * phase's best, and the best (when still above `floor`) becomes the run's incumbent.
 */
function finishPhase(net: Net, eng: LinkedEngine, work: Work, inc: Incumbent, best: Incumbent, floor: bigint, found: Candidate): Candidate {
  if (exactWeight(net, best.best) <= floor) return found;
  if (!work.exhausted) movesFrom(net, eng, work, best, best.best.slice());
  if (exactWeight(net, best.best) <= floor) return found;
  inc.best.set(best.best);
  inc.value = best.value;
  inc.method = best.method;
  return { sel: best.best, method: best.method };
}

/** An incumbent holding `found`, and its exact weight: each later phase keeps `found` unless it finds strictly more. */
function incumbentOf(net: Net, found: Candidate): { floor: bigint; best: Incumbent } {
  const floor = exactWeight(net, found.sel);
  const best = new Incumbent(net.m);
  best.best.set(found.sel);
  best.value = Number(floor);
  best.method = found.method;
  return { floor, best };
}

/**
 * Rules 6 (option short_repair): after everything above, with a budget of its
 * own, the exact repair of short nodes (lsm_short_repair.ts) as a start (from
 * what chain removal left, or from everything) and as a move from the best
 * (settle an unsettled item, heaviest first, make the nodes it leaves short
 * whole exactly, kept when the value rose), then the cycle and neighbourhood
 * moves from the result when it improved. Returns `found` (what the search
 * without this phase returns) unless the phase found strictly more, by exact
 * weight; not under FIFO, and only where floats are exact.
 */
function shortRepairPhase(net: Net, eng: LinkedEngine, budget: number, inc: Incumbent, found: Candidate, afterChains: Uint8Array | null): Candidate {
  const work = new Work(Math.floor(budget * SHORT_REPAIR_SHARE));
  if (net.fifo || !net.floatExact || work.max === 0) return found;
  const { floor, best } = incumbentOf(net, found);
  const rep = new ShortRepair(net);
  // The start: what chain removal left short (or everything), made whole by exact re-choices, then the removal rule for the rest.
  const start = afterChains !== null ? afterChains.slice() : new Uint8Array(net.m).fill(1);
  const slack = slackOf(net, start);
  rep.repairAll(start, slack, work, null, null);
  eng.load(start);
  eng.repair(null, 1, 0);
  eng.fill();
  best.consider(eng, 'short_repair');
  // Deeper cascades: one removal at a time, chain removal again after each, with each weight on the cascade.
  for (const w of SHORT_REPAIR_CASCADE_WEIGHTS) {
    if (work.exhausted) break;
    const sel = start.slice();
    const sl = slack.slice();
    const share = new Work(Math.floor(work.max / (SHORT_REPAIR_CASCADE_WEIGHTS.length + 1)));
    cascadeWithChains(net, sel, sl, share, new Rng(0xca5c), w);
    work.steps += share.steps;
    eng.load(sel);
    eng.repair(null, w, 0);
    eng.fill();
    best.consider(eng, 'short_repair+chains');
  }
  // The move, from the best of both.
  if (insertWithRepair(net, rep, eng, work, best)) movesFrom(net, eng, work, best, best.best.slice());
  if (exactWeight(net, best.best) <= floor) return found;
  inc.best.set(best.best);
  inc.value = best.value;
  inc.method = best.method;
  return { sel: best.best, method: best.method };
}

/**
 * Rules 7 (option lp_start): after everything above, with a budget of its own,
 * starts from the LP relaxation solved exactly (lsm_lp.ts; runs of at most
 * LP_NODES_MAX nodes): the items it settles whole, and those plus the ones it
 * settles in part, each made whole by the exact repair of short nodes, then the
 * removal rule at the exact duals' prices, and re-filled; the duals' own price
 * starts; then the cycle and neighbourhood moves and the insertion move with
 * exact repair from the best. Returns `found` (rules 6's choice) unless the
 * phase found strictly more, by exact weight; not under FIFO, and only where
 * floats are exact. With `v8` (rules 8, option lp_dive; `found` is then rules
 * 7's choice): the relaxation by the bounded simplex from `found` on runs of up
 * to LP_NODES_MAX_V8 nodes, and the dive's point as two more starts, first.
 */
function lpStartPhase(
  net: Net,
  eng: LinkedEngine,
  budget: number,
  inc: Incumbent,
  found: Candidate,
  v8 = false,
  points: LpPoints | null = null,
  keepWhole = false,
): Candidate {
  const work = new Work(Math.floor(budget * LP_START_SHARE));
  if (net.fifo || !net.floatExact || work.max === 0) return found;
  // Beyond LP_NODES_MAX nodes (the simplex's dense basis): the insertion move repaired by residual chains alone, heaviest first.
  if (!v8 && net.nodes > LP_NODES_MAX) return residualInsertion(net, eng, work, found);
  const relaxed: LpPoints = v8 ? divedRelaxation(net, found.sel, budget, keepWhole) : { lp: solveLpRelaxation(net, net.capF, work), dive: null, done: false };
  const lp = relaxed.lp;
  if (lp === null) return found;
  if (points !== null) Object.assign(points, relaxed);
  const { floor, best } = incumbentOf(net, found);
  const rep = new ShortRepair(net);
  const resid = new ResidualChains(net);
  const reduced = new Float64Array(net.m);
  for (let k = 0; k < net.m; k++) {
    let r = net.weightF[k]!;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) r += lp.price[net.effNode[e]!]! * net.effF[e]!;
    reduced[k] = r;
  }
  const price = eng.price.slice();
  const beta = eng.beta;
  const sources: Array<[LpRelaxation, 'whole' | 'rounded' | 'part', string]> = [
    [lp, 'whole', 'whole'],
    [lp, 'rounded', 'rounded'],
    [lp, 'part', 'part'],
  ];
  // Rules 8: the dive's point first, as it stands and rounded where that lowers the shortfalls.
  if (relaxed.dive !== null) sources.unshift([relaxed.dive, 'whole', 'dive'], [relaxed.dive, 'rounded', 'dive+rounded']);
  for (const [from, mode, name] of sources) {
    if (work.exhausted) break;
    lpStart(net, eng, work, rep, resid, from, mode, lp.price);
    best.consider(eng, `lp(${name})`);
  }
  priceStarts(net, eng, best, { price: lp.price, reduced, bound: lp.value });
  // Augmenting moves from the best: settle a payment the relaxation values (reduced weight first), chain-repair its payer.
  {
    const order = Int32Array.from({ length: net.m }, (_, k) => k).sort((a, b) => reduced[b]! - reduced[a]! || a - b);
    const sel = best.best.slice();
    const slack = slackOf(net, sel);
    const iw = new Work(Math.floor(work.max / 4));
    if (resid.insertAll(order, sel, slack, iw)) {
      eng.load(sel);
      eng.fill();
      best.consider(eng, 'lp+residual');
    }
    work.steps += iw.steps;
  }
  eng.price.set(price);
  eng.beta = beta;
  if (!work.exhausted) movesFrom(net, eng, work, best, best.best.slice());
  if (!work.exhausted) insertWithRepair(net, rep, eng, work, best);
  if (exactWeight(net, best.best) <= floor) return found;
  inc.best.set(best.best);
  inc.value = best.value;
  inc.method = best.method;
  return { sel: best.best, method: best.method };
}

/** Rules 9: the points rules 8's phase reached (the relaxation's, the dive's), null where it did not get there. */
interface LpPoints {
  lp: LpRelaxation | null;
  dive: LpRelaxation | null;
  /** Whether the dive got to its end (false: it ran out of work). */
  done: boolean;
}

/**
 * Rules 9 (option lp_repair): after rules 8's phase, with a budget of its own
 * (LP_REPAIR_SHARE), the dive's point and the relaxation's, each rounded (the
 * items it settles whole; those plus the ones it settles at least half) and
 * made whole by targeted removals at the short nodes only (lsm_lp_repair.ts,
 * each payee price), checked exactly, re-filled; then the moves from the best.
 * Returns `found` (rules 8's choice) unless this found strictly more, by exact
 * weight; so rules 9 never settles less than rules 8.
 */
function lpRepairPhase(net: Net, eng: LinkedEngine, budget: number, inc: Incumbent, found: Candidate, points: LpPoints): Candidate {
  const work = new Work(Math.floor(budget * LP_REPAIR_SHARE));
  if (net.fifo || !net.floatExact || work.max === 0) return found;
  const { floor, best } = incumbentOf(net, found);
  const sources: Array<[LpRelaxation | null, string]> = [
    [points.dive, 'dive'],
    [points.lp, 'lp'],
  ];
  for (const [from, name] of sources) {
    if (from === null) continue;
    for (const threshold of LP_REPAIR_THRESHOLDS) {
      for (const w of LP_REPAIR_PAYEE_WEIGHTS) {
        if (work.exhausted) break;
        const sel = repairLpPoint(net, net.capF, from.x, threshold, w, work, LP_REPAIR_VALUE_MIN * best.value);
        if (sel === null || linkedViolation(net, sel) !== null) continue;
        eng.load(sel);
        eng.fill();
        best.consider(eng, `lp_repair(${name})`);
      }
    }
  }
  return finishPhase(net, eng, work, inc, best, floor, found);
}

/**
 * Rules 10 (option lp_paths): after rules 9's phase, with a budget of its own
 * (LP_PATHS_SHARE), the dive's point rounded (whole items; items at least half
 * settled), each node that leaves short made whole by whole-item paths to the
 * nodes with room (lsm_lp_paths.ts), then as a start of rules 7's (the exact
 * repair, residual chains and the removal rule for what the paths left short),
 * re-filled; then the moves from the best. Returns `found` (rules 9's choice)
 * unless this found strictly more, by exact weight; so rules 10 never settles
 * less than rules 9.
 */
function lpPathsPhase(
  net: Net,
  eng: LinkedEngine,
  budget: number,
  inc: Incumbent,
  found: Candidate,
  dive: LpRelaxation | null,
  left: Uint8Array[] | null,
): Candidate {
  const work = new Work(Math.floor(budget * LP_PATHS_SHARE));
  if (net.fifo || !net.floatExact || work.max === 0 || dive === null) return found;
  const { floor, best } = incumbentOf(net, found);
  const rep = new ShortRepair(net);
  const resid = new ResidualChains(net);
  for (const threshold of LP_PATHS_THRESHOLDS) {
    if (work.exhausted) break;
    const stopped = left === null ? undefined : (part: Uint8Array): void => void left.push(part);
    const sel = repairByPaths(net, net.capF, dive.x, threshold, LP_PATHS_LABELS, work, LP_REPAIR_VALUE_MIN * best.value, stopped);
    if (sel === null) continue;
    // Rules 11: what the paths left (before rules 7's repairs), for the split.
    if (left !== null) left.push(sel.slice());
    lpStart(net, eng, work, rep, resid, { x: Float64Array.from(sel), price: dive.price, value: 0 }, 'whole', dive.price);
    best.consider(eng, 'lp_paths');
  }
  return finishPhase(net, eng, work, inc, best, floor, found);
}

/**
 * Rules 11 (option lp_split): after rules 10's phase, with a budget of its own
 * (LP_SPLIT_SHARE), each selection rules 10's paths left with nodes short,
 * those nodes covered by sets of whole-item changes over many neighbours, a
 * level deeper where a neighbour lacks the room (lsm_lp_split.ts); a result
 * that leaves no node short is checked exactly, re-filled; then the moves from
 * the best. Returns `found` (rules 10's choice) unless this found strictly
 * more, by exact weight; so rules 11 never settles less than rules 10.
 */
function lpSplitPhase(net: Net, eng: LinkedEngine, budget: number, inc: Incumbent, found: Candidate, left: readonly Uint8Array[]): Candidate {
  const work = new Work(Math.floor(budget * LP_SPLIT_SHARE));
  if (net.fifo || !net.floatExact || work.max === 0 || left.length === 0) return found;
  const { floor, best } = incumbentOf(net, found);
  for (const start of left) {
    if (work.exhausted) break;
    let sel = repairBySplit(net, net.capF, start, LP_SPLIT_DEPTHS, work, LP_REPAIR_VALUE_MIN * best.value);
    // Where that fails, once more with each level allowed to take back from the node above it (PvP trades' two accounts).
    if (sel === null && !work.exhausted) sel = repairBySplit(net, net.capF, start, LP_SPLIT_DEPTHS, work, LP_REPAIR_VALUE_MIN * best.value, true);
    if (sel === null || linkedViolation(net, sel) !== null) continue;
    eng.load(sel);
    eng.fill();
    best.consider(eng, 'lp_split');
  }
  return finishPhase(net, eng, work, inc, best, floor, found);
}

/**
 * One start of the LP phase (rules 7, and rules 8's dive): the items `from`
 * settles whole ('part': at all; 'rounded': whole, plus the ones it settles in
 * part where that lowers the shortfalls), made whole by the exact repair,
 * residual chains, the cascade and the removal rule at the relaxation's prices,
 * re-filled; left loaded in `eng`.
 */
function lpStart(
  net: Net,
  eng: LinkedEngine,
  work: Work,
  rep: ShortRepair,
  resid: ResidualChains,
  from: LpRelaxation,
  mode: 'whole' | 'rounded' | 'part',
  price: Float64Array,
): void {
  const start = new Uint8Array(net.m);
  for (let k = 0; k < net.m; k++) start[k] = from.x[k]! >= (mode === 'part' ? LP_WHOLE_TOLERANCE : 1 - LP_WHOLE_TOLERANCE) ? 1 : 0;
  const slack = slackOf(net, start);
  if (mode === 'rounded') roundByDeficit(net, from, start, slack);
  rep.repairAll(start, slack, new Work(Math.floor(work.max / 8)), null, null);
  const rw = new Work(Math.floor(work.max / 8));
  resid.repairAll(start, slack, rw);
  work.steps += rw.steps;
  const share = new Work(Math.floor(work.max / 8));
  cascadeWithChains(net, start, slack, share, new Rng(0x1b7), 1);
  work.steps += share.steps;
  eng.price.set(price);
  eng.beta = 1;
  eng.load(start);
  eng.repair(null, 1, 0);
  eng.fill();
  work.steps += net.effStart[net.m]! * 2;
}

/**
 * Rules 8: the relaxation by the bounded simplex from rules 7's choice (runs of
 * at most LP_NODES_MAX_V8 nodes), and the point a dive from it ends at, within
 * LP_V8_BUDGET_FACTOR times the work budget of their own; lp null when the
 * relaxation did not finish; `done` whether the dive got to its end. Rules 12
 * (`keepWhole`): the dive keeps what its point settles whole (lpDive).
 */
function divedRelaxation(net: Net, start: Uint8Array, budget: number, keepWhole: boolean): LpPoints {
  if (net.nodes > LP_NODES_MAX_V8) return { lp: null, dive: null, done: false };
  const work = new Work(Math.min(budget * LP_V8_BUDGET_FACTOR, LP_V8_STEPS_MAX));
  const bounded = new BoundedLp(net, net.capF, start);
  if (!bounded.optimise(work)) return { lp: null, dive: null, done: false };
  const lp = relaxationOf(bounded, net.m);
  const done = lpDive(bounded, net.m, work, keepWhole);
  return { lp, dive: relaxationOf(bounded, net.m), done };
}

/**
 * Rules 7 on runs past LP_NODES_MAX nodes: from rules 6's choice, each unsettled
 * payment, heaviest first, settles and its payer is made whole by a residual
 * chain (lsm_residual_chains.ts), kept when the value rose. Returns `found`
 * unless that found strictly more, by exact weight.
 */
function residualInsertion(net: Net, eng: LinkedEngine, work: Work, found: Candidate): Candidate {
  const sel = found.sel.slice();
  const slack = slackOf(net, sel);
  if (!new ResidualChains(net).insertAll(net.byWeight, sel, slack, work)) return found;
  eng.load(sel);
  eng.fill();
  const out = eng.sel.slice();
  if (exactWeight(net, out) <= exactWeight(net, found.sel)) return found;
  return { sel: out, method: 'residual' };
}

/**
 * Rules 7: from what the relaxation settles whole (`sel`, its slacks), the items
 * it settles in part, most first, each settled whole when that lowers the sum of
 * the nodes' shortfalls (a fractional item's payee is short by what it did not
 * receive; settling it moves the shortfall to its payer, less that payer's room).
 */
function roundByDeficit(net: Net, lp: LpRelaxation, sel: Uint8Array, slack: Float64Array): void {
  const part: number[] = [];
  for (let k = 0; k < net.m; k++) if (sel[k] === 0 && lp.x[k]! > LP_WHOLE_TOLERANCE) part.push(k);
  part.sort((a, b) => lp.x[b]! - lp.x[a]! || a - b);
  for (const k of part) {
    let change = 0;
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const before = slack[net.effNode[e]!]!;
      change += Math.min(0, before + net.effF[e]!) - Math.min(0, before);
    }
    if (change > 0) flip(net, k, 1, sel, slack);
  }
}

/** The relaxation at a bounded simplex's current point (rules 8). */
function relaxationOf(lp: BoundedLp, m: number): LpRelaxation {
  return { x: Float64Array.from({ length: m }, (_, k) => lp.x(k)), price: lp.prices(), value: lp.value() };
}

/** Per node, capacity plus the net effects of the selected items (float). */
function slackOf(net: Net, sel: Uint8Array): Float64Array {
  const slack = Float64Array.from(net.capF);
  for (let k = 0; k < net.m; k++) if (sel[k] === 1) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += net.effF[e]!;
  return slack;
}

/**
 * From the best selection: each unsettled item in turn, heaviest first, settles,
 * and the nodes it leaves short are made whole exactly (the item locked); kept
 * when the value rose by a unit, else undone (the region around a short node
 * grows once at most, INSERT_GROW_MAX); a pass ends after INSERT_FAILS_MAX
 * attempts in a row that gained nothing. Passes until one gains nothing (at
 * most SHORT_REPAIR_PASSES) or the work runs out; the result, re-filled, is
 * offered to `inc`. Returns whether it improved.
 */
function insertWithRepair(net: Net, rep: ShortRepair, eng: LinkedEngine, work: Work, inc: Incumbent): boolean {
  const sel = inc.best.slice();
  const slack = slackOf(net, sel);
  work.steps += net.effStart[net.m]!;
  const lock = new Uint8Array(net.m);
  const log: RepairLog = [];
  let any = false;
  for (let pass = 0; pass < SHORT_REPAIR_PASSES && !work.exhausted; pass++) {
    let gained = false;
    let fails = 0;
    for (const p of net.byWeight) {
      if (work.exhausted) break;
      work.steps++;
      if (sel[p] === 1) continue;
      log.length = 0;
      flip(net, p, 1, sel, slack);
      log.push(p);
      lock[p] = 1;
      let whole = true;
      for (let e = net.effStart[p]!; e < net.effStart[p + 1]! && whole; e++) {
        const x = net.effNode[e]!;
        if (slack[x]! < 0) whole = rep.repairNode(x, sel, slack, work, lock, log, INSERT_GROW_MAX);
      }
      lock[p] = 0;
      let delta = 0;
      for (const x of log) delta += x >= 0 ? net.weightF[x]! : -net.weightF[~x]!;
      if (!whole || delta < 1) {
        undoLog(net, log, sel, slack);
        // Heaviest first: after this many failures in a row the lighter items rarely gain, and each costs a search.
        if (++fails >= INSERT_FAILS_MAX) break;
      } else {
        gained = true;
        fails = 0;
      }
    }
    if (!gained) break;
    any = true;
  }
  if (!any) return false;
  eng.load(sel);
  eng.fill();
  return inc.consider(eng, 'insert+short_repair');
}

/** Cycle insertion and exact neighbourhood moves from the selection `sel` (changed in place); the result is offered to the incumbent. */
function movesFrom(net: Net, eng: LinkedEngine, work: Work, inc: Incumbent, sel: Uint8Array): void {
  const slack = Float64Array.from(net.capF);
  for (let k = 0; k < net.m; k++) if (sel[k] === 1) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += net.effF[e]!;
  const rng = new Rng(0x1b5);
  let improved = false;
  // Whole cycles first (cheap, only adds), then exact re-choices, which may open room for more cycles.
  for (let round = 0, gained = true; gained && round < 2 && !work.exhausted; round++) {
    gained = insertCycles(net, sel, slack, work, rng);
    gained = exactNeighbourhoods(net, sel, slack, work, rng) || gained;
    improved ||= gained;
  }
  if (!improved) return;
  eng.load(sel);
  eng.fill();
  inc.consider(eng, 'neighbourhoods');
}
/** From everything: chains of payments removed (lsm_chain_removal.ts), then the removal rule for what is still short, and re-insertion. */
function chainRemovalStart(
  net: Net,
  eng: LinkedEngine,
  work: Work,
  inc: Incumbent,
  weights: readonly number[],
): { starts: Uint8Array[]; afterChains: Uint8Array | null } {
  const all = new Uint8Array(net.m).fill(1);
  const slack = Float64Array.from(net.capF);
  for (let k = 0; k < net.m; k++) for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) slack[net.effNode[e]!]! += net.effF[e]!;
  work.steps += net.effStart[net.m]!;
  if (!removeChains(net, all, slack, work, new Rng(0xc4a1))) return { starts: [], afterChains: null };
  // What the chains left short, by the removal rule: with each weight on the deficit a removal pushes onto its payee.
  const starts: Uint8Array[] = [];
  for (const w of weights) {
    eng.load(all);
    eng.repair(null, w, 0);
    eng.fill();
    inc.consider(eng, 'chain_removal');
    starts.push(eng.sel.slice());
  }
  return { starts, afterChains: all };
}

/**
 * Beyond the exact search's size, solveLsm (on payments alone) gets 90% of the
 * work budget, and the cycle and exact neighbourhood moves as much again on top
 * (so a run does at most about twice the budget's steps); the moves end earlier
 * when a pass gains under 0.3% (lsm_neighbourhood.ts), so only gridlocks where
 * they keep gaining use it all. Measured (issue 16, benchmark families, so not a
 * held-out figure): half the budget left hub_cycles at 0.83-0.87 of the optimum,
 * the whole 0.92-0.93; cutting solveLsm's share to pay for the moves lost value
 * on chain_big and long_cycles (its result is their starting point).
 */
const NEIGHBOURHOOD_SHARE = 1;
/** Up to EXACT_ITEMS_MAX items (rules 5) the moves run before the exact search, with this share of the budget on top. */
const SMALL_MOVES_SHARE = 0.25;
/**
 * The removal rule's weights on the deficit a removal pushes onto its payee,
 * tried in turn after chain removal (rules 5; rules 4 tries 1 alone). After the
 * chains, a few nodes are short where every payment they could drop feeds a node
 * without room; at weight 1 the rule drops them anyway and the cascade runs
 * round the cycles it cuts: on a gridlock of crossing cycles (the bench's
 * tangled_cycles) from 5.4 M of value after the chains to 1.3 M, where a rule
 * that weighs the cascade more keeps 5.1 M. Which weight is best depends on the
 * gridlock (measured: 16 on one instance, 64 on another), hence several.
 */
const CHAIN_REPAIR_WEIGHTS_V5: readonly number[] = [1, 4, 16, 64, 256];
const LSM_SHARE = 0.9;
/** Rules 6: the exact repair of short nodes runs after the rest with this share of the budget on top. */
const SHORT_REPAIR_SHARE = 0.5;
/** Rules 6: passes of the insertion move with exact repair at most. */
const SHORT_REPAIR_PASSES = 3;
/**
 * Rules 6: the insertion move's limits. Measured on the tuning family ample
 * (nothing to gain there): without them the move took the phase's whole budget
 * in failed attempts, each growing its region three times (+400 ms a run).
 */
const INSERT_GROW_MAX = 1;
const INSERT_FAILS_MAX = 200;
/**
 * Rules 6: the weights on the cascade of the removals between chain removals
 * (cascadeWithChains), each with its share of the phase's budget. Measured on
 * two tangled_cycles instances (a benchmark family, so not a held-out figure):
 * weight 16 never kept more than 1, and ran out of budget on one.
 */
const SHORT_REPAIR_CASCADE_WEIGHTS: readonly number[] = [1];

/** Rules 7: the LP-start phase runs after the rest with this share of the budget on top. */
const LP_START_SHARE = 0.5;
/** Rules 7: an item the relaxation settles to within this of 1 counts as settled whole (of 0: not at all). */
const LP_WHOLE_TOLERANCE = 1e-6;
/**
 * Rules 8: the relaxation and its dive get this many times the work budget of
 * their own (the dive fixes one item per re-optimisation, each some thousands
 * of steps on runs of 50-85 nodes: on the bench's 1,000-2,000-item gridlocks
 * it ends by running out, and what is whole by then is the start).
 */
const LP_V8_BUDGET_FACTOR = 10;
/**
 * Rules 8: the relaxation's and the dive's work at most, whatever the budget:
 * on the bench's large family (200 nodes, 10,000 items, budget 9.8 M) ten
 * times the budget added about a second a run and found nothing; the cap
 * bounds a run of 256 nodes at the largest budget to about a second more.
 */
const LP_V8_STEPS_MAX = 50_000_000;
/** Rules 9: the targeted repair's budget, as a share of the run's. */
const LP_REPAIR_SHARE = 0.5;
/** Rules 9: an item counts as settled by the point at this much (whole; at least half). */
const LP_REPAIR_THRESHOLDS = [1 - 1e-6, 0.5];
/** Rules 9: the prices on the shortfall a removal pushes onto its payees (0: the short nodes alone). */
const LP_REPAIR_PAYEE_WEIGHTS = [2, 4, 8, 16, 64];
/** Rules 9: a repair whose cascade falls below this share of the best so far stops (the fill rarely climbs back). */
const LP_REPAIR_VALUE_MIN = 0.9;
/** Rules 10: the path repair's own budget, a share of the work budget. */
const LP_PATHS_SHARE = 0.5;
/** Rules 10: the dive's point is rounded at these before the paths (the relaxation's point, tried too, never won on the bench). */
const LP_PATHS_THRESHOLDS = [1 - 1e-6, 0.5];
/** Rules 10: labels a path search expands at most. */
const LP_PATHS_LABELS = 200;
/** Rules 11: the split's own budget, a share of the work budget. */
const LP_SPLIT_SHARE = 1;
/** Rules 11: the levels of a split's tree tried, fewest first (the first that leaves no node short is kept). */
const LP_SPLIT_DEPTHS = [2, 3, 4];

/** Rules 13: the region phase's work, as a multiple of the work budget (the simplex's pivots count n^2 each). */
const REGION_EXACT_BUDGET_FACTOR = 10;
/** Rules 13: the region phase's work at most, whatever the budget. */
const REGION_EXACT_STEPS_MAX = 100_000_000;
/** Rules 13: one region's branch and bound at most. */
const REGION_STEPS_MAX = 1_000_000;
/** Rules 13: passes over the pairs at most (a pass after one that changed a region). */
const REGION_EXACT_PASSES = 2;
/**
 * Rules 14: the share of its phase's work that rules 14 spends on the pairs' root relaxations (each pass). At 0.3 on
 * the bench's worst instances (docs/benchmarks.md, rules 14) as good as 0.5, and every root of whales' 11,175 pairs fits.
 */
const REGION_GAP_SHARE = 0.3;
/**
 * Rules 14: its phase's work, as a multiple of the work budget (at most REGION_EXACT_STEPS_MAX). At 20 rather than
 * 10 novel whales 842476554 settles 43.30 M rather than 42.83 M (docs/benchmarks.md, rules 14), for about a tenth
 * more time per run at the median.
 */
const REGION_GAP_BUDGET_FACTOR = 20;
/**
 * Rules 15: its phase's work, as a multiple of the work budget. At 30, side by side, a run's CPU at the median
 * was 1.23x rules 14's; at 20 1.19x, keeping credit_tight over 0.95 (docs/benchmarks.md, rules 15).
 */
const REGION_CHUNK_BUDGET_FACTOR = 20;
/** Rules 15: the phase's work at most, whatever the budget. */
const REGION_CHUNK_STEPS_MAX = 200_000_000;
/** Rules 15: one pair's root relaxation over its whole region at most (a pair not solved within it is left). */
const REGION_CHUNK_ROOT_STEPS_MAX = 3_000_000;
/** Rules 15: passes at most a chunk size (each after the first only over pairs next to what the pass before changed). */
const REGION_CHUNK_PASSES = 6;
/**
 * Rules 15: the chunk sizes, in turn, each a share of the work. On the bench's worst instances (docs/benchmarks.md,
 * rules 15) 64 then 32 lifted credit_tight 3702587216 +1.0% against +0.6% for 128, 64, 32 (whose pairs are over
 * 128 items: a chunk of 64 is searched further), hub_cycles the same, pvp_legs a little less.
 */
const REGION_CHUNK_SIZES = [64, 32];
/**
 * Rules 16: its phase's work, as a multiple of the work budget (at most REGION_PAIRS_STEPS_MAX). On unseen pvp_legs
 * 1344711666 (budget 3.07 M): 120x 0.949 of the reference, 150x 0.951 (docs/benchmarks.md, rules 16).
 */
const REGION_PAIRS_BUDGET_FACTOR = 150;
/** Rules 16: the phase's work at most, whatever the budget (~0.7 s of CPU on pvp_legs' regions). */
const REGION_PAIRS_STEPS_MAX = 460_000_000;
/** Rules 16: one region's search at most. 1 M / 3 M / 10 M a region over every pair: 0.937 / 0.943 / 0.963. */
const REGION_PAIRS_REGION_STEPS_MAX = 10_000_000;

/**
 * Rules 17: its rounds' work, as a multiple of the work budget (at most REGION_ROUNDS_STEPS_MAX): the same as rules
 * 16's phase. Chosen on run seed 7's PvP families only (docs/benchmarks.md, rules 17): 75x reached less on pvp_legs.
 */
const REGION_ROUNDS_BUDGET_FACTOR = 150;
/** Rules 17: the rounds' work at most, whatever the budget (as rules 16's). */
const REGION_ROUNDS_STEPS_MAX = 460_000_000;
/** Rules 17: the swap search's work, as a multiple of the work budget (it took 1-3 M steps on run seed 7's PvP runs). */
const SWAP_BUDGET_FACTOR = 10;
/** Rules 17: the swap search's work at most. */
const SWAP_STEPS_MAX = 50_000_000;

/**
 * Rules 18: the induced regions' work, as a multiple of the work budget (at most REGION_INDUCED_STEPS_MAX). Chosen on
 * run seed 7's PvP families only (docs/benchmarks.md, rules 18): 32x the budget is ~100 M steps on pvp_legs.
 */
const REGION_INDUCED_BUDGET_FACTOR = 32;
/** Rules 18: the induced regions' work at most, whatever the budget. */
const REGION_INDUCED_STEPS_MAX = 100_000_000;
/**
 * Rules 18: an induced region's limits: 12 participants, 100 trades, grown around the 300 heaviest unsettled trades,
 * 500 k steps a region's search (run seed 7: as much as 1 M steps a region and 150 M in all, in two thirds the time).
 */
const REGION_INDUCED_LIMITS = { units_max: 12, items_max: 100, seeds_max: 300, region_steps_max: 500_000 } as const;

/** Rules 19: the seed of the restart's weights (restartWeights). */
const REGION_RESTART_SEED = 0x19;
/** Rules 19: the re-choice of the two choices' differences, as a multiple of the work budget (at most REGION_RESTART_CROSS_STEPS_MAX). */
const REGION_RESTART_CROSS_FACTOR = 600;
/** Rules 19: that re-choice's work at most (~1.5 s on pvp_legs' ~150-item differences). */
const REGION_RESTART_CROSS_STEPS_MAX = 2_000_000_000;

/**
 * Rules 20: runs of at most this many participants get the triples' phase (C(20, 3) = 1,140 triples a pass; the
 * bench's zero_small has 15, dense_small 6, every other family 40 or more).
 */
const TRIPLE_UNITS_MAX = 20;
/** Rules 20: and of at most this many items (zero_small 120, dense_small 90; islands, 281, the next). */
const TRIPLE_ITEMS_MAX = 256;
/** Rules 20: the triples' work, as a multiple of the work budget (~2 M on zero_small: ~825 M steps; chosen on run seed 7, 200 and 800 tried). */
const TRIPLE_BUDGET_FACTOR = 400;
/** Rules 20: the triples' work at most, whatever the budget. */
const TRIPLE_STEPS_MAX = 1_000_000_000;
/** Rules 20: a triple's search at most (run seed 42's zero_small: ~75 % of the ~45-item regions finish within it). */
const TRIPLE_REGION_STEPS_MAX = 1_000_000;
/** Rules 20: passes at most (each after the first only over the triples a change touched). */
const TRIPLE_PASSES_MAX = 8;
/** Rules 21, small runs: participants whose items the second start drops (run seed 7: 2 to 6 gave the same choices). */
const TRIPLE_RESTART_DROP = 3;
/** Rules 21, small runs: the second triple search, as a multiple of the work budget (~2 M on zero_small: ~413 M steps, about rules 20's CPU again). */
const TRIPLE_RESTART_BUDGET_FACTOR = 200;
/** Rules 21, small runs: each exact re-choice of the two local optima's differences at most. */
const TRIPLE_RESTART_CROSS_STEPS_MAX = 10_000_000;
/** Rules 22, small runs: the perturbed restarts' work, as a multiple of the work budget (~2 M on zero_small). */
const PERTURBED_BUDGET_FACTOR = 400;
/** Rules 22, small runs: their work at most. */
const PERTURBED_STEPS_MAX = 1_000_000_000;
/** Rules 22, small runs: restarts, perturbation (per mille) and seed, and each restart's limits (chosen on run seed 7). */
const PERTURBED_LIMITS = {
  rounds: 4,
  amp_permille: 300,
  seed: 0x22b5eed,
  round_steps_max: 200_000_000,
  region_steps_max: TRIPLE_REGION_STEPS_MAX,
  passes_max: TRIPLE_PASSES_MAX,
  cross_steps_max: TRIPLE_RESTART_CROSS_STEPS_MAX,
} as const;
/** Rules 21: its work, as a multiple of the run's budget (chosen on run seed 7's wide, whales and large; docs/benchmarks.md, stop 51). */
const WIDE_BUDGET_FACTOR = 40;
/** Rules 21: the share of its work for pairs of participants in rounds (exactPairs), before the induced regions. */
const WIDE_PAIRS_SHARE = 0.75;
/** Rules 21: its work at most. */
const WIDE_STEPS_MAX = 600_000_000;
/** Rules 21: exactInduced's region limits (participants, items, seeds, steps a region). */
const WIDE_INDUCED_LIMITS = {
  units_max: 20,
  items_max: 128,
  seeds_max: 1000,
  region_steps_max: 1_000_000,
} as const;

/** Subgradient iterations for the node prices (each O(legs + items + nodes)). */
const PRICE_ITERATIONS = 120;

/** Starts from the prices: the items the relaxation settles (reduced weight > 0, or nearly), repaired with price-aware removal and re-filled. */
function priceStarts(net: Net, eng: LinkedEngine, inc: Incumbent, prices: Prices): void {
  eng.price.set(prices.price);
  for (const [slackShare, name] of [
    [0, 'prices'],
    [0.1, 'prices(loose)'],
  ] as const) {
    const start = new Uint8Array(net.m);
    for (let k = 0; k < net.m; k++) start[k] = prices.reduced[k]! > -slackShare * net.weightF[k]! ? 1 : 0;
    if (net.fifo) prefixClosure(net, start);
    eng.beta = 1;
    eng.load(start);
    eng.repair(null, 1, 0);
    eng.fill();
    inc.consider(eng, name);
  }
}

/** On small instances, the exact search with half the budget left; true when it proved its result optimal. */
function exactSmall(net: Net, work: Work, inc: Incumbent, prices: Prices): boolean {
  if (net.m > EXACT_ITEMS_MAX || !net.floatExact || net.weight.reduce((a, w) => a + w, 0n) > BigInt(Number.MAX_SAFE_INTEGER)) return false;
  const share = new Work(Math.floor((work.max - work.steps) / 2));
  const { sel, complete } = exactSearch(net, share, inc.value, prices);
  work.steps += share.steps;
  if (sel !== null) {
    inc.best.set(sel);
    inc.value = Number(exactWeight(net, sel));
    inc.method = complete ? 'exact' : 'exact(partial)';
  } else if (complete) inc.method += '(proven)';
  return complete;
}

/**
 * Local search: bursts of ejection moves (non-FIFO) from the current state, each
 * followed by a kick from the best: re-queue the unsettled items of a random set
 * of nodes on top of it (its items protected, a few not), re-run removal with a
 * randomised rule, re-insert. Stops on the work budget or after STALL_ROUNDS
 * rounds without progress.
 */
function searchLinked(net: Net, eng: LinkedEngine, work: Work, inc: Incumbent): void {
  const rng = new Rng(0x5eed1);
  const best = inc.best;
  const prot = new Uint8Array(net.m);
  const requeue = new Uint8Array(net.nodes);
  const start = new Uint8Array(net.m);
  let since = 0;
  let iter = 0;
  eng.load(best);
  while (since < STALL_ROUNDS && !work.exhausted && net.m > 0) {
    iter++;
    const before = inc.value;
    if (!net.fifo) {
      for (let t = 0, burst = Math.min(EJECT_BURST, 4 * net.m + 8); t < burst && !work.exhausted; t++) {
        const p = rng.below(net.m);
        work.steps++;
        if (eng.sel[p] === 1) continue;
        if (eng.eject(p, 0.2 + 2 * rng.float(), 0.3 * rng.float(), rng.float() < 0.5) < 0) eng.undo();
      }
      inc.consider(eng, `ejection(round ${iter})`);
    }
    const share = 0.05 + 0.95 * rng.float() * rng.float();
    for (let n = 0; n < net.nodes; n++) requeue[n] = rng.float() < share ? 1 : 0;
    const unprotect = net.fifo ? 0 : rng.float() < 0.5 ? 0 : 0.02 + 0.1 * rng.float();
    start.set(best);
    // Under FIFO the removal truncates queues and never reads prot, and the requeued queues are taken whole below.
    if (!net.fifo) {
      for (let k = 0; k < net.m; k++) {
        prot[k] = best[k] === 1 && (unprotect === 0 || rng.float() >= unprotect) ? 1 : 0;
        if (best[k] === 0 && requeue[net.first[k]!] === 1) start[k] = 1;
      }
    } else {
      for (let n = 0; n < net.nodes; n++) if (requeue[n] === 1) for (let j = net.qStart[n]!; j < net.qStart[n + 1]!; j++) start[net.qItems[j]!] = 1;
    }
    eng.load(start);
    eng.repair(prot, 0.2 + 3 * rng.float(), 0.5 * rng.float());
    eng.fill();
    if (eng.value >= inc.value) {
      const gained = eng.value > inc.value;
      best.set(eng.sel);
      inc.value = eng.value;
      if (gained) inc.method = `kick(round ${iter})`;
    }
    since = inc.value > before ? 0 : since + 1;
  }
}

// ---------------------------------------------------------------------------
// Exact search on small instances.

/** Up to this many items the solver also runs an exact branch and bound (within the work budget). */
export const EXACT_ITEMS_MAX = 64;

/** The root of the exact search: undecided weights, price x capacity, and the positive reduced weights. */
function searchRoot(net: Net, prices: Prices): { remW: number; lamSlack: number; remPos: number } {
  let remW = 0;
  let remPos = 0;
  let lamSlack = 0;
  for (let k = 0; k < net.m; k++) {
    remW += net.weightF[k]!;
    if (prices.reduced[k]! > 0) remPos += prices.reduced[k]!;
  }
  for (let n = 0; n < net.nodes; n++) lamSlack += prices.price[n]! * net.capF[n]!;
  return { remW, lamSlack, remPos };
}

/** Per node, what every item could still bring it (the sum of positive net effects). */
function inflowPotential(net: Net): Float64Array {
  const pot = new Float64Array(net.nodes);
  for (let e = 0; e < net.effStart[net.m]!; e++) if (net.effF[e]! > 0) pot[net.effNode[e]!]! += net.effF[e]!;
  return pot;
}

/**
 * Depth-first branch and bound over the items (by weight, or in list order
 * under FIFO so a skipped item blocks the rest of its queue). A branch is cut
 * when its bound cannot beat the best by a whole unit: the least of the
 * undecided weights and the Lagrangian bound (value + sum price x slack + the
 * positive reduced weights still undecided, valid for any prices >= 0; it can
 * be weak on heavy tails, the other on tight rows), or when some node stays short even if every undecided
 * item feeding it settled. Float arithmetic, run only when amounts and weights
 * are exact in it (the bound has a tolerance for rounding). Returns the best
 * selection found better than `floor`, and whether the search completed (then
 * nothing better exists).
 */
function exactSearch(net: Net, work: Work, floor: number, prices: Prices): { sel: Uint8Array | null; complete: boolean } {
  const m = net.m;
  const { price, reduced } = prices;
  const order = net.fifo ? Int32Array.from({ length: m }, (_, k) => k) : net.byWeight;
  const slack = Float64Array.from(net.capF);
  let { remW, lamSlack, remPos } = searchRoot(net, prices);
  const pot = inflowPotential(net);
  const tol = 1e-9 * (prices.bound + net.weightF.reduce((x, y) => x + y, 0) + 1);
  const blocked = new Uint8Array(net.nodes);
  const cur = new Uint8Array(m);
  let best: Uint8Array | null = null;
  let bestValue = floor;
  let aborted = false;
  const ok = (k: number, sign: number): boolean => {
    // Nodes where the change (settling: negative effects; skipping: lost positive ones) can break slack + pot >= 0.
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      const x = net.effNode[e]!;
      if (sign * net.effF[e]! < 0 && slack[x]! + pot[x]! < 0) return false;
    }
    return true;
  };
  const settle = (k: number, sign: number): void => {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) {
      slack[net.effNode[e]!]! += sign * net.effF[e]!;
      lamSlack += sign * price[net.effNode[e]!]! * net.effF[e]!;
    }
  };
  const undecide = (k: number, sign: number): void => {
    for (let e = net.effStart[k]!; e < net.effStart[k + 1]!; e++) if (net.effF[e]! > 0) pot[net.effNode[e]!]! += sign * net.effF[e]!;
    if (reduced[k]! > 0) remPos += sign * reduced[k]!;
    remW += sign * net.weightF[k]!;
  };
  const dfs = (i: number, value: number): void => {
    if (aborted || value + Math.min(remW, lamSlack + remPos) < bestValue + 1 - tol) return;
    if (++work.steps > work.max) {
      aborted = true;
      return;
    }
    if (i === m) {
      if (value > bestValue) {
        bestValue = value;
        best = cur.slice();
      }
      return;
    }
    const k = order[i]!;
    undecide(k, -1);
    const q = net.first[k]!;
    if (!net.fifo || blocked[q] === 0) {
      settle(k, 1);
      cur[k] = 1;
      if (ok(k, 1)) dfs(i + 1, value + net.weightF[k]!);
      cur[k] = 0;
      settle(k, -1);
    }
    const wasBlocked = blocked[q]!;
    if (net.fifo) blocked[q] = 1;
    if (ok(k, -1)) dfs(i + 1, value);
    blocked[q] = wasBlocked;
    undecide(k, 1);
  };
  dfs(0, 0);
  return { sel: best, complete: !aborted };
}

/**
 * For tests only: drives the engine through random loads (prefixes under FIFO),
 * repairs, re-insertions, ejection moves and undos on `problem` and checks its
 * incremental bookkeeping against a recomputation after every step; also that a
 * repair leaves no node short. Returns the first disagreement, or null.
 */
export function linkedEngineSelfCheck(problem: LinkedProblem, steps: number, seed = 1): string | null {
  const net = compileLinked(problem);
  if (net.m === 0) return null;
  const rng = new Rng(seed);
  const eng = new LinkedEngine(net, new Work(Infinity), rng);
  const sel = new Uint8Array(net.m);
  for (let step = 0; step < steps; step++) {
    const op = rng.below(net.fifo ? 3 : 5);
    if (op === 0) {
      for (let n = 0; n < net.nodes; n++) {
        const len = rng.below(net.qStart[n + 1]! - net.qStart[n]! + 1);
        for (let j = net.qStart[n]!; j < net.qStart[n + 1]!; j++)
          sel[net.qItems[j]!] = net.fifo ? (j - net.qStart[n]! < len ? 1 : 0) : rng.float() < 0.6 ? 1 : 0;
      }
      eng.load(sel);
    } else if (op === 1) {
      eng.repair(null, 3 * rng.float(), 0.5 * rng.float());
      for (let n = 0; n < net.nodes; n++) if (eng.slack[n]! < 0) return `step ${step}: node ${n} short after repair`;
    } else if (op === 2) {
      eng.repair(null, 1, 0);
      eng.fill();
    } else {
      const p = rng.below(net.m);
      eng.repair(null, 1, 0);
      if (eng.sel[p] === 0 && (eng.eject(p, 0.2 + 2 * rng.float(), 0.3 * rng.float(), rng.float() < 0.5) < 0 || op === 4)) eng.undo();
    }
    const why = eng.checkInvariants();
    if (why !== null) return `step ${step} (op ${op}): ${why}`;
  }
  return null;
}

// ---------------------------------------------------------------------------
// Node prices: the Lagrangian dual of the capacity rows.

export interface Prices {
  /** Per node, its multiplier (weight per unit of room), >= 0. */
  readonly price: Float64Array;
  /** Per item, weight + sum of price x net effect: what the item is worth at these prices. */
  readonly reduced: Float64Array;
  /** An upper bound on the optimum (valid for any prices >= 0; the best one found). */
  readonly bound: number;
}

/** Every item's reduced weight at prices `lam`; returns the dual value L(lam) = sum lam*cap + sum max(0, reduced). */
function reducedAt(net: Net, lam: Float64Array, reduced: Float64Array, g: Float64Array | null = null): number {
  const { capF, weightF, effStart, effNode, effF } = net;
  let L = 0;
  for (let n = 0; n < net.nodes; n++) L += lam[n]! * capF[n]!;
  // With g: the subgradient too, capF plus the effects of the items with r > 0, added in the same order (k, then e) a separate pass would.
  if (g !== null) g.set(capF);
  const m = net.m;
  let e0 = effStart[0]!;
  for (let k = 0; k < m; k++) {
    let r = weightF[k]!;
    const e1 = effStart[k + 1]!;
    for (let e = e0; e < e1; e++) r += lam[effNode[e]!]! * effF[e]!;
    reduced[k] = r;
    if (r > 0) {
      L += r;
      if (g !== null) for (let e = e0; e < e1; e++) g[effNode[e]!]! += effF[e]!;
    }
    e0 = e1;
  }
  return L;
}

/**
 * Subgradient descent on the Lagrangian dual: relaxing each node's row with a
 * price lam_n >= 0, an item settles in the relaxation iff its reduced weight is
 * positive, and L(lam) bounds the optimum from above. Polyak steps towards
 * `lower` (the best value known), halving the step after 8 rounds without a
 * better bound. At the dual optimum the bound equals the LP relaxation's (the
 * prices are its duals), so the reduced weights say what the LP settles, for
 * multi-leg items as for payments. Float arithmetic: a guide and a bound for
 * pruning, never a constraint check.
 */
export function lagrangianPrices(net: Net, work: Work, lower: number, iterations: number): Prices {
  const lam = new Float64Array(net.nodes);
  const best = new Float64Array(net.nodes);
  const reduced = new Float64Array(net.m);
  const g = new Float64Array(net.nodes);
  let bestL = Infinity;
  let theta = 2;
  let stale = 0;
  for (let it = 0; it < iterations && !work.exhausted; it++) {
    const L = reducedAt(net, lam, reduced, g);
    work.steps += net.effStart[net.m]! + net.m + net.nodes;
    if (bestL === Infinity || L < bestL - 1e-9 * Math.abs(bestL)) {
      bestL = L;
      best.set(lam);
      stale = 0;
    } else if (++stale >= 8) {
      theta /= 2;
      stale = 0;
    }
    let norm = 0;
    for (let n = 0; n < net.nodes; n++) if (g[n]! < 0 || lam[n]! > 0) norm += g[n]! * g[n]!;
    const gap = L - lower;
    if (norm === 0 || gap <= 0 || theta < 1e-4) break;
    const t = (theta * gap) / norm;
    for (let n = 0; n < net.nodes; n++) lam[n] = Math.max(0, lam[n]! - t * g[n]!);
  }
  const bound = reducedAt(net, best, reduced);
  return { price: best, reduced, bound: Math.min(bound, bestL) };
}

/** FIFO: the largest prefix of each node's queue that lies within `sel` (in place). */
function prefixClosure(net: Net, sel: Uint8Array): Uint8Array {
  for (let n = 0; n < net.nodes; n++) {
    let inside = true;
    for (let j = net.qStart[n]!; j < net.qStart[n + 1]!; j++) {
      const k = net.qItems[j]!;
      if (sel[k] !== 1) inside = false;
      else if (!inside) sel[k] = 0;
    }
  }
  return sel;
}
