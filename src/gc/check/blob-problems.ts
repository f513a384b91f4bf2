/**
 * Rows whose blob is not in the store: the repo's fetch-pack cache rows, or the objects
 * it refs. Rows are read a page at a time in id order, and each page's blobs are looked
 * up in parallel while the next page is read, so memory stays at a page whatever the repo.
 */
import { messageOf } from '../../errors.js';
import { keyForId, type BlobStore } from '../../storage/blob-store.js';
import { forEachLimited } from '../../storage/pool.js';
import type { Session } from '../session.js';
import type { RepoIdentity } from '../types.js';
import { EXAMPLES } from './row-problems.js';
import type { CheckProblem } from './types.js';

/** Rows per page. */
const PAGE = 1000;
/** Blob lookups in flight: a HEAD each on S3, a stat on a directory. */
const LOOKUPS_IN_FLIGHT = 32;

interface BlobRow {
  /** The row: a cache_id or an object_id. */
  id: string;
  /** The blob's id: the mpack_id or object_id. */
  blob: string;
  uri: string | null;
}

const SOURCES = {
  cache: {
    kind: 'cache-blob-missing',
    count: 'select count(*)::int as total from musehub_fetch_mpack_cache where repo_id = ?',
    page: `select cache_id as id, mpack_id as blob, null as uri from musehub_fetch_mpack_cache
           where repo_id = ? and cache_id > ? order by cache_id limit ?`,
  },
  objects: {
    kind: 'object-blob-missing',
    count: 'select count(*)::int as total from musehub_object_refs where repo_id = ?',
    page: `select r.object_id as id, r.object_id as blob, o.storage_uri as uri
           from musehub_object_refs r join musehub_objects o on o.object_id = r.object_id
           where r.repo_id = ? and r.object_id > ? order by r.object_id limit ?`,
  },
} as const;

/** Progress as rows are looked up. */
export interface BlobProgress {
  done: number;
  total: number;
}

/** Looks up the blob of each of the repo's cache rows or refd objects; yields progress, returns what is missing. */
export async function* missingBlobs(
  session: Session,
  store: BlobStore,
  repo: RepoIdentity,
  source: keyof typeof SOURCES,
): AsyncGenerator<BlobProgress, CheckProblem> {
  const { kind, count, page } = SOURCES[source];
  const { total } = await session.one<{ total: number }>(count, [repo.repoId]);
  const read = (after: string) => session.rows<BlobRow>(page, [repo.repoId, after, PAGE]);
  const problem: CheckProblem = { kind, count: 0, examples: [] };
  let done = 0;
  // '' sorts before every id.
  let next = read('');
  for (;;) {
    const rows = await next;
    if (rows.length === 0) break;
    next = rows.length === PAGE ? read(rows.at(-1)!.id) : Promise.resolve([]);
    const found = new Array<string | undefined>(rows.length);
    await forEachLimited(rows, LOOKUPS_IN_FLIGHT, async (row, index) => {
      try {
        if (!(await store.exists({ id: row.blob, storageUri: row.uri })))
          found[index] = `no blob at ${row.uri ?? keyForId(row.blob)}`;
      } catch (error) {
        found[index] = `cannot be looked up: ${messageOf(error)}`;
      }
    });
    rows.forEach((row, index) => {
      const detail = found[index];
      if (detail === undefined) return;
      problem.count++;
      if (problem.examples.length < EXAMPLES) problem.examples.push({ id: row.id, detail });
    });
    done += rows.length;
    yield { done, total };
  }
  return problem;
}
