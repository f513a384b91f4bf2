/**
 * The torture scenarios, shared by the test files and `npm run torture`: each is
 * an arbitrary and a body that throws with a readable diff when GC goes wrong and
 * otherwise returns how many faults it injected.
 */
import fc from 'fast-check';
import { caseArb, type TortureCase } from './arbitrary.js';
import { diffStates, readState, stateOf } from './compare.js';
import { killedRun, rerun, runWithDroppedConnections, type KillPoint } from './faults.js';
import { checkCase, collect, loadModel, type Bench } from './harness.js';
import { describeHub, type HubModel } from './hub-model.js';
import { oracle } from './oracle.js';
import { simulate } from './simulate.js';
import { integrityProblems, racePushes } from './race.js';
import type { S3Faults } from '../support/s3-faults.js';

/** A scenario: what to generate, and what to do with one generated value. */
export interface Scenario<T> {
  arb: fc.Arbitrary<T>;
  /** Throws on a failure; resolves to the number of faults injected. */
  run(value: T): Promise<number>;
}

/**
 * Throws with every difference between the bench and the oracle's state after
 * collecting `repoId`; `allowedLeftovers` are blob keys a lying store kept.
 */
export async function expectOracle(
  bench: Bench,
  hub: HubModel,
  repoId: string,
  allowedLeftovers: readonly string[] = [],
) {
  const expected = oracle(hub, repoId).after;
  const problems = diffStates(stateOf(expected), await readState(bench.db, bench.store)).filter(
    (line) => !allowedLeftovers.some((key) => line === `blobs: left over (GC kept what the oracle deletes): ${key}`),
  );
  if (problems.length > 0)
    throw new Error(`hub ${describeHub(hub)}, repo ${repoId}:\n  ${problems.slice(0, 40).join('\n  ')}`);
}

const killPoint: fc.Arbitrary<KillPoint> = fc.record({
  afterEvents: fc.integer({ min: 1, max: 14 }),
  delayMs: fc.integer({ min: 0, max: 40 }),
});
const firstRepo = (c: TortureCase) => c.hub.repos[c.targets[0]!]!.id;

/** GC of one or two repos in turn, compared with the oracle. */
export function oracleScenario(bench: Bench, size?: number): Scenario<TortureCase> {
  return {
    arb: caseArb(size),
    async run({ hub, targets }) {
      const problems = await checkCase(bench, hub, targets);
      if (problems.length > 0)
        throw new Error(
          `hub ${describeHub(hub)}, collecting repos ${targets}:\n  ${problems.slice(0, 40).join('\n  ')}`,
        );
      return 0;
    },
  };
}

/** A GC child SIGKILLed at a random event, then a rerun. */
export function killScenario(bench: Bench, databaseUrl: string, size?: number): Scenario<[TortureCase, KillPoint]> {
  return {
    arb: fc.tuple(caseArb(size), killPoint),
    async run([c, point]) {
      await loadModel(bench, c.hub);
      const killed = await killedRun(databaseUrl, bench.storeUrl, firstRepo(c), point);
      await rerun(bench, firstRepo(c));
      await expectOracle(bench, c.hub, firstRepo(c));
      return killed ? 1 : 0;
    },
  };
}

/** The GC's PostgreSQL backends terminated at a random event, then a rerun. */
export function droppedConnectionScenario(
  bench: Bench,
  databaseUrl: string,
  size?: number,
): Scenario<[TortureCase, KillPoint]> {
  return {
    arb: fc.tuple(caseArb(size), killPoint),
    async run([c, point]) {
      await loadModel(bench, c.hub);
      const killed = await runWithDroppedConnections(databaseUrl, bench, firstRepo(c), point);
      await rerun(bench, firstRepo(c));
      await expectOracle(bench, c.hub, firstRepo(c));
      return killed ? 1 : 0;
    },
  };
}

/** A pusher racing GC; afterwards no ref to a missing row and no row to a missing blob. */
export function raceScenario(bench: Bench, databaseUrl: string, size?: number): Scenario<[TortureCase, number]> {
  return {
    arb: fc.tuple(caseArb(size), fc.nat()),
    async run([c, seed]) {
      await loadModel(bench, c.hub);
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => {
        stop = resolve;
      });
      let pushed!: () => void;
      const firstPush = new Promise<void>((resolve) => {
        pushed = resolve;
      });
      const pushing = racePushes(databaseUrl, bench.store, bench.uriFor, c.hub, firstRepo(c), seed, stopped, () =>
        pushed(),
      );
      // GC starts once the pusher is under way, so that every case races.
      await Promise.race([firstPush, pushing]);
      const gc = await collect(bench, firstRepo(c)).finally(stop);
      const tally = await pushing;
      const problems = await integrityProblems(bench.db, bench.store, c.hub, tally);
      if (problems.length > 0) {
        throw new Error(
          `hub ${describeHub(c.hub)}, ${tally.pushes} pushes (${tally.refused} refused by a foreign key), ` +
            `GC errors [${gc.result.errors.join('; ')}]:\n  ${problems.join('\n  ')}`,
        );
      }
      return tally.pushes;
    },
  };
}

/** Cases whose first target also has two expired fetch mpacks of its own: blobs phase 5 always deletes. */
function withDoomedBlobs(size?: number): fc.Arbitrary<TortureCase> {
  return caseArb(size).map(({ history, targets }) => {
    const expired = { kind: 'cache' as const, repo: targets[0]!, reuse: null, expired: true, blob: true };
    const grown = { ...history, recent: [...history.recent, expired, expired] };
    return { history: grown, hub: simulate(grown), targets };
  });
}

/** The keys the oracle deletes from storage when collecting `repoId`. */
function doomedKeys(hub: HubModel, repoId: string): string[] {
  const kept = new Set(oracle(hub, repoId).after.blobs);
  return hub.blobs.filter((key) => !kept.has(key));
}

/** S3 throttling and failing deletes: the run reports each failed key, and a rerun converges. */
export function s3FailureScenario(
  bench: Bench & { faults: S3Faults },
  size?: number,
): Scenario<[TortureCase, number, number]> {
  return {
    arb: fc.tuple(withDoomedBlobs(size), fc.integer({ min: 1, max: 6 }), fc.nat()),
    async run([c, throttles, pick]) {
      await loadModel(bench, c.hub);
      const failing = doomedKeys(c.hub, firstRepo(c)).filter((_, i) => (i + pick) % 2 === 0);
      bench.faults.throttleNext(throttles);
      bench.faults.failKeys(failing, 'InternalError');
      const first = await collect(bench, firstRepo(c));
      const injected = bench.faults.count.faults;
      bench.faults.reset();
      const reported = [
        ...first.result.errors,
        ...first.result.phases.flatMap((p) => p.errors),
        ...first.events.flatMap((e) => (e.type === 'error' || e.type === 'warning' ? [e.message] : [])),
      ].join('\n');
      const silent = failing.filter((key) => !reported.includes(key.slice(-64)));
      if (silent.length > 0)
        throw new Error(
          `the run did not report the failed deletes of ${silent.join(', ')}; it said: ${reported || 'nothing'}`,
        );
      await rerun(bench, firstRepo(c));
      await expectOracle(bench, c.hub, firstRepo(c));
      return injected;
    },
  };
}

/** S3 deletes that report success but keep the key: only those keys may be left, and no row names a missing blob. */
export function s3LieScenario(bench: Bench & { faults: S3Faults }, size?: number): Scenario<[TortureCase, number]> {
  return {
    arb: fc.tuple(withDoomedBlobs(size), fc.nat()),
    async run([c, pick]) {
      await loadModel(bench, c.hub);
      const lied = doomedKeys(c.hub, firstRepo(c)).filter((_, i) => (i + pick) % 2 === 0);
      bench.faults.lieAboutKeys(lied);
      await collect(bench, firstRepo(c));
      bench.faults.reset();
      await expectOracle(bench, c.hub, firstRepo(c), lied);
      return lied.length;
    },
  };
}
