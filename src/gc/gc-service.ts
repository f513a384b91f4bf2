/** The console's GcService over a real hub: the engine, its database and its store. */
import { messageOf, UserError } from '../errors.js';
import type { GcContext } from './context.js';
import { estimateRepos } from './estimate.js';
import { executeGc } from './execute.js';
import { commitDetail, repoGraph } from './graph.js';
import { listRuns } from './history.js';
import { planGc } from './plan.js';
import type { GcService, RepoRow } from './service.js';
import type { Decide, GcEvent, PhaseName, Plan } from './types.js';

export interface GcServiceOptions {
  /** What the title bar says the console is connected to. */
  label: string;
  graceSeconds: number;
}

/** How many items each phase of a console plan lists. */
const PREVIEW_ITEMS = 500;

export function createGcService(ctx: GcContext, options: GcServiceOptions): GcService {
  return {
    label: options.label,
    listRepos: () => listRepos(ctx),
    estimates: (repoIds, signal) => estimateRepos(ctx, repoIds, { graceSeconds: options.graceSeconds, signal }),
    graph: (repo, graceSeconds) => repoGraph(ctx, repo, graceSeconds),
    commit: (commitId) => commitDetail(ctx, commitId),
    plan: (repo, graceSeconds) => planGc(ctx, repo, { graceSeconds, itemLimit: PREVIEW_ITEMS }),
    run: (plan, decide, runOptions) => checkedRun(ctx, plan, decide, runOptions?.phases),
    history: (repo) => listRuns(ctx.db, repo.repoId),
  };
}

/**
 * A run that checks the blob store before anything (a refusing bucket is said before a row goes),
 * and re-estimates the repo once it is over, so the repos table shows what is left rather than what went.
 */
async function* checkedRun(ctx: GcContext, plan: Plan, decide: Decide, phases: PhaseName[] | undefined): AsyncGenerator<GcEvent> {
  try {
    await ctx.store.check();
  } catch (error) {
    throw new UserError(`nothing was deleted: the blob store ${ctx.store.url} is not usable: ${messageOf(error)}`, 3);
  }
  yield* executeGc(ctx, plan, { decide, phases });
  for await (const _ of estimateRepos(ctx, [plan.repo.repoId], { graceSeconds: plan.graceSeconds, maxAgeSeconds: 0 })) {
    // Computing it stores it in the estimates cache; the console reads it from there.
  }
}

/** Every repo with its counts, in one pass over each table. */
export async function listRepos(ctx: GcContext): Promise<RepoRow[]> {
  const rows = (await ctx.db.knex().raw(`
    select r.repo_id as "repoId", r.owner, r.slug, r.pushed_at as "pushedAt",
           coalesce(b.count, 0)::int as branches, coalesce(c.count, 0)::int as commits, g.last as "lastGcAt"
    from musehub_repos r
    left join (select repo_id, count(*) as count from musehub_branches group by repo_id) b on b.repo_id = r.repo_id
    left join (select repo_id, count(*) as count from musehub_commit_refs group by repo_id) c on c.repo_id = r.repo_id
    left join (select repo_id, max(finished_at) as last from musehub_gc_runs
               where not dry_run and outcome in ('done', 'stopped') group by repo_id) g on g.repo_id = r.repo_id
    where r.deleted_at is null
    order by r.owner, r.slug`)).rows;
  return rows.map((row: RepoRow & { pushedAt: Date | null; lastGcAt: Date | null }) => ({
    ...row,
    pushedAt: row.pushedAt ? new Date(row.pushedAt).toISOString() : null,
    lastGcAt: row.lastGcAt ? new Date(row.lastGcAt).toISOString() : null,
  }));
}
