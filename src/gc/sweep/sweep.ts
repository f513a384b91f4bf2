/**
 * The sweep (`musehub-gc sweep`): deletes the keys under `objects/` that no row names and
 * that are older than the grace period. The whole listing is compared with the rows
 * before anything goes, so a listing that fails part-way deletes nothing. Then, batch by
 * batch, the candidates are checked against the rows again and journalled in one
 * transaction, and the journal deletes them, as it deletes every blob GC frees. A sweep that
 * got as far as its strays is recorded, once its connection is given back.
 */
import { randomUUID } from 'node:crypto';
import { messageOf } from '../../errors.js';
import type { GcContext } from '../context.js';
import { STRAY, drainJournal, leftAloneWarning } from '../journal.js';
import { planClock } from '../plan.js';
import { Profile } from '../profile.js';
import { Session } from '../session.js';
import { SWEPT_PREFIX, candidateBatch, compareListing, loadListing, type Listed } from './listing.js';
import { keysNamedByRows } from './names.js';
import { recordSweep } from './record.js';
import type { SweepEvent, SweepOptions, SweepResult } from './types.js';

/** Candidates re-checked, journalled and deleted together: one journal entry each. */
const BATCH = 10_000;

export async function* sweepStore(ctx: GcContext, options: SweepOptions): AsyncGenerator<SweepEvent, SweepResult> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const session = await Session.open(ctx.db);
  const result: SweepResult = {
    sweepId: randomUUID(),
    store: ctx.store.url,
    dryRun,
    graceSeconds: options.graceSeconds,
    cutoff: '',
    outcome: 'done',
    listed: 0,
    listedBytes: 0,
    named: 0,
    odd: 0,
    young: 0,
    candidates: 0,
    candidateBytes: 0,
    keptOnRecheck: 0,
    deleted: 0,
    deletedBytes: 0,
    errors: [],
    seconds: 0,
    profile: {},
  };
  const profile = new Profile();
  let deleting = false;
  try {
    if (!dryRun) {
      const resumed = await profile.time('resume', () => drainJournal(session, ctx.store, undefined));
      if (resumed.blobs > 0 || resumed.errors.length > 0) {
        result.errors.push(...resumed.errors);
        yield { type: 'journal-resumed', blobs: resumed.blobs, bytes: resumed.bytes, errors: resumed.errors };
      }
      const leftAlone = leftAloneWarning(resumed, ctx.store);
      if (leftAlone) yield { type: 'warning', message: leftAlone };
    }
    result.cutoff = (await planClock(session, options.graceSeconds)).cutoff;
    let listed: Listed = { listed: 0, bytes: 0, odd: 0 };
    const listing = loadListing(session, ctx.store);
    for (
      let next = await profile.time('listing', () => listing.next());
      !next.done;
      next = await profile.time('listing', () => listing.next())
    ) {
      listed = next.value;
      yield { type: 'listing', listed: listed.listed, bytes: listed.bytes };
    }
    const found = await profile.time('compare', () => compareListing(session, result.cutoff, listed));
    Object.assign(result, found);
    yield { type: 'compared', found };
    if (found.candidates > 0 && !dryRun && options.confirm && !(await options.confirm(found))) {
      result.outcome = 'declined';
    } else {
      deleting = true;
      yield* deleteCandidates(ctx, session, result, options, profile);
    }
  } catch (error) {
    // Until the candidates are known nothing is deleted: such a failure is the caller's to report as it is.
    if (!deleting) throw error;
    result.outcome = 'failed';
    result.errors.push(messageOf(error));
    yield { type: 'error', message: messageOf(error) };
  } finally {
    await session.close();
  }
  result.seconds = (performance.now() - started) / 1000;
  result.profile = profile.toJSON();
  try {
    await recordSweep(ctx.db, result);
  } catch (error) {
    // A read-only database user can still dry-run; the console just cannot show it later.
    yield { type: 'warning', message: `the sweep was not recorded: ${messageOf(error)}` };
  }
  yield { type: 'sweep-done', result };
  return result;
}

async function* deleteCandidates(
  ctx: GcContext,
  session: Session,
  result: SweepResult,
  options: SweepOptions,
  profile: Profile,
): AsyncGenerator<SweepEvent> {
  for (let from = 0; from < result.candidates; from += BATCH) {
    if (options.signal?.aborted) {
      result.outcome = 'stopped';
      return;
    }
    const batch = await profile.time('recheck', () => candidateBatch(session, from, from + BATCH));
    // An upload that raced the sweep has its row now: its key stays. The entry goes in the same transaction.
    const doomed = await profile.time('recheck', () =>
      session.transaction(async () => {
        const named = new Set(
          await keysNamedByRows(
            session,
            batch.map((key) => key.key),
            batch.map((key) => key.uri),
          ),
        );
        const unnamed = batch.filter((key) => !named.has(key.key));
        const outside = unnamed.find((key) => !key.key.startsWith(SWEPT_PREFIX));
        if (outside)
          throw new Error(
            `the sweep reached key ${outside.key}, outside ${SWEPT_PREFIX}: a bug, nothing of the batch was deleted`,
          );
        if (!result.dryRun && unnamed.length > 0) {
          await session.execute(
            `
          insert into musehub_gc_journal (run_id, kind, blob_ids, storage_uris, sizes, store)
          values (?, ?, ?::text[], ?::text[], ?::bigint[], ?)`,
            [
              result.sweepId,
              STRAY,
              unnamed.map((key) => key.key),
              unnamed.map((key) => key.uri),
              unnamed.map((key) => key.size),
              ctx.store.identity,
            ],
          );
        }
        return unnamed;
      }),
    );
    result.keptOnRecheck += batch.length - doomed.length;
    yield { type: 'batch', keys: doomed.map(({ key, size }) => ({ key, size })), dryRun: result.dryRun };
    if (!result.dryRun) {
      const drained = await drainJournal(session, ctx.store, result.sweepId, { profile });
      result.deleted += drained.blobs;
      result.deletedBytes += drained.bytes;
      result.keptOnRecheck += drained.renamed;
      result.errors.push(...drained.errors);
    }
    yield {
      type: 'progress',
      done: Math.min(from + BATCH, result.candidates),
      total: result.candidates,
      deleted: result.deleted,
      bytes: result.deletedBytes,
    };
  }
  if (result.errors.length > 0) result.outcome = 'failed';
}
