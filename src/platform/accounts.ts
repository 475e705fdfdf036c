// The chart of accounts and transfer codes, as the shells see them: they live
// with the rules (clearing/accounts.ts names the accounts clearing moves money
// between; financing books its own 41xx/42xx codes).

export {
  ACCOUNT_KIND,
  OPERATOR_NO,
  PARTICIPANTS_MAX,
  PLATFORM_TRANSFER_ID_BASE,
  TRANSFER_CODE,
  accountId,
  accountOwner,
  type AccountKind,
} from '../clearing/accounts.js';
export { FINANCING_TRANSFER_CODES } from '../financing/intraday_credit.js';
