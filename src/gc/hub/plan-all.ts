/**
 * A hub plan: every repo planned by the hub's mark (mark.ts), a batch at a time, in a pass's
 * order. It changes nothing in MuseHub's tables and takes no lock; it refreshes the cached
 * estimates a pass orders by. The mark reads on two connections whatever `workers` says.
 */
import type { Database } from '../../db/connect.js';
import { estimateOf, rememberEstimates } from '../estimate.js';
import { operatorName } from '../../operator.js';
import { PHASES } from '../phases/catalog.js';
import { markHub } from './mark.js';
import { reposInOrder } from './queue.js';
import { PassTally } from './tally.js';
import { summarizePlan, type HubPlan, type HubPlanEvent, type HubPlanOptions, type HubPlanRepo } from './types.js';
import { workersFor } from './workers.js';

export async function* planAllRepos(db: Database, options: HubPlanOptions): AsyncGenerator<HubPlanEvent, HubPlan> {
  const { workers, notice } = workersFor(db, options.workers);
  if (notice) yield { type: 'notice', message: notice };
  const startedAt = new Date().toISOString();
  const queue = await reposInOrder(db);
  const tally = new PassTally(queue.length);
  const planned = new Map<string, HubPlanRepo>();
  yield { type: 'hub-start', total: queue.length, workers };
  for await (const event of markHub(db, queue, {
    graceSeconds: options.graceSeconds,
    itemLimit: 0,
    stop: options.stop,
  })) {
    if (event.type === 'batch-start') {
      for (const repo of event.repos) tally.start(repo);
      yield { type: 'hub-progress', progress: tally.progress() };
      continue;
    }
    await rememberEstimates(
      db,
      event.marked.flatMap((one) => ('derived' in one ? [estimateOf(one.derived.plan)] : [])),
    );
    for (const one of event.marked) {
      if ('derived' in one) {
        const { plan } = one.derived;
        const summary = summarizePlan(plan);
        planned.set(one.repo.repoId, { repo: one.repo, plan: summary });
        tally.finish(
          one.repo.repoId,
          summary.phases.reduce((sum, phase) => sum + phase.refs + phase.rows, 0),
          summary.phases.reduce((sum, phase) => sum + phase.bytes, 0),
        );
        yield { type: 'repo-planned', repo: one.repo, plan };
      } else {
        planned.set(one.repo.repoId, { repo: one.repo, error: one.error });
        tally.finish(one.repo.repoId, 0, 0);
        yield { type: 'repo-failed', repo: one.repo, message: one.error };
      }
    }
    yield { type: 'hub-progress', progress: tally.progress() };
  }
  const repos = queue.flatMap((repo) => planned.get(repo.repoId) ?? []);
  const result: HubPlan = {
    hub: db.hub,
    who: operatorName(),
    startedAt,
    finishedAt: new Date().toISOString(),
    graceSeconds: options.graceSeconds,
    workers,
    outcome: repos.length < queue.length ? 'stopped' : 'done',
    repos,
    phases: phaseTotals(repos),
  };
  yield { type: 'hub-done', result };
  return result;
}

function phaseTotals(repos: readonly HubPlanRepo[]): HubPlan['phases'] {
  return PHASES.map((phase, index) => {
    const total = { phase: phase.name, refs: 0, rows: 0, bytes: 0, blobs: 0, refused: 0 };
    for (const { plan } of repos) {
      const planned = plan?.phases[index];
      if (!planned) continue;
      if (planned.refused) total.refused++;
      total.refs += planned.refs;
      total.rows += planned.rows;
      total.bytes += planned.bytes;
      total.blobs += planned.blobs;
    }
    return total;
  });
}
