/**
 * Big hubs for benchmarks, from the demo hub's generator with size parameters:
 * one repo with a long force-pushed history, or many small force-pushed repos.
 * Rows stream to the database in chunks (COPY on a server), never all at once.
 */
import type { Database } from '../db/connect.js';
import { UsageError } from '../errors.js';
import type { BlobStore } from '../storage/blob-store.js';
import { forcePushedHistory } from './history.js';
import { HubBuilder } from './hub-builder.js';
import { loadHubChunks, type LoadOptions } from './load.js';
import type { HubRows } from './rows.js';

export interface RepoShape {
  commits: number;
  /** Objects wanted; the build gets close (a snapshot adds `files / 2` at a time). */
  objects: number;
  /** Share of the commits a force push left behind (0.5: half). */
  orphanFraction?: number;
  /** Paths in each snapshot's manifest. */
  files?: number;
  /** A side commit and its merge every this many commits; 0 for none. */
  mergeEvery?: number;
}

export interface BuildOptions extends LoadOptions {
  /** Where blobs go; without a store no blob is written (row sizes stay as they would be). */
  store?: BlobStore;
  /** Timestamps end an hour and a bit before this. */
  now?: Date;
  /** Rows gathered before a chunk goes to the database. */
  chunkRows?: number;
}

/** What a build wrote. */
export interface BuildStats {
  repos: number;
  commits: number;
  orphanedCommits: number;
  objects: number;
  orphanedObjects: number;
  snapshots: number;
}

const OWNERS = [
  'lowend',
  'bigband',
  'tenor',
  'keystrio',
  'piano',
  'drums',
  'vocal',
  'strings',
  'guitar',
  'choir',
  'brass',
  'synth',
];
const TUNES = [
  'blue-in-green',
  'caravan',
  'giant-steps',
  'solar',
  'moanin',
  'round-midnight',
  'so-what',
  'naima',
  'footprints',
  'nardis',
  'alone-together',
  'stella',
  'autumn-leaves',
  'take-five',
  'spain',
  'oleo',
];
const MESSAGES = [
  'Bass line',
  'Piano comping',
  'Tempo map',
  'Drum fills',
  'Horn voicings',
  'Rough mix',
  'Solo take',
  'Fix the changes',
  'Reharmonise the bridge',
  'Master bus',
];
const AUTHORS = ['lowend', 'keystrio', 'tenor'];
const MINUTE = 60_000;

/** One repo, `owner/slug`, with a long history of which `orphanFraction` a force push left behind. */
export async function buildBigRepo(
  db: Database,
  shape: RepoShape & { owner?: string; slug?: string },
  options: BuildOptions = {},
): Promise<BuildStats> {
  return build(db, [{ ...shape, owner: shape.owner ?? 'bigband', slug: shape.slug ?? 'long-history' }], options);
}

/** `repos` small force-pushed repos, `commits` and `objects` each (defaults 20 and 24). */
export async function buildManyRepos(
  db: Database,
  shape: Partial<RepoShape> & { repos: number },
  options: BuildOptions = {},
): Promise<BuildStats> {
  const repos = function* () {
    for (let i = 0; i < shape.repos; i++) {
      const turn = Math.floor(i / OWNERS.length);
      yield {
        commits: 20,
        objects: 24,
        orphanFraction: 0.25,
        files: 6,
        mergeEvery: 8,
        ...shape,
        owner: OWNERS[i % OWNERS.length]!,
        slug: `${TUNES[turn % TUNES.length]}-${Math.floor(turn / TUNES.length)}`,
      };
    }
  };
  return build(db, repos(), options);
}

async function build(
  db: Database,
  repos: Iterable<RepoShape & { owner: string; slug: string }>,
  options: BuildOptions,
): Promise<BuildStats> {
  const stats: BuildStats = { repos: 0, commits: 0, orphanedCommits: 0, objects: 0, orphanedObjects: 0, snapshots: 0 };
  const builder = new HubBuilder(options.now ?? new Date(), options.store !== undefined);
  const chunkRows = options.chunkRows ?? 100_000;
  function* chunks(): Generator<HubRows> {
    for (const repo of repos) {
      for (const _ of repoHistory(builder, repo, stats)) {
        if (builder.pending >= chunkRows) yield builder.drain();
      }
    }
    yield builder.drain();
  }
  await loadHubChunks(db, chunks(), options.store, options);
  return stats;
}

/** Adds one force-pushed repo to the builder, counting what it adds; yields after each commit. */
function* repoHistory(
  builder: HubBuilder,
  repo: RepoShape & { owner: string; slug: string },
  stats: BuildStats,
): Generator<void> {
  const fraction = repo.orphanFraction ?? 0.5;
  if (!(repo.commits >= 2 && fraction >= 0 && fraction < 1 && repo.objects >= 1)) {
    throw new UsageError(
      `cannot build ${repo.owner}/${repo.slug} with ${repo.commits} commits, ${repo.objects} objects ` +
        `and orphan fraction ${fraction}: give at least 2 commits, 1 object and a fraction in [0, 1)`,
    );
  }
  const files = repo.files ?? 12;
  const churn = Math.max(1, Math.floor(files / 2));
  const snapshots = Math.max(1, Math.round((repo.objects - files) / churn) + 1);
  const orphaned = Math.min(repo.commits - 2, Math.round(repo.commits * fraction));
  const live = repo.commits - orphaned;
  const rewritten = Math.min(live - 1, Math.max(1, Math.floor(live / 10)));
  // History ends an hour and a bit ago, one minute a commit: all of it is past the default grace period.
  const end = builder.now.getTime() - 61 * MINUTE;
  const at = (n: number) => new Date(end - (repo.commits - 1 - n) * MINUTE);
  const repoId = builder.repo(repo.owner, repo.slug, repo.slug, at(0), at(repo.commits - 1));
  const history = forcePushedHistory(builder, {
    repoId,
    name: `${repo.owner}/${repo.slug}`,
    base: live - rewritten,
    orphaned,
    rewritten,
    at,
    paths: Array.from({ length: files }, (_, i) => `${['bass', 'piano', 'drums', 'horns'][i % 4]}/part-${i}.wav`),
    snapshotEvery: Math.max(1, Math.round(repo.commits / snapshots)),
    churn,
    mergeEvery: repo.mergeEvery ?? 50,
    messages: MESSAGES,
    authors: AUTHORS,
  });
  stats.repos++;
  let step = history.next();
  for (; !step.done; step = history.next()) {
    const commit = step.value;
    stats.commits++;
    stats.objects += commit.newObjects.length;
    if (commit.newObjects.length > 0) stats.snapshots++;
    if (commit.part === 'orphaned') {
      stats.orphanedCommits++;
      stats.orphanedObjects += commit.newObjects.length;
    }
    yield;
  }
  builder.branch(repoId, 'main', step.value.head);
}
