/**
 * Random hubs against the oracle, on PGlite and on the real server: after a GC
 * of one or two repos, every table and the blob store hold exactly what
 * GC-RULES says. A failure prints fast-check's seed and path; replay it with
 * TORTURE_SEED=<seed> TORTURE_PATH=<path>, or `npm run torture -- --seed <seed>`.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { testTargets, type TestDatabase } from '../support/databases.js';
import { replayable } from './arbitrary.js';
import { fileBench, type Bench } from './harness.js';
import { oracleScenario } from './scenarios.js';

const RUNS = Number(process.env.TORTURE_RUNS ?? 30);

describe.each(await testTargets())('GC against the oracle on $name', (target) => {
  let database: TestDatabase;
  let bench: Bench;
  beforeAll(async () => {
    database = await target.create();
    bench = await fileBench(database.db);
  });
  afterAll(async () => {
    await bench?.close();
    await database?.drop();
  });

  it(`leaves exactly what GC-RULES says on ${RUNS} random hubs`, async () => {
    const scenario = oracleScenario(bench);
    await fc.assert(fc.asyncProperty(scenario.arb, (value) => scenario.run(value).then(() => {})), replayable(RUNS));
  }, 240_000);
});
