/**
 * Planning: what each phase would delete and what it keeps, and why. Read-only
 * for MuseHub's tables; its sets live in the session's temporary tables, which a
 * run goes on to act upon.
 */
import { deriveLiveSet } from './live-set.js';
import { planCache } from './phases/cache.js';
import { planCommits } from './phases/commits.js';
import { planObjects } from './phases/objects.js';
import { planRefs } from './phases/refs.js';
import type { PhaseRuntime } from './phases/runtime.js';
import { planSnapshots } from './phases/snapshots.js';
import { Session } from './session.js';
import type { GcContext } from './context.js';
import type { Plan, RepoIdentity } from './types.js';

export const DEFAULT_GRACE_SECONDS = 3600;

export interface PlanOptions {
  graceSeconds?: number;
  /** How many items each phase lists (the preview's lists); counts are always complete. */
  itemLimit?: number;
}

/** Computes a plan on a session of its own. */
export async function planGc(ctx: GcContext, repo: RepoIdentity, options: PlanOptions = {}): Promise<Plan> {
  const session = await Session.open(ctx.db);
  try {
    return (await derivePlan(session, repo, options)).plan;
  } finally {
    await session.close();
  }
}

/** The instants a plan is computed against: the database's clock, minus the grace period. */
export async function planClock(session: Session, graceSeconds: number): Promise<{ now: string; cutoff: string }> {
  const row = await session.one<{ now: Date; cutoff: Date }>(
    'select now() as now, now() - make_interval(secs => ?) as cutoff', [graceSeconds]);
  return { now: new Date(row.now).toISOString(), cutoff: new Date(row.cutoff).toISOString() };
}

/**
 * Derives liveness and every phase's candidates on `session`. `at` fixes the
 * clock (a run acts against its plan's cutoff); otherwise it is now.
 */
export async function derivePlan(
  session: Session, repo: RepoIdentity, options: PlanOptions, at?: { now: string; cutoff: string },
): Promise<{ plan: Plan; runtime: PhaseRuntime }> {
  const graceSeconds = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const clock = at ?? await planClock(session, graceSeconds);
  const live = await deriveLiveSet(session, repo, clock.cutoff);
  const runtime: PhaseRuntime = {
    session, repo, live, ...clock, graceSeconds, itemLimit: options.itemLimit ?? 50,
  };
  const phases = [
    await planCommits(runtime), await planSnapshots(runtime), await planRefs(runtime),
    await planObjects(runtime), await planCache(runtime),
  ];
  return {
    runtime,
    plan: {
      repo, computedAt: clock.now, graceSeconds, cutoff: clock.cutoff,
      reachableCommits: live.reachable, orphanedCommits: live.orphaned, phases,
      findings: [
        ...live.findings,
        ...live.manifestProblems.map((problem) => ({
          severity: 'error' as const, message: `live snapshot ${problem.snapshotId} ${problem.problem}`,
        })),
      ],
    },
  };
}
