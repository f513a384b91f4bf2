/** The GcService over a real hub: the engine, its database and (when configured) its blob store. */
import type { Database } from '../db/connect.js';
import { typedDatabaseError } from '../db/errors.js';
import { RefusedError, UnavailableError, UsageError, messageOf } from '../errors.js';
import type { BlobStore } from '../storage/blob-store.js';
import { checkHub } from './check/check.js';
import { lastCheck } from './check/record.js';
import { estimateRepos } from './estimate.js';
import { executeGc } from './execute.js';
import { commitDetail, repoGraph } from './graph.js';
import { planAllRepos } from './hub/plan-all.js';
import { runAllRepos } from './hub/run-all.js';
import { workersFor } from './hub/workers.js';
import { listRuns } from './history.js';
import { drainJournal, leftAloneWarning } from './journal.js';
import { dropJournal, listJournal, listJournalDrops } from './journal-entries.js';
import { loadPlan, savePlan } from './plan-file.js';
import { planDrift } from './plan-drift.js';
import { existingPlanKey, planKey } from './plan-key.js';
import { planGc } from './plan.js';
import { findRepo, listRepos } from './repo.js';
import type { GcService, RunOptions, RunTarget } from './service.js';
import { Session } from './session.js';
import { lastSweep } from './sweep/record.js';
import { sweepStore } from './sweep/sweep.js';
import { repoName, type GcEvent, type RunResult } from './types.js';
import { explainWhy } from './why.js';

export interface GcServiceOptions {
  /** The grace period estimates are computed with. */
  graceSeconds: number;
}

export function createGcService(db: Database, store: BlobStore | undefined, options: GcServiceOptions): GcService {
  /** The store a command needs: a usage error without one, unavailable when it does not answer. */
  const usableStore = async (nothing = 'nothing was deleted'): Promise<BlobStore> => {
    if (!store) {
      throw new UsageError(
        `no blob store for ${db.label}: set MUSEHUB_STORAGE or --storage (file:///abs/dir or s3://bucket?endpoint=…)`,
      );
    }
    try {
      await store.check();
    } catch (error) {
      throw new UnavailableError(`${nothing}: the blob store ${store.url} is not usable: ${messageOf(error)}`);
    }
    return store;
  };
  // A dry run deletes no blob: it needs no store, and must not touch one.
  const storeFor = async (dryRun: boolean | undefined): Promise<BlobStore> =>
    dryRun ? unusedStore(db.label) : usableStore();
  return typedErrors(db.label, {
    label: db.label,
    hub: db.hub,
    canCollect: store !== undefined,
    hubWorkers: workersFor(db).workers,
    listRepos: () => listRepos(db),
    findRepo: (ref) => findRepo(db, ref),
    estimates: (repoIds, signal) => estimateRepos(db, repoIds, { graceSeconds: options.graceSeconds, signal }),
    graph: (repo, graceSeconds) => repoGraph(db, repo, graceSeconds),
    commit: (commitId) => commitDetail(db, commitId),
    plan: (repo, planOptions) => planGc(db, repo, planOptions),
    why: (repo, id, whyOptions) => explainWhy(db, repo, id, whyOptions),
    async *run(target: RunTarget, runOptions: RunOptions): AsyncGenerator<GcEvent, RunResult> {
      return yield* executeGc({ db, store: await storeFor(runOptions.dryRun) }, target, runOptions);
    },
    async *runAll(hubOptions) {
      return yield* runAllRepos({ db, store: await storeFor(hubOptions.dryRun) }, hubOptions);
    },
    planAll: (hubOptions) => planAllRepos(db, hubOptions),
    history: (repo) => listRuns(db, repo),
    async resume() {
      const runStore = await usableStore();
      const session = await Session.open(db);
      try {
        const drained = await drainJournal(session, runStore, undefined);
        const leftAlone = leftAloneWarning(drained, runStore);
        return { ...drained, warnings: leftAlone ? [leftAlone] : [] };
      } finally {
        await session.close();
      }
    },
    journal: () => listJournal(db, store),
    dropJournal: (target) => dropJournal(db, store, target),
    journalDrops: () => listJournalDrops(db),
    async *check(target, checkOptions) {
      // The cache rows' blobs are looked up whenever there is a store; the objects' only when asked.
      const checkStore = store || checkOptions.blobs ? await usableStore('nothing was checked') : undefined;
      return yield* checkHub(db, checkStore, target, checkOptions);
    },
    lastCheck: (repo) => lastCheck(db, repo.repoId),
    async *sweep(sweepOptions) {
      return yield* sweepStore({ db, store: await usableStore() }, sweepOptions);
    },
    lastSweep: async ({ dryRun }) => (store ? lastSweep(db, store.url, dryRun) : null),
    savePlan: async (plan, path) => savePlan(plan, path, await planKey(db)),
    async loadPlan(path, { maxAgeSeconds }) {
      const now = (await db.knex().raw('select now() as now')).rows[0].now as Date;
      const key = await existingPlanKey(db);
      const plan = await loadPlan(path, { hub: db.hub, key, now: new Date(now).toISOString(), maxAgeSeconds });
      const repo = await findRepo(db, plan.repo.repoId).catch(() => undefined);
      if (!repo) {
        throw new RefusedError(
          `plan file ${path} refused, nothing was deleted: its repo ${repoName(plan.repo)} ` +
            `(${plan.repo.repoId}) is not in ${db.label}`,
        );
      }
      return plan;
    },
    comparePlan: (plan, { graceSeconds }) => planDrift(db, plan, graceSeconds),
  });
}

/**
 * The service with what the database throws typed (db/errors.ts): a lost connection or a refused
 * statement leaves every method, and every generator mid-iteration, as an UnavailableError.
 */
function typedErrors(label: string, service: GcService): GcService {
  const typed = (error: unknown): unknown => typedDatabaseError(error, label);
  const door: Record<string, unknown> = {};
  for (const [name, member] of Object.entries(service)) {
    door[name] =
      typeof member !== 'function'
        ? member
        : (...args: unknown[]) => {
            let result: unknown;
            try {
              result = member.apply(service, args);
            } catch (error) {
              throw typed(error);
            }
            if (result instanceof Promise)
              return result.catch((error: unknown) => {
                throw typed(error);
              });
            return isAsyncIterable(result) ? rethrowTyped(result, typed) : result;
          };
  }
  return door as unknown as GcService;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** `events` as they come, and what ends them (its return value, or its error typed). */
async function* rethrowTyped<T, R>(events: AsyncIterable<T>, typed: (error: unknown) => unknown): AsyncGenerator<T, R> {
  try {
    return (yield* events) as R;
  } catch (error) {
    throw typed(error);
  }
}

/** A store for a dry run: any use is a bug, said plainly. */
function unusedStore(label: string): BlobStore {
  const refuse = (): never => {
    throw new Error(`a dry run on ${label} touched the blob store`);
  };
  return {
    url: '(none)',
    identity: '(none)',
    check: refuse,
    put: refuse,
    get: refuse,
    exists: refuse,
    deleteMany: refuse,
    deleteRefusal: refuse,
    list: refuse,
    uriOf: refuse,
    close: async () => {},
  };
}
