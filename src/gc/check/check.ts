/**
 * The integrity check (`musehub-gc check`), read-only for MuseHub's tables: per repo,
 * liveness derived as GC derives it, then what the rows and the store say against it.
 * Repos go in the hub mark's batches (hub/mark.ts): a batch's liveness is derived together
 * (one read of its commits and refs, each live manifest decoded once) on a session of its
 * own, whose temporary tables go with it; then each repo's rows and blobs are compared, and
 * its result is recorded as the repo's last check.
 */
import type { Database } from '../../db/connect.js';
import { messageOf } from '../../errors.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { MARK_BATCH, EMBEDDED_BATCH, markBatches } from '../hub/mark.js';
import { deriveLiveSets, type LiveSet } from '../live-set.js';
import { IdList } from '../packed-ids.js';
import { planClock } from '../plan.js';
import { Profile } from '../profile.js';
import { listRepos } from '../repo.js';
import { Session } from '../session.js';
import { repoName, type RepoIdentity } from '../types.js';
import { missingBlobs } from './blob-problems.js';
import { recordChecks } from './record.js';
import { inOrder, rowProblems } from './row-problems.js';
import type {
  CheckEvent,
  CheckOptions,
  CheckProblem,
  CheckReport,
  CheckStep,
  CheckTarget,
  RepoCheck,
} from './types.js';

/**
 * Checks a repo or every repo, yielding progress and each repo's result; returns the report.
 * `store` is undefined when the hub has none: the cache blobs then go unchecked, with a warning.
 */
export async function* checkHub(
  db: Database,
  store: BlobStore | undefined,
  target: CheckTarget,
  options: CheckOptions,
): AsyncGenerator<CheckEvent, CheckReport> {
  const repos: RepoIdentity[] = 'repo' in target ? [target.repo] : await listRepos(db);
  const now = (await db.knex().raw('select now() as now')).rows[0].now as Date;
  const report: CheckReport = {
    checkedAt: new Date(now).toISOString(),
    clean: true,
    blobs: options.blobs ?? false,
    repos: [],
    warnings: [],
  };
  const warn = (message: string): CheckEvent => {
    report.warnings.push(message);
    return { type: 'warning', message };
  };
  if (!store)
    yield warn(
      `no blob store: the blobs of fetch-pack cache rows were not looked up (set MUSEHUB_STORAGE or --storage)`,
    );
  const sizing = await Session.open(db);
  const batches = await markBatches(sizing, repos, db.kind === 'server' ? MARK_BATCH : EMBEDDED_BATCH).finally(() =>
    sizing.close(),
  );
  let index = 0;
  for (const batch of batches) {
    if (options.signal?.aborted) break;
    // The batch's results are recorded and said once its session is let go of: on the embedded
    // hub's one connection the record needs it.
    const checked: RepoCheck[] = [];
    const session = await Session.open(db);
    try {
      const clock = await planClock(session, options.graceSeconds);
      const started = performance.now();
      yield { type: 'repo-start', repo: batch[0]!, index, total: repos.length };
      yield { type: 'progress', repo: batch[0]!, step: 'liveness', done: 0, total: batch.length };
      const lives = await deriveLiveSets(
        session,
        batch,
        IdList.of(
          'uuid',
          batch.map((repo) => repo.repoId),
        ),
        clock,
        new Profile(),
      );
      // The batch's liveness is each repo's share of its time.
      const livenessSeconds = (performance.now() - started) / 1000 / batch.length;
      for (const [inBatch, repo] of batch.entries()) {
        if (options.signal?.aborted) break;
        if (inBatch > 0) yield { type: 'repo-start', repo, index: index + inBatch, total: repos.length };
        checked.push(
          yield* checkRepo(session, store, repo, lives.get(repo.repoId)!, clock.now, livenessSeconds, options),
        );
      }
    } finally {
      await session.close();
    }
    try {
      await recordChecks(db, checked);
    } catch (error) {
      // A read-only database user can still check; the console just cannot show it later.
      yield warn(
        `the checks of ${checked.map((result) => repoName(result.repo)).join(', ')} were not recorded: ${messageOf(error)}`,
      );
    }
    for (const result of checked) {
      report.repos.push(result);
      report.clean &&= result.clean;
      index++;
      yield { type: 'repo-done', result };
    }
  }
  if (index < repos.length) yield warn(`stopped: ${index} of ${repos.length} repos checked`);
  yield { type: 'check-done', report };
  return report;
}

/** One repo's rows and blobs against its liveness, on the batch's session. */
async function* checkRepo(
  session: Session,
  store: BlobStore | undefined,
  repo: RepoIdentity,
  live: LiveSet,
  checkedAt: string,
  livenessSeconds: number,
  options: CheckOptions,
): AsyncGenerator<CheckEvent, RepoCheck> {
  const started = performance.now();
  const step = (name: CheckStep, done = 0, total = 0): CheckEvent => ({
    type: 'progress',
    repo,
    step: name,
    done,
    total,
  });
  yield step('rows');
  const problems: CheckProblem[] = await rowProblems(session, repo, live);
  const blobSources = [...(store ? ['cache' as const] : []), ...(store && options.blobs ? ['objects' as const] : [])];
  for (const source of blobSources) {
    const lookups = missingBlobs(session, store!, repo, source);
    const name = source === 'cache' ? 'cache blobs' : 'object blobs';
    for (let next = await lookups.next(); ; next = await lookups.next()) {
      if (next.done) {
        problems.push(next.value);
        break;
      }
      yield step(name, next.value.done, next.value.total);
    }
  }
  const found = inOrder(problems);
  return {
    repo,
    checkedAt,
    clean: found.length === 0,
    blobs: options.blobs ?? false,
    problems: found,
    seconds: livenessSeconds + (performance.now() - started) / 1000,
  };
}
