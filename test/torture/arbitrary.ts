/**
 * fast-check arbitraries for random hubs: a history of actions (simulate.ts
 * plays it) and the repos to collect. Small sizes: a few repos, tens of commits.
 */
import fc from 'fast-check';
import { CORRUPT_FORMS, type HubModel } from './hub-model.js';
import { simulate, type Action, type History } from './simulate.js';

const index = fc.nat({ max: 50 });
/** Null but one time in `freq`. */
const rare = <T>(arb: fc.Arbitrary<T>, freq = 12) =>
  fc.oneof({ weight: freq - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
const oneIn = (n: number) => fc.integer({ min: 1, max: n }).map((v) => v === 1);

const push: fc.Arbitrary<Action> = fc.record({
  kind: fc.constant('push' as const),
  repo: index,
  branch: fc.nat({ max: 3 }),
  commits: fc.integer({ min: 1, max: 4 }),
  files: fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 3 }),
  merge: rare(index, 4),
  shareSnapshot: rare(index),
  corrupt: rare(fc.constantFrom(...CORRUPT_FORMS), 30),
  missingSnapshot: oneIn(25),
  shallow: oneIn(8),
  inflight: oneIn(5),
});

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 24, arbitrary: push },
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant('force-push' as const),
      repo: index,
      branch: index,
      back: fc.integer({ min: 1, max: 4 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete-branch' as const), repo: index, branch: index }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('fork' as const), repo: index }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      repo: index,
      commit: index,
      form: fc.constantFrom('both' as const, 'commit' as const, 'snapshot' as const),
    }),
  },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('wire-tag' as const), repo: index, commit: index }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('upload' as const),
      repo: index,
      count: fc.integer({ min: 1, max: 3 }),
      reuse: fc.option(index),
      blob: fc.boolean(),
    }),
  },
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant('cache' as const),
      repo: index,
      reuse: fc.option(index),
      expired: fc.boolean(),
      blob: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.constant({ kind: 'stray-blob' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lose-blob' as const), object: index }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rot' as const),
      snapshot: index,
      form: fc.constantFrom(...CORRUPT_FORMS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pin' as const), repo: index, commit: index }) },
);

/** A history: 1-3 starting repos, up to `size` old actions and a few within the grace period. */
export function historyArb(size = 30): fc.Arbitrary<History> {
  return fc.record({
    repos: fc.integer({ min: 1, max: 3 }),
    old: fc.array(action, { minLength: Math.ceil(size / 3), maxLength: size, size: 'max' }),
    recent: fc.array(action, { maxLength: 4, size: 'max' }),
  });
}

/** One torture case: the history, the hub it builds, and the repos GC collects in turn. */
export interface TortureCase {
  history: History;
  hub: HubModel;
  /** Indices into hub.repos, collected in this order. */
  targets: number[];
}

export function caseArb(size = 30): fc.Arbitrary<TortureCase> {
  return fc
    .record({ history: historyArb(size), picks: fc.array(index, { minLength: 1, maxLength: 2 }) })
    .map(({ history, picks }) => {
      const hub = simulate(history);
      return { history, hub, targets: picks.map((p) => p % hub.repos.length) };
    });
}

/** fast-check options honouring TORTURE_SEED and TORTURE_PATH, with shrinking bounded in time. */
export function replayable(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.TORTURE_SEED;
  return {
    numRuns,
    ...(seed ? { seed: Number(seed), path: process.env.TORTURE_PATH } : {}),
    interruptAfterTimeLimit: 150_000,
    markInterruptAsFailure: false,
  };
}
