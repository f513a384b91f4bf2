/**
 * Random hubs under faults, on the real server: a GC process SIGKILLed at a random
 * event, its PostgreSQL connections terminated mid-phase, S3 throttling, failing
 * and lying deletes, and a pusher racing it. After a rerun the database and the
 * store must match the oracle exactly (a lying delete may only leave its own keys),
 * and after a race no ref may point at a missing row nor a row at a missing blob.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer } from '../../src/db/connect.js';
import { serverTarget, type TestDatabase } from '../support/databases.js';
import { caseArb, replayable } from './arbitrary.js';
import { diffStates, readState, stateOf } from './compare.js';
import { killedRun, rerun, runWithDroppedConnections, s3Bench } from './faults.js';
import { collect, fileBench, loadModel, type Bench } from './harness.js';
import { describeHub, type HubModel } from './hub-model.js';
import { oracle } from './oracle.js';
import { integrityProblems, racePushes } from './race.js';

const RUNS = Number(process.env.TORTURE_FAULT_RUNS ?? 4);
const killPoint = fc.record({ afterEvents: fc.integer({ min: 1, max: 14 }), delayMs: fc.integer({ min: 0, max: 40 }) });

/** Throws with every difference between the bench and the oracle's state after collecting `repoId`. */
async function expectOracle(bench: Bench, hub: HubModel, repoId: string, allowedLeftovers: readonly string[] = []) {
  const expected = oracle(hub, repoId).after;
  const problems = diffStates(stateOf(expected), await readState(bench.db, bench.store))
    .filter((line) => !allowedLeftovers.some((key) => line === `blobs: left over (GC kept what the oracle deletes): ${key}`));
  if (problems.length > 0) throw new Error(`hub ${describeHub(hub)}, repo ${repoId}:\n  ${problems.join('\n  ')}`);
}

describe.each(await serverTarget())('GC under faults on $name', (target) => {
  let database: TestDatabase;
  let bench: Bench;
  beforeAll(async () => {
    database = await target.create();
    // The bench's own connections must survive the termination of every 'musehub-gc' backend.
    bench = await fileBench(await openServer(`${database.url}?application_name=torture-bench`));
  });
  afterAll(async () => {
    await bench?.close();
    await bench?.db.close();
    await database?.drop();
  });

  it('converges to the oracle after a GC process is SIGKILLed at a random event and rerun', async () => {
    await fc.assert(fc.asyncProperty(caseArb(), killPoint, async ({ hub, targets }, point) => {
      await loadModel(bench, hub);
      const repoId = hub.repos[targets[0]!]!.id;
      await killedRun(database.url, bench.storeUrl, repoId, point);
      await rerun(bench, repoId);
      await expectOracle(bench, hub, repoId);
    }), replayable(RUNS));
  }, 240_000);

  it('converges to the oracle after the GC\'s PostgreSQL connections are terminated mid-phase', async () => {
    await fc.assert(fc.asyncProperty(caseArb(), killPoint, async ({ hub, targets }, point) => {
      await loadModel(bench, hub);
      const repoId = hub.repos[targets[0]!]!.id;
      await runWithDroppedConnections(database.url, bench, repoId, point);
      await rerun(bench, repoId);
      await expectOracle(bench, hub, repoId);
    }), replayable(RUNS));
  }, 240_000);

  it('never leaves a ref to a missing row or a row to a missing blob while a pusher races GC', async () => {
    await fc.assert(fc.asyncProperty(caseArb(), fc.nat(), async ({ hub, targets }, seed) => {
      await loadModel(bench, hub);
      const repoId = hub.repos[targets[0]!]!.id;
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => { stop = resolve; });
      const pushing = racePushes(database.url, bench.store, bench.uriFor, hub, repoId, seed, stopped);
      try {
        await collect(bench, repoId);
      } finally {
        stop();
      }
      const tally = await pushing;
      const problems = await integrityProblems(bench.db, bench.store, bench.uriFor, hub, tally);
      if (problems.length > 0) throw new Error(`hub ${describeHub(hub)}, ${tally.pushes} pushes:\n  ${problems.join('\n  ')}`);
    }), replayable(RUNS));
  }, 240_000);

  describe('with S3 behind the fault proxy', () => {
    let s3: Awaited<ReturnType<typeof s3Bench>>;
    beforeAll(async () => { s3 = await s3Bench(bench.db); });
    afterAll(async () => { await s3?.close(); });

    /** The keys the oracle deletes from storage when collecting `repoId`. */
    const doomedKeys = (hub: HubModel, repoId: string) => {
      const kept = new Set(oracle(hub, repoId).after.blobs);
      return hub.blobs.filter((key) => !kept.has(key));
    };

    it('rides out throttling and converges; a failed delete stays in the journal and the next run finishes it', async () => {
      await fc.assert(fc.asyncProperty(caseArb(), fc.integer({ min: 1, max: 6 }), fc.nat(), async ({ hub, targets }, throttles, pick) => {
        await loadModel(s3, hub);
        const repoId = hub.repos[targets[0]!]!.id;
        const doomed = doomedKeys(hub, repoId);
        const failing = doomed.filter((_, i) => (i + pick) % 2 === 0);
        s3.faults.throttleNext(throttles);
        s3.faults.failKeys(failing, 'InternalError');
        const first = await collect(s3, repoId);
        const reported = [...first.result.errors, ...first.events.flatMap((e) => (e.type === 'journal-resumed' ? e.errors : []))].join('\n');
        for (const key of failing) expect(reported, `the run reports the failed delete of ${key}`).toContain(key.slice(-64));
        s3.faults.reset();
        await rerun(s3, repoId);
        await expectOracle(s3, hub, repoId);
      }), replayable(RUNS));
    }, 240_000);

    it('lets a delete that lies leave only its own keys, and no row names a missing blob', async () => {
      await fc.assert(fc.asyncProperty(caseArb(), fc.nat(), async ({ hub, targets }, pick) => {
        await loadModel(s3, hub);
        const repoId = hub.repos[targets[0]!]!.id;
        const lied = doomedKeys(hub, repoId).filter((_, i) => (i + pick) % 2 === 0);
        s3.faults.lieAboutKeys(lied);
        await collect(s3, repoId);
        s3.faults.reset();
        await expectOracle(s3, hub, repoId, lied);
      }), replayable(RUNS));
    }, 240_000);
  });
});
