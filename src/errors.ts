/**
 * An error the operator can act on: one line saying what is wrong and what to do.
 * Anything else that escapes is a bug and is shown with its stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** The process exit code: 1 failed, 2 usage, 3 refused. */
    readonly exitCode: 1 | 2 | 3 = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The message of anything thrown, for status lines and run errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
