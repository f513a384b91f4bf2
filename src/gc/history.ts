/**
 * The run history: every run, who ran it, what each phase did and how it ended. A run's
 * own row is written on the run's connection (the embedded hub has only that one),
 * with the entity's query builder; history is read through the EntityManager.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/connect.js';
import { GcRun, type RecordedPhase } from '../db/tool-schema.js';
import { operator } from '../operator.js';
import { repoLocked } from './lock.js';
import type { Session } from './session.js';
import { repoName, type Kept, type PhaseName, type RepoIdentity, type RunResult } from './types.js';

/** A past run, as the history view lists it. */
export interface RunRecord {
  runId: string;
  startedAt: string;
  finishedAt: string | null;
  who: string;
  dryRun: boolean;
  graceSeconds: number;
  outcome: string;
  bytesFreed: number;
  /** Each phase as recorded (RecordedPhase): what it deleted, how long it took, what stayed and why, what differed. */
  phases: Array<Omit<RecordedPhase, 'phase' | 'kept'> & { phase: PhaseName; kept?: Kept[] }>;
  errors: string[];
}

/** Records a run as started; returns its id. */
export async function recordStart(
  session: Session,
  db: Database,
  repo: RepoIdentity,
  dryRun: boolean,
  graceSeconds: number,
): Promise<string> {
  const runId = randomUUID();
  const { user, host } = operator();
  await session.query(
    db
      .em()
      .createQueryBuilder(GcRun)
      .insert({
        runId,
        repoId: repo.repoId,
        repoName: repoName(repo),
        osUser: user,
        host,
        dryRun,
        graceSeconds,
      }),
  );
  return runId;
}

export async function recordEnd(session: Session, db: Database, result: RunResult): Promise<void> {
  await session.query(
    db
      .em()
      .createQueryBuilder(GcRun)
      .update({
        finishedAt: new Date(),
        outcome: result.outcome,
        bytesFreed: result.storage_bytes_freed,
        errors: result.errors,
        phases: result.phases.map((phase) => ({
          phase: phase.phase,
          status: phase.status,
          refs: phase.refs,
          rows: phase.rows,
          bytes: phase.bytes,
          blobs: phase.blobs,
          seconds: phase.seconds,
          keptSincePlan: phase.keptSincePlan,
          kept: phase.kept,
          differences: phase.differences,
          errors: phase.errors,
        })),
      })
      .where({ runId: result.run_id }),
  );
}

/**
 * Past runs of a repo, newest first. A run still marked running while nobody holds the
 * repo's lock was cut off (its process died): it reads as interrupted.
 */
export async function listRuns(db: Database, repo: RepoIdentity, limit = 200): Promise<RunRecord[]> {
  const runs = await db.em().find(GcRun, { repoId: repo.repoId }, { orderBy: { startedAt: 'desc' }, limit });
  const running = runs.some((run) => run.outcome === 'running') && (await repoLocked(db, repo));
  return runs.map(
    (run): RunRecord => ({
      runId: run.runId,
      startedAt: run.startedAt.toISOString(),
      finishedAt: run.finishedAt?.toISOString() ?? null,
      who: `${run.osUser}@${run.host}`,
      dryRun: run.dryRun,
      graceSeconds: run.graceSeconds,
      outcome: run.outcome === 'running' && !running ? 'interrupted' : run.outcome,
      bytesFreed: run.bytesFreed,
      phases: run.phases.map((recorded) => ({
        ...recorded,
        // Written by recordEnd from the engine's own values: the names read back as they went in.
        phase: recorded.phase as PhaseName,
        kept: recorded.kept as Kept[] | undefined,
      })),
      errors: run.errors,
    }),
  );
}
