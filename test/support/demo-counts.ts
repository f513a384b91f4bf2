/**
 * What GC should find in the demo hub's force-pushed repo, counted from how
 * src/demo/demo-hub.ts builds it rather than by asking the engine.
 *
 * blueInGreen() grows a base of 15 commits, then an old chain of 36 (indices 0-35) and
 * a new one of 6 from the base's tip; a side commit at every index ≡ 3 (mod 5), merged
 * at the next; a snapshot at every even index, replacing 3 of the 8 files with new
 * objects. The old chain is what the force push left:
 * - the release v1.0-rc pins its 9th mainline commit (index 10): indices 0-10 stay live;
 * - the fork holds it up to its 19th mainline commit (index 22), with those commits'
 *   objects: indices 11-22 lose this repo's refs but keep their rows;
 * - indices 23-35 go: 13 commits, the 6 snapshots taken at 24-34, and the 18 objects
 *   those snapshots brought.
 * Objects new at indices 12-34 (12 snapshots, 36 objects) lose this repo's refs.
 * Reachable: the base, the new chain, the old chain's first 11, and the 3 commits of the
 * deleted `solo` branch a wire tag holds: 35. Of the cache, two rows have expired; one
 * shares its mpack with the fork's fresh row, so one blob goes.
 */
import { unpack } from 'msgpackr';
import { hexId } from '../../src/demo/ids.js';
import type { HubRows } from '../../src/demo/rows.js';

export const BLUE_IN_GREEN = {
  reachableCommits: 35,
  /** Commits of the repo that nothing of it reaches. */
  orphanedCommits: 25,
  keptForFork: 12,
  commitRefs: 25,
  commits: 13,
  snapshots: 6,
  objectRefs: 36,
  objects: 18,
  cacheRows: 2,
} as const;

/** The bytes GC frees in the force-pushed repo: the objects the old chain's tail brought, and the one mpack no fresh row names. */
export function blueInGreenBytes(rows: HubRows): number {
  const manifest = (index: number): Record<string, string> => {
    const commit = rows.commits!.find((row) => row.commitId === hexId('commit', `blue-in-green/orphaned/${index}`))!;
    return unpack(rows.snapshots!.find((row) => row.snapshotId === commit.snapshotId)!.manifestBlob!) as Record<
      string,
      string
    >;
  };
  const forkHolds = new Set(Object.values(manifest(22)));
  const tail = new Set<string>();
  for (let index = 23; index <= 35; index++) {
    for (const objectId of Object.values(manifest(index))) if (!forkHolds.has(objectId)) tail.add(objectId);
  }
  if (tail.size !== BLUE_IN_GREEN.objects)
    throw new Error(`the old chain's tail brought ${tail.size} objects, not ${BLUE_IN_GREEN.objects}`);
  const objectBytes = rows
    .objects!.filter((row) => tail.has(row.objectId))
    .reduce((sum, row) => sum + row.sizeBytes, 0);
  const expired = rows.fetchCache!.find((row) => row.wantHash === hexId('want', 'main@before-force-push'))!;
  return objectBytes + expired.sizeBytes;
}
