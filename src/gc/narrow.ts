/**
 * A plan narrowed to a later derivation: what the given plan lists AND the fresh one
 * still finds garbage. A run never deletes what its plan does not list; what the
 * plan listed that is no longer garbage is explained, and new garbage is only noted.
 * Nothing but the given plan's sets is taken from it: the clock, liveness, counts and
 * bytes are the fresh derivation's, over the narrowed sets (a plan file is untrusted).
 */
import type { LiveSet } from './live-set.js';
import { IdIndex, IdList } from './packed-ids.js';
import { emptySets } from './phases/catalog.js';
import { PHASES, type Phase } from './phases/table.js';
import type { Session } from './session.js';
import type { Kept, PhaseName, PhasePlan, Plan, PlanSets } from './types.js';

export interface Narrowed {
  plan: Plan;
  /** Per phase, what the given plan listed that the fresh one does not, and why. */
  dropped: Map<PhaseName, Kept[]>;
  /** New garbage the fresh plan found that the given one does not list: it waits for the next plan. */
  notes: string[];
}

export async function narrowPlan(session: Session, given: Plan, fresh: Plan, live: LiveSet): Promise<Narrowed> {
  const sets = emptySets();
  const dropped = new Map<PhaseName, Kept[]>();
  const notes: string[] = [];
  const phases: PhasePlan[] = [];
  const ctx = { session, repo: fresh.repo, clock: { now: fresh.computedAt, cutoff: fresh.cutoff }, live };
  for (const [index, phase] of PHASES.entries()) {
    const why: Kept[] = [];
    for (const set of phase.sets) {
      const still = new IdIndex(set.shape, fresh.sets[set.key].size);
      for (const id of fresh.sets[set.key]) still.add(id);
      const kept = new IdList(set.shape);
      const gone = new IdList(set.shape);
      for (const id of given.sets[set.key]) (still.has(id) ? kept : gone).push(id);
      sets[set.key] = kept;
      if (gone.size > 0) why.push(...(await set.dropped(ctx, gone)));
      const extra = fresh.sets[set.key].size - kept.size;
      if (extra > 0) {
        notes.push(
          `phase ${phase.name}: ${extra} more ${extra === 1 ? set.one : set.many} became garbage since the plan; ` +
            'they stay until it is planned again',
        );
      }
    }
    dropped.set(phase.name, why);
    phases.push(await narrowPhase(session, phase, given, fresh.phases[index]!, sets));
  }
  return { plan: { ...fresh, phases, sets }, dropped, notes };
}

/** The fresh phase plan with the counts and bytes of the narrowed sets, and only the items the given plan listed. */
async function narrowPhase(
  session: Session,
  phase: Phase,
  given: Plan,
  fresh: PhasePlan,
  sets: PlanSets,
): Promise<PhasePlan> {
  const size = (count: 'refs' | 'rows') =>
    phase.sets.filter((set) => set.count === count).reduce((sum, set) => sum + sets[set.key].size, 0);
  const itemSet = phase.sets.at(-1)!;
  const listed = new IdIndex(itemSet.shape, given.sets[itemSet.key].size);
  for (const id of given.sets[itemSet.key]) listed.add(id);
  let { bytes, blobs } = fresh;
  if (phase.freed && !phase.sets.every((set) => fresh[set.count] === sets[set.key].size)) {
    ({ bytes, blobs } = await phase.freed(session, sets));
  }
  return {
    ...fresh,
    refs: size('refs'),
    rows: size('rows'),
    bytes,
    blobs,
    items: fresh.items.filter((item) => listed.has(item.id)),
  };
}
