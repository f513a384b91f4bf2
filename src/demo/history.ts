/**
 * One generator of commit history for every generated hub: a chain of commits
 * on a repo, with side commits merged back, a new snapshot every few commits
 * that replaces some files with new objects. Manifests stay bounded (the file
 * tree has a fixed set of paths) and each object sits in a few manifests only.
 */
import type { HubBuilder, Manifest } from './hub-builder.js';

export interface ChainSpec {
  repoId: string;
  /** Names the chain's commits and objects; unique in the hub. */
  name: string;
  count: number;
  /** The paths of the file tree; the first snapshot creates every one. */
  paths: readonly string[];
  /** The timestamp (and row creation time) of the i-th commit. */
  at: (i: number) => Date;
  /** A new snapshot every this many commits; the others share the previous one. */
  snapshotEvery: number;
  /** Files a new snapshot replaces. */
  churn: number;
  /** Every this many commits, a side commit and its merge; 0 for a straight line. */
  mergeEvery: number;
  messages: readonly string[];
  /** The first author writes most commits. */
  authors: readonly string[];
}

/** Where a chain stands; a chain continues from it, and a copy lets two chains fork from one point. */
export interface ChainState {
  tip: string | null;
  tipParent: string | null;
  files: Manifest;
  snapshotId: string | null;
  /** Snapshots taken so far, which picks the files the next one replaces. */
  turns: number;
}

export interface ChainCommit {
  commitId: string;
  index: number;
  kind: 'commit' | 'side' | 'merge';
  snapshotId: string | null;
  /** Objects first stored by this commit. */
  newObjects: string[];
  /** The chain's state right after this commit: live, so copy it (forkChain) to grow from here later. */
  state: ChainState;
}

/** A state with no history yet. */
export function emptyChain(): ChainState {
  return { tip: null, tipParent: null, files: {}, snapshotId: null, turns: 0 };
}

/** A copy of `state` to grow a second chain from the same point. */
export function forkChain(state: ChainState): ChainState {
  return { ...state, files: { ...state.files } };
}

/** Adds `spec.count` commits to the builder, advancing `state`; yields each commit as it is added. */
export function* growChain(builder: HubBuilder, spec: ChainSpec, state: ChainState): Generator<ChainCommit> {
  let side: string | null = null;
  for (let index = 0; index < spec.count; index++) {
    const at = spec.at(index);
    const newObjects = index % spec.snapshotEvery === 0 ? retake(builder, spec, state, index, at) : [];
    const phase = spec.mergeEvery > 0 ? index % spec.mergeEvery : -1;
    const kind: ChainCommit['kind'] =
      side && phase === spec.mergeEvery - 1 ? 'merge' : state.tip && phase === spec.mergeEvery - 2 ? 'side' : 'commit';
    const parents =
      kind === 'merge'
        ? [state.tip!, side!]
        : kind === 'side'
          ? [state.tipParent ?? state.tip!]
          : state.tip
            ? [state.tip]
            : [];
    const commitId = builder.commit(spec.repoId, `${spec.name}/${index}`, {
      parents,
      message: messageFor(spec, index, kind),
      author: authorFor(spec, index, kind),
      at,
      snapshotId: state.snapshotId,
    });
    if (kind === 'side') {
      side = commitId;
    } else {
      side = null;
      state.tipParent = state.tip;
      state.tip = commitId;
    }
    yield { commitId, index, kind, snapshotId: state.snapshotId, newObjects, state };
  }
}

/** A new snapshot: every missing path, or `churn` existing ones, get new objects. */
function retake(builder: HubBuilder, spec: ChainSpec, state: ChainState, index: number, at: Date): string[] {
  const missing = spec.paths.filter((path) => !(path in state.files));
  const changed =
    missing.length > 0
      ? missing
      : Array.from(
          { length: Math.min(spec.churn, spec.paths.length) },
          (_, j) => spec.paths[(state.turns * spec.churn + j) % spec.paths.length]!,
        );
  const newObjects = changed.map((path) => {
    const objectId = builder.object(spec.repoId, `${spec.name}/${index}/${path}`, at);
    state.files[path] = objectId;
    return objectId;
  });
  state.turns++;
  state.snapshotId = builder.snapshot(state.files, at);
  return newObjects;
}

function messageFor(spec: ChainSpec, index: number, kind: ChainCommit['kind']): string {
  if (kind === 'merge') return `Merge branch 'idea-${index}'`;
  const message = spec.messages[index % spec.messages.length]!;
  const take = Math.floor(index / spec.messages.length) + 1;
  return take > 1 ? `${message}, take ${take}` : message;
}

function authorFor(spec: ChainSpec, index: number, kind: ChainCommit['kind']): string {
  const guest = kind === 'side' || index % 4 === 3;
  return spec.authors[guest ? 1 % spec.authors.length : 0]!;
}

export interface ForcePushSpec extends Omit<ChainSpec, 'name' | 'count' | 'at'> {
  /** Names the repo's commits and objects; unique in the hub. */
  name: string;
  /** Commits both the old and the new history share. */
  base: number;
  /** Commits of the old history that the force push left behind. */
  orphaned: number;
  /** Commits the force push brought. */
  rewritten: number;
  /** The timestamp of the n-th commit over base, then orphaned, then rewritten. */
  at: (n: number) => Date;
}

export interface HistoryCommit extends ChainCommit {
  part: 'base' | 'orphaned' | 'rewritten';
}

/** Where a force-pushed history ends: the branch head now, and the head it replaced. */
export interface ForcePushTips {
  head: string | null;
  oldHead: string | null;
}

/**
 * A history that a force push rewrote: a shared base, then the old chain (now
 * reachable from nothing of this repo) and the new chain, both grown from the
 * base's last commit. Returns the new head and the old one.
 */
export function* forcePushedHistory(builder: HubBuilder, spec: ForcePushSpec): Generator<HistoryCommit, ForcePushTips> {
  const state = emptyChain();
  const parts = [
    ['base', spec.base, state],
    ['orphaned', spec.orphaned, undefined],
    ['rewritten', spec.rewritten, state],
  ] as const;
  let offset = 0;
  let oldHead: string | null = null;
  for (const [part, count, given] of parts) {
    const partState = given ?? forkChain(state);
    const start = offset;
    const chain = { ...spec, name: `${spec.name}/${part}`, count, at: (i: number) => spec.at(start + i) };
    for (const commit of growChain(builder, chain, partState)) yield { ...commit, part };
    if (part === 'orphaned') oldHead = partState.tip;
    offset += count;
  }
  return { head: state.tip, oldHead };
}
