/**
 * Planning: what each phase would delete and what it keeps, and why, with the
 * complete sets it deletes. Read-only for MuseHub's tables: a plan is a value,
 * which a run acts on once (and a plan file carries).
 */
import type { Database } from '../db/connect.js';
import { readLiveObjects, walkCommits, type LiveSet } from './live-set.js';
import { IdList } from './packed-ids.js';
import type { PlanStep, RepoPlanning } from './phases/runtime.js';
import { emptySets, refusalOf } from './phases/catalog.js';
import { PHASES, type Phase } from './phases/table.js';
import { Profile } from './profile.js';
import { Session } from './session.js';
import type { HubIdentity, PhasePlan, Plan, PlanClock, RepoIdentity } from './types.js';

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
    'select now() as now, now() - make_interval(secs => ?) as cutoff',
    [graceSeconds],
  );
  return { now: new Date(row.now).toISOString(), cutoff: new Date(row.cutoff).toISOString() };
}

/** A repo's plan, and the liveness it was derived from. */
export interface Derived {
  plan: Plan;
  live: LiveSet;
}

/** Derives one repo's plan: the mark of a batch of one (derivePlans). */
export async function derivePlan(
  session: Session,
  hub: HubIdentity,
  repo: RepoIdentity,
  options: PlanOptions,
  clock?: PlanClock,
  helper?: Session,
): Promise<Derived> {
  return (await derivePlans(session, hub, [repo], options, clock, helper))[0]!;
}

/**
 * Derives liveness and every phase's sets for a batch of repos on `session`, each repo's plan
 * exactly what it would be alone: every read names the batch and says which repo a row is of,
 * and each repo is walked, decoded and planned on its own rows. `clock` fixes the instants (a
 * run re-derives against its plan's); otherwise they are now. With a `helper` session, what the
 * phases read that rests on no liveness, then the live manifests and the phases that need them,
 * run on it while `session` walks the commits and plans the other phases.
 */
export async function derivePlans(
  session: Session,
  hub: HubIdentity,
  repos: readonly RepoIdentity[],
  options: PlanOptions,
  clock?: PlanClock,
  helper?: Session,
): Promise<Derived[]> {
  const started = performance.now();
  const graceSeconds = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  const at = clock ?? (await planClock(session, graceSeconds));
  const profile = new Profile();
  const side = helper ?? session;
  const repoIds = IdList.of(
    'uuid',
    repos.map((repo) => repo.repoId),
  );
  const base = { clock: at, graceSeconds, itemLimit: options.itemLimit ?? 50 };
  // One connection cannot serve two lanes at once: without a helper the walk goes first.
  const walked = walkCommits(session, repos, repoIds, at, profile);
  if (!helper) await walked;
  const prepared: Array<Promise<PlanStep>> = [];
  for (const phase of PHASES) {
    const previous = prepared.at(-1);
    prepared.push(
      (async () => {
        await previous;
        return profile.time(`prepare ${phase.name}`, () => phase.prepare({ ...base, session: side, repos, repoIds }));
      })(),
    );
  }
  const commits = await walked;
  if (!helper) await prepared.at(-1);

  const planning = repos.map((repo): RepoPlanning & { phases: PhasePlan[] } => ({
    repo,
    live: commits.get(repo.repoId)!,
    objects: undefined,
    sets: emptySets(),
    phases: [],
  }));
  const planPhases = async (lane: readonly Phase[], laneSession: Session) => {
    for (const phase of lane) {
      const index = PHASES.indexOf(phase);
      const step = await prepared[index]!;
      const planned = planning.filter((repo) => {
        const refused = refusalOf(phase, {
          commitProblems: repo.live.commitProblems,
          manifestProblems: repo.objects?.manifestProblems ?? [],
        });
        if (refused)
          repo.phases[index] = {
            phase: phase.name,
            refs: 0,
            rows: 0,
            bytes: 0,
            blobs: 0,
            kept: [],
            items: [],
            refused,
          };
        return !refused;
      });
      if (planned.length === 0) continue;
      const plans = await profile.time(`plan ${phase.name}`, () => step({ ...base, session: laneSession }, planned));
      planned.forEach((repo, i) => {
        Object.assign(repo.sets, plans[i]!.sets);
        repo.phases[index] = plans[i]!.plan;
      });
    }
  };
  const commitLane = () =>
    planPhases(
      PHASES.filter((phase) => phase.needs !== 'objects'),
      session,
    );
  const objectLane = async () => {
    await prepared.at(-1);
    const objects = await readLiveObjects(side, commits, profile);
    for (const repo of planning) repo.objects = objects.get(repo.repo.repoId)!;
    await planPhases(
      PHASES.filter((phase) => phase.needs === 'objects'),
      side,
    );
  };
  if (helper) await Promise.all([commitLane(), objectLane()]);
  else await commitLane().then(objectLane);
  const seconds = Math.round(performance.now() - started) / 1000;
  return planning.map(({ repo, live: walk, objects, sets, phases }) => {
    const live: LiveSet = { ...walk, ...objects!, findings: [...walk.findings, ...objects!.findings] };
    return {
      live,
      plan: {
        hub,
        repo,
        computedAt: at.now,
        graceSeconds,
        cutoff: at.cutoff,
        reachableCommits: live.reachable,
        orphanedCommits: live.orphaned,
        phases,
        findings: live.findings,
        basis: live.basis,
        sets,
        profile: profile.toJSON(),
        seconds,
      },
    };
  });
}
