/**
 * Builds a big hub for benchmarks and prints how long it took.
 *
 *   tsx bench/build-hub.ts --commits 1000000 [--objects N] [--orphan-fraction 0.5] --database-url URL
 *   tsx bench/build-hub.ts --repos 10000 --database-url URL
 *
 * The database must hold MuseHub's tables. With --scratch instead of a URL, a fresh
 * database is created on the server at TEST_DATABASE_URL (as the tests do), built
 * into, measured and dropped.
 */
import { parseArgs } from 'node:util';
import { openServer } from '../src/db/connect.js';
import { buildBigRepo, buildManyRepos, type BuildStats } from '../src/demo/big-hub.js';
import { openBlobStore } from '../src/storage/open.js';
import { serverTarget } from '../test/support/databases.js';

const { values } = parseArgs({
  options: {
    commits: { type: 'string' },
    objects: { type: 'string' },
    'orphan-fraction': { type: 'string', default: '0.5' },
    repos: { type: 'string' },
    'database-url': { type: 'string', default: process.env.DATABASE_URL },
    blobs: { type: 'string' },
    scratch: { type: 'boolean', default: false },
  },
});

const url = values['database-url'];
if ((!url && !values.scratch) || (!values.commits && !values.repos)) {
  console.error(
    'usage: tsx bench/build-hub.ts (--commits N [--objects N] [--orphan-fraction F] | --repos N) ' +
      '(--database-url URL | --scratch) [--blobs STORAGE_URL]',
  );
  process.exit(2);
}

const scratch = values.scratch ? await (await serverTarget())[0]?.create() : undefined;
if (values.scratch && !scratch) {
  console.error('--scratch needs PostgreSQL at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)');
  process.exit(2);
}
const db = scratch?.db ?? (await openServer(url!));
const store = values.blobs ? await openBlobStore(values.blobs) : undefined;
try {
  const started = performance.now();
  const stats: BuildStats = values.repos
    ? await buildManyRepos(db, { repos: Number(values.repos) }, { store })
    : await buildBigRepo(
        db,
        {
          commits: Number(values.commits),
          objects: Number(values.objects ?? values.commits),
          orphanFraction: Number(values['orphan-fraction']),
        },
        { store },
      );
  const seconds = (performance.now() - started) / 1000;
  const rows = stats.commits * 2 + stats.objects * 2 + stats.snapshots;
  console.log(
    JSON.stringify({
      ...stats,
      seconds: Number(seconds.toFixed(1)),
      commitsPerSecond: Math.round(stats.commits / seconds),
      rowsPerSecond: Math.round(rows / seconds),
    }),
  );
} finally {
  await store?.close();
  await (scratch ? scratch.drop() : db.close());
}
