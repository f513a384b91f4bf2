/**
 * Planning: what each phase would delete and what it keeps, and why, with the
 * complete sets it deletes. Read-only for MuseHub's tables: a plan is a value,
 * which a run acts on once (and a plan file carries).
 */
import type { Database } from '../db/connect.js';
import { deriveLiveSet, type LiveSet } from './live-set.js';
import { IdList } from './packed-ids.js';
import { PHASES, refusalOf } from './phases/table.js';
import { Profile } from './profile.js';
import { Session } from './session.js';
import type { HubIdentity, PhasePlan, Plan, PlanClock, PlanSets, RepoIdentity } from './types.js';

export const DEFAULT_GRACE_SECONDS = 3600;

export interface PlanOptions {
  graceSeconds?: number;
  /** How many items each phase lists (the preview's lists); counts and sets are always complete. */
  itemLimit?: number;
}

/** Computes a plan on a session of its own. */
export async function planGc(db: Database, repo: RepoIdentity, options: PlanOptions = {}): Promise<Plan> {
  const session = await Session.open(db);
  try {
    return (await derivePlan(session, db.hub, repo, options)).plan;
  } finally {
    await session.close();
  }
}

/** The instants a plan is computed against: the database's clock, minus the grace period. */
export async function planClock(session: Session, graceSeconds: number): Promise<PlanClock> {
  const row = await session.one<{ now: Date; cutoff: Date }>(
    'select now() as now, now() - make_interval(secs => ?) as cutoff', [graceSeconds]);
  return { now: new Date(row.now).toISOString(), cutoff: new Date(row.cutoff).toISOString() };
}

/** Sets with nothing in them, for a phase that refuses or has not planned yet. */
export function emptySets(): PlanSets {
  return {
    commitRefs: new IdList('hex'), commits: new IdList('hex'), snapshots: new IdList('hex'),
    objectRefs: new IdList('sha256'), objects: new IdList('sha256'), cacheRows: new IdList('uuid'),
  };
}

/**
 * Derives liveness and every phase's sets on `session`. `clock` fixes the instants
 * (a run re-derives against its plan's); otherwise they are now.
 */
export async function derivePlan(
  session: Session, hub: HubIdentity, repo: RepoIdentity, options: PlanOptions, clock?: PlanClock,
): Promise<{ plan: Plan; live: LiveSet }> {
  const graceSeconds = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const at = clock ?? await planClock(session, graceSeconds);
  const profile = new Profile();
  const live = await deriveLiveSet(session, repo, at, profile);
  const ctx = { session, repo, live, clock: at, graceSeconds, itemLimit: options.itemLimit ?? 50 };
  const sets = emptySets();
  const phases: PhasePlan[] = [];
  for (const phase of PHASES) {
    const refused = refusalOf(phase, live);
    if (refused) {
      phases.push({ phase: phase.name, refs: 0, rows: 0, bytes: 0, blobs: 0, kept: [], items: [], refused });
      continue;
    }
    const planned = await profile.time(`plan ${phase.name}`, () => phase.plan(ctx, sets));
    Object.assign(sets, planned.sets);
    phases.push(planned.plan);
  }
  return {
    live,
    plan: {
      hub, repo, computedAt: at.now, graceSeconds, cutoff: at.cutoff,
      reachableCommits: live.reachable, orphanedCommits: live.orphaned, phases, findings: live.findings,
      basis: live.basis, sets, profile: profile.toJSON(),
    },
  };
}
