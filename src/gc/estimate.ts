/**
 * What GC would reclaim per repo, for the repos table. An estimate is a full
 * plan's counts, so it is exact when computed; it is cached with its age in
 * musehub_gc_estimates, and recomputed in the background when it is older
 * than `maxAgeSeconds`. The stale repos are planned together, by the hub's mark
 * (hub/mark.ts), a batch at a time: each batch takes sessions of its own and lets
 * go of them before its estimates are handed on, so the console's other queries
 * interleave even on the embedded hub's single connection.
 */
import type { Database } from '../db/connect.js';
import { markHub } from './hub/mark.js';
import { MANIFEST_REFUSAL, OBJECT_PHASES, PHASES, plannedOf } from './phases/catalog.js';
import { GcEstimate } from '../db/tool-schema.js';
import type { Plan, RepoIdentity } from './types.js';

/** What GC would reclaim in a repo, computed in the background. */
export interface Estimate {
  repoId: string;
  /** Commits no root of the repo leads to: orphaned (src/present/words.ts). */
  orphanCommits: number;
  /** The repo's refs to objects no live snapshot names. */
  orphanObjects: number;
  /** Bytes the plan frees: to delete. */
  reclaimableBytes: number;
  /** Commit rows the plan deletes (phase 1); absent from an estimate cached before they were counted. */
  commitsToDelete?: number;
  /** Object rows the plan deletes (phase 4); absent likewise. */
  objectsToDelete?: number;
  /** Why the phases the live objects decide (3-4) are refused, with `error` set; the counts hold what the others delete. */
  refused?: string;
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

/** Yields cached estimates first, then fresh ones a batch of the mark at a time. */
export async function* estimateRepos(
  db: Database,
  repoIds: readonly string[],
  options: EstimateOptions,
): AsyncGenerator<Estimate> {
  const maxAgeMs = (options.maxAgeSeconds ?? 600) * 1000;
  const known = new Map<string, RepoIdentity>(
    (
      await db
        .knex()
        .raw('select repo_id as "repoId", owner, slug from musehub_repos where repo_id = any(?)', [[...repoIds]])
    ).rows.map((repo: RepoIdentity) => [repo.repoId, repo]),
  );
  const now = new Date((await db.knex().raw('select now() as now')).rows[0].now).getTime();
  const fresh = new Set<string>();
  // The cache holds a row per repo at most: reading it whole beats naming ten thousand ids.
  for (const cached of await db.em().find(GcEstimate, {})) {
    if (!known.has(cached.repoId)) continue;
    if (now - cached.computedAt.getTime() <= maxAgeMs) fresh.add(cached.repoId);
    yield {
      repoId: cached.repoId,
      orphanCommits: cached.orphanCommits,
      orphanObjects: cached.orphanObjects,
      reclaimableBytes: cached.reclaimableBytes,
      computedAt: cached.computedAt.toISOString(),
      ...(cached.commitsToDelete === null || cached.objectsToDelete === null
        ? {}
        : { commitsToDelete: cached.commitsToDelete, objectsToDelete: cached.objectsToDelete }),
    };
  }
  const stale = repoIds.flatMap((repoId) => (fresh.has(repoId) ? [] : (known.get(repoId) ?? [])));
  for await (const event of markHub(db, stale, {
    graceSeconds: options.graceSeconds,
    itemLimit: 0,
    stop: options.signal,
  })) {
    if (event.type !== 'batch-done') continue;
    const estimates = event.marked.map((one) =>
      'derived' in one
        ? estimateOf(one.derived.plan)
        : {
            repoId: one.repo.repoId,
            orphanCommits: 0,
            orphanObjects: 0,
            reclaimableBytes: 0,
            computedAt: new Date().toISOString(),
            error: one.error,
          },
    );
    await rememberEstimates(db, estimates);
    yield* estimates;
  }
}

/**
 * Caches estimates for the repos table (and the order of a hub pass), in one statement. The cache
 * has no room for a refusal: such a repo is estimated afresh each time, and says why.
 */
export async function rememberEstimates(
  db: Database,
  estimates: readonly (Estimate | PlannedEstimate)[],
): Promise<void> {
  const cached = estimates.filter(
    (estimate): estimate is PlannedEstimate => !estimate.error && estimate.commitsToDelete !== undefined,
  );
  if (cached.length === 0) return;
  await db
    .knex()
    .raw(
      `
    insert into musehub_gc_estimates (repo_id, computed_at, orphan_commits, orphan_objects, reclaimable_bytes,
                                      commits_to_delete, objects_to_delete)
    select * from unnest(?::text[], ?::timestamptz[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bigint[])
    on conflict (repo_id) do update set computed_at = excluded.computed_at, orphan_commits = excluded.orphan_commits,
      orphan_objects = excluded.orphan_objects, reclaimable_bytes = excluded.reclaimable_bytes,
      commits_to_delete = excluded.commits_to_delete, objects_to_delete = excluded.objects_to_delete`,
      [
        cached.map((e) => e.repoId),
        cached.map((e) => e.computedAt),
        cached.map((e) => e.orphanCommits),
        cached.map((e) => e.orphanObjects),
        cached.map((e) => e.reclaimableBytes),
        cached.map((e) => e.commitsToDelete),
        cached.map((e) => e.objectsToDelete),
      ],
    )
    .catch(() => undefined); // A read-only database user can still see estimates; they just are not cached.
}

/** An estimate a plan made now: it says what the plan deletes. */
export type PlannedEstimate = Estimate & Required<Pick<Estimate, 'commitsToDelete' | 'objectsToDelete'>>;

/** A plan's headline numbers. */
export function estimateOf(plan: Plan): PlannedEstimate {
  const refused = plan.phases[PHASES.indexOf(OBJECT_PHASES[0]!)]!.refused;
  return {
    repoId: plan.repo.repoId,
    orphanCommits: plan.orphanedCommits,
    orphanObjects: plannedOf(plan.phases, 'objectRefs'),
    reclaimableBytes: plan.phases.reduce((sum, phase) => sum + phase.bytes, 0),
    commitsToDelete: plannedOf(plan.phases, 'commits'),
    objectsToDelete: plannedOf(plan.phases, 'objects'),
    computedAt: plan.computedAt,
    // Not cached (an error is not): the refusal must be said each time, and the cache has no room for it.
    ...(refused
      ? { error: `phases ${MANIFEST_REFUSAL.refused} refused: a live manifest does not decode`, refused }
      : {}),
  };
}
