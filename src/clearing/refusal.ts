// A clearing rule's refusal of a command: a stable code, the field at fault and
// the reason. The platform reports it as its own error with the same three parts.

export type RefusalCode = 'invalid_field' | 'unknown_currency' | 'invalid_state' | 'day_open' | 'no_business_day';

export class ClearingRefusal extends Error {
  readonly code: RefusalCode;
  readonly field: string;
  constructor(code: RefusalCode, field: string, message: string) {
    super(message);
    this.code = code;
    this.field = field;
    this.name = 'ClearingRefusal';
  }
}
