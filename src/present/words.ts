import { setNamed, TO_DELETE_SETS } from '../gc/phases/catalog.js';

/** A count and its noun, the one way musehub-gc says how many: `1 commit`, `2,000 commits`. */
export function counted(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? one : many}`;
}

/**
 * The words for what GC finds in a repo, each meaning one thing wherever it is said (the repos
 * list, the hub's totals, the graph, the preview, the confirmations, the results; docs/vocabulary.md):
 * - reachable: a commit one of the repo's roots leads to (a branch head, a release, a wire tag, a
 *   ref younger than the grace period);
 * - orphaned: a commit none of them leads to. reachable + orphaned = every commit of the repo;
 * - to delete: what the plan deletes (commit rows, object rows, bytes), which is what a run of that
 *   plan reports as deleted;
 * - kept: orphaned and not deleted, with the reason (held by a fork, inside the grace period).
 *   orphaned = to delete + kept.
 */
export const WORDS = { reachable: 'reachable', orphaned: 'orphaned', toDelete: 'to delete', kept: 'kept' } as const;

/** Each word and what it means, as the help screen lists them. */
export const MEANINGS: ReadonlyArray<readonly [string, string]> = [
  [WORDS.reachable, 'a commit a branch head, a release, a wire tag or a ref younger than the grace period leads to'],
  [WORDS.orphaned, 'a commit none of them leads to; reachable + orphaned = every commit of the repo'],
  [
    WORDS.toDelete,
    `what the plan deletes (${TO_DELETE_SETS.map((key) => setNamed(key).many).join(', ')}, bytes): ` +
      'what a run of it reports as deleted',
  ],
  [
    WORDS.kept,
    'orphaned and not deleted, and why (held by a fork, inside the grace period); orphaned = to delete + kept',
  ],
];

/** A repo's commits in those words: `35 reachable · 25 orphaned: 13 to delete, 12 kept`. */
export function describeCommits(counts: { reachable: number; orphaned: number; toDelete: number }): string {
  const number = (count: number) => count.toLocaleString('en-US');
  return (
    `${number(counts.reachable)} ${WORDS.reachable} · ${number(counts.orphaned)} ${WORDS.orphaned}: ` +
    `${number(counts.toDelete)} ${WORDS.toDelete}, ${number(counts.orphaned - counts.toDelete)} ${WORDS.kept}`
  );
}
