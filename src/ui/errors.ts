/**
 * Errors as the status line says them. The service types what the database causes (a lost connection,
 * a refused statement) as unavailable, and its one line says what happened: the console says it, and
 * that `r` retries.
 */
import { UserError, messageOf } from '../errors.js';

/** One line for the status line: what failed, and that `r` retries. */
export function describeError(what: string, error: unknown): string {
  const reason = messageOf(error).split('\n')[0] ?? '';
  if (error instanceof UserError && error.kind === 'unavailable') {
    return `${reason.charAt(0).toUpperCase()}${reason.slice(1)}. Press r to retry. (${what})`;
  }
  return `Could not load ${what}. Press r to retry. (${reason})`;
}
