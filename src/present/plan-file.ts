/**
 * What is said of a plan file before it is applied, by the console (`:plan FILE`) and `musehub-gc run
 * --plan FILE` alike: who made it and when, and what differs from the hub now, phase by phase.
 */
import type { PlanDrift } from '../gc/plan-drift.js';
import { repoName, type Plan } from '../gc/types.js';
import { describeDeletes, phaseTitle } from './run.js';
import { formatAgo, formatGrace } from './units.js';

/** `the plan of lowend/blue-in-green made by ops@gc-box with musehub-gc 0.1.0, 2026-12-03 09:15 UTC (2h ago), grace 1h`. */
export function planFileOrigin(plan: Plan, now: number): string {
  const by = plan.madeBy ? ` by ${plan.madeBy.user}@${plan.madeBy.host} with ${plan.madeBy.tool}` : '';
  return (
    `the plan of ${repoName(plan.repo)} made${by}, ${plan.computedAt.slice(0, 16).replace('T', ' ')} UTC ` +
    `(${formatAgo(plan.computedAt, now)}), grace ${formatGrace(plan.graceSeconds)}`
  );
}

/**
 * What differs from the hub now, a line each: per phase whose counts moved, what the file lists and
 * what of it a run would delete now, then what is no longer garbage and why; then new garbage the
 * file leaves. One line when nothing differs.
 */
export function planDriftLines(drift: PlanDrift): string[] {
  const lines: string[] = [];
  for (const phase of drift.phases) {
    const listed = describeDeletes({ phase: phase.phase, ...phase.listed });
    const now = describeDeletes({ phase: phase.phase, ...phase.now });
    if (phase.refused) lines.push(`phase ${phaseTitle(phase.phase)} is refused now: ${phase.refused}`);
    else if (listed !== now) lines.push(`phase ${phaseTitle(phase.phase)}: the file lists ${listed}; ${now} now`);
    for (const kept of phase.noLongerGarbage) lines.push(`  no longer garbage: ${kept.detail}`);
  }
  lines.push(...drift.notes);
  return lines.length > 0 ? lines : ['the hub now agrees with the file: each phase deletes what it lists'];
}
