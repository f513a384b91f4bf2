/** The run history: every run, who ran it, what each phase did and how it ended. */
import { randomUUID } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import type { Database } from '../db/connect.js';
import type { RunRecord } from './service.js';
import type { Session } from './session.js';
import { repoName, type RepoIdentity, type RunResult } from './types.js';

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** Records a run as started; returns its id. */
export async function recordStart(session: Session, repo: RepoIdentity, dryRun: boolean, graceSeconds: number): Promise<string> {
  const runId = randomUUID();
  await session.execute(`
    insert into musehub_gc_runs (run_id, repo_id, repo_name, os_user, host, dry_run, grace_seconds)
    values (?, ?, ?, ?, ?, ?, ?)`, [runId, repo.repoId, repoName(repo), osUser(), hostname(), dryRun, graceSeconds]);
  return runId;
}

export async function recordEnd(session: Session, result: RunResult): Promise<void> {
  await session.execute(`
    update musehub_gc_runs set finished_at = now(), outcome = ?, phases = ?::jsonb, bytes_freed = ?, errors = ?::jsonb
    where run_id = ?`, [result.outcome, JSON.stringify(result.phases.map((phase) => ({
    phase: phase.phase, status: phase.status, refs: phase.refs, rows: phase.rows, bytes: phase.bytes,
    blobs: phase.blobs, seconds: phase.seconds, keptSincePlan: phase.keptSincePlan,
  }))), result.storage_bytes_freed, JSON.stringify(result.errors), result.run_id]);
}

/** Past runs of a repo, newest first. */
export async function listRuns(db: Database, repoId: string, limit = 200): Promise<RunRecord[]> {
  const rows = (await db.knex().raw(`
    select run_id, started_at, finished_at, os_user || '@' || host as who, dry_run, grace_seconds, outcome,
           bytes_freed::float8 as bytes_freed, phases, errors
    from musehub_gc_runs where repo_id = ? order by started_at desc limit ?`, [repoId, limit])).rows;
  return rows.map((row: Record<string, any>): RunRecord => ({
    runId: row.run_id,
    startedAt: new Date(row.started_at).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at).toISOString() : null,
    who: row.who,
    dryRun: row.dry_run,
    graceSeconds: row.grace_seconds,
    outcome: row.outcome,
    bytesFreed: row.bytes_freed,
    phases: row.phases,
    errors: row.errors,
  }));
}
