/** Each sweep's outcome, kept in musehub_gc_sweeps so the console can say what the last one found, and when. */
import type { Database } from '../../db/connect.js';
import { GcSweep } from '../../db/tool-schema.js';
import type { SweepRecord, SweepResult } from './types.js';

/** Records a sweep as it ended. */
export async function recordSweep(db: Database, result: SweepResult): Promise<void> {
  const { profile: _, cutoff, ...kept } = result;
  await db.em().insert(GcSweep, { ...kept, cutoff: new Date(cutoff) });
}

/** The last recorded sweep of `store`, a dry run or one that could delete; null when there was none. */
export async function lastSweep(db: Database, store: string, dryRun: boolean): Promise<SweepRecord | null> {
  const row = await db.em().findOne(GcSweep, { store, dryRun }, { orderBy: { finishedAt: 'desc' } });
  if (!row) return null;
  return {
    sweepId: row.sweepId,
    store: row.store,
    finishedAt: row.finishedAt.toISOString(),
    dryRun: row.dryRun,
    outcome: row.outcome,
    graceSeconds: row.graceSeconds,
    cutoff: row.cutoff.toISOString(),
    listed: row.listed,
    listedBytes: row.listedBytes,
    named: row.named,
    odd: row.odd,
    young: row.young,
    candidates: row.candidates,
    candidateBytes: row.candidateBytes,
    keptOnRecheck: row.keptOnRecheck,
    deleted: row.deleted,
    deletedBytes: row.deletedBytes,
    seconds: row.seconds,
    errors: row.errors,
  };
}
