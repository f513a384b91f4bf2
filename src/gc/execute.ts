/**
 * Executing a plan, once, phase by phase. Under the repo's lock the run either
 * derives its plan there, or takes the plan it was given and narrows it to what is
 * still garbage, saying what differs. The preview's plan (held in memory) is checked
 * cheaply and derived again only when the hub changed since; a plan file, untrusted
 * input, is always derived again, at a cutoff no later than the grace in force allows,
 * so that it can only narrow what the run would delete, never widen it. It deletes
 * nothing the plan does not list but the row of a commit whose listed ref went last
 * (phases/commits.ts says why), and says so. A phase deletes chunk by chunk (chunks.ts),
 * each chunk a transaction that re-checks under row locks; blobs go after it
 * commits, from the journal.
 */
import { messageOf } from '../errors.js';
import { basisChanges } from './basis.js';
import type { GcContext } from './context.js';
import { formatGrace } from './duration.js';
import { recordEnd, recordStart } from './history.js';
import { ChunkRunner } from './chunks.js';
import { drainJournal, leftAloneWarning } from './journal.js';
import { lockRepo, type HeldLock, type Unlock } from './lock.js';
import { narrowPlan } from './narrow.js';
import { emptyTallies } from './phases/catalog.js';
import { PHASES, type Phase } from './phases/table.js';
import { holdRoots, RootsMoved, type PhaseApplied, type Progress } from './phases/runtime.js';
import { derivePlan, planClock } from './plan.js';
import { Profile } from './profile.js';
import { Session } from './session.js';
import {
  repoName,
  type GcEvent,
  type Kept,
  type PhaseName,
  type PhaseResult,
  type Plan,
  type PlanClock,
  type PlanSource,
  type RepoIdentity,
  type RunOptions,
  type RunResult,
  type RunTarget,
} from './types.js';

/** What a hub pass adds to a run's options: the engine's own, not the commands'. */
export interface ExecuteOptions extends RunOptions {
  /** The repo's lock, already taken (a hub pass claims repos so): the run takes it and its session over. */
  held?: HeldLock;
  /**
   * Finish only the blob deletions this repo's earlier runs left in the journal, not every repo's:
   * in a hub pass each repo answers for its own, and a blob that keeps failing is one repo's error.
   */
  ownJournal?: boolean;
}

/**
 * Connections a run deletes on by default: MuseHub's cascade triggers make one backend the limit
 * of a single connection, and two keep a two-core server busy.
 */
const DEFAULT_CONNECTIONS = 2;

/** How often a phase re-derives liveness when pushes keep moving the repo's roots. */
const ROOT_RETRIES = 3;
/** How often the end of a run is written before the run says it could not. */
const RECORD_ATTEMPTS = 3;

/** The plan a run acts on now, and what it knows beside. */
interface Current {
  plan: Plan;
  /** Per phase, what the given plan listed that is no longer garbage, and why. */
  dropped: Map<PhaseName, Kept[]>;
  /** New garbage the last derivation found that the plan does not list. */
  notes: string[];
}

export async function* executeGc(
  ctx: GcContext,
  target: RunTarget,
  options: ExecuteOptions,
): AsyncGenerator<GcEvent, RunResult> {
  const repo = 'plan' in target ? target.plan.repo : target.repo;
  const result = emptyResult(repo, options.dryRun ?? false, 'plan' in target ? target.source : 'derived');
  const profile = new Profile();
  const session = options.held?.session ?? (await Session.open(ctx.db));
  let workers: Session[] = [];
  let unlock: Unlock | undefined = options.held?.unlock;
  try {
    try {
      unlock ??= await lockRepo(session, ctx.db.kind, repo);
    } catch (error) {
      result.outcome = 'refused';
      result.errors.push(messageOf(error));
      yield { type: 'error', message: messageOf(error) };
      yield { type: 'run-done', result };
      return result;
    }
    result.run_id = await recordStart(session, ctx.db, repo, result.dry_run, graceOf(target));
    // On a server the chunks go over connections of their own (the first also derives the object
    // phases while the run's connection derives the others); a dry run keeps to its one transaction.
    if (ctx.db.kind === 'server' && !result.dry_run) {
      workers = await Promise.all(
        Array.from({ length: options.connections ?? DEFAULT_CONNECTIONS }, () => Session.open(ctx.db)),
      );
    }
    yield* runPhases(ctx, session, workers, target, options, result, profile);
  } catch (error) {
    result.outcome = 'failed';
    result.errors.push(messageOf(error));
    yield { type: 'error', message: messageOf(error) };
  } finally {
    result.profile = profile.toJSON();
    if (result.run_id) {
      const failure = await recordEndRetrying(session, ctx.db, result);
      if (failure) {
        const message =
          `could not record the end of run ${result.run_id} in musehub_gc_runs (${failure}); ` +
          'history will show it as interrupted';
        result.errors.push(message);
        yield { type: 'error', message };
      }
    }
    // Whatever the cached estimate said is stale now.
    if (!result.dry_run)
      await session.execute('delete from musehub_gc_estimates where repo_id = ?', [repo.repoId]).catch(() => {});
    await unlock?.().catch(() => {});
    await Promise.all(workers.map((worker) => worker.close()));
    await session.close();
  }
  yield { type: 'run-done', result };
  return result;
}

async function* runPhases(
  ctx: GcContext,
  session: Session,
  workers: readonly Session[],
  target: RunTarget,
  options: ExecuteOptions,
  result: RunResult,
  profile: Profile,
): AsyncGenerator<GcEvent> {
  const dryRun = result.dry_run;
  if (!dryRun) {
    const resumed = await drainJournal(session, ctx.store, undefined, {
      profile,
      repoId: options.ownJournal ? result.repo_id : undefined,
    });
    if (resumed.blobs > 0 || resumed.errors.length > 0) {
      result.errors.push(...resumed.errors);
      yield { type: 'journal-resumed', blobs: resumed.blobs, bytes: resumed.bytes, errors: resumed.errors };
    }
    const leftAlone = leftAloneWarning(resumed, ctx.store);
    if (leftAlone) yield { type: 'warning', message: leftAlone };
  }
  let current: Current;
  let rederived = false;
  if ('plan' in target) {
    const given = target.plan;
    const changes = await profile.time('check plan', () =>
      basisChanges(session, given.repo.repoId, given.cutoff, given.basis),
    );
    current = { plan: given, dropped: new Map(), notes: [] };
    const what = { file: 'the plan file was written', preview: 'the preview', mark: 'its batch was planned' }[
      target.source
    ];
    if (changes.length > 0) {
      yield {
        type: 'warning',
        message:
          `the hub changed since ${what} (${changes.join('; ')}): derived again under the lock; ` +
          'only what the plan listed and is still garbage is deleted',
      };
    }
    if (changes.length > 0 || target.source === 'file') {
      rederived = true;
      const at = target.source === 'file' ? await fileDerivation(session, given, graceOf(target)) : undefined;
      if (at && Date.parse(at.clock.cutoff) < Date.parse(given.cutoff)) {
        yield {
          type: 'warning',
          message:
            `the plan file's cutoff ${given.cutoff} is later than now minus the grace ` +
            `in force (${formatGrace(at.graceSeconds)}): the run keeps what was created after ${at.clock.cutoff}`,
        };
      }
      current = await profile.time('derive again', () => rederive(ctx, session, workers[0], current, options, at));
      for (const difference of differencesOf(current, given)) yield { type: 'warning', message: difference };
    }
  } else {
    const derived = await profile.time('derive plan', () =>
      derivePlan(
        session,
        ctx.db.hub,
        target.repo,
        { graceSeconds: target.graceSeconds, itemLimit: options.itemLimit ?? 0 },
        undefined,
        workers[0],
      ),
    );
    current = { plan: derived.plan, dropped: new Map(), notes: [] };
  }
  result.reachable_commit_count = current.plan.reachableCommits;
  result.plan = {
    source: result.plan.source,
    computed_at: current.plan.computedAt,
    cutoff: current.plan.cutoff,
    rederived,
    profile: current.plan.profile,
  };
  yield { type: 'plan-ready', plan: current.plan, source: result.plan.source, rederived };

  if (dryRun) await session.execute('begin');
  try {
    for (const phase of PHASES) {
      const outcome = yield* runPhase(ctx, session, workers, phase, current, options, result, profile);
      if (outcome === 'stop') {
        result.outcome = 'stopped';
        break;
      }
      current = outcome;
    }
  } finally {
    if (dryRun) await session.execute('rollback').catch(() => {});
    for (const phase of PHASES) {
      if (!result.phases.some((done) => done.phase === phase.name))
        result.phases.push(phaseResult(phase.name, 'not-run'));
    }
    result.phases.sort(
      (a, b) => PHASES.findIndex((p) => p.name === a.phase) - PHASES.findIndex((p) => p.name === b.phase),
    );
  }
}

/** Asks about one phase and runs it; returns the plan for the phases after, or 'stop'. */
async function* runPhase(
  ctx: GcContext,
  session: Session,
  workers: readonly Session[],
  phase: Phase,
  start: Current,
  options: RunOptions,
  result: RunResult,
  profile: Profile,
): AsyncGenerator<GcEvent, Current | 'stop'> {
  let current = start;
  const index = PHASES.indexOf(phase);
  let phasePlan = current.plan.phases[index]!;
  if (options.phases && !options.phases.includes(phase.name)) {
    result.phases.push(phaseResult(phase.name, 'skipped'));
    return current;
  }
  if (phasePlan.refused) {
    result.phases.push({ ...phaseResult(phase.name, 'refused'), errors: [phasePlan.refused] });
    yield { type: 'warning', phase: phase.name, message: `phase ${phase.name} refused: ${phasePlan.refused}` };
    return current;
  }
  yield { type: 'confirm', phase: phasePlan };
  const decision = await options.decide(phasePlan, current.plan);
  if (decision === 'stop') return 'stop';
  if (decision === 'skip') {
    result.phases.push(phaseResult(phase.name, 'skipped'));
    return current;
  }
  const started = performance.now();
  const total = phase.sets.reduce((sum, set) => sum + current.plan.sets[set.key].size, 0);
  yield { type: 'phase-start', phase: phase.name, total, bytes: phasePlan.bytes };
  const done = phaseResult(phase.name, 'done');
  let chunks: ChunkRunner | undefined;
  try {
    let applied: PhaseApplied | undefined;
    for (let attempt = 1; !applied; attempt++) {
      const plan = current.plan;
      // While a phase deletes what is not live, the repo's roots stay as liveness was derived from:
      // held still by the run's own connection (a transaction of its own beside the chunks').
      const guard = phase.holdsRoots && workers.length > 0;
      try {
        if (guard) await session.execute('begin');
        if (phase.holdsRoots)
          await holdRoots(session, plan.repo, plan.cutoff, plan.basis.roots, guard || result.dry_run);
        applied = yield* withProgress(phase.name, (progress) =>
          profile.time(`delete ${phase.name}`, () => {
            chunks = new ChunkRunner(
              workers.length > 0 ? workers : [session],
              result.dry_run,
              ctx.store,
              progress,
              profile,
            );
            return phase.apply(
              {
                session,
                repo: plan.repo,
                clock: { now: plan.computedAt, cutoff: plan.cutoff },
                runId: result.run_id,
                chunks,
              },
              plan.sets,
            );
          }),
        );
      } catch (error) {
        if (!(error instanceof RootsMoved) || attempt === ROOT_RETRIES) throw error;
        yield { type: 'warning', phase: phase.name, message: `${error.message}: deriving it again` };
        if (guard) await session.execute('rollback');
        current = await profile.time('derive again', () => rederive(ctx, session, workers[0], current, options));
        phasePlan = current.plan.phases[index]!;
        if (phasePlan.refused) throw new Error(`phase ${phase.name} is refused now: ${phasePlan.refused}`);
      } finally {
        if (guard && applied) await session.execute('commit');
        else if (guard) await session.execute('rollback').catch(() => {});
      }
    }
    const kept = [...(current.dropped.get(phase.name) ?? []), ...applied.kept];
    Object.assign(done, {
      kept,
      keptSincePlan: kept.reduce((sum, line) => sum + line.count, 0),
      differences: [...kept.map((line) => line.detail), ...(applied.beyondPlan ?? [])],
    });
  } catch (error) {
    // Rows a committed transaction deleted stay counted; the journal keeps their blobs for later.
    done.status = 'failed';
    throw error;
  } finally {
    if (chunks) {
      // What committed chunks deleted counts, even when a later one failed; bytes are freed when blobs
      // go (a dry run says what would be).
      Object.assign(done, {
        refs: chunks.deleted.refs,
        rows: chunks.deleted.rows,
        blobs: chunks.drained.blobs,
        bytes: result.dry_run ? chunks.deleted.bytes : chunks.drained.bytes,
      });
      done.errors.push(...chunks.drained.errors);
    }
    done.seconds = (performance.now() - started) / 1000;
    result.phases.push(done);
    tally(result, phase, done);
  }
  yield { type: 'phase-done', result: done };
  return current;
}

/** The instants a plan is derived again at, and the grace they keep. */
export interface Derivation {
  clock: PlanClock;
  graceSeconds: number;
}

/** The grace a run holds to: a plan file's own only when it is longer than the operator's. */
function graceOf(target: RunTarget): number {
  if (!('plan' in target)) return target.graceSeconds;
  return target.source === 'file' ? Math.max(target.plan.graceSeconds, target.graceSeconds) : target.plan.graceSeconds;
}

/**
 * Where a plan file's run derives liveness: now, and the file's cutoff unless it is later than now minus
 * the grace in force. A file's cutoff moved ahead must not make young rows (a push in flight) garbage.
 */
export async function fileDerivation(session: Session, given: Plan, graceSeconds: number): Promise<Derivation> {
  const clock = await planClock(session, graceSeconds);
  const fileCutoff = Date.parse(given.cutoff);
  if (fileCutoff < Date.parse(clock.cutoff)) clock.cutoff = new Date(fileCutoff).toISOString();
  return { clock, graceSeconds };
}

/** Derives the plan again (at the current plan's clock unless told), and narrows the current plan to it. */
async function rederive(
  ctx: GcContext,
  session: Session,
  helper: Session | undefined,
  current: Current,
  options: RunOptions,
  at?: Derivation,
): Promise<Current> {
  const { plan } = current;
  const { clock, graceSeconds } = at ?? {
    clock: { now: plan.computedAt, cutoff: plan.cutoff },
    graceSeconds: plan.graceSeconds,
  };
  const itemLimit = Math.max(options.itemLimit ?? 0, ...plan.phases.map((p) => p.items.length));
  const fresh = await derivePlan(session, ctx.db.hub, plan.repo, { graceSeconds, itemLimit }, clock, helper);
  const narrowed = await narrowPlan(session, plan, fresh.plan, fresh.live);
  const dropped = new Map(current.dropped);
  for (const [phase, kept] of narrowed.dropped) dropped.set(phase, [...(dropped.get(phase) ?? []), ...kept]);
  return { plan: narrowed.plan, dropped, notes: narrowed.notes };
}

/** What a narrowed plan differs in from the one it was given, a line each. */
function differencesOf(current: Current, given: Plan): string[] {
  const lines: string[] = [];
  for (const [index, phase] of PHASES.entries()) {
    const refused = current.plan.phases[index]!.refused;
    if (refused && !given.phases[index]!.refused) lines.push(`phase ${phase.name} is refused now: ${refused}`);
    for (const kept of current.dropped.get(phase.name) ?? []) lines.push(`phase ${phase.name}: ${kept.detail}`);
  }
  return [...lines, ...current.notes];
}

/**
 * Runs `work`, yielding the progress it reports as events meanwhile; returns its value.
 * Only the newest progress is kept while the consumer is busy.
 */
async function* withProgress<T>(
  phase: PhaseName,
  work: (progress: Progress) => Promise<T>,
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
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }
}

/** Writes the end of the run, retrying; returns why it could not, or undefined when it did. */
async function recordEndRetrying(
  session: Session,
  db: GcContext['db'],
  result: RunResult,
): Promise<string | undefined> {
  let failure = '';
  for (let attempt = 1; attempt <= RECORD_ATTEMPTS; attempt++) {
    try {
      await recordEnd(session, db, result);
      return undefined;
    } catch (error) {
      failure = messageOf(error);
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
  return failure;
}

function phaseResult(phase: PhaseName, status: PhaseResult['status']): PhaseResult {
  return {
    phase,
    status,
    refs: 0,
    rows: 0,
    bytes: 0,
    blobs: 0,
    seconds: 0,
    keptSincePlan: 0,
    kept: [],
    differences: [],
    errors: [],
  };
}

function tally(result: RunResult, phase: Phase, done: PhaseResult): void {
  result.errors.push(...done.errors);
  for (const set of phase.sets) result[set.tally] = done[set.count];
  if (phase.blobs) result.storage_bytes_freed += done.bytes;
}

function emptyResult(repo: RepoIdentity, dryRun: boolean, source: PlanSource): RunResult {
  return {
    run_id: '',
    repo_id: repo.repoId,
    repo: repoName(repo),
    dry_run: dryRun,
    outcome: 'done',
    ...emptyTallies(),
    storage_bytes_freed: 0,
    reachable_commit_count: 0,
    errors: [],
    phases: [],
    plan: { source, computed_at: '', cutoff: '', rederived: false, profile: {} },
    profile: {},
  };
}
