/** Small histories the GC tests build: lines of commits, and a repo a force push left a chain behind in. */
import type { HubBuilder } from '../../src/demo/hub-builder.js';
import type { Fixture } from './gc-fixture.js';

export const OLD = 600; // minutes ago: well before any grace cutoff
export const RECENT = 10; // minutes ago: inside the default one-hour grace period

export interface Line {
  commits: string[];
  objects: string[];
  snapshots: string[];
}

/** A line of `count` commits in `repoId`, each adding one file; `from` is the parent of the first. */
export function line(
  hub: HubBuilder,
  repoId: string,
  name: string,
  count: number,
  options: { from?: string; minutesAgo?: number; base?: Record<string, string> } = {},
): Line {
  const made: Line = { commits: [], objects: [], snapshots: [] };
  let parent = options.from;
  const files = { ...options.base };
  for (let i = 0; i < count; i++) {
    const at = hub.ago((options.minutesAgo ?? OLD) - i);
    const objectId = hub.object(repoId, `${name}-${i}`, at);
    files[`${name}/take-${i}.mid`] = objectId;
    const snapshotId = hub.snapshot({ ...files }, at);
    const commitId = hub.commit(repoId, `${name}-${i}`, {
      parents: parent ? [parent] : [],
      message: `${name} take ${i}`,
      author: 'lowend',
      at,
      snapshotId,
    });
    made.commits.push(commitId);
    made.objects.push(objectId);
    made.snapshots.push(snapshotId);
    parent = commitId;
  }
  return made;
}

/** Loads a repo force-pushed from old[4] back onto old[0] + fresh[0..1]; `extra` adds to the hub. */
export async function loadForcePushed(
  f: Fixture,
  extra?: (hub: HubBuilder, repoId: string, old: Line, fresh: Line) => void,
) {
  let old!: Line;
  let fresh!: Line;
  await f.load((hub) => {
    const repoId = hub.repo('lowend', 'blue-in-green', 'Blue in Green', hub.ago(OLD * 2), hub.ago(OLD - 100));
    old = line(hub, repoId, 'old', 5);
    fresh = line(hub, repoId, 'fresh', 2, { from: old.commits[0], minutesAgo: OLD - 100 });
    hub.branch(repoId, 'main', fresh.commits[1]!);
    extra?.(hub, repoId, old, fresh);
  });
  return { old, fresh };
}
