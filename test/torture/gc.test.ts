/**
 * Random hubs against the oracle, on PGlite and on the real server: after a GC
 * of one or two repos, every table and the blob store hold exactly what
 * GC-RULES says. A failure prints fast-check's seed and path; replay it with
 * TORTURE_SEED=<seed> TORTURE_PATH=<path>, or `npm run torture -- --seed <seed>`.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { testTargets } from '../support/databases.js';
import { useBench } from './bench-hooks.js';
import { replayable } from './arbitrary.js';
import { oracleScenario } from './scenarios.js';

const RUNS = Number(process.env.TORTURE_RUNS ?? 20);

describe.each(await testTargets())('GC against the oracle on $name', (target) => {
  const benchOf = useBench(target);

  it(`leaves exactly what GC-RULES says on ${RUNS} random hubs`, async () => {
    const bench = benchOf();
    const scenario = oracleScenario(bench);
    await fc.assert(
      fc.asyncProperty(scenario.arb, (value) => scenario.run(value).then(() => {})),
      replayable(RUNS),
    );
  }, 240_000);
});
