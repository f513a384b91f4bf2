/**
 * Planning: what each phase would delete and what it keeps, and why, with the
 * complete sets it deletes. Read-only for MuseHub's tables: a plan is a value,
 * which a run acts on once (and a plan file carries).
 */
import type { Database } from '../db/connect.js';
import { readLiveObjects, walkCommits, type LiveSet } from './live-set.js';
import { IdList } from './packed-ids.js';
import type { PlanContext, PlanStep } from './phases/runtime.js';
import { PHASES, refusalOf, type Phase } from './phases/table.js';
import { Profile } from './profile.js';
import { Session } from './session.js';
import type { HubIdentity, PhasePlan, Plan, PlanClock, PlanSets, RepoIdentity } from './types.js';

export const DEFAULT_GRACE_SECONDS = 3600;

export interface PlanOptions {
  graceSeconds?: number;
  /** How many items each phase lists (the preview's lists); counts and sets are always complete. */
  itemLimit?: number;
}

/** Computes a plan on a session of its own (and, on a server, a second for the object phases). */
export async function planGc(db: Database, repo: RepoIdentity, options: PlanOptions = {}): Promise<Plan> {
  const session = await Session.open(db);
  const helper = db.kind === 'server' ? await Session.open(db) : undefined;
  try {
    return (await derivePlan(session, db.hub, repo, options, undefined, helper)).plan;
  } finally {
    await helper?.close();
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
 * Derives liveness and every phase's sets on `session`. `clock` fixes the instants (a run
 * re-derives against its plan's); otherwise they are now. With a `helper` session, what the
 * phases read that rests on no liveness, then the live manifests and the phases that need them,
 * run on it while `session` walks the commits and plans the other phases.
 */
export async function derivePlan(
  session: Session, hub: HubIdentity, repo: RepoIdentity, options: PlanOptions, clock?: PlanClock, helper?: Session,
): Promise<{ plan: Plan; live: LiveSet }> {
  const started = performance.now();
  const graceSeconds = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const at = clock ?? await planClock(session, graceSeconds);
  const profile = new Profile();
  const side = helper ?? session;
  const base = { repo, clock: at, graceSeconds, itemLimit: options.itemLimit ?? 50 };
  // One connection cannot serve two lanes at once: without a helper the walk goes first.
  const walked = walkCommits(session, repo, at, profile);
  if (!helper) await walked;
  const prepared: Array<Promise<PlanStep>> = [];
  for (const phase of PHASES) {
    const previous = prepared.at(-1);
    prepared.push((async () => {
      await previous;
      return profile.time(`prepare ${phase.name}`, () => phase.prepare({ ...base, session: side }));
    })());
  }
  const commits = await walked;
  if (!helper) await prepared.at(-1);

  const sets = emptySets();
  const phases: PhasePlan[] = [];
  const planPhases = async (lane: readonly Phase[], ctx: PlanContext) => {
    for (const phase of lane) {
      const index = PHASES.indexOf(phase);
      const step = await prepared[index]!;
      const refused = refusalOf(phase, { commitProblems: commits.commitProblems, manifestProblems: ctx.objects?.manifestProblems ?? [] });
      if (refused) {
        phases[index] = { phase: phase.name, refs: 0, rows: 0, bytes: 0, blobs: 0, kept: [], items: [], refused };
        continue;
      }
      const planned = await profile.time(`plan ${phase.name}`, () => step(ctx, sets));
      Object.assign(sets, planned.sets);
      phases[index] = planned.plan;
    }
  };
  const commitLane = () => planPhases(PHASES.filter((phase) => phase.needs !== 'objects'),
    { ...base, session, live: commits, objects: undefined });
  const objectLane = async () => {
    await prepared.at(-1);
    const objects = await readLiveObjects(side, commits, profile);
    await planPhases(PHASES.filter((phase) => phase.needs === 'objects'), { ...base, session: side, live: commits, objects });
    return objects;
  };
  const objects = helper ? (await Promise.all([commitLane(), objectLane()]))[1] : await commitLane().then(objectLane);
  const live: LiveSet = { ...commits, ...objects, findings: [...commits.findings, ...objects.findings] };
  return {
    live,
    plan: {
      hub, repo, computedAt: at.now, graceSeconds, cutoff: at.cutoff,
      reachableCommits: live.reachable, orphanedCommits: live.orphaned, phases, findings: live.findings,
      basis: live.basis, sets, profile: profile.toJSON(), seconds: Math.round(performance.now() - started) / 1000,
    },
  };
}
