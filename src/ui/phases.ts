/** How the console names phases and says what one deletes: the preview, the prompts and the run share it. */
import type { PhaseName, PhasePlan } from '../gc/types.js';
import { PHASES } from '../gc/types.js';
import { formatBytes } from './format.js';

const TITLES: Record<PhaseName, string> = {
  commits: 'commits',
  snapshots: 'snapshots',
  refs: 'object refs',
  objects: 'objects',
  cache: 'pack cache',
};

/** `3 object refs`: the phase's number and name. */
export function phaseTitle(phase: PhaseName): string {
  return `${PHASES.indexOf(phase) + 1} ${TITLES[phase]}`;
}

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** What a phase deletes, in the operator's words: `38 commit refs, 35 commits`. */
export function describeDeletes(plan: Pick<PhasePlan, 'phase' | 'refs' | 'rows' | 'bytes'>): string {
  switch (plan.phase) {
    case 'commits':
      return `${count(plan.refs, 'commit ref')}, ${count(plan.rows, 'commit')}`;
    case 'snapshots':
      return count(plan.rows, 'snapshot');
    case 'refs':
      return count(plan.refs, 'object ref');
    case 'objects':
      return `${count(plan.rows, 'object')}, ${formatBytes(plan.bytes)}`;
    case 'cache':
      return `${count(plan.rows, 'expired entry', 'expired entries')}, ${formatBytes(plan.bytes)}`;
  }
}

/** Whether a phase has nothing to delete. */
export function isEmptyPhase(plan: Pick<PhasePlan, 'refs' | 'rows' | 'blobs'>): boolean {
  return plan.refs === 0 && plan.rows === 0 && plan.blobs === 0;
}

/** Why things stay, in one line: `3 held by fork a/b; 2 in grace period`, or `-`. */
export function describeKept(plan: PhasePlan): string {
  return plan.kept.length === 0 ? '-' : plan.kept.map((kept) => kept.detail).join('; ');
}
