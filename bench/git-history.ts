/**
 * A real git history, read with git itself in three passes: every blob's size (one
 * cat-file over the object database), every commit with what changed against its first
 * parent (one `git log --raw`), and the tags. Flattened trees are rebuilt from those
 * changes, parents first, so each commit's tree costs only its diff, not a full ls-tree.
 */
import { execFileSync } from 'node:child_process';

export interface GitCommit {
  sha: string;
  tree: string;
  parents: string[];
  /** Author time, seconds since the epoch. */
  at: number;
  author: string;
  subject: string;
  /** Against the first parent (the whole tree for a root): path → blob sha, or null where the path went. */
  changes: Array<[path: string, blob: string | null]>;
}

export interface GitHistory {
  head: string;
  /** Parents before children (git's reverse topological order). */
  commits: GitCommit[];
  blobSizes: Map<string, number>;
  /** Tag name → the commit it peels to. */
  tags: Map<string, string>;
}

/** A gitlink (a submodule's commit) is no blob of this repository. */
const GITLINK = '160000';

function git(dir: string, args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
}

/** The history of HEAD in the repository at `dir`; with `limit`, only its newest `limit` commits (a shallow push). */
export function readGitHistory(dir: string, limit?: number): GitHistory {
  const head = git(dir, ['rev-parse', 'HEAD']).trim();
  const blobSizes = new Map<string, number>();
  for (const line of git(dir, [
    'cat-file',
    '--batch-all-objects',
    '--unordered',
    '--batch-check=%(objecttype) %(objectname) %(objectsize)',
  ]).split('\n')) {
    const [type, sha, size] = line.split(' ');
    if (type === 'blob') blobSizes.set(sha!, Number(size));
  }
  const log = git(dir, [
    'log',
    '--topo-order',
    '--reverse',
    ...(limit ? [`--max-count=${limit}`] : []),
    '--root',
    '-r',
    '--raw',
    '--no-abbrev',
    '--no-renames',
    '--diff-merges=first-parent',
    '-z',
    '--format=%x01%H %T %at %P%x01%an%x01%s',
    'HEAD',
  ]);
  const commits: GitCommit[] = [];
  // -z: a header token, then for each change a token `:mode mode sha sha status` and one of its path.
  const tokens = log.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^\n/, '');
    if (token.startsWith('\x01')) {
      const [ids, author, subject] = token.slice(1).split('\x01');
      // A root's %P is empty: no parents, not one named ''.
      const [sha, tree, at, ...parents] = ids!.split(' ').filter(Boolean);
      commits.push({
        sha: sha!,
        tree: tree!,
        parents,
        at: Number(at),
        author: author!,
        subject: subject ?? '',
        changes: [],
      });
    } else if (token.startsWith(':')) {
      const [, newMode, , blob, status] = token.slice(1).split(' ');
      const path = tokens[++i]!;
      if (newMode === GITLINK) continue;
      commits.at(-1)!.changes.push([path, status === 'D' ? null : blob!]);
    }
  }
  // A commit whose first parent fell outside the limit diffs against a tree we never built: list it whole.
  const imported = new Set(commits.map((commit) => commit.sha));
  for (const commit of commits) {
    if (commit.parents.length === 0 || imported.has(commit.parents[0]!)) continue;
    commit.changes = git(dir, ['ls-tree', '-r', '-z', commit.sha])
      .split('\0')
      .filter(Boolean)
      .flatMap((entry) => {
        const [meta, path] = [entry.slice(0, entry.indexOf('\t')), entry.slice(entry.indexOf('\t') + 1)];
        const [mode, , blob] = meta.split(' ');
        return mode === GITLINK ? [] : [[path, blob!] as [string, string]];
      });
  }
  const tags = new Map<string, string>();
  for (const line of git(dir, ['for-each-ref', '--format=%(refname:short) %(objectname) %(*objectname)', 'refs/tags'])
    .split('\n')
    .filter(Boolean)) {
    const [name, object, peeled] = line.split(' ');
    tags.set(name!, peeled || object!);
  }
  return { head, commits, blobSizes, tags };
}

/**
 * Each commit with its flattened tree (path → blob sha), parents first: its first parent's
 * tree plus its changes. A tree is held only while a later commit still builds on it.
 */
export function* flattenedTrees(history: GitHistory): Generator<[GitCommit, ReadonlyMap<string, string>]> {
  const builtOn = new Map<string, number>();
  for (const [first] of history.commits.map((commit) => commit.parents)) {
    if (first) builtOn.set(first, (builtOn.get(first) ?? 0) + 1);
  }
  const trees = new Map<string, Map<string, string>>();
  for (const commit of history.commits) {
    const first = commit.parents[0];
    const tree = new Map(first === undefined ? undefined : trees.get(first));
    for (const [path, blob] of commit.changes) {
      if (blob === null) tree.delete(path);
      else tree.set(path, blob);
    }
    if (builtOn.has(commit.sha)) trees.set(commit.sha, tree);
    const left = first === undefined ? undefined : builtOn.get(first);
    if (left === 1) trees.delete(first!);
    else if (left !== undefined) builtOn.set(first!, left - 1);
    yield [commit, tree];
  }
}
