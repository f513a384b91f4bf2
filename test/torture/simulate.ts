/**
 * Builds a hub the way MuseHub's users do: by pushing, forking, force pushing,
 * tagging and abandoning uploads. Every choice is an index into what exists at
 * that moment, so any list of actions is a valid history and shrinks well.
 */
import {
  defaultKey,
  hexId,
  uuidFor,
  type CommitModel,
  type CorruptForm,
  type HubModel,
  type Manifest,
  type RepoModel,
} from './hub-model.js';

export type Action =
  | {
      kind: 'push';
      repo: number;
      branch: number;
      commits: number;
      files: number[];
      /** Merge the head of another branch (of any repo) into the first new commit. */
      merge: number | null;
      /** Reuse an existing snapshot instead of writing a new one. */
      shareSnapshot: number | null;
      corrupt: CorruptForm | null;
      /** The commit names a snapshot that has no row. */
      missingSnapshot: boolean;
      /** A root commit whose parent was never pushed (shallow history). */
      shallow: boolean;
      /** Refs written but the branch not moved: a push in flight, or abandoned when old. */
      inflight: boolean;
    }
  | { kind: 'force-push'; repo: number; branch: number; back: number }
  | { kind: 'delete-branch'; repo: number; branch: number }
  | { kind: 'fork'; repo: number }
  | { kind: 'release'; repo: number; commit: number; form: 'both' | 'commit' | 'snapshot' }
  | { kind: 'wire-tag'; repo: number; commit: number }
  | { kind: 'upload'; repo: number; count: number; reuse: number | null; blob: boolean }
  | { kind: 'cache'; repo: number; reuse: number | null; expired: boolean; blob: boolean }
  | { kind: 'stray-blob' }
  | { kind: 'lose-blob'; object: number }
  | { kind: 'rot'; snapshot: number; form: CorruptForm }
  | { kind: 'pin'; repo: number; commit: number };

/** A history: how many repos start it, what happened long ago, and what happened within the grace period. */
export interface History {
  repos: number;
  old: Action[];
  recent: Action[];
}

export function emptyHub(): HubModel {
  return {
    repos: [],
    branches: [],
    commits: [],
    commitRefs: [],
    snapshots: [],
    objects: [],
    objectRefs: [],
    releases: [],
    wireTags: [],
    cache: [],
    blobs: [],
  };
}

/** Plays a history into a hub. */
export function simulate(history: History): HubModel {
  const hub = emptyHub();
  let counter = 0;
  const next = (what: string) => `${what} ${counter++}`;
  const pick = <T>(items: readonly T[], index: number): T | undefined => items[index % Math.max(items.length, 1)];
  const commitById = (id: string) => hub.commits.find((c) => c.id === id);
  const snapshotById = (id: string | null) => hub.snapshots.find((s) => s.id === id);
  const addBlob = (key: string) => {
    if (!hub.blobs.includes(key)) hub.blobs.push(key);
  };
  let recent = false;

  const newRepo = (owner: string, slug: string): RepoModel => {
    const repo = { id: uuidFor(next('repo')), owner, slug };
    hub.repos.push(repo);
    return repo;
  };
  const newObject = (size: number, blob: boolean): string => {
    const n = counter;
    const id = `sha256:${hexId(next('object'))}`;
    const located = n % 5 >= 3;
    const key = n % 5 === 4 ? `objects/legacy/${id.slice(7)}` : defaultKey(id);
    hub.objects.push({ id, size, recent, located, key });
    if (blob) addBlob(key);
    return id;
  };
  const holdObject = (repoId: string, objectId: string) => {
    if (!hub.objectRefs.some((r) => r.repoId === repoId && r.id === objectId))
      hub.objectRefs.push({ repoId, id: objectId, recent });
  };
  const holdSnapshotObjects = (repoId: string, snapshotId: string | null) => {
    for (const [, objectId] of snapshotById(snapshotId)?.manifest.entries ?? []) {
      if (hub.objects.some((o) => o.id === objectId)) holdObject(repoId, objectId);
    }
  };
  // A push or fork gives the repo refs to the whole history it now holds, and to its objects.
  const holdHistory = (repoId: string, commitId: string) => {
    for (const stack = [commitId]; stack.length > 0; ) {
      const commit = commitById(stack.pop()!);
      if (!commit || hub.commitRefs.some((r) => r.repoId === repoId && r.id === commit.id)) continue;
      hub.commitRefs.push({ repoId, id: commit.id, recent });
      holdSnapshotObjects(repoId, commit.snapshot);
      stack.push(...commit.parents);
    }
  };
  const heldCommits = (repoId: string) => hub.commitRefs.filter((r) => r.repoId === repoId).map((r) => r.id);

  const push = (action: Extract<Action, { kind: 'push' }>) => {
    const repo = pick(hub.repos, action.repo)!;
    const branches = hub.branches.filter((b) => b.repoId === repo.id);
    let branch = branches[action.branch % (branches.length + 1)];
    if (!branch) {
      branch = {
        id: uuidFor(next('branch')),
        repoId: repo.id,
        name: `feature-${counter}`,
        head: branches[0]?.head ?? null,
      };
      hub.branches.push(branch);
    }
    let parent = branch.head;
    for (let i = 0; i < Math.max(1, action.commits); i++) {
      const parents = parent ? [parent] : action.shallow ? [hexId(next('never pushed'))] : [];
      const other = action.merge === null || i > 0 ? undefined : pick(hub.branches, action.merge)?.head;
      if (other && !parents.includes(other)) parents.push(other);
      const commit: CommitModel = {
        id: hexId(next('commit')),
        parents,
        snapshot: null,
        message: `change ${counter}`,
        recent,
      };
      commit.snapshot = snapshotFor(action, parent ? (commitById(parent)?.snapshot ?? null) : null, i);
      hub.commits.push(commit);
      holdHistory(repo.id, commit.id);
      parent = commit.id;
    }
    if (!action.inflight) branch.head = parent;
  };
  const snapshotFor = (action: Extract<Action, { kind: 'push' }>, base: string | null, i: number): string | null => {
    if (action.shareSnapshot !== null && hub.snapshots.length > 0)
      return pick(hub.snapshots, action.shareSnapshot + i)!.id;
    if (action.missingSnapshot) return hexId(next('snapshot never written'));
    const entries = new Map(snapshotById(base)?.manifest.entries ?? []);
    for (const f of action.files) {
      const reuse = f % 3 === 0 && hub.objects.length > 0 ? pick(hub.objects, f)!.id : undefined;
      entries.set(`track${f % 5}.mid`, reuse ?? newObject(100 + f * 37, f % 11 !== 10));
    }
    const manifest: Manifest =
      action.corrupt === null || i > 0
        ? { kind: 'ok', entries: [...entries] }
        : { kind: 'corrupt', form: action.corrupt, entries: [...entries] };
    const id = hexId(next('snapshot'));
    hub.snapshots.push({ id, manifest, recent });
    return id;
  };

  const play = (action: Action) => {
    const repo = pick(hub.repos, 'repo' in action ? action.repo : 0)!;
    const repoBranches = hub.branches.filter((b) => b.repoId === repo.id);
    switch (action.kind) {
      case 'push':
        return push(action);
      case 'force-push': {
        const branch = pick(repoBranches, action.branch);
        for (let k = 0; branch?.head && k < action.back; k++) {
          const parent = commitById(branch.head)?.parents[0];
          if (!parent || !commitById(parent)) break;
          branch.head = parent;
        }
        return;
      }
      case 'delete-branch': {
        const branch = pick(repoBranches, action.branch);
        if (branch) hub.branches.splice(hub.branches.indexOf(branch), 1);
        return;
      }
      case 'fork': {
        const fork = newRepo(`fork${counter}`, repo.slug);
        for (const b of repoBranches) {
          hub.branches.push({ id: uuidFor(next('branch')), repoId: fork.id, name: b.name, head: b.head });
          if (b.head) holdHistory(fork.id, b.head);
        }
        return;
      }
      case 'release': {
        const commit = commitById(pick(heldCommits(repo.id), action.commit) ?? '');
        if (!commit) return;
        hub.releases.push({
          id: uuidFor(next('release')),
          repoId: repo.id,
          tag: `v${counter}`,
          commitId: action.form === 'snapshot' ? null : commit.id,
          snapshotId: action.form === 'commit' ? null : commit.snapshot,
        });
        return;
      }
      case 'wire-tag': {
        const commitId = pick(heldCommits(repo.id), action.commit);
        if (commitId)
          hub.wireTags.push({ id: uuidFor(next('tag')), repoId: repo.id, tag: `emotion:${counter}`, commitId });
        return;
      }
      case 'upload': {
        for (let i = 0; i < Math.max(1, action.count); i++) {
          const reused = action.reuse === null ? undefined : pick(hub.objects, action.reuse + i)?.id;
          const objectId = reused ?? newObject(50 + i, action.blob);
          if (reused && action.blob) addBlob(hub.objects.find((o) => o.id === reused)!.key);
          holdObject(repo.id, objectId);
        }
        return;
      }
      case 'cache': {
        const mpackId =
          action.reuse === null || hub.cache.length === 0
            ? `sha256:${hexId(next('mpack'))}`
            : pick(hub.cache, action.reuse)!.mpackId;
        const key = defaultKey(mpackId);
        hub.cache.push({
          id: uuidFor(next('cache')),
          repoId: repo.id,
          mpackId,
          key,
          size: 1000 + counter,
          expired: action.expired,
        });
        if (action.blob) addBlob(key);
        return;
      }
      case 'stray-blob':
        return addBlob(defaultKey(`sha256:${hexId(next('stray'))}`));
      case 'lose-blob': {
        const key = pick(hub.objects, action.object)?.key;
        hub.blobs = hub.blobs.filter((k) => k !== key);
        return;
      }
      case 'rot': {
        const snapshot = pick(hub.snapshots, action.snapshot);
        if (snapshot) snapshot.manifest = { kind: 'corrupt', form: action.form, entries: snapshot.manifest.entries };
        return;
      }
      case 'pin': {
        // Another repo tags a commit it holds no ref for: only the tag keeps the row.
        const commit = pick(hub.commits, action.commit);
        if (!commit || hub.commitRefs.some((r) => r.repoId === repo.id && r.id === commit.id)) return;
        hub.wireTags.push({ id: uuidFor(next('tag')), repoId: repo.id, tag: `pinned:${counter}`, commitId: commit.id });
        for (const parent of commit.parents) holdHistory(repo.id, parent);
        holdSnapshotObjects(repo.id, commit.snapshot);
        return;
      }
    }
  };

  for (let i = 0; i < Math.max(1, history.repos); i++) {
    const repo = newRepo(`owner${i}`, `song-${i}`);
    hub.branches.push({ id: uuidFor(next('branch')), repoId: repo.id, name: 'main', head: null });
  }
  history.old.forEach(play);
  recent = true;
  history.recent.forEach(play);
  hub.blobs.sort();
  return hub;
}
