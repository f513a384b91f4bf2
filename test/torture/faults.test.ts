/**
 * Random hubs under faults, on the real server: a GC process SIGKILLed at a random
 * event, its PostgreSQL connections terminated mid-phase, S3 throttling, failing
 * and lying deletes, and a pusher racing it. After a rerun the database and the
 * store must match the oracle exactly (a lying delete may only leave its own keys),
 * and after a race no ref may point at a missing row nor a row at a missing blob.
 * Each test also requires that its faults were injected at least once.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServer } from '../../src/db/connect.js';
import { serverTarget, type TestDatabase } from '../support/databases.js';
import { replayable } from './arbitrary.js';
import { s3Bench } from './faults.js';
import { fileBench, type Bench } from './harness.js';
import {
  droppedConnectionScenario,
  killScenario,
  raceScenario,
  s3FailureScenario,
  s3LieScenario,
  type Scenario,
} from './scenarios.js';

const RUNS = Number(process.env.TORTURE_FAULT_RUNS ?? 5);

/** Runs a scenario as a property; resolves to the faults injected over all its runs. */
async function torture<T>(scenario: Scenario<T>): Promise<number> {
  let faults = 0;
  await fc.assert(
    fc.asyncProperty(scenario.arb, async (value) => {
      faults += await scenario.run(value);
    }),
    replayable(RUNS),
  );
  return faults;
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
    expect(await torture(killScenario(bench, database.url))).toBeGreaterThan(0);
  }, 240_000);

  it("converges to the oracle after the GC's PostgreSQL connections are terminated mid-phase", async () => {
    expect(await torture(droppedConnectionScenario(bench, database.url))).toBeGreaterThan(0);
  }, 240_000);

  it('never leaves a ref to a missing row or a row to a missing blob while a pusher races GC', async () => {
    expect(await torture(raceScenario(bench, database.url))).toBeGreaterThan(0);
  }, 240_000);

  describe('with S3 behind the fault proxy', () => {
    let s3: Awaited<ReturnType<typeof s3Bench>>;
    beforeAll(async () => {
      s3 = await s3Bench(bench.db);
    });
    afterAll(async () => {
      await s3?.close();
    });

    it('rides out throttling, reports each failed delete, and a rerun converges', async () => {
      expect(await torture(s3FailureScenario(s3))).toBeGreaterThan(0);
    }, 240_000);

    it('lets a delete that lies leave only its own keys', async () => {
      expect(await torture(s3LieScenario(s3))).toBeGreaterThan(0);
    }, 240_000);
  });
});
