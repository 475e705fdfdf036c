// The liquidity-saving mechanism on its own (`sco-settle lsm solve`): the solver
// of clearing/lsm.ts, its problem types and its bounds, re-exported because this
// is the door for checking the algorithm outside a business day. The platform's
// own LSM runs are journaled commands (`run_lsm`), not this.

export {
  LSM_PARTICIPANTS_MAX,
  LSM_PAYMENTS_MAX,
  LSM_TIME_BUDGET_MS_DEFAULT,
  LsmInputError,
  solveLsm,
  type LsmParticipant,
  type LsmPayment,
  type LsmProblem,
} from '../clearing/lsm.js';
