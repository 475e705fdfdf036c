// The chart of accounts, as the shells see it: it lives with the clearing rules
// (clearing/accounts.ts), which name the accounts they move money between.

export { ACCOUNT_KIND, OPERATOR_NO, PARTICIPANTS_MAX, PLATFORM_TRANSFER_ID_BASE, TRANSFER_CODE, accountId, accountOwner, type AccountKind } from '../clearing/accounts.js';
