/** Each repo's last check, kept in musehub_gc_checks so the console can say whether it was clean, and when. */
import type { Database } from '../../db/connect.js';
import { GcCheck } from '../../db/tool-schema.js';
import { recordOf, type CheckRecord, type ProblemKind, type RepoCheck } from './types.js';

/** Replaces each repo's recorded check with its one of `checks`, in one statement. */
export async function recordChecks(db: Database, checks: readonly RepoCheck[]): Promise<void> {
  if (checks.length === 0) return;
  const records = checks.map(recordOf);
  await db.knex().raw(
    `
    insert into musehub_gc_checks (repo_id, checked_at, clean, blobs, problems)
    select * from unnest(?::text[], ?::timestamptz[], ?::boolean[], ?::boolean[], ?::jsonb[])
    on conflict (repo_id) do update set checked_at = excluded.checked_at, clean = excluded.clean, blobs = excluded.blobs,
      problems = excluded.problems`,
    [
      records.map((r) => r.repoId),
      records.map((r) => r.checkedAt),
      records.map((r) => r.clean),
      records.map((r) => r.blobs),
      records.map((r) => JSON.stringify(r.problems)),
    ],
  );
}

/** The repo's last recorded check, or null when it was never checked. */
export async function lastCheck(db: Database, repoId: string): Promise<CheckRecord | null> {
  const row = await db.em().findOne(GcCheck, { repoId });
  if (!row) return null;
  return {
    repoId: row.repoId,
    checkedAt: row.checkedAt.toISOString(),
    clean: row.clean,
    blobs: row.blobs,
    problems: row.problems as Partial<Record<ProblemKind, number>>,
  };
}
