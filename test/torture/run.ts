/**
 * `npm run torture`: thousands of random cases, each with its own seed so any
 * failure replays alone.
 *
 *   npm run torture -- [--count 1000] [--seed 42] [--size 30]
 *                      [--scenarios oracle,kill,pg,race,s3-fail,s3-lie] [--target pglite|postgres]
 *
 * Prints, per scenario, the cases run, faults injected and failures found, and for
 * each failure the seed to replay it with `--seed <seed> --count 1`. Exits 1 on a failure.
 */
import fc from 'fast-check';
import { parseArgs } from 'node:util';
import { openServer } from '../../src/db/connect.js';
import { serverTarget, testTargets, type TestDatabase } from '../support/databases.js';
import { s3Bench } from './faults.js';
import { fileBench, type Bench } from './harness.js';
import {
  droppedConnectionScenario,
  killScenario,
  oracleScenario,
  raceScenario,
  s3FailureScenario,
  s3LieScenario,
  type Scenario,
} from './scenarios.js';

const SERVER_ONLY = ['kill', 'pg', 'race', 's3-fail', 's3-lie'];
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    seed: { type: 'string', default: String(Date.now() % 2 ** 31) },
    size: { type: 'string', default: '30' },
    scenarios: { type: 'string', default: ['oracle', ...SERVER_ONLY].join(',') },
    target: { type: 'string' },
  },
});
const count = Number(values.count);
const seed = Number(values.seed);
const size = Number(values.size);
const wanted = values.scenarios.split(',');

interface Tally {
  cases: number;
  runs: number;
  faults: number;
  failures: Array<{ seed: number; message: string }>;
}

async function play<T>(name: string, scenario: Scenario<T>, cases: number): Promise<Tally> {
  const tally: Tally = { cases: 0, runs: 0, faults: 0, failures: [] };
  for (let i = 0; i < cases; i++) {
    const caseSeed = seed + i;
    const details = await fc.check(
      fc.asyncProperty(scenario.arb, async (value) => {
        tally.runs++;
        tally.faults += await scenario.run(value);
      }),
      { seed: caseSeed, numRuns: 1, interruptAfterTimeLimit: 120_000 },
    );
    tally.cases++;
    if (details.failed) {
      const message = String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance)
        .split('\n')
        .slice(0, 12)
        .join('\n    ');
      tally.failures.push({ seed: caseSeed, message });
      console.log(
        `  ${name}: FAILED seed ${caseSeed} (replay: npm run torture -- --scenarios ${name} --seed ${caseSeed} --count 1)\n    ${message}`,
      );
    }
    if ((i + 1) % 50 === 0)
      console.log(`  ${name}: ${i + 1}/${cases} cases, ${tally.faults} faults, ${tally.failures.length} failures`);
  }
  return tally;
}

const targets =
  values.target === 'postgres'
    ? await serverTarget()
    : (await testTargets()).filter((t) => !values.target || t.name === values.target);
const server = (await serverTarget())[0];
const summary: Array<[string, Tally]> = [];
const databases: TestDatabase[] = [];
const benches: Bench[] = [];
try {
  if (wanted.includes('oracle')) {
    for (const target of targets) {
      const database = await target.create();
      databases.push(database);
      const bench = await fileBench(database.db);
      benches.push(bench);
      summary.push([`oracle on ${target.name}`, await play('oracle', oracleScenario(bench, size), count)]);
    }
  }
  const faulty = wanted.filter((name) => SERVER_ONLY.includes(name));
  if (faulty.length > 0 && !server) console.log('no PostgreSQL server answers: skipping', faulty.join(', '));
  if (faulty.length > 0 && server) {
    const database = await server.create();
    databases.push(database);
    const bench = await fileBench(await openServer(`${database.url}?application_name=torture-bench`));
    benches.push(bench);
    // Fault cases cost a process or a proxy each: a tenth of the count.
    const fewer = Math.max(1, Math.ceil(count / 10));
    const s3 = faulty.some((name) => name.startsWith('s3')) ? await s3Bench(bench.db) : undefined;
    if (s3) benches.push(s3);
    const scenarios: Record<string, () => Scenario<never>> = {
      kill: () => killScenario(bench, database.url, size) as Scenario<never>,
      pg: () => droppedConnectionScenario(bench, database.url, size) as Scenario<never>,
      race: () => raceScenario(bench, database.url, size) as Scenario<never>,
      's3-fail': () => s3FailureScenario(s3!, size) as Scenario<never>,
      's3-lie': () => s3LieScenario(s3!, size) as Scenario<never>,
    };
    for (const name of faulty) summary.push([name, await play(name, scenarios[name]!(), fewer)]);
  }
} finally {
  for (const bench of benches.reverse()) await bench.close().catch(() => {});
  for (const database of databases) await database.drop().catch(() => {});
}

console.log(`\ntorture, seed ${seed}, size ${size}:`);
for (const [name, tally] of summary) {
  console.log(
    `  ${name.padEnd(20)} ${String(tally.cases).padStart(6)} cases (${tally.runs} runs with shrinking)  ${String(tally.faults).padStart(6)} faults injected  ` +
      `${tally.failures.length} failures${tally.failures.length ? ` (seeds ${tally.failures.map((f) => f.seed).join(', ')})` : ''}`,
  );
}
process.exit(summary.some(([, tally]) => tally.failures.length > 0) ? 1 : 0);
