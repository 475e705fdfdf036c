// GovernanceError: the one error type of the governance rules — a stable code,
// the JSON Pointer (or request field) at fault and a human message. The platform
// turns it into a PlatformError with the same code and field.

export type GovernanceErrorCode =
  | 'scheme_invalid'
  | 'unknown_path'
  | 'patch_invalid'
  | 'patch_test_failed'
  | 'not_a_member'
  | 'not_your_member'
  | 'concerned_member'
  | 'window_closed'
  | 'proposal_closed'
  | 'not_proposer'
  | 'not_operator_owned'
  | 'out_of_bounds'
  | 'limit_exceeded';

export class GovernanceError extends Error {
  readonly code: GovernanceErrorCode;
  readonly field: string;
  constructor(code: GovernanceErrorCode, field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
    this.name = 'GovernanceError';
  }
}
