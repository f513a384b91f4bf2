/**
 * What a plan file would do on the hub as it is now, before anyone confirms it: the run's own
 * narrowing (narrow.ts), derived dry, outside the repo's lock, at the clock a run of the file
 * derives at. Per phase what the file lists against what is still garbage of it, and what it lists
 * that is no longer garbage and why. The run derives and narrows again under the lock; this is
 * what the operator reads first.
 */
import type { Database } from '../db/connect.js';
import { fileDerivation } from './execute.js';
import { narrowPlan } from './narrow.js';
import { PHASES } from './phases/table.js';
import { derivePlan } from './plan.js';
import { Session } from './session.js';
import type { Kept, PhaseName, PhasePlan, Plan } from './types.js';

/** A phase of a plan file against the hub now. */
export interface PhaseDrift {
  phase: PhaseName;
  /** What the file lists: its sets counted (not the counts it states), and the bytes it states. */
  listed: Pick<PhasePlan, 'refs' | 'rows' | 'bytes'>;
  /** What of it is still garbage: what a run of it would delete now. */
  now: Pick<PhasePlan, 'refs' | 'rows' | 'bytes'>;
  /** What it lists that is no longer garbage, and why. */
  noLongerGarbage: Kept[];
  /** Why the phase would be refused now, where the file's was not. */
  refused?: string;
}

export interface PlanDrift {
  /** The database's clock the hub was read at. */
  checkedAt: string;
  /** The grace the run of the file holds to: the file's where it is the longer. */
  graceSeconds: number;
  phases: PhaseDrift[];
  /** Garbage found since that the file does not list: a run of it leaves it. */
  notes: string[];
}

const counts = ({ refs, rows, bytes }: PhasePlan) => ({ refs, rows, bytes });

/** What a plan's sets hold for a phase, counted as the phase counts them; a file's stated counts are not trusted. */
function listedCounts(plan: Plan, index: number): PhaseDrift['listed'] {
  const size = (count: 'refs' | 'rows') =>
    PHASES[index]!.sets.filter((set) => set.count === count).reduce((sum, set) => sum + plan.sets[set.key].size, 0);
  return { refs: size('refs'), rows: size('rows'), bytes: plan.phases[index]!.bytes };
}

/** Derives the plan file's narrowing on the hub now; deletes nothing and takes no lock. */
export async function planDrift(db: Database, plan: Plan, graceSeconds: number): Promise<PlanDrift> {
  const session = await Session.open(db);
  try {
    const at = await fileDerivation(session, plan, Math.max(plan.graceSeconds, graceSeconds));
    const fresh = await derivePlan(session, db.hub, plan.repo, { graceSeconds: at.graceSeconds }, at.clock);
    const narrowed = await narrowPlan(session, plan, fresh.plan, fresh.live);
    return {
      checkedAt: at.clock.now,
      graceSeconds: at.graceSeconds,
      phases: plan.phases.map((listed, index) => {
        const now = narrowed.plan.phases[index]!;
        return {
          phase: listed.phase,
          listed: listedCounts(plan, index),
          now: counts(now),
          noLongerGarbage: narrowed.dropped.get(listed.phase) ?? [],
          ...(now.refused && !listed.refused ? { refused: now.refused } : {}),
        };
      }),
      notes: narrowed.notes,
    };
  } finally {
    await session.close();
  }
}
