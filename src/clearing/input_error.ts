// The error clearing's pure modules throw for bad input: a stable code, the
// field (a path into the input) and the reason, for a caller to show as one line.

export class ClearingInputError extends Error {
  readonly code = 'invalid_input';
  readonly field: string;
  readonly reason: string;
  constructor(field: string, reason: string) {
    super(`${field}: ${reason}`);
    this.field = field;
    this.reason = reason;
    this.name = 'ClearingInputError';
  }
}
