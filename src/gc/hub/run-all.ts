/**
 * A hub pass: every repo of the hub collected, `workers` at a time, in the order of the
 * cached estimates, each as `run <repo> --yes` would (its plan derived under its lock, every
 * phase). Processes share the work through PostgreSQL alone (claim.ts, pass.ts): there is no
 * scheduler beyond the locks. One repo failing does not stop the others.
 */
import { messageOf } from '../../errors.js';
import type { GcContext } from '../context.js';
import { executeGc } from '../execute.js';
import { operatorName } from '../../operator.js';
import { PHASE_SETS, rowsDeleted } from '../phases/table.js';
import { repoName, type Decide, type RepoIdentity, type RunResult } from '../types.js';
import { claimRepo } from './claim.js';
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
  try {
    yield { type: 'hub-start', pass: start, total: queue.length, repos: queue };
    yield* passEvents(queue, workers, (repo) => collectRepo(ctx, pass, repo, options), ended, options.stop);
  } finally {
    await pass.end(ended.size < queue.length ? 'stopped' : 'done', ended.size).catch(() => {});
  }
  const result = passResult(start, queue, ended, { hub: ctx.db.hub, dryRun, graceSeconds: options.graceSeconds });
  yield { type: 'hub-done', result };
  return result;
}

/**
 * A pass's work over `queue`, `workers` repos at a time, each repo's turn from `collect`: its
 * events, and the pass's progress after each repo starts and ends. How each repo ended goes
 * into `ended` as it ends, so that a pass its consumer leaves early still knows.
 */
export async function* passEvents(queue: readonly RepoIdentity[], workers: number, collect: (repo: RepoIdentity) => AsyncIterable<HubEvent>,
  ended: Map<string, HubRepoResult>, stop?: AbortSignal): AsyncGenerator<HubEvent> {
  const tally = new PassTally(queue.length);
  for await (const event of inLanes(queue, workers, collect, stop)) {
    if (event.type === 'repo-start') tally.start(event.repo);
    if (event.type === 'repo-done') {
      const { result } = event.outcome;
      tally.finish(event.outcome.repo_id, result ? rowsDeleted(result) : 0, result?.storage_bytes_freed ?? 0);
      ended.set(event.outcome.repo_id, event.outcome);
    }
    yield event;
    if (event.type === 'repo-start' || event.type === 'repo-done') yield { type: 'hub-progress', progress: tally.progress() };
  }
}

/** A pass's result: every repo of its queue in order (those it did not reach `not-started`), and the totals. */
export function passResult(start: PassStart, queue: readonly RepoIdentity[], ended: ReadonlyMap<string, HubRepoResult>,
  facts: { hub: HubResult['hub']; dryRun: boolean; graceSeconds: number }): HubResult {
  const repos = queue.map((repo) => ended.get(repo.repoId) ?? { repo: repoName(repo), repo_id: repo.repoId, status: 'not-started' as const });
  return {
    ...start, hub: facts.hub, who: operatorName(), finished_at: new Date().toISOString(), dry_run: facts.dryRun,
    grace_seconds: facts.graceSeconds, outcome: ended.size < queue.length ? 'stopped' : 'done', repos, totals: totalsOf(repos),
  };
}

/** One repo's turn: claimed and run, or skipped, or failed before it could run. */
async function* collectRepo(ctx: GcContext, pass: Pass, repo: RepoIdentity, options: HubRunOptions): AsyncGenerator<HubEvent> {
  const started_at = new Date().toISOString();
  const outcome = (fields: Pick<HubRepoResult, 'status'> & Partial<HubRepoResult>): HubEvent => ({
    type: 'repo-done', outcome: { repo: repoName(repo), repo_id: repo.repoId, started_at, finished_at: new Date().toISOString(), ...fields },
  });
  let claimed;
  try {
    claimed = await claimRepo(ctx.db, repo, pass.since);
  } catch (error) {
    yield outcome({ status: 'failed', detail: `could not claim it: ${messageOf(error)}` });
    return;
  }
  if ('skipped' in claimed) {
    yield outcome({ status: claimed.skipped, detail: claimed.detail });
    return;
  }
  yield { type: 'repo-start', repo };
  const run = executeGc(ctx, { repo, graceSeconds: options.graceSeconds },
    { decide: everyPhase, dryRun: options.dryRun, phases: options.phases, connections: RUN_CONNECTIONS, held: claimed.held, ownJournal: true });
  let result: RunResult;
  try {
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
    repos: repos.length, statuses: {}, refused_phases: 0, storage_bytes_freed: 0, errors: 0,
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
