/**
 * Executing a plan, once, phase by phase. Under the repo's lock the run derives
 * its sets again against the plan's clock (a push since the preview may have made
 * rows live), reports what differs, and asks before each phase. Each phase deletes
 * in one transaction that re-checks its condition under row locks; blobs go
 * after the transaction commits, from the journal.
 */
import { messageOf } from '../errors.js';
import type { GcContext } from './context.js';
import { recordEnd, recordStart } from './history.js';
import { drainJournal } from './journal.js';
import { lockRepo, type Unlock } from './lock.js';
import { applyCache } from './phases/cache.js';
import { applyCommits } from './phases/commits.js';
import { applyObjects } from './phases/objects.js';
import { applyRefs } from './phases/refs.js';
import { RootsMoved, type PhaseApplied, type PhaseRuntime, type Progress } from './phases/runtime.js';
import { applySnapshots } from './phases/snapshots.js';
import { derivePlan } from './plan.js';
import { Session } from './session.js';
import {
  BLOB_PHASES, PHASES, repoName, type Decide, type GcEvent, type PhaseName, type PhasePlan, type PhaseResult, type Plan, type RunResult,
} from './types.js';

export interface ExecuteOptions {
  decide: Decide;
  /** Runs every phase inside one transaction that is rolled back: same code, nothing changes. */
  dryRun?: boolean;
  /** The phases to run; the others are skipped without asking. */
  phases?: readonly PhaseName[];
}

/** How often a phase re-derives liveness when pushes keep moving the repo's roots. */
const ROOT_RETRIES = 3;

export async function* executeGc(ctx: GcContext, plan: Plan, options: ExecuteOptions): AsyncGenerator<GcEvent, RunResult> {
  const dryRun = options.dryRun ?? false;
  const result = emptyResult(plan, dryRun);
  const session = await Session.open(ctx.db);
  let unlock: Unlock | undefined;
  try {
    try {
      unlock = await lockRepo(session, ctx.db.kind, plan.repo);
    } catch (error) {
      result.outcome = 'refused';
      result.errors.push(messageOf(error));
      yield { type: 'error', message: messageOf(error) };
      yield { type: 'run-done', result };
      return result;
    }
    result.run_id = await recordStart(session, plan.repo, dryRun, plan.graceSeconds);
    yield* runPhases(ctx, session, plan, options, result);
  } catch (error) {
    result.outcome = 'failed';
    result.errors.push(messageOf(error));
    yield { type: 'error', message: messageOf(error) };
  } finally {
    if (result.run_id) await recordEnd(session, result).catch(() => {});
    // Whatever the cached estimate said is stale now.
    if (!dryRun) await session.execute('delete from musehub_gc_estimates where repo_id = ?', [plan.repo.repoId]).catch(() => {});
    await unlock?.().catch(() => {});
    await session.close();
  }
  yield { type: 'run-done', result };
  return result;
}

async function* runPhases(
  ctx: GcContext, session: Session, plan: Plan, options: ExecuteOptions, result: RunResult,
): AsyncGenerator<GcEvent> {
  const dryRun = result.dry_run;
  if (!dryRun) {
    const resumed = await drainJournal(session, ctx.store, undefined);
    if (resumed.blobs > 0 || resumed.errors.length > 0) {
      result.errors.push(...resumed.errors);
      yield { type: 'journal-resumed', blobs: resumed.blobs, bytes: resumed.bytes, errors: resumed.errors };
    }
  }
  const clock = { now: plan.computedAt, cutoff: plan.cutoff };
  let current = await derivePlan(session, plan.repo, { graceSeconds: plan.graceSeconds }, clock);
  result.reachable_commit_count = current.plan.reachableCommits;
  yield { type: 'plan-ready', plan: current.plan };
  for (const difference of planDifferences(plan, current.plan)) yield { type: 'warning', message: difference };

  if (dryRun) await session.execute('begin');
  try {
    for (const [index, phase] of PHASES.entries()) {
      let phasePlan = current.plan.phases[index]!;
      if (options.phases && !options.phases.includes(phase)) {
        result.phases.push(phaseResult(phase, 'skipped'));
        continue;
      }
      if (phasePlan.refused) {
        result.phases.push({ ...phaseResult(phase, 'refused'), errors: [phasePlan.refused] });
        yield { type: 'warning', phase, message: `phase ${phase} refused: ${phasePlan.refused}` };
        continue;
      }
      yield { type: 'confirm', phase: phasePlan };
      const decision = await options.decide(phasePlan, current.plan);
      if (decision === 'stop') {
        result.outcome = 'stopped';
        break;
      }
      if (decision === 'skip') {
        result.phases.push(phaseResult(phase, 'skipped'));
        continue;
      }
      const started = performance.now();
      yield { type: 'phase-start', phase, total: phaseTotal(phasePlan), bytes: phasePlan.bytes };
      const done = phaseResult(phase, 'done');
      try {
        let applied: PhaseApplied | undefined;
        for (let attempt = 1; !applied; attempt++) {
          try {
            applied = yield* withProgress(phase, (progress) =>
              inTransaction(session, dryRun, () => applyPhase(current.runtime, phasePlan, result.run_id, progress)));
          } catch (error) {
            if (!(error instanceof RootsMoved) || attempt === ROOT_RETRIES) throw error;
            yield { type: 'warning', phase, message: `${error.message}: deriving it again` };
            current = await derivePlan(session, plan.repo, { graceSeconds: plan.graceSeconds }, clock);
            phasePlan = current.plan.phases[index]!;
          }
        }
        const deletesBlobs = !dryRun && BLOB_PHASES.includes(phase);
        // Bytes are freed when blobs go, so a blob phase counts them from the journal's drain.
        Object.assign(done, { refs: applied.refs, rows: applied.rows, bytes: deletesBlobs ? 0 : applied.bytes,
          keptSincePlan: applied.keptSincePlan, differences: applied.differences });
        if (deletesBlobs) {
          const drained = yield* withProgress(phase, (progress) =>
            drainJournal(session, ctx.store, result.run_id, progress));
          Object.assign(done, { blobs: drained.blobs, bytes: drained.bytes });
          done.errors.push(...drained.errors);
        }
      } catch (error) {
        // Rows a committed transaction deleted stay counted; the journal keeps their blobs for later.
        done.status = 'failed';
        throw error;
      } finally {
        done.seconds = (performance.now() - started) / 1000;
        result.phases.push(done);
        tally(result, done);
      }
      yield { type: 'phase-done', result: done };
    }
  } finally {
    if (dryRun) await session.execute('rollback').catch(() => {});
    for (const phase of PHASES) {
      if (!result.phases.some((done) => done.phase === phase)) result.phases.push(phaseResult(phase, 'not-run'));
    }
    result.phases.sort((a, b) => PHASES.indexOf(a.phase) - PHASES.indexOf(b.phase));
  }
}

function applyPhase(rt: PhaseRuntime, plan: PhasePlan, runId: string, progress: Progress): Promise<PhaseApplied> {
  switch (plan.phase) {
    case 'commits': return applyCommits(rt, plan, progress);
    case 'snapshots': return applySnapshots(rt, plan, progress);
    case 'refs': return applyRefs(rt, plan, progress);
    case 'objects': return applyObjects(rt, runId, plan, progress);
    case 'cache': return applyCache(rt, runId, plan, progress);
  }
}

/** A dry run is already inside its one transaction, rolled back at the end. */
function inTransaction<T>(session: Session, dryRun: boolean, work: () => Promise<T>): Promise<T> {
  return dryRun ? work() : session.transaction(work);
}

/**
 * Runs `work`, yielding the progress it reports as events meanwhile; returns its value.
 * Only the newest progress is kept while the consumer is busy.
 */
async function* withProgress<T>(
  phase: PhaseName, work: (progress: Progress) => Promise<T>,
): AsyncGenerator<GcEvent, T> {
  let latest: GcEvent | undefined;
  let wake: (() => void) | undefined;
  let settled = false;
  const running = work((done, total, bytes) => {
    latest = { type: 'progress', phase, done, total, bytes };
    wake?.();
  }).finally(() => {
    settled = true;
    wake?.();
  });
  running.catch(() => {});
  for (;;) {
    if (latest) {
      const event = latest;
      latest = undefined;
      yield event;
    } else if (settled) {
      return running;
    } else {
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = undefined;
    }
  }
}

function planDifferences(previewed: Plan, current: Plan): string[] {
  const differences: string[] = [];
  for (const [index, phase] of previewed.phases.entries()) {
    const now = current.phases[index]!;
    for (const field of ['refs', 'rows', 'blobs'] as const) {
      if (phase[field] !== now[field]) {
        differences.push(`phase ${phase.phase}: the preview counted ${phase[field]} ${field}, ` +
          `now ${now[field]} (the hub changed since the preview)`);
      }
    }
    if (!phase.refused && now.refused) differences.push(`phase ${phase.phase} is now refused: ${now.refused}`);
  }
  return differences;
}

function phaseTotal(plan: PhasePlan): number {
  return plan.phase === 'commits' ? plan.refs + plan.rows : plan.phase === 'refs' ? plan.refs : plan.rows;
}

function phaseResult(phase: PhaseName, status: PhaseResult['status']): PhaseResult {
  return { phase, status, refs: 0, rows: 0, bytes: 0, blobs: 0, seconds: 0, keptSincePlan: 0, differences: [], errors: [] };
}

function tally(result: RunResult, done: PhaseResult): void {
  result.errors.push(...done.errors);
  switch (done.phase) {
    case 'commits':
      result.commit_refs_deleted = done.refs;
      result.commits_deleted = done.rows;
      break;
    case 'snapshots':
      result.snapshots_deleted = done.rows;
      break;
    case 'refs':
      result.object_refs_deleted = done.refs;
      break;
    case 'objects':
      result.objects_deleted = done.rows;
      result.storage_bytes_freed += done.bytes;
      break;
    case 'cache':
      result.mpack_cache_deleted = done.rows;
      result.storage_bytes_freed += done.bytes;
      break;
  }
}

function emptyResult(plan: Plan, dryRun: boolean): RunResult {
  return {
    run_id: '', repo_id: plan.repo.repoId, repo: repoName(plan.repo), dry_run: dryRun, outcome: 'done',
    commits_deleted: 0, commit_refs_deleted: 0, snapshots_deleted: 0, object_refs_deleted: 0, objects_deleted: 0,
    storage_bytes_freed: 0, mpack_cache_deleted: 0, reachable_commit_count: plan.reachableCommits, errors: [], phases: [],
  };
}
