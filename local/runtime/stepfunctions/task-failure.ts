/**
 * How a local task handler fails so the library treats it as Step Functions
 * would: Retry and Catch match the error's `name`, a Catch's `Cause` and the
 * execution's cause are its `message`.
 */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

/**
 * `States.Runtime`: a fault of the definition or the local runtime, never
 * retried or caught (the library reads these two flags off any error).
 */
export class StatesRuntimeFailure extends TaskFailure {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(cause: string) {
    super('States.Runtime', cause);
  }
}

/**
 * `States.Timeout` of a task the dispatcher timed out itself (TimeoutSecondsPath):
 * history shows it as timed out, like a timeout of the library's own timer.
 */
export class TaskTimeoutFailure extends TaskFailure {
  constructor(cause: string) {
    super('States.Timeout', cause);
  }
}

/** Step Functions' names for a service's errors end in `Exception`, even where the service's own code does not. */
export function withExceptionSuffix(code: string): string {
  return code.endsWith('Exception') ? code : `${code}Exception`;
}
