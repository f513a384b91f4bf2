/**
 * A hub plan: every repo planned, `workers` at a time, in a pass's order. It changes nothing
 * in MuseHub's tables and takes no lock; it refreshes the cached estimates a pass orders by.
 */
import type { Database } from '../../db/connect.js';
import { messageOf } from '../../errors.js';
import { estimateOf, rememberEstimate } from '../estimate.js';
import { operatorName } from '../../operator.js';
import { PHASES } from '../phases/table.js';
import { planGc } from '../plan.js';
import type { RepoIdentity } from '../types.js';
import { inLanes } from './lanes.js';
import { reposInOrder } from './queue.js';
import { snapshotIndexNotice } from './snapshot-index.js';
import { PassTally } from './tally.js';
import { summarizePlan, type HubPlan, type HubPlanEvent, type HubPlanOptions, type HubPlanRepo } from './types.js';
import { workersFor } from './workers.js';

export async function* planAllRepos(db: Database, options: HubPlanOptions): AsyncGenerator<HubPlanEvent, HubPlan> {
  const { workers, notice } = workersFor(db, options.workers);
  if (notice) yield { type: 'notice', message: notice };
  const scanNotice = await snapshotIndexNotice(db);
  if (scanNotice) yield { type: 'notice', message: scanNotice };
  const startedAt = new Date().toISOString();
  const queue = await reposInOrder(db);
  const tally = new PassTally(queue.length);
  const planned = new Map<string, HubPlanRepo>();
  yield { type: 'hub-start', total: queue.length, workers };
  for await (const event of inLanes(queue, workers, (repo) => planRepo(db, repo, options.graceSeconds), options.stop)) {
    if (event.type === 'repo-start') tally.start(event.repo);
    if (event.type === 'repo-planned') {
      const summary = summarizePlan(event.plan);
      planned.set(event.repo.repoId, { repo: event.repo, plan: summary });
      tally.finish(event.repo.repoId, summary.phases.reduce((sum, phase) => sum + phase.refs + phase.rows, 0),
        summary.phases.reduce((sum, phase) => sum + phase.bytes, 0));
    }
    if (event.type === 'repo-failed') {
      planned.set(event.repo.repoId, { repo: event.repo, error: event.message });
      tally.finish(event.repo.repoId, 0, 0);
    }
    yield event;
    if (event.type !== 'repo-start') yield { type: 'hub-progress', progress: tally.progress() };
  }
  const repos = queue.flatMap((repo) => planned.get(repo.repoId) ?? []);
  const result: HubPlan = {
    hub: db.hub, who: operatorName(), startedAt, finishedAt: new Date().toISOString(), graceSeconds: options.graceSeconds,
    workers, outcome: repos.length < queue.length ? 'stopped' : 'done', repos, phases: phaseTotals(repos),
  };
  yield { type: 'hub-done', result };
  return result;
}

async function* planRepo(db: Database, repo: RepoIdentity, graceSeconds: number): AsyncGenerator<HubPlanEvent> {
  yield { type: 'repo-start', repo };
  try {
    const plan = await planGc(db, repo, { graceSeconds, itemLimit: 0 });
    await rememberEstimate(db, estimateOf(plan));
    yield { type: 'repo-planned', repo, plan };
  } catch (error) {
    yield { type: 'repo-failed', repo, message: messageOf(error) };
  }
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
