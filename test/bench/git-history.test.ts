/**
 * The real-history bench rebuilds every commit's flattened tree from `git log --raw`
 * diffs against the first parent; these compare each one with `git ls-tree -r` on a small
 * repository of a merge, a deletion, a subdirectory, a submodule and an annotated tag.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattenedTrees, readGitHistory } from '../../bench/git-history.js';

let dir: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'a',
      GIT_AUTHOR_EMAIL: 'a@a',
      GIT_COMMITTER_NAME: 'a',
      GIT_COMMITTER_EMAIL: 'a@a',
    },
  }).trim();
const write = (path: string, text: string) => {
  mkdirSync(join(dir, path, '..'), { recursive: true });
  writeFileSync(join(dir, path), text);
};
const commit = (message: string) => {
  git('add', '-A');
  git('commit', '-q', '--allow-empty', '-m', message);
};

/** What git itself lists for a commit's tree, gitlinks left out as the bench leaves them out. */
function lsTree(sha: string): Map<string, string> {
  return new Map(
    git('ls-tree', '-r', sha)
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        const [meta, path] = line.split('\t');
        const [mode, , blob] = meta!.split(' ');
        return mode === '160000' ? [] : [[path!, blob!] as [string, string]];
      }),
  );
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mhgc-git-history-'));
  git('init', '-q', '-b', 'main');
  write('a.txt', 'a');
  write('b.txt', 'bb');
  write('src/c.c', 'int c;');
  commit('root');
  git('checkout', '-q', '-b', 'side');
  write('src/c.c', 'int c = 1;');
  write('src/deep/d.h', '#define D');
  commit('side: change c, add d');
  git('checkout', '-q', 'main');
  write('a.txt', 'a, again');
  rmSync(join(dir, 'b.txt'));
  commit('main: change a, delete b');
  git('tag', '-a', 'v1', '-m', 'v1');
  git('merge', '-q', '--no-ff', '-m', 'merge side', 'side');
  git('update-index', '--add', '--cacheinfo', `160000,${git('rev-parse', 'HEAD')},vendor/sub`);
  git('commit', '-q', '-m', 'a submodule');
  write('src/deep/d.h', '#define D 2');
  commit('after the merge');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readGitHistory and flattenedTrees', () => {
  it("rebuild every commit's tree as git lists it, parents first", () => {
    const history = readGitHistory(dir);
    expect(history.commits).toHaveLength(6);
    expect(history.head).toBe(git('rev-parse', 'HEAD'));
    const seen = new Set<string>();
    for (const [commit, tree] of flattenedTrees(history)) {
      for (const parent of commit.parents) expect(seen.has(parent)).toBe(true);
      seen.add(commit.sha);
      expect(new Map(tree)).toEqual(lsTree(commit.sha));
    }
    expect(history.commits.find((commit) => commit.parents.length === 2)?.subject).toBe('merge side');
  });

  it('lists whole the tree of a commit whose first parent the limit left out', () => {
    const history = readGitHistory(dir, 2);
    expect(history.commits.map((commit) => commit.subject)).toEqual(['a submodule', 'after the merge']);
    for (const [commit, tree] of flattenedTrees(history)) expect(new Map(tree)).toEqual(lsTree(commit.sha));
  });

  it('takes sizes from git and peels annotated tags to their commits', () => {
    const history = readGitHistory(dir);
    expect(history.blobSizes.get(git('rev-parse', 'HEAD:src/deep/d.h'))).toBe('#define D 2'.length);
    expect(history.tags.get('v1')).toBe(git('rev-parse', 'v1^{commit}'));
  });
});
