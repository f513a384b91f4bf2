/** What a run's events say that its result does not keep, for the report: the plan it acted on, and its warnings. */
import { summarizePlan, type RepoPlanSummary } from '../gc/hub/types.js';
import type { GcEvent } from '../gc/types.js';

export class RunNotes {
  private readonly plans = new Map<string, RepoPlanSummary>();
  private readonly warnings = new Map<string, string[]>();

  observe(repoId: string, event: GcEvent): void {
    if (event.type === 'plan-ready') this.plans.set(repoId, summarizePlan(event.plan));
    // A phase the plan itself refused is the plan's to tell, not a difference from it.
    const planned =
      event.type === 'warning' && event.phase
        ? this.plans.get(repoId)?.phases.find((phase) => phase.phase === event.phase)
        : undefined;
    if (event.type === 'warning' && !planned?.refused)
      this.warnings.set(repoId, [...this.warningsOf(repoId), event.message]);
  }

  planOf(repoId: string): RepoPlanSummary | undefined {
    return this.plans.get(repoId);
  }

  warningsOf(repoId: string): string[] {
    return this.warnings.get(repoId) ?? [];
  }
}
