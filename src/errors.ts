/**
 * Errors the operator can act on: one line saying what is wrong and what to do.
 * Their class says what kind of failure it is; only the commands turn a kind into
 * an exit code. Anything else that escapes is a bug and is shown with its stack.
 */
export abstract class UserError extends Error {
  abstract readonly kind: 'usage' | 'refused' | 'unavailable';

  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The command line or the configuration is wrong: a bad argument or URL, an unknown repo, no terminal. */
export class UsageError extends UserError {
  readonly kind = 'usage';
}

/** Something was asked that must not be done now: a lock is held, a plan file does not hold, a phase refused. */
export class RefusedError extends UserError {
  readonly kind = 'refused';
}

/** Something the tool needs does not answer or refuses: the database, the blob store. */
export class UnavailableError extends UserError {
  readonly kind = 'unavailable';
}

/** The message of anything thrown, for status lines and run errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
