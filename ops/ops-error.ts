/**
 * An error the operator can act on: the smoke test and the CLI print its
 * message as one line and exit non-zero, never with a stack trace.
 */
export class OpsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpsError';
  }
}

/** One readable line for any error: an OpsError's message, an AWS error's name and message, else the message. */
export function describeError(error: unknown): string {
  if (error instanceof OpsError) return error.message;
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`.split('\n')[0] ?? String(error);
  }
  return String(error);
}
