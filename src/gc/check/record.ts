/** Each repo's last check, kept in musehub_gc_checks so the console can say whether it was clean, and when. */
import type { Database } from '../../db/connect.js';
import { GcCheck } from '../../db/tool-schema.js';
import { recordOf, type CheckRecord, type ProblemKind, type RepoCheck } from './types.js';

/** Replaces the repo's recorded check with this one. */
export async function recordCheck(db: Database, check: RepoCheck): Promise<void> {
  const record = recordOf(check);
  await db.em().upsert(GcCheck, { ...record, checkedAt: new Date(record.checkedAt) });
}

/** The repo's last recorded check, or null when it was never checked. */
export async function lastCheck(db: Database, repoId: string): Promise<CheckRecord | null> {
  const row = await db.em().findOne(GcCheck, { repoId });
  if (!row) return null;
  return {
    repoId: row.repoId, checkedAt: row.checkedAt.toISOString(), clean: row.clean, blobs: row.blobs,
    problems: row.problems as Partial<Record<ProblemKind, number>>,
  };
}
