/**
 * What a database lets musehub-gc do, said in one line when it does not: a user who may not
 * create the tool's tables, a database that takes no writes (default_transaction_read_only,
 * a hot standby). Both are the database refusing: exit 1, as a blob store that refuses.
 */
import type { Knex } from '@mikro-orm/knex';
import { UnavailableError, messageOf } from '../errors.js';

/** PostgreSQL's insufficient_privilege and read_only_sql_transaction. */
export const REFUSALS = new Set(['42501', '25006']);

/** The one line for a read-only database, saying what needed to write and what still works. */
export function readOnly(label: string, what: string): UnavailableError {
  return new UnavailableError(
    `the database ${label} is read-only (default_transaction_read_only is on, or it is a hot standby): ` +
      `${what}; point DATABASE_URL at the primary (repos, plan, history and check work on a read-only one)`,
  );
}

/** Whether the database takes no writes now. */
async function isReadOnly(knex: Knex): Promise<boolean> {
  const { rows } = await knex.raw('show transaction_read_only');
  return rows[0]?.transaction_read_only === 'on';
}

/** Refuses `command`, which writes to the database, before any work when the database takes no writes. */
export async function requireWritable(knex: Knex, label: string, command: string): Promise<void> {
  if (await isReadOnly(knex)) throw readOnly(label, `${command} writes to it`);
}

/**
 * Refuses, before the tool's tables are created or changed, a database that would refuse it: one
 * that takes no writes, or a user who may not create tables in the schema (the grant is named).
 */
export async function requireMigratable(knex: Knex, label: string): Promise<void> {
  if (await isReadOnly(knex))
    throw readOnly(label, "musehub-gc's own tables cannot be created or brought up to date there");
  const {
    rows: [who],
  } = await knex.raw(`select quote_ident(current_user) as "user", quote_ident(current_schema()) as "schema",
    has_schema_privilege(current_schema(), 'CREATE') as "mayCreate"`);
  if (who.schema !== null && !who.mayCreate) {
    throw new UnavailableError(
      `the database user ${who.user} may not create musehub-gc's tables in ${label}: ` +
        `grant create on schema ${who.schema} to ${who.user}, or run musehub-gc once as a user who may`,
    );
  }
}

/**
 * A refusal met while changing the tool's tables that the checks before could not foresee (a table
 * another user owns), as one line with PostgreSQL's reason; undefined for any other error.
 */
export function migrationRefusal(error: unknown, label: string): UnavailableError | undefined {
  if (!REFUSALS.has((error as { code?: string }).code ?? '')) return undefined;
  const reason = postgresReason(error);
  return new UnavailableError(
    `the database refused to bring musehub-gc's tables in ${label} up to date (${reason}): ` +
      'run musehub-gc once as the user who owns them',
  );
}

/** PostgreSQL's reason for a failed statement: the driver's message leads with the statement, then ' - '. */
export function postgresReason(error: unknown): string {
  return messageOf(error).split(' - ').pop() ?? '';
}
