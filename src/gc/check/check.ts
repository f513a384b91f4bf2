/**
 * The integrity check (`musehub-gc check`), read-only for MuseHub's tables: per repo,
 * liveness derived as GC derives it, then what the rows and the store say against it.
 * Each repo takes a session of its own (its temporary tables go with it) and its
 * result is recorded as the repo's last check.
 */
import type { Database } from '../../db/connect.js';
import { messageOf } from '../../errors.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { deriveLiveSet } from '../live-set.js';
import { planClock } from '../plan.js';
import { Profile } from '../profile.js';
import { listRepos } from '../repo.js';
import { Session } from '../session.js';
import { repoName, type RepoIdentity } from '../types.js';
import { missingBlobs } from './blob-problems.js';
import { recordCheck } from './record.js';
import { inOrder, rowProblems } from './row-problems.js';
import type { CheckEvent, CheckOptions, CheckProblem, CheckReport, CheckStep, CheckTarget, RepoCheck } from './types.js';

/**
 * Checks a repo or every repo, yielding progress and each repo's result; returns the report.
 * `store` is undefined when the hub has none: the cache blobs then go unchecked, with a warning.
 */
export async function* checkHub(
  db: Database, store: BlobStore | undefined, target: CheckTarget, options: CheckOptions,
): AsyncGenerator<CheckEvent, CheckReport> {
  const repos: RepoIdentity[] = 'repo' in target ? [target.repo] : await listRepos(db);
  const now = (await db.knex().raw('select now() as now')).rows[0].now as Date;
  const report: CheckReport = {
    checkedAt: new Date(now).toISOString(), clean: true, blobs: options.blobs ?? false, repos: [], warnings: [],
  };
  const warn = (message: string): CheckEvent => {
    report.warnings.push(message);
    return { type: 'warning', message };
  };
  if (!store) yield warn(`no blob store: the blobs of fetch-pack cache rows were not looked up (set MUSEHUB_STORAGE or --storage)`);
  for (const [index, repo] of repos.entries()) {
    if (options.signal?.aborted) {
      yield warn(`stopped: ${index} of ${repos.length} repos checked`);
      break;
    }
    yield { type: 'repo-start', repo, index, total: repos.length };
    const result = yield* checkRepo(db, store, repo, options);
    try {
      await recordCheck(db, result);
    } catch (error) {
      // A read-only database user can still check; the console just cannot show it later.
      yield warn(`the check of ${repoName(repo)} was not recorded: ${messageOf(error)}`);
    }
    report.repos.push(result);
    report.clean &&= result.clean;
    yield { type: 'repo-done', result };
  }
  yield { type: 'check-done', report };
  return report;
}

async function* checkRepo(
  db: Database, store: BlobStore | undefined, repo: RepoIdentity, options: CheckOptions,
): AsyncGenerator<CheckEvent, RepoCheck> {
  const started = performance.now();
  const step = (name: CheckStep, done = 0, total = 0): CheckEvent => ({ type: 'progress', repo, step: name, done, total });
  const session = await Session.open(db);
  try {
    const clock = await planClock(session, options.graceSeconds);
    yield step('liveness');
    const live = await deriveLiveSet(session, repo, clock, new Profile());
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
      repo, checkedAt: clock.now, clean: found.length === 0, blobs: options.blobs ?? false, problems: found,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    await session.close();
  }
}
