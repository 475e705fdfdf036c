// src/sim: realistic traffic for sco-settle, drawn from real trade. A scheme
// profile (banks per member state sized by trade, liquidity providers, ISO 9362
// test BICs, names in native scripts, starting liquidity per currency) and a
// seeded generator of one business day of payment instructions whose corridors
// and values follow the 2024 bilateral trade flows among the SCO members
// (embedded with their sources in trade_data.ts; reference rates come from
// src/fx/reference_data.ts). Used by the demo, tests and benchmarks.
//
//   const profile = defaultProfile();                 // or parseProfileText(json)
//   for (const p of generatePayments(profile, { seed: 7, payments: 100_000 })) …
//
// Everything is deterministic from the seed; amounts are exact bigint minor units.
// The rules (sizes, arrival pattern, currency choice, rounding) are written in the
// headers of profile.ts and traffic.ts.

export {
  MEMBERS,
  TRADE_FILE,
  TRADE_FLOWS,
  memberByCountry,
  memberByCurrency,
  tradeTurnover,
  type Member,
  type TradeFlow,
} from './trade_data.js';
export {
  DEFAULT_BANKS,
  DEFAULT_LIQUIDITY_PROVIDERS,
  DEFAULT_LIQUIDITY_RATIO,
  DEFAULT_PAYMENTS,
  DEFAULT_TRAFFIC,
  PROFILE_FORMAT,
  SIM_LIMITS,
  SimInputError,
  allocateBanks,
  defaultProfile,
  meanSizeUsd,
  parseProfile,
  parseProfileText,
  parseTraffic,
  profileToJson,
  type DefaultProfileOptions,
  type SchemeProfile,
  type SimBank,
  type SimErrorCode,
  type SimLiquidityProvider,
  type SimParticipant,
  type SizeParams,
  type TrafficParams,
} from './profile.js';
export {
  ARRIVAL_PATTERN,
  DEFAULT_SEED,
  corridorShares,
  dayLengthNs,
  effectiveTraffic,
  generatePayments,
  paymentToJson,
  simulateDay,
  type CorridorShare,
  type PaymentKind,
  type Priority,
  type SimParty,
  type SimPayment,
  type TrafficOptions,
} from './traffic.js';
export {
  DEFAULT_LIQUIDITY_POLICY,
  LEGACY_LIQUIDITY_POLICY,
  describePolicy,
  dueShortfalls,
  lendable,
  liquidityPolicy,
  planCover,
  recycles,
  trafficCeiling,
  type CoverPlan,
  type CurrencyCeiling,
  type LenderPosition,
  type Leg,
  type LiquidityPolicy,
  type QueuedNeed,
  type Shortfall,
} from './liquidity_policy.js';
export {
  DEFAULT_SQUARING_POLICY,
  SQUARING_LIMITS,
  planSquaring,
  squarable,
  type Converter,
  type FxPosition,
  type SquaringPolicy,
  type SquaringTrade,
} from './fx_squaring.js';
export {
  DEFAULT_MONEY_MARKET_POLICY,
  MONEY_MARKET_RATES_BP,
  dueRepayments,
  loanInterest,
  moneyMarketRateBp,
  type Loan,
  type MoneyMarketPolicy,
  type Repayment,
} from './money_market.js';
export { apiInstruction, type SimApiInstruction } from './api_instruction.js';
export { withWatchlistName } from './watchlist_rename.js';
export {
  DEFAULT_NET_ROUTING,
  NET_ROUTING_LIMITS,
  netRouting,
  netThresholdMinor,
  routesToNet,
  type NetRouting,
} from './net_routing.js';
