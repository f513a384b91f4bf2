/** Errors as the status line says them; a lost database connection says so and how to retry. */
import { messageOf } from '../errors.js';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

/** Whether an error means the database went away (as opposed to a bad request). */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
  return /connection (terminated|refused|closed|lost)|not queryable|ECONNREFUSED|ECONNRESET/i.test(messageOf(error));
}

/** One line for the status line: what failed, and that `r` retries. */
export function describeError(what: string, error: unknown): string {
  const reason = messageOf(error).split('\n')[0] ?? '';
  if (isConnectionLost(error)) return `Lost the database connection. Press r to retry. (${what}: ${reason})`;
  return `Could not load ${what}. Press r to retry. (${reason})`;
}
