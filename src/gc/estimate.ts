/**
 * What GC would reclaim per repo, for the repos table. An estimate is a full
 * plan's counts, so it is exact when computed; it is cached with its age in
 * musehub_gc_estimates, and recomputed in the background when it is older
 * than `maxAgeSeconds`. Each repo takes a session of its own, so the console's
 * other queries interleave even on the embedded hub's single connection.
 */
import { messageOf } from '../errors.js';
import type { Database } from '../db/connect.js';
import { derivePlan } from './plan.js';
import { GcEstimate } from '../db/tool-schema.js';
import { Session } from './session.js';
import type { Plan, RepoIdentity } from './types.js';

/** What GC would reclaim in a repo, computed in the background. */
export interface Estimate {
  repoId: string;
  orphanCommits: number;
  orphanObjects: number;
  reclaimableBytes: number;
  /** ISO 8601 of when it was computed: a cached estimate says its age. */
  computedAt: string;
  /** Set when the estimate could not be computed (a corrupt manifest, say). */
  error?: string;
}

export interface EstimateOptions {
  graceSeconds: number;
  /** Cached estimates younger than this are not recomputed. */
  maxAgeSeconds?: number;
  signal?: AbortSignal;
}

/** Yields cached estimates first, then fresh ones as each repo's plan completes. */
export async function* estimateRepos(
  db: Database, repoIds: readonly string[], options: EstimateOptions,
): AsyncGenerator<Estimate> {
  const maxAgeMs = (options.maxAgeSeconds ?? 600) * 1000;
  const known = new Map<string, RepoIdentity>((await db.knex().raw(
    'select repo_id as "repoId", owner, slug from musehub_repos where repo_id = any(?)', [[...repoIds]],
  )).rows.map((repo: RepoIdentity) => [repo.repoId, repo]));
  const now = new Date((await db.knex().raw('select now() as now')).rows[0].now).getTime();
  const fresh = new Set<string>();
  // The cache holds a row per repo at most: reading it whole beats naming ten thousand ids.
  for (const cached of await db.em().find(GcEstimate, {})) {
    if (!known.has(cached.repoId)) continue;
    if (now - cached.computedAt.getTime() <= maxAgeMs) fresh.add(cached.repoId);
    yield {
      repoId: cached.repoId, orphanCommits: cached.orphanCommits, orphanObjects: cached.orphanObjects,
      reclaimableBytes: cached.reclaimableBytes, computedAt: cached.computedAt.toISOString(),
    };
  }
  for (const repoId of repoIds) {
    const repo = known.get(repoId);
    if (options.signal?.aborted) return;
    if (!repo || fresh.has(repoId)) continue;
    yield await estimateRepo(db, repo, options.graceSeconds);
  }
}

async function estimateRepo(db: Database, repo: RepoIdentity, graceSeconds: number): Promise<Estimate> {
  let estimate: Estimate;
  const session = await Session.open(db);
  try {
    estimate = estimateOf((await derivePlan(session, db.hub, repo, { graceSeconds, itemLimit: 0 })).plan);
  } catch (error) {
    return { repoId: repo.repoId, orphanCommits: 0, orphanObjects: 0, reclaimableBytes: 0,
      computedAt: new Date().toISOString(), error: messageOf(error) };
  } finally {
    await session.close();
  }
  await rememberEstimate(db, estimate);
  return estimate;
}

/** Caches an estimate for the repos table (and the order of a hub pass). */
export async function rememberEstimate(db: Database, estimate: Estimate): Promise<void> {
  // The cache has no room for a refusal: such a repo is estimated afresh each time, and says why.
  if (estimate.error) return;
  await db.em().upsert(GcEstimate, {
    repoId: estimate.repoId, computedAt: new Date(estimate.computedAt), orphanCommits: estimate.orphanCommits,
    orphanObjects: estimate.orphanObjects, reclaimableBytes: estimate.reclaimableBytes,
  }).catch(() => undefined); // A read-only database user can still see estimates; they just are not cached.
}

/** A plan's headline numbers. */
export function estimateOf(plan: Plan): Estimate {
  const phase = (name: string) => plan.phases.find((p) => p.phase === name)!;
  const refused = phase('refs').refused;
  return {
    repoId: plan.repo.repoId,
    orphanCommits: plan.orphanedCommits,
    orphanObjects: phase('refs').refs,
    reclaimableBytes: phase('objects').bytes + phase('cache').bytes,
    computedAt: plan.computedAt,
    ...(refused ? { error: 'phases 3-4 refused: a live manifest does not decode' } : {}),
  };
}
