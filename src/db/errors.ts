/**
 * A database failure met mid-work, as the engine's typed error: a connection that went away (the
 * server restarted, the network dropped) or a statement the database refused (no privilege, no
 * writes). The engine's door types what it throws with this, so the console and the commands read
 * only an error's kind, never a driver's errno or SQLSTATE.
 */
import { UserError, UnavailableError, messageOf } from '../errors.js';
import { postgresReason, readOnly, REFUSALS } from './access.js';

/**
 * A socket that went away (errno), and SQLSTATE admin_shutdown, crash_shutdown, cannot_connect_now
 * and class 08 (connection_exception, connection_does_not_exist, connection_failure).
 */
const CONNECTION_LOST = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08003',
  '08006',
]);

/** What node-postgres and knex say, without a code, when the connection is gone. */
const LOST_MESSAGE = /connection (terminated|refused|closed|lost)|not queryable|ECONNREFUSED|ECONNRESET/i;

/** PostgreSQL's read_only_sql_transaction. */
const READ_ONLY = '25006';

/** `error` as the typed error it is when the database is its cause; any other error as it is. */
export function typedDatabaseError(error: unknown, label: string): unknown {
  if (error instanceof UserError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const reason = postgresReason(error).trim().split('\n')[0];
  if ((typeof code === 'string' && CONNECTION_LOST.has(code)) || LOST_MESSAGE.test(messageOf(error))) {
    return new UnavailableError(
      `lost the database connection to ${label} (${reason}): ` +
        'check that PostgreSQL is up and reachable, then try again',
    );
  }
  if (code === READ_ONLY) return readOnly(label, 'a statement needed to write');
  if (typeof code === 'string' && REFUSALS.has(code)) {
    return new UnavailableError(
      `the database ${label} refused a statement (${reason}): ` +
        'grant the database user what it names (docs/database-access.md)',
    );
  }
  return error;
}
