/**
 * Result errors (Dramatiq's `ResultError` family).
 */
import { DramatiqError } from '../errors.ts';

/** Base of result errors. */
export class ResultError extends DramatiqError {}

/** No result is stored (yet) and the caller did not block. */
export class ResultMissing extends ResultError {
  constructor(messageId: string) {
    super('RESULT_MISSING', `no result is stored for message '${messageId}' (yet)`, { messageId });
  }
}

/** A blocking wait ran out. */
export class ResultTimeout extends ResultError {
  constructor(messageId: string, timeoutMs: number) {
    super(
      'RESULT_TIMEOUT',
      `timed out after ${timeoutMs} ms waiting for the result of message '${messageId}'`,
      { messageId, timeoutMs },
    );
  }
}

/** The message was dead-lettered; its stored outcome is an error. Text: `actor raised <Type>: <msg>`. */
export class ResultFailure extends ResultError {
  readonly origExcType: string;
  readonly origExcMsg: string;
  constructor(messageId: string, type: string, msg: string) {
    super('RESULT_FAILURE', `actor raised ${type}: ${msg}`, { messageId, type, message: msg });
    this.origExcType = type;
    this.origExcMsg = msg;
  }
}
