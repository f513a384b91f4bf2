/**
 * A hub pass: every repo of the hub collected, `workers` batches at a time, in the order of the
 * cached estimates. A worker claims a batch of repos under their locks (claim.ts), plans the
 * batch by the hub's mark (mark.ts: one read of the batch's rows, one count of the hub's commits
 * for their snapshots), and runs each repo as `run <repo> --yes` would, on its plan from the mark,
 * checked under the lock as a preview is (every phase, each chunk re-checked under row locks).
 * Processes share the work through PostgreSQL alone (claim.ts, pass.ts): there is no scheduler
 * beyond the locks. One repo failing does not stop the others.
 */
import { messageOf } from '../../errors.js';
import type { GcContext } from '../context.js';
import { executeGc } from '../execute.js';
import { operatorName } from '../../operator.js';
import { PHASE_SETS, rowsDeleted } from '../phases/catalog.js';
import type { Unlock } from '../lock.js';
import { Session } from '../session.js';
import { repoName, type Decide, type Plan, type RepoIdentity, type RunResult } from '../types.js';
import { claimBatch, claimBatchSize, type ClaimedBatch } from './claim.js';
import { markBatch } from './mark.js';
import { inLanes } from './lanes.js';
import { beginPass, type Pass } from './pass.js';
import { reposInOrder } from './queue.js';
import { snapshotIndexNotice } from './snapshot-index.js';
import { PassTally } from './tally.js';
import type { HubEvent, HubRepoResult, HubResult, HubRunOptions, HubTotals, PassStart } from './types.js';
import { RUN_CONNECTIONS, workersFor } from './workers.js';

/** A pass asks nobody: each phase of each repo goes. */
const everyPhase: Decide = async () => 'go';

export async function* runAllRepos(ctx: GcContext, options: HubRunOptions): AsyncGenerator<HubEvent, HubResult> {
  const { workers, notice } = workersFor(ctx.db, options.workers);
  if (notice) yield { type: 'notice', message: notice };
  const scanNotice = await snapshotIndexNotice(ctx.db);
  if (scanNotice) yield { type: 'notice', message: scanNotice };
  const queue = await reposInOrder(ctx.db, options.repoIds);
  const dryRun = options.dryRun ?? false;
  const pass = await beginPass(ctx.db, { workers, dryRun, graceSeconds: options.graceSeconds });
  const start: PassStart = { pass_id: pass.passId, since: pass.since, started_at: pass.startedAt, workers };
  const ended = new Map<string, HubRepoResult>();
  // Batches small enough that every worker gets some (a few each, as their repos differ in size).
  const size = Math.max(
    1,
    Math.min(await claimBatchSize(ctx.db), options.batch ?? Math.ceil(queue.length / (workers * 4))),
  );
  const batches = Array.from({ length: Math.ceil(queue.length / size) }, (_, i) =>
    queue.slice(i * size, (i + 1) * size),
  );
  try {
    yield { type: 'hub-start', pass: start, total: queue.length, repos: queue };
    yield* passEvents(
      batches,
      workers,
      (batch, quit) => collectBatch(ctx, pass, batch, options, quit),
      ended,
      options.stop,
    );
  } finally {
    await pass.end(ended.size < queue.length ? 'stopped' : 'done', ended.size).catch(() => {});
  }
  const result = passResult(start, queue, ended, { hub: ctx.db.hub, dryRun, graceSeconds: options.graceSeconds });
  yield { type: 'hub-done', result };
  return result;
}

/**
 * A pass's work over `turns` (repos, or batches of them), `workers` at a time, each turn's events
 * from `collect`, and the pass's progress after each repo starts and ends. How each repo ended goes
 * into `ended` as it ends, so that a pass its consumer leaves early still knows.
 */
export async function* passEvents<T>(
  turns: readonly T[],
  workers: number,
  collect: (turn: T, quit: AbortSignal) => AsyncIterable<HubEvent>,
  ended: Map<string, HubRepoResult>,
  stop?: AbortSignal,
): AsyncGenerator<HubEvent> {
  const tally = new PassTally(turns.reduce((sum, turn) => sum + (Array.isArray(turn) ? turn.length : 1), 0));
  for await (const event of inLanes(turns, workers, collect, stop)) {
    if (event.type === 'repo-start') tally.start(event.repo);
    if (event.type === 'repo-done') {
      const { result } = event.outcome;
      tally.finish(event.outcome.repo_id, result ? rowsDeleted(result) : 0, result?.storage_bytes_freed ?? 0);
      ended.set(event.outcome.repo_id, event.outcome);
    }
    yield event;
    if (event.type === 'repo-start' || event.type === 'repo-done')
      yield { type: 'hub-progress', progress: tally.progress() };
  }
}

/** A pass's result: every repo of its queue in order (those it did not reach `not-started`), and the totals. */
export function passResult(
  start: PassStart,
  queue: readonly RepoIdentity[],
  ended: ReadonlyMap<string, HubRepoResult>,
  facts: { hub: HubResult['hub']; dryRun: boolean; graceSeconds: number },
): HubResult {
  const repos = queue.map(
    (repo) => ended.get(repo.repoId) ?? { repo: repoName(repo), repo_id: repo.repoId, status: 'not-started' as const },
  );
  return {
    ...start,
    hub: facts.hub,
    who: operatorName(),
    finished_at: new Date().toISOString(),
    dry_run: facts.dryRun,
    grace_seconds: facts.graceSeconds,
    outcome: ended.size < queue.length ? 'stopped' : 'done',
    repos,
    totals: totalsOf(repos),
  };
}

/**
 * A batch's turn: its repos claimed, those held planned together under their locks, then run one
 * after another on their plans; skipped ones said. Once told to `quit` (a stop, a consumer gone), no
 * repo of the batch starts and the locks of those not started go back.
 */
async function* collectBatch(
  ctx: GcContext,
  pass: Pass,
  batch: readonly RepoIdentity[],
  options: HubRunOptions,
  quit: AbortSignal,
): AsyncGenerator<HubEvent> {
  const started_at = new Date().toISOString();
  const done = (repo: RepoIdentity, fields: Pick<HubRepoResult, 'status'> & Partial<HubRepoResult>): HubEvent => ({
    type: 'repo-done',
    outcome: {
      repo: repoName(repo),
      repo_id: repo.repoId,
      started_at,
      finished_at: new Date().toISOString(),
      ...fields,
    },
  });
  let claims: ClaimedBatch;
  try {
    claims = await claimBatch(ctx.db, batch, pass.since);
  } catch (error) {
    for (const repo of batch) yield done(repo, { status: 'failed', detail: `could not claim it: ${messageOf(error)}` });
    return;
  }
  try {
    for (const { repo, skipped, detail } of claims.skipped) yield done(repo, { status: skipped, detail });
    const plans = await planBatch(
      ctx,
      claims.held.map(({ repo }) => repo),
      options.graceSeconds,
    );
    for (const { repo, unlock } of claims.held) {
      if (quit.aborted) break;
      yield* collectRepo(ctx, repo, plans.get(repo.repoId), unlock, options);
    }
  } finally {
    await claims.release();
  }
}

/** The plans of the batch's held repos, by the mark; a repo it could not plan derives its own when it runs. */
async function planBatch(
  ctx: GcContext,
  repos: readonly RepoIdentity[],
  graceSeconds: number,
): Promise<Map<string, Plan>> {
  if (repos.length === 0) return new Map();
  const session = await Session.open(ctx.db);
  const helper = ctx.db.kind === 'server' ? await Session.open(ctx.db) : undefined;
  try {
    const marked = await markBatch(session, helper, ctx.db, repos, { graceSeconds, itemLimit: 0 });
    return new Map(marked.flatMap((one) => ('derived' in one ? [[one.repo.repoId, one.derived.plan] as const] : [])));
  } finally {
    await helper?.close();
    await session.close();
  }
}

/** One repo's run, under the lock its batch holds: on its plan from the mark, or one it derives itself. */
async function* collectRepo(
  ctx: GcContext,
  repo: RepoIdentity,
  plan: Plan | undefined,
  unlock: Unlock,
  options: HubRunOptions,
): AsyncGenerator<HubEvent> {
  const started_at = new Date().toISOString();
  const outcome = (fields: Pick<HubRepoResult, 'status'> & Partial<HubRepoResult>): HubEvent => ({
    type: 'repo-done',
    outcome: {
      repo: repoName(repo),
      repo_id: repo.repoId,
      started_at,
      finished_at: new Date().toISOString(),
      ...fields,
    },
  });
  yield { type: 'repo-start', repo };
  let result: RunResult;
  try {
    const session = await Session.open(ctx.db);
    const run = executeGc(ctx, plan ? { plan, source: 'mark' } : { repo, graceSeconds: options.graceSeconds }, {
      decide: everyPhase,
      dryRun: options.dryRun,
      phases: options.phases,
      connections: RUN_CONNECTIONS,
      held: { session, unlock },
      ownJournal: true,
    });
    for (;;) {
      const next = await run.next();
      if (next.done) {
        result = next.value;
        break;
      }
      yield { type: 'repo-event', repo, event: next.value };
    }
  } catch (error) {
    // The engine reports what goes wrong in its result; what escapes it still ends only this repo's turn.
    yield outcome({ status: 'failed', detail: messageOf(error) });
    return;
  }
  yield outcome({ status: result.outcome, result });
}

function totalsOf(repos: readonly HubRepoResult[]): HubTotals {
  const totals = {
    repos: repos.length,
    statuses: {},
    refused_phases: 0,
    storage_bytes_freed: 0,
    errors: 0,
    ...Object.fromEntries(PHASE_SETS.map((set) => [set.tally, 0])),
  } as HubTotals;
  for (const repo of repos) {
    totals.statuses[repo.status] = (totals.statuses[repo.status] ?? 0) + 1;
    const { result } = repo;
    if (repo.status === 'failed' && !result) totals.errors++;
    if (!result) continue;
    for (const set of PHASE_SETS) totals[set.tally] += result[set.tally];
    totals.storage_bytes_freed += result.storage_bytes_freed;
    totals.errors += result.errors.length;
    if (result.phases.some((phase) => phase.status === 'refused')) totals.refused_phases++;
  }
  return totals;
}
