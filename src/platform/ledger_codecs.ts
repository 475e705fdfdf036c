// The ledger's JSON codecs, flags, result codes and limits for the shells, apart
// from ./ledger_tools.ts: a shell that only reads and checks events (src/cli/input.ts,
// which every command imports) loads two ledger files, not the platform's state
// machine (#18).

export { InputError, accountToJson, balanceToJson, parseAccount, parseTransfer, parseUnsigned, transferToJson } from '../ledger/json.js';
export {
  AccountFlags,
  BATCH_EVENTS_MAX,
  RESULT_CODES,
  TransferFlags,
  U128_MAX,
  U64_MAX,
  type Account,
  type AccountBalance,
  type Transfer,
} from '../ledger/types.js';
